"""A case state as table rows, and back: the SQL store's mapping, field-driven like `serialize`.

Some fields have a column (to index, filter or diff them); every other field goes, serialised, into
the row's `extra` JSON, so a new field with a default needs neither code nor a migration. Loading
assembles the versioned case document from the rows and reads it through `serialize.load_state`,
which upgrades old formats.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import RowMapping

from studio.runtime.engine.incidents import legacy_incident
from studio.runtime.engine.layered_map import LayeredMap, changed_keys
from studio.runtime.engine.state import (
    CONTAINERS,
    CaseState,
    HistoryEvent,
    ItemInstance,
    copy_container,
)
from studio.runtime.store.serialize import (
    FORMAT_VERSION,
    Document,
    FormatError,
    copy_json,
    dump,
    format_datetime,
    load,
    load_state,
    to_utc,
)

Row = dict[str, Any]

CASE_COLUMNS = {"id": "id", "state": "state", "data": "data"}
ITEM_COLUMNS = {
    "id": "instance_id",
    "item": "plan_item",
    "stage": "stage_instance",
    "state": "state",
    "seq": "seq",
}
TIMER_COLUMNS = {
    "instance": "instance_id",
    "due": "due",
    "occurrence": "occurrence",
    "started": "started",
}
HISTORY_COLUMNS = {
    name: name for name in ("seq", "at", "instance", "item", "event", "state", "cause", "user")
}
_TABLES = frozenset({"items", "timers"})  # CaseState fields kept in tables of their own


@dataclass(slots=True)
class CaseRows:
    """The rows of one case (without case ids): what `save` diffs against what it loaded."""

    case: Row  # id, state, data (the case file), extra
    items: Mapping[str, Row]  # by instance id; never changed once made (rows of a version)
    timers: list[Row]
    format_version: int = FORMAT_VERSION

    @classmethod
    def of(cls, case: CaseState) -> CaseRows:
        items = {key: _item_row(key, instance) for key, instance in case.items.items()}
        return cls(_case_row(case), items, _timer_rows(case))

    @classmethod
    def since(cls, before: Snapshot, case: CaseState) -> tuple[CaseRows, list[str] | None]:
        """The rows of `case`, a state the engine made from `before.state`, and the ids of the
        item instances whose rows may differ (None: some were removed, diff every row). Only
        the instances the engine replaced are serialised again: it clones an instance before it
        changes one (and a store hands out a clone of each instance a command reads)."""
        keys = changed_keys(before.state.items, case.items)
        if keys is None:
            return cls.of(case), None
        items = before.rows.items
        if keys:
            items = _layered(items)
            for key in keys:
                items[key] = _item_row(key, case.items[key])
        return cls(_case_row(case), items, _timer_rows(case)), keys

    def document(self) -> Document:
        """The versioned case document these rows hold."""
        case = from_row(self.case, CASE_COLUMNS)
        case["items"] = {key: from_row(row, ITEM_COLUMNS) for key, row in self.items.items()}
        case["timers"] = [from_row(row, TIMER_COLUMNS) for row in self.timers]
        return {"format_version": self.format_version, "case": case}

    def to_state(self) -> CaseState:
        return load_state(self.document())


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A version of a case as a store holds it: its state, never handed out itself (callers get
    a `handed_out` copy) nor changed, and its rows."""

    state: CaseState
    rows: CaseRows


def handed_out(kept: CaseState) -> CaseState:
    """A copy of a state a store keeps, for a caller: nothing in it reaches the kept state (item
    instances are cloned when first read), and a command on it costs what it touches."""
    copy = _own_containers(kept)
    copy.items = LayeredMap(kept.items, ItemInstance.clone)
    return copy


