"""`SqlStore`: cases in a relational database through SQLAlchemy Core (SQLite, PostgreSQL).

One transaction per call (`save_all`: one for all its cases). `save` bumps the version with
``UPDATE cases SET version = version + 1 WHERE id = :id AND version = :expected`` and treats a row
count of 0 as a conflict, then writes only the item and timer rows that differ from what that
version held. What a version held comes from an identity map of the state and rows last loaded
or saved (a version never changes: every write makes a new version); on a miss, the rows are read
inside the transaction, after the version check has locked the case. `load` reads the case row,
and the item and timer rows only when the map does not hold that version already; then it hands
out a copy of the version's state that clones an item instance when it is first read. Saving a
state the engine made from that copy serialises only the instances it read or replaced
(`CaseRows.since`), so the CPU a command costs follows what it touched, not the case's size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from studio.runtime.engine.state import CaseState, HistoryEvent
from studio.runtime.store import statements as sql
from studio.runtime.store.base import (
    CaseExists,
    CaseNotFound,
    CaseSummary,
    ConflictError,
    Save,
    StoredCase,
    check_saves,
)
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import ensure_migrated
from studio.runtime.store.rows import (
    CaseRows,
    Row,
    Snapshot,
    handed_out,
    history_event,
    history_row,
    item_row,
    kept_copy,
    same,
    timer_row,
)
from studio.runtime.store.schema import case_history, case_items, case_timers, cases
from studio.runtime.store.serialize import FORMAT_VERSION


def _case_row(found: sa.Row) -> Row:
    return {"id": found.id, "state": found.state, "data": found.data, "extra": found.extra}


def utc_now() -> datetime:
    return datetime.now(UTC)


class SqlStore:
    """A `Store` on a database migrated with `studio db upgrade`."""

    def __init__(
        self,
        target: str | URL | Engine,
        *,
        cache_size: int = 1_000,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """`target`: a database URL or an engine (see `database.make_engine` for SQLite's)."""
        self.engine = target if isinstance(target, Engine) else make_engine(target)
        ensure_migrated(self.engine)
        self._clock = clock
        self._snapshots = _Snapshots(cache_size)
        # Several reads of one load must see one snapshot: PostgreSQL's default, READ COMMITTED,
        # gives one per statement. SQLite reads inside one BEGIN see one snapshot already.
        self._read_options = (
            {"isolation_level": "REPEATABLE READ"}
            if self.engine.dialect.name == "postgresql"
            else {}
        )

    # -- Store ----------------------------------------------------------------------------------

    def create(
        self,
        case: CaseState,
        definition_key: str,
        version_of_definition: str | None,
        history: Sequence[HistoryEvent],
    ) -> int:
        if not isinstance(case.id, str) or not isinstance(definition_key, str):
            raise TypeError("a case id and a definition key are text")
        rows = CaseRows.of(case)
        events = [history_row(e) for e in history]
        now = self._clock()
        with self.engine.begin() as connection:
            try:
                connection.execute(
                    sql.INSERT[cases],
                    {
                        **rows.case,
                        "definition_key": definition_key,
                        "definition_version": version_of_definition,
                        "version": 1,
                        "format_version": FORMAT_VERSION,
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            except sa.exc.IntegrityError:  # the primary key: the only constraint left to break
                raise CaseExists(f"case {case.id!r} exists already") from None
            self._insert(connection, case_items, case.id, list(rows.items.values()))
            self._insert(connection, case_timers, case.id, rows.timers)
            self._insert(connection, case_history, case.id, events)
        self._snapshots.put(case.id, 1, Snapshot(kept_copy(case), rows))
        return 1

    def load(self, case_id: str) -> StoredCase:
        with self._read() as connection:
            found = connection.execute(sql.LOAD_CASE, {"case_id": case_id}).one_or_none()
            if found is None:
                raise CaseNotFound(f"no case {case_id!r}")
            seen = self._snapshots.get(case_id, found.version)
            if seen is None or found.format_version != FORMAT_VERSION:
                items, timers = self._read_rows(connection, case_id)
        if seen is None or found.format_version != FORMAT_VERSION:
            rows = CaseRows(_case_row(found), items, timers, found.format_version)
            seen = Snapshot(rows.to_state(), rows)
            if found.format_version == FORMAT_VERSION:
                self._snapshots.put(case_id, found.version, seen)
        state = handed_out(seen.state)
        return StoredCase(state, found.version, found.definition_key, found.definition_version)

    def save(
        self,
        case_id: str,
        new_state: CaseState,
        expected_version: int,
        history: Sequence[HistoryEvent],
    ) -> int:
        return self.save_all([Save(case_id, new_state, expected_version, history)])[0]

    def save_all(
        self, saves: Sequence[Save], *, also: Callable[[Connection], None] | None = None
    ) -> list[int]:
        """`Store.save_all`; `also` runs last inside the same transaction (an audit entry that
        must commit with the saves, or not at all)."""
        check_saves(saves)
        pending = [self._pending(save) for save in saves]
        try:
            with self.engine.begin() as connection:
                for one in pending:
                    self._write(connection, one)
                if also is not None:
                    also(connection)
        except BaseException:
            for save in saves:
                self._snapshots.drop(save.case_id)
            raise
        for one in pending:
            kept = kept_copy(one.save.state, one.before, one.keys)
            self._snapshots.put(
                one.save.case_id, one.save.expected_version + 1, Snapshot(kept, one.new)
            )
        return [save.expected_version + 1 for save in saves]

    def history(self, case_id: str) -> list[HistoryEvent]:
        with self._read() as connection:
            rows = connection.execute(sql.LOAD_HISTORY, {"case_id": case_id}).mappings().all()
            if not rows and not self._exists(connection, case_id):
                raise CaseNotFound(f"no case {case_id!r}")
        return [history_event(row) for row in rows]

    def due_timers(self, until: datetime, limit: int = 100) -> list[tuple[str, datetime]]:
        due = sa.func.min(case_timers.c.due).label("due")
        query = (
            sa.select(case_timers.c.case_id, due)
            .join(cases, cases.c.id == case_timers.c.case_id)
            .where(case_timers.c.due <= until, cases.c.state == "active")
            .group_by(case_timers.c.case_id)
            .order_by(due, case_timers.c.case_id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [(case_id, at) for case_id, at in connection.execute(query)]

    def list_cases(
        self, definition: str | None = None, state: str | None = None
    ) -> list[CaseSummary]:
        query = sa.select(
            cases.c.id,
            cases.c.definition_key,
            cases.c.definition_version,
            cases.c.state,
            cases.c.version,
            cases.c.created_at,
            cases.c.updated_at,
        ).order_by(cases.c.created_at, cases.c.id)
        if definition is not None:
            query = query.where(cases.c.definition_key == definition)
        if state is not None:
            query = query.where(cases.c.state == state)
        with self.engine.connect() as connection:
            return [CaseSummary(*row) for row in connection.execute(query)]

    # -- helpers --------------------------------------------------------------------------------

    def _pending(self, save: Save) -> _Pending:
        """The rows `save` writes, worked out before the transaction from the cached version."""
        before = self._snapshots.get(save.case_id, save.expected_version)
        new, keys = (
            CaseRows.since(before, save.state) if before else (CaseRows.of(save.state), None)
        )
        old = before.rows if before else None
        values = {"new_state": new.case["state"], "new_updated_at": self._clock()}
        for column in ("data", "extra"):  # the case file is written only when it changed
            if old is None or not same(old.case[column], new.case[column]):
                values[f"new_{column}"] = new.case[column]
        if save.definition_version is not None:
            values["new_definition_version"] = save.definition_version
        events = [history_row(e) for e in save.history]
        return _Pending(save, before, new, keys, values, events)

    def _write(self, connection: Connection, one: _Pending) -> None:
        """One case's part of a transaction: the version check, then the rows that differ."""
        case_id, expected = one.save.case_id, one.save.expected_version
        bump = sql.bump(tuple(sorted(name[4:] for name in one.values)))
        updated = connection.execute(bump, {"case_id": case_id, "expected": expected, **one.values})
        if updated.rowcount != 1:
            self._refuse(connection, case_id, expected)
        old = one.before.rows if one.before else self._stored_rows(connection, case_id)
        self._write_items(connection, case_id, old.items, one.new.items, one.keys)
        if not same(old.timers, one.new.timers):
            connection.execute(sql.DELETE_TIMERS, {"case_id": case_id})
            self._insert(connection, case_timers, case_id, one.new.timers)
        self._insert(connection, case_history, case_id, one.events)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection = connection.execution_options(**self._read_options)
            with connection.begin():
                yield connection

    @staticmethod
    def _insert(connection: Connection, table: sa.Table, case_id: str, rows: list[Row]) -> None:
        if rows:
            connection.execute(sql.INSERT[table], [{"case_id": case_id, **row} for row in rows])

    @staticmethod
    def _read_rows(connection: Connection, case_id: str) -> tuple[dict[str, Row], list[Row]]:
        key = {"case_id": case_id}
        items = dict(item_row(row) for row in connection.execute(sql.LOAD_ITEMS, key).mappings())
        timers = [timer_row(row) for row in connection.execute(sql.LOAD_TIMERS, key).mappings()]
        return items, timers

    def _stored_rows(self, connection: Connection, case_id: str) -> CaseRows:
        """The rows as stored; rows of an older format are deleted, to be written anew."""
        # Cached rows are always of the current format; stored ones are checked here.
        key = {"case_id": case_id}
        found = connection.execute(sql.LOAD_CASE, key).one()
        if found.format_version != FORMAT_VERSION:
            connection.execute(sql.DELETE_ITEMS, key)
            connection.execute(sql.DELETE_TIMERS, key)
            connection.execute(sql.SET_FORMAT, {**key, "format_version": FORMAT_VERSION})
            return CaseRows(_case_row(found), {}, [], found.format_version)
        items, timers = self._read_rows(connection, case_id)
        return CaseRows(_case_row(found), items, timers)

    @staticmethod
    def _write_items(
        connection: Connection,
        case_id: str,
        old: Mapping[str, Row],
        new: Mapping[str, Row],
        keys: Iterable[str] | None,
    ) -> None:
        """Write the rows that differ; `keys`: the only ones that may (None: any may)."""
        pairs = new.items() if keys is None else [(key, new[key]) for key in keys]
        changed = [row for key, row in pairs if key in old and not same(old[key], row)]
        added = [row for key, row in pairs if key not in old]
        removed = [key for key in old if key not in new] if keys is None else []
        if changed:
            connection.execute(
                sql.UPDATE_ITEM,
                [
                    {"b_case": case_id, "b_id": row["instance_id"]}
                    | {f"b_{name}": row[name] for name in sql.ITEM_VALUES}
                    for row in changed
                ],
            )
        SqlStore._insert(connection, case_items, case_id, added)
        if removed:
            connection.execute(
                case_items.delete().where(
                    case_items.c.case_id == case_id, case_items.c.instance_id.in_(removed)
                )
            )

    @staticmethod
    def _exists(connection: Connection, case_id: str) -> bool:
        return connection.execute(sql.CASE_VERSION, {"case_id": case_id}).first() is not None

    @staticmethod
    def _refuse(connection: Connection, case_id: str, expected: int) -> None:
        version = connection.execute(sql.CASE_VERSION, {"case_id": case_id}).scalar()
        if version is None:
            raise CaseNotFound(f"no case {case_id!r}")
        raise ConflictError(f"case {case_id!r} is at version {version}, not {expected}", case_id)


@dataclass(frozen=True, slots=True)
class _Pending:
    """A save with what it writes: the cached version it starts from (None: read the rows in the
    transaction), its rows, the item keys that may differ, the case row's new values, its
    history rows."""

    save: Save
    before: Snapshot | None
    new: CaseRows
    keys: Iterable[str] | None
    values: dict[str, object]
    events: list[Row]


class _Snapshots:
    """An LRU map case id -> (version, `Snapshot` of that version); thread-safe."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[int, Snapshot]] = OrderedDict()

    def get(self, case_id: str, version: int) -> Snapshot | None:
        with self._lock:
            entry = self._entries.get(case_id)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(case_id)
            return entry[1]

    def put(self, case_id: str, version: int, snapshot: Snapshot) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[case_id] = (version, snapshot)
            self._entries.move_to_end(case_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def drop(self, case_id: str) -> None:
        with self._lock:
            self._entries.pop(case_id, None)
