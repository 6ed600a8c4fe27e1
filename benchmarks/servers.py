"""What the load and fault benchmarks need around the servers: a fresh PostgreSQL database,
whether PostgreSQL answers at all, the CPU-time sources of its processes, and users made with
`studio users add` on a database given by environment variables."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from bench_runtime import PASSWORD, studio_command

POSTGRES_URL = os.environ.get(
    "STUDIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
"""Where fresh databases are made (CREATE DATABASE on this server, as its user)."""


@contextmanager
def fresh_database(prefix: str = "studio_load") -> Iterator[str]:
    """A new empty PostgreSQL database (its URL), dropped afterwards with its connections."""
    admin = sa.create_engine(  # pre-ping: the server may have restarted since (bench_faults)
        POSTGRES_URL,
        isolation_level="AUTOCOMMIT",
        pool_pre_ping=True,
        connect_args={"connect_timeout": 3},
    )
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers at POSTGRES_URL, else why not (one line)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (the postgres extra: pip install 'case-studio[postgres]')"
    engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {str(exc.orig).strip()}"
    finally:
        engine.dispose()
    return None


def postgres_pids(database: str) -> list[int]:
    """PostgreSQL's backends serving `database`, and its shared background processes (writer,
    WAL writer, checkpointer: shared with any other database of the server)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if not command.startswith("postgres: "):
            continue
        words = command.split()
        background = any(w in command for w in ("writer", "checkpointer", "walwriter"))
        if background or database in words:
            found.append(int(entry.name))
    return found


def add_user(env: dict[str, str], username: str, roles: list[str]) -> None:
    """`studio users add` on the database of `env` (the password bench_runtime's PASSWORD)."""
    command = [studio_command(), "users", "add", username, "--password-stdin"]
    for role in roles:
        command += ["--role", role]
    done = subprocess.run(command, env=env, input=f"{PASSWORD}\n", capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"studio users add {username}: {done.stderr or done.stdout}")
