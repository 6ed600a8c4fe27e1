"""Erasure of one person's data in a case file (the right to erasure), keeping that it happened.

`erase(engine, case_id, paths, actor)` replaces the values at dotted paths of the case file
(`applicant.email`, `contacts.0.phone`) by the marker "[erased]" in the case and in every copy the
runtime keeps: the processes and sub-cases of its family (they start with a copy of the caller's
case file), the data they started with, and any history event whose text repeats an erased value.
It is not a command: no sentry hears it and the case's items do not move. One transaction:

- the case row gets a new version, so a command that read the case before is a conflict (409);
- the case's history gains an `erase` event naming the paths and who erased them;
- the admin audit trail (`audit_log`, action `case.erasure`) keeps who, when, which cases and
  which paths — never the values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from studio.runtime import audit
from studio.runtime.store.schema import case_history, cases
from studio.runtime.store.service_tables import case_links

MARKER = "[erased]"
ACTION = "case.erasure"
EVENT = "erase"
MAX_PATHS = 50
PATH = re.compile(r"^[^.\s]+(\.[^.\s]+)*$")
SHORTEST_COPY = 3
"""Erased text values shorter than this are not searched for in history texts (too common)."""


class ErasureError(Exception):
    """An erasure that cannot be done: the message names the case or path and why."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure changed: the cases of the family, values replaced, history events."""

    case_id: str
    paths: tuple[str, ...]
    cases: tuple[str, ...]
    values: int
    events: int

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "paths": list(self.paths),
            "cases": list(self.cases),
            "values": self.values,
            "history_events": self.events,
        }


def check_paths(paths: Iterable[Any]) -> tuple[str, ...]:
    """The paths, refused (ErasureError 400) unless dotted names."""
    found = tuple(paths)
    if not found:
        raise ErasureError("name at least one path of the case file, e.g. applicant.email", 400)
    if len(found) > MAX_PATHS:
        raise ErasureError(f"at most {MAX_PATHS} paths at a time", 400)
    for path in found:
        if not isinstance(path, str) or not PATH.match(path):
            raise ErasureError(f"{path!r} is not a dotted path such as applicant.email", 400)
    return found


def erase(
    engine: sa.Engine,
    case_id: str,
    paths: Iterable[Any],
    actor: str | None,
    now: datetime | None = None,
) -> Erasure:
    """Erase the values at `paths` in the case `case_id` and its family (ErasureError: 404 no
    such case, 422 no value at any path)."""
    wanted = check_paths(paths)
    moment = now or datetime.now(UTC)
    with engine.begin() as connection:
        if _row(connection, case_id) is None:
            raise ErasureError(f"no case {case_id!r}", 404)
        family = _family(connection, case_id)
        erased: list[Any] = []
        changed: dict[str, dict[str, Any]] = {}
        for member in family:
            row = _row(connection, member, lock=True)
            data, found = _erased(row.data, wanted)
            if found:
                changed[member] = data
                erased += found
        if case_id not in changed:
            raise ErasureError(
                f"case {case_id} has no value at {', '.join(wanted)}: nothing was erased"
            )
        for member, data in changed.items():
            _rewrite(connection, member, data, wanted, actor, moment)
        _scrub_links(connection, family, wanted)
        events = _scrub_history(connection, family, _texts(erased))
        result = Erasure(case_id, wanted, tuple(changed), len(erased), events)
        details = {"paths": list(wanted), "cases": list(changed), "history_events": events}
        audit.record(connection, actor, ACTION, case_id, details, now=moment)
    return result


# -- the case file ------------------------------------------------------------------------------


def _erased(data: Any, paths: tuple[str, ...]) -> tuple[Any, list[Any]]:
    """A copy of `data` with the values at `paths` replaced, and the values replaced."""
    if not isinstance(data, dict):
        return data, []
    copy = _deep_copy(data)
    found = []
    for path in paths:
        parent: Any = copy
        parts = path.split(".")
        for part in parts[:-1]:
            parent = _child(parent, part)
        last = parts[-1]
        if isinstance(parent, dict) and last in parent and parent[last] != MARKER:
            found.append(parent[last])
            parent[last] = MARKER
        elif (
            isinstance(parent, list)
            and last.isdigit()
            and int(last) < len(parent)
            and parent[int(last)] != MARKER
        ):
            found.append(parent[int(last)])
            parent[int(last)] = MARKER
    return copy, found


