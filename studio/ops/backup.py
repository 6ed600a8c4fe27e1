"""Backup and restore of an install's data as one portable file, through SQLAlchemy.

A backup is gzip-compressed JSON Lines: a header (format, schema revision, tables and row counts),
then one line per row, table after table in foreign-key order. Dates are ISO-8601 strings, binary
contents base64. Being plain data, a backup made on SQLite restores on PostgreSQL and back.

It is taken online: every table is read in one snapshot (a read transaction on SQLite's WAL,
REPEATABLE READ on PostgreSQL), so cases, their timers, tasks and jobs agree with each other while
the server keeps working. A restore goes into an empty database (or, with `replace`, one whose rows
it deletes first) in one transaction: all or nothing. It needs the schema revision the backup was
made at, which is the one this version of Case Studio migrates to.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from studio.runtime.store import project_tables, service_tables
from studio.runtime.store.migrate import current_revision, head_revision, upgrade
from studio.runtime.store.schema import metadata

FORMAT = "case-studio-backup"
FORMAT_VERSION = 1
BATCH = 500
SKIPPED = frozenset({"alembic_version"})
"""Tables that are not data: the schema revision is in the header and made by migrating."""

TABLE_MODULES = (project_tables, service_tables)
"""Imported for their tables, which join the schema's `metadata`."""


class BackupError(Exception):
    """A backup or restore that cannot be done; the message names the file or table and why."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a backup holds or a restore loaded: the schema revision and rows per table."""

    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def backup(engine: sa.Engine, out: Path) -> Summary:
    """Write every table of the database at `engine` to `out` (gzip JSON Lines)."""
    revision = current_revision(engine)
    if revision is None:
        raise BackupError("the database has no Case Studio tables: nothing to back up")
    temporary = out.with_name(out.name + ".partial")
    with _snapshot(engine) as connection:
        tables = _tables(connection)
        counts = {
            table.name: int(connection.execute(sa.select(sa.func.count()).select_from(table))
                            .scalar_one())
            for table in tables
        }  # fmt: skip
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "revision": revision,
            "created_at": datetime.now(UTC).isoformat(),
            "source": engine.dialect.name,
            "tables": counts,
        }
        with gzip.open(temporary, "wt", encoding="utf-8") as stream:
            _write(stream, header)
            for table in tables:
                for row in _rows(connection, table):
                    _write(stream, {"table": table.name, "row": row})
    temporary.replace(out)
    return Summary(revision, counts)


def read_header(path: Path) -> dict[str, Any]:
    """The backup's header (BackupError when `path` is not a backup)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            header = json.loads(stream.readline())
    except (OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{path}: not a Case Studio backup ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path}: not a Case Studio backup (no header)")
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(f"{path}: backup format {header.get('version')} is not supported")
    return header


def restore(
    engine: sa.Engine,
    source: Path,
    *,
    replace: bool = False,
    instance_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Load the backup `source` into the database at `engine` (migrated first if new).

    Refuses a database holding rows unless `replace`, and a backup of another schema revision.
    The deployments unpacked under `instance_path` (a cache of the database) are removed."""
    header = read_header(source)
    if header["revision"] != head_revision():
        raise BackupError(
            f"{source}: made at schema revision {header['revision']}, this version of Case "
            f"Studio is at {head_revision()}: restore it with the version that made it, then "
            "upgrade"
        )
    if current_revision(engine) != head_revision():
        upgrade(engine)
    loaded: dict[str, int] = {}
    with engine.begin() as connection:
        tables = {table.name: table for table in _tables(connection)}
        unknown = sorted(set(header["tables"]) - set(tables))
        if unknown:
            raise BackupError(f"{source}: table {unknown[0]} does not exist in this version")
        occupied = {name: n for name, n in _counts(connection, tables.values()).items() if n}
        if occupied and not replace:
            name, count = next(iter(occupied.items()))
            raise BackupError(
                f"the database holds data ({count} rows in {name}): restore into an empty "
                "database, or replace its contents (--replace)"
            )
        for table in reversed(list(tables.values())):
            connection.execute(table.delete())
        for name, rows in _batches(source):
            table = tables[name]
            connection.execute(table.insert(), [_decoded(table, row) for row in rows])
            loaded[name] = loaded.get(name, 0) + len(rows)
            if progress is not None:
                progress(sum(loaded.values()))
        if connection.dialect.name == "postgresql":
            _advance_sequences(connection, tables.values())
    expected = {name: n for name, n in header["tables"].items() if n}
    if loaded != expected:
        raise BackupError(f"{source}: the rows do not match the header's counts (truncated?)")
    if instance_path is not None:
        shutil.rmtree(instance_path / "deployments", ignore_errors=True)
    return Summary(header["revision"], loaded)


# -- reading -------------------------------------------------------------------------------------


@contextmanager
def _snapshot(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection reading one consistent snapshot of the whole database (read only)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin() as transaction:
            yield connection
            transaction.rollback()


def _tables(connection: sa.Connection) -> list[sa.Table]:
    """The database's tables in foreign-key order: those of the studio's schema as declared, any
    other (a table a newer module added) as reflected."""
    present = set(sa.inspect(connection).get_table_names()) - SKIPPED
    known = [table for table in metadata.sorted_tables if table.name in present]
    others = sorted(present - {table.name for table in known})
    if others:
        reflected = sa.MetaData()
        reflected.reflect(connection, only=others)
        known += [table for table in reflected.sorted_tables if table.name in others]
    return known


def _counts(connection: sa.Connection, tables: Iterable[sa.Table]) -> dict[str, int]:
    query = sa.select(sa.func.count())
    return {t.name: int(connection.execute(query.select_from(t)).scalar_one()) for t in tables}


def _rows(connection: sa.Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(yield_per=BATCH).execute(
        sa.select(table).order_by(*order)
    )
    for row in result.mappings():
        yield {name: _encoded(value) for name, value in row.items()}


def _encoded(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _write(stream: IO[str], record: dict[str, Any]) -> None:
    stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    stream.write("\n")


# -- loading -------------------------------------------------------------------------------------


def _batches(source: Path) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(table, rows) in the order written, at most BATCH rows at a time."""
    current: str | None = None
    rows: list[dict[str, Any]] = []
    with gzip.open(source, "rt", encoding="utf-8") as stream:
        stream.readline()  # the header
        for number, line in enumerate(stream, start=2):
            try:
                record = json.loads(line)
                name, row = record["table"], record["row"]
            except (ValueError, KeyError, TypeError):
                raise BackupError(f"{source}: line {number} is not a row") from None
            if (name != current or len(rows) >= BATCH) and rows:
                yield current, rows  # type: ignore[misc]
                rows = []
            current = name
            rows.append(row)
    if rows:
        yield current, rows  # type: ignore[misc]


def _decoded(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in row.items():
        if name not in table.c:
            raise BackupError(f"table {table.name} has no column {name} in this version")
        values[name] = _decode(table.c[name], value)
    return values


def _decode(column: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sa.DateTime):
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value)
    return value


def _advance_sequences(connection: sa.Connection, tables: Iterable[sa.Table]) -> None:
    """Move PostgreSQL's id sequences past the restored ids (the next insert must not clash)."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        sequence = connection.execute(
            sa.select(sa.func.pg_get_serial_sequence(table.name, keys[0].name))
        ).scalar()
        if sequence is None:
            continue
        highest = connection.execute(sa.select(sa.func.max(keys[0]))).scalar()
        connection.execute(sa.select(sa.func.setval(sequence, highest or 1, highest is not None)))
