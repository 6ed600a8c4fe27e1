"""The administration commands on a database they cannot use: exit 2 and one line on stderr that
names the database (password hidden), the cause and what to do — never a traceback."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from contextlib import closing
from importlib.util import find_spec
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from studio.cli import main
from studio.runtime.store.migrate import head_revision, upgrade

PASSWORD = "s3cret-pass"
INSTALL = "pip install 'case-studio[postgres]'"

COMMANDS = {
    "db upgrade": ["db", "upgrade"],
    "users list": ["users", "list"],
    "users add": ["users", "add", "ann", "--role", "tester", "--password-stdin"],
    "users set-role": ["users", "set-role", "ann", "tester"],
    "users deactivate": ["users", "deactivate", "ann"],
    "deploy": ["deploy", "{project}"],
    "backup": ["backup", "{folder}/backup.jsonl.gz"],
    "restore": ["restore", "{folder}/backup.jsonl.gz"],
    "retention run": ["retention", "run", "--older-than", "P90D"],
    "erase": ["erase", "--case", "c-1", "--path", "applicant.email"],
}
NEEDS_MIGRATED = [name for name in COMMANDS if name not in ("db upgrade", "backup", "restore")]
"""`db upgrade` migrates; a backup is taken at any revision; a restore migrates first."""


def run(command: str, url: str, folder: Path) -> Result:
    """`studio COMMAND` on the database at `url`, with a project folder and a file at hand."""
    (folder / "project").mkdir(exist_ok=True)
    (folder / "backup.jsonl.gz").write_bytes(b"")
    args = [a.format(project=folder / "project", folder=folder) for a in COMMANDS[command]]
    env = {
        "STUDIO_DATABASE_URL": url,
        "STUDIO_INSTANCE_PATH": str(folder / "instance"),
        "STUDIO_SECRET_KEY": "database-error-tests",
        "STUDIO_ADMIN_PASSWORD": "database-error-admin",
    }
    return CliRunner().invoke(main, args, env=env, input="a password for ann\n")


def refusal(command: str, done: Result) -> str:
    """The one line on stderr after `studio COMMAND:` (exit 2, no escaped exception)."""
    assert done.exit_code == 2, done.output
    assert isinstance(done.exception, SystemExit)
    assert "Traceback" not in done.output and PASSWORD not in done.output
    (line,) = done.stderr.strip().splitlines()
    prefix = f"studio {command}: "
    assert line.startswith(prefix)
    return line.removeprefix(prefix)


def closed_port() -> int:
    """A local TCP port nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_without_the_driver_the_postgres_extra_is_named(command, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # an install without the extra
    url = f"postgresql+psycopg://ops:{PASSWORD}@127.0.0.1:5432/studio"
    assert refusal(command, run(command, url, tmp_path)) == (
        "the driver of the database postgresql+psycopg://ops:***@127.0.0.1:5432/studio is "
        f"missing: psycopg (PostgreSQL: {INSTALL})"
    )


@pytest.mark.parametrize("command", ["db upgrade", "backup"])
def test_a_url_without_the_psycopg_driver_says_how_to_write_it(command, tmp_path):
    url = f"postgresql://ops:{PASSWORD}@127.0.0.1:5432/studio"  # SQLAlchemy's default: psycopg2
    pytest.importorskip("psycopg")
    if find_spec("psycopg2") is not None:
        pytest.skip("psycopg2 is installed here")
    assert refusal(command, run(command, url, tmp_path)) == (
        "the driver of the database postgresql://ops:***@127.0.0.1:5432/studio is missing: "
        f"psycopg2 (PostgreSQL: write postgresql+psycopg:// and {INSTALL})"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_refused_connection_names_the_server_and_what_to_check(command, tmp_path):
    pytest.importorskip("psycopg")
    where = f"ops:{PASSWORD}@127.0.0.1:{closed_port()}/studio"
    line = refusal(command, run(command, f"postgresql+psycopg://{where}", tmp_path))
    shown = where.replace(PASSWORD, "***")
    assert line.startswith(f"cannot reach the database postgresql+psycopg://{shown}: ")
    assert "Connection refused" in line
    assert line.endswith(
        "check that the server runs and that the URL's host, port, user and password are right"
    )


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("url", "shown", "why"),
    [
        ("not a database url", "not a database url", "it cannot be parsed"),
        (
            f"postgresql+psycopg://ops:{PASSWORD}@127.0.0.1:five/studio",
            "postgresql+psycopg://ops:***@127.0.0.1:five/studio",
            "its port is not a number",
        ),
    ],
)
def test_a_malformed_url_is_shown_with_the_form_to_write(command, url, shown, why, tmp_path):
    assert refusal(command, run(command, url, tmp_path)) == (
        f"STUDIO_DATABASE_URL is not a database URL: {shown} ({why}); write it as "
        "sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"
    )


@pytest.mark.parametrize("command", ["db upgrade", "users list", "deploy", "backup"])
def test_an_unknown_dialect_is_named(command, tmp_path):
    line = refusal(command, run(command, f"postgres://ops:{PASSWORD}@127.0.0.1/studio", tmp_path))
    assert line.startswith(
        "the driver of the database postgres://ops:***@127.0.0.1/studio is unknown: postgres "
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_an_sqlite_file_in_a_missing_folder_is_named(command, tmp_path):
    url = f"sqlite:///{tmp_path / 'gone' / 'studio.db'}"
    assert refusal(command, run(command, url, tmp_path)) == (
        f"cannot reach the database {url}: unable to open database file; check that its folder "
        "exists and may be written"
    )


@pytest.mark.parametrize("command", NEEDS_MIGRATED)
def test_a_database_at_an_older_revision_says_to_run_db_upgrade(command, tmp_path):
    database = tmp_path / "old.db"
    upgrade(f"sqlite:///{database}", "0004")
    assert refusal(command, run(command, f"sqlite:///{database}", tmp_path)) == (
        f"the database sqlite:///{database} is at revision 0004, this version of Case Studio "
        f"needs {head_revision()}: run `studio db upgrade`"
    )


def test_db_upgrade_of_a_database_a_newer_version_migrated_is_refused(tmp_path):
    database = tmp_path / "newer.db"
    upgrade(f"sqlite:///{database}", "0004")
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    assert refusal("db upgrade", run("db upgrade", f"sqlite:///{database}", tmp_path)) == (
        f"the database sqlite:///{database} is at revision ffff, which this version of Case "
        "Studio does not know (a newer version migrated it)"
    )


def test_a_real_process_prints_one_line_and_exits_2(tmp_path):
    environ = {
        **os.environ,
        "STUDIO_DATABASE_URL": f"postgresql+psycopg://ops:{PASSWORD}@127.0.0.1:x/studio",
        "STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    done = subprocess.run([sys.executable, "-m", "studio", "db", "upgrade"],
                          capture_output=True, text=True, env=environ)  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("studio db upgrade: STUDIO_DATABASE_URL is not a database URL")
    assert len(done.stderr.splitlines()) == 1 and PASSWORD not in done.stderr


@pytest.mark.parametrize(
    ("url", "start"),
    [
        (f"postgres://ops:{PASSWORD}@127.0.0.1/studio", "the driver of the database postgres://"),
        (f"postgresql+psycopg://ops:{PASSWORD}@127.0.0.1:{closed_port()}/studio", "cannot reach"),
        ("sqlite:////nowhere/at/all/studio.db", "cannot reach the database sqlite:////nowhere"),
    ],
)
def test_studio_worker_says_why_in_one_line(url, start, tmp_path):
    env = {"STUDIO_DATABASE_URL": url, "STUDIO_INSTANCE_PATH": str(tmp_path / "instance")}
    done = CliRunner().invoke(main, ["worker"], env=env)
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output and PASSWORD not in done.output
    assert done.stderr.strip().splitlines()[-1].startswith(f"studio worker: {start}")
