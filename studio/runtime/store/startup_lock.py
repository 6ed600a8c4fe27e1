"""One process at a time prepares a shared database at start-up.

Server processes started together on an empty database would otherwise all migrate the embedded
SQLite file, create the first admin and import the sample library at once: the losers fail
("database is locked") or import half of the library each. The lock is taken on the database
itself where the database can hold one (a PostgreSQL advisory lock, which every process on every
host sees) and beside the SQLite file otherwise (an exclusive `flock` on `<file>.startup-lock`:
SQLite is only shared between processes of one host). Whoever waits re-reads the database once
it holds the lock, and finds the work done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

WAIT_SECONDS = 120.0
"""How long a process waits for another to finish preparing the database before giving up."""

POLL_SECONDS = 0.05

ADVISORY_KEY = 0x5354_5544_494F_0001
"""The PostgreSQL advisory lock key of start-up ("STUDIO" in hex, then 1): one per database."""

_IN_PROCESS = threading.Lock()  # for databases no other process can open (in-memory SQLite)


class StartupLockTimeout(RuntimeError):
    """Another process held the start-up lock longer than the wait allowed."""


@contextmanager
def startup_lock(engine: sa.Engine, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the start-up lock of `engine`'s database for the `with` block."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, wait):
            yield
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if (
        database
        and database != ":memory:"
        and not database.startswith("file:")
        and Path(database).parent.is_dir()  # else SQLite refuses the file in its own words
    ):
        with _file_lock(Path(database).with_name(Path(database).name + ".startup-lock"), wait):
            yield
        return
    with _IN_PROCESS:
        yield


@contextmanager
def _advisory_lock(engine: sa.Engine, wait: float) -> Iterator[None]:
    with engine.connect() as connection:
        held = sa.text("SELECT pg_try_advisory_lock(:key)").bindparams(key=ADVISORY_KEY)
        _poll(
            lambda: bool(connection.execute(held).scalar()), wait, f"the database {_shown(engine)}"
        )
        connection.commit()  # the lock belongs to the session, not to this transaction
        try:
            yield
        finally:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            connection.commit()


@contextmanager
def _file_lock(path: Path, wait: float) -> Iterator[None]:
    import fcntl

    with path.open("a") as handle:

        def take() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _poll(take, wait, str(path))
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _poll(take: Callable[[], bool], wait: float, what: str) -> None:
    deadline = time.monotonic() + wait
    while not take():
        if time.monotonic() >= deadline:
            raise StartupLockTimeout(
                f"another studio process has been preparing {what} for over {wait:g} s; "
                "start this one again once it is up"
            )
        time.sleep(POLL_SECONDS)


def _shown(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