def kept_copy(
    case: CaseState, before: Snapshot | None = None, keys: list[str] | None = None
) -> CaseState:
    """A copy of `case` for a store to keep, sharing nothing with it. Given the version it was
    made from and the instances that differ (`CaseRows.since`), only those are cloned; the
    others are the kept instances of that version."""
    copy = _own_containers(case)
    if before is None or keys is None:
        copy.items = {key: instance.clone() for key, instance in case.items.items()}
    else:
        copy.items = items = copy_container(before.state.items)
        for key in keys:
            items[key] = case.items[key].clone()
    return copy


def _own_containers(case: CaseState) -> CaseState:
    """A copy of `case` with its own lists, dicts, timers and case file (items: see callers)."""
    copy = case.copy()
    for name in CONTAINERS:
        if name != "items":
            setattr(copy, name, copy_container(getattr(case, name)))
    copy.data = copy_json(case.data)
    copy.timers = [dataclasses.replace(timer) for timer in case.timers]
    copy.parked = [dataclasses.replace(timer) for timer in case.parked]
    copy.team = dict(case.team)
    return copy


def _layered(rows: Mapping[str, Row]) -> LayeredMap[str, Row]:
    return rows.copy() if isinstance(rows, LayeredMap) else LayeredMap(dict(rows))


def _item_row(key: str, instance: ItemInstance) -> Row:
    if key != instance.id:
        raise ValueError(f"item instance {instance.id!r} is filed under {key!r}")
    return to_row(instance, ITEM_COLUMNS)


def _timer_rows(case: CaseState) -> list[Row]:
    return [{"position": n, **to_row(t, TIMER_COLUMNS)} for n, t in enumerate(case.timers)]


def _case_row(case: CaseState) -> Row:
    try:
        return to_row(case, CASE_COLUMNS, skip=_TABLES)
    except FormatError as exc:
        raise FormatError(f"case {case.id!r}: {exc}") from None


def to_row(obj: Any, columns: dict[str, str], skip: frozenset[str] = frozenset()) -> Row:
    """The serialised fields of a dataclass instance as columns, the rest in `extra` (None if
    empty); date-time columns keep `datetime` values (UTC)."""
    rest = dump(obj, exclude=skip)
    row: Row = {}
    for name, column in columns.items():
        encoded = rest.pop(name)
        value = getattr(obj, name)
        row[column] = to_utc(value) if isinstance(value, datetime) else encoded
    row["extra"] = rest or None
    return row


def from_row(row: RowMapping | Row, columns: dict[str, str]) -> Document:
    """The document of an object stored as `row` (the inverse of `to_row`)."""
    document = dict(row["extra"] or {})
    for name, column in columns.items():
        value = row[column]
        document[name] = format_datetime(value) if isinstance(value, datetime) else value
    return document


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (Python has ``1 == 1.0 == True``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def item_row(row: RowMapping) -> tuple[str, Row]:
    """(instance id, comparable row) of a `case_items` row as read."""
    return row["instance_id"], {column: row[column] for column in (*ITEM_COLUMNS.values(), "extra")}


def timer_row(row: RowMapping) -> Row:
    names = ("position", *TIMER_COLUMNS.values(), "extra")
    return {column: row[column] for column in names}


def history_row(event: HistoryEvent) -> Row:
    """The row of a history event; its fields without a column (an incident's code and element,
    None for other events) go into `extra` only when they have a value."""
    row = to_row(event, HISTORY_COLUMNS)
    extra = row["extra"]
    if extra is not None:
        row["extra"] = {name: value for name, value in extra.items() if value is not None} or None
    return row


def history_event(row: RowMapping) -> HistoryEvent:
    """The history event of a row; an incident recorded before incident events kept their code
    gets the code and element its message meant, read as the case upgrade reads them."""
    try:
        event = load(HistoryEvent, from_row(row, HISTORY_COLUMNS))
    except FormatError as exc:
        raise FormatError(f"history event {row['seq']}: {exc}") from None
    if event.event == "incident" and event.code is None:
        meant = legacy_incident(event.cause or "")
        event.code, event.element = meant.code, meant.element
    return event