def _child(value: Any, part: str) -> Any:
    if isinstance(value, dict):
        return value.get(part)
    if isinstance(value, list) and part.isdigit() and int(part) < len(value):
        return value[int(part)]
    return None


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value


def _texts(values: Iterable[Any]) -> set[str]:
    """The text leaves of erased values long enough to look for in history texts."""
    found: set[str] = set()
    for value in values:
        for leaf in _leaves(value):
            text = leaf if isinstance(leaf, str) else str(leaf)
            if isinstance(leaf, bool) or len(text) < SHORTEST_COPY or text == MARKER:
                continue
            found.add(text)
    return found


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield value


# -- rows ---------------------------------------------------------------------------------------


def _row(connection: sa.Connection, case_id: str, lock: bool = False) -> Any:
    query = sa.select(cases.c.id, cases.c.data, cases.c.extra, cases.c.version).where(
        cases.c.id == case_id
    )
    if lock and connection.dialect.name != "sqlite":
        query = query.with_for_update()
    return connection.execute(query).first()


def _family(connection: sa.Connection, case_id: str) -> list[str]:
    """The case, the case that started it (up to the top) and everything they started."""
    top = case_id
    while True:
        parent = connection.execute(
            sa.select(case_links.c.parent_id).where(case_links.c.child_id == top)
        ).scalar()
        if parent is None or _row(connection, parent) is None:
            break
        top = parent
    found, waiting = [], [top]
    while waiting:
        current = waiting.pop(0)
        if current in found:
            continue
        found.append(current)
        waiting += connection.execute(
            sa.select(case_links.c.child_id)
            .where(case_links.c.parent_id == current)
            .order_by(case_links.c.child_id)
        ).scalars()
    return found


def _rewrite(
    connection: sa.Connection,
    case_id: str,
    data: dict[str, Any],
    paths: tuple[str, ...],
    actor: str | None,
    now: datetime,
) -> None:
    """The new case file, a new version and the `erase` history event, in the case's sequence."""
    row = _row(connection, case_id)
    extra = dict(row.extra or {})
    seq = int(extra.get("seq", 0)) + 1
    extra["seq"] = seq
    connection.execute(
        sa.update(cases)
        .where(cases.c.id == case_id, cases.c.version == row.version)
        .values(data=data, extra=extra, version=row.version + 1, updated_at=now)
    )
    connection.execute(
        case_history.insert().values(
            case_id=case_id, seq=seq, at=now, instance=None, item=None, event=EVENT,
            state=None, cause=f"erased {', '.join(paths)}", user=actor,
        )
    )  # fmt: skip


def _scrub_links(connection: sa.Connection, family: list[str], paths: tuple[str, ...]) -> None:
    """The data the family's processes and sub-cases started with."""
    rows = connection.execute(
        sa.select(case_links.c.child_id, case_links.c.started_with).where(
            case_links.c.child_id.in_(family)
        )
    ).all()
    for child, started_with in rows:
        scrubbed, found = _erased(started_with, paths)
        if found:
            connection.execute(
                sa.update(case_links)
                .where(case_links.c.child_id == child)
                .values(started_with=scrubbed)
            )


def _scrub_history(connection: sa.Connection, family: list[str], texts: set[str]) -> int:
    """History events of the family whose cause or extra repeats an erased value; how many."""
    if not texts:
        return 0
    rows = connection.execute(
        sa.select(case_history.c.case_id, case_history.c.seq, case_history.c.cause,
                  case_history.c.extra)
        .where(case_history.c.case_id.in_(family), case_history.c.event != EVENT)
    ).all()  # fmt: skip
    changed = 0
    for case_id, seq, cause, extra in rows:
        new_cause = _replace_text(cause, texts)
        new_extra = _replace_json(extra, texts)
        if new_cause != cause or new_extra != extra:
            connection.execute(
                sa.update(case_history)
                .where(case_history.c.case_id == case_id, case_history.c.seq == seq)
                .values(cause=new_cause, extra=new_extra)
            )
            changed += 1
    return changed


def _replace_text(text: str | None, texts: set[str]) -> str | None:
    if text is None:
        return None
    for value in sorted(texts, key=len, reverse=True):
        text = text.replace(value, MARKER)
    return text


def _replace_json(value: Any, texts: set[str]) -> Any:
    if isinstance(value, dict):
        return {key: _replace_json(item, texts) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_json(item, texts) for item in value]
    if isinstance(value, str):
        return _replace_text(value, texts)
    if isinstance(value, int | float) and not isinstance(value, bool) and str(value) in texts:
        return MARKER
    return value
