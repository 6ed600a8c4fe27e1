"""SQLAlchemy engines for the store, with SQLite set up for a server's concurrent use.

SQLite gets, on every new connection: WAL journal (readers never block the writer), the chosen
`synchronous` level, a busy timeout (writers queue instead of failing), and foreign keys. pysqlite's
own transaction handling is switched off and each transaction opens with an explicit ``BEGIN``, so
that the reads of one `load` see one snapshot (the SQLAlchemy documentation's recipe).
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

Synchronous = Literal["OFF", "NORMAL", "FULL", "EXTRA"]

SYNCHRONOUS: Synchronous = "FULL"
"""FULL syncs the WAL at every commit: a command a user saw succeed survives a power cut. NORMAL
(never corrupt either, but a power cut or OS crash may lose the last commits) is about 1.5x faster;
benchmarks/bench_store.py measured ~1100 (FULL) and ~1700 (NORMAL) commands/s, both well above the
300 needed, so durability wins."""

BUSY_TIMEOUT_MS = 5_000


def make_engine(
    url: str | URL,
    *,
    synchronous: Synchronous = SYNCHRONOUS,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    **options: Any,
) -> Engine:
    """An engine for `url`; SQLite connections get the pragmas above."""
    url = sa.make_url(url)
    engine = sa.create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        _set_up_sqlite(engine, synchronous, busy_timeout_ms)
    return engine


def _set_up_sqlite(engine: Engine, synchronous: Synchronous, busy_timeout_ms: int) -> None:
    if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ValueError(f"synchronous must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN/COMMIT from pysqlite
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def sqlite_settings(engine: Engine) -> dict[str, str]:
    """The journal mode and synchronous level a connection of `engine` runs with."""
    names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
    with engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        level = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        connection.rollback()
    return {"journal_mode": str(journal), "synchronous": names.get(level, str(level))}
