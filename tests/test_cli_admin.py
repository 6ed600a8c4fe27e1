"""`studio db upgrade` and `studio users ...` end to end on an instance folder in tmp."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from studio.cli import main
from studio.runtime import admin_cli, audit
from studio.runtime.config import load_settings
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import head_revision
from studio.runtime.users import UserStore
from tests.runtime.test_store import POSTGRES_URL

PASSWORD = "correct horse battery"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str | None]:
    """The environment of an instance folder in tmp (None: unset)."""
    return {
        "STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
        "STUDIO_DATABASE_URL": None,
        "STUDIO_ADMIN_PASSWORD": None,
        "STUDIO_SECRET_KEY": None,
    }


def studio(env: dict[str, str | None], *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, input=input)


@pytest.fixture
def users(env) -> Iterator[UserStore]:
    """The instance's users, read straight from its database."""
    settings = load_settings({k: v for k, v in env.items() if v is not None})
    engine = make_engine(settings.database_url)
    yield UserStore(engine, settings.secret_key)
    engine.dispose()


def one_line(result: Result) -> str:
    """The only line on stderr (and no exception escaped)."""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    return line


def generated_password(result: Result) -> str:
    lines = [line.strip() for line in result.stderr.splitlines() if line.startswith("    ")]
    (password,) = lines
    return password


def test_db_upgrade_migrates_and_shows_a_generated_admin_password_once(env, users) -> None:
    first = studio(env, "db", "upgrade")
    assert first.exit_code == 0, first.output
    assert f"is at revision {head_revision()}" in first.stdout
    assert "shown only this once" in first.stderr
    password = generated_password(first)
    assert users.authenticate("admin", password).roles == {"admin"}
    again = studio(env, "db", "upgrade")
    assert again.exit_code == 0 and again.stderr == "" and password not in again.output
    assert [e["action"] for e in audit.entries(users.engine, action="db.upgrade")] == ["db.upgrade"]


def test_db_upgrade_takes_the_admin_password_from_the_environment(env, users) -> None:
    env["STUDIO_ADMIN_PASSWORD"] = "from the environment"
    done = studio(env, "db", "upgrade")
    assert done.exit_code == 0, done.output
    assert "from STUDIO_ADMIN_PASSWORD" in done.stderr and "from the environment" not in done.output
    assert users.authenticate("admin", "from the environment").has("admin")


def test_a_short_admin_password_in_the_environment_is_bad_input(env) -> None:
    env["STUDIO_ADMIN_PASSWORD"] = "short"
    done = studio(env, "db", "upgrade")
    assert done.exit_code == 2
    assert one_line(done).startswith("studio db upgrade: STUDIO_ADMIN_PASSWORD: admin: ")


def test_users_on_a_fresh_install_migrate_and_make_the_first_admin(env, users) -> None:
    done = studio(
        env, "users", "add", "ann", "--role", "caseworker", "--role", "tester",
        "--group", "claims", "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "added ann (caseworker, tester)" in done.stdout
    admin_password = generated_password(done)
    assert users.authenticate("ann", PASSWORD).groups == {"claims"}
    assert users.authenticate("admin", admin_password).has("admin")
    (entry,) = audit.entries(users.engine, target="ann")
    assert entry["action"] == "user.add" and entry["actor"].startswith("cli")


def test_a_first_user_with_the_admin_role_is_the_first_admin(env, users) -> None:
    done = studio(env, "users", "add", "root", "--role", "admin", "--password-stdin",
                  input=PASSWORD)  # fmt: skip
    assert done.exit_code == 0 and done.stderr == ""
    assert [u.username for u in users.list()] == ["root"]


def test_users_list_text_and_json(env) -> None:
    env["STUDIO_ADMIN_PASSWORD"] = "admin password"
    studio(env, "users", "add", "ann", "--role", "analyst", "--group", "g1", "--group", "g2",
           "--password-stdin", input=PASSWORD)  # fmt: skip
    text = studio(env, "users", "list")
    assert text.exit_code == 0
    header, *rows = text.stdout.splitlines()
    assert header.split() == ["username", "roles", "groups", "active"]
    assert [row.split() for row in rows] == [
        ["admin", "admin", "yes"],
        ["ann", "analyst", "g1,g2", "yes"],
    ]
    listed = json.loads(studio(env, "users", "list", "--format", "json").stdout)
    assert listed[1] == {"username": "ann", "roles": ["analyst"], "groups": ["g1", "g2"],
                         "active": True}  # fmt: skip


def test_the_password_prompt_asks_twice_on_a_terminal(env, users, monkeypatch) -> None:
    monkeypatch.setattr(admin_cli, "_interactive", lambda: True)
    done = studio(env, "users", "add", "ann", "--role", "tester",
                  input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert PASSWORD not in done.output
    assert users.authenticate("ann", PASSWORD).has("tester")


def test_no_password_from_a_pipe_without_password_stdin(env, users) -> None:
    env["STUDIO_ADMIN_PASSWORD"] = "admin password"
    assert studio(env, "db", "upgrade").exit_code == 0
    done = studio(env, "users", "add", "ann", "--role", "tester", input=PASSWORD + "\n")
    assert done.exit_code == 2
    assert one_line(done) == (
        "studio users add: ann: standard input is not a terminal; pass the password with "
        "--password-stdin"
    )
    assert users.get("ann") is None


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["add", "a b", "--role", "tester", "--password-stdin"], PASSWORD, 2, "'a b': a username"),
        (["add", "ann", "--role", "boss", "--password-stdin"], PASSWORD, 2,
         "ann: unknown role 'boss'"),
        (["add", "ann", "--role", "tester", "--password-stdin"], "short", 2,
         "ann: a password needs at least 10 characters"),
        (["add", "ann", "--role", "tester", "--password-stdin"], "", 2,
         "ann: no password on standard input"),
        (["add", "admin", "--role", "tester", "--password-stdin"], PASSWORD, 1,
         "admin: a user of that name exists already"),
        (["set-role", "ghost", "tester"], None, 2, "ghost: no such user"),
        (["set-role", "admin", "boss"], None, 2, "admin: unknown role 'boss'"),
        (["set-role", "admin", "tester"], None, 1, "admin: the last active admin"),
        (["deactivate", "admin"], None, 1, "admin: the last active admin"),
        (["set-password", "ghost", "--password-stdin"], PASSWORD, 2, "ghost: no such user"),
    ],
)  # fmt: skip
def test_errors_are_one_line_naming_the_user_and_the_reason(env, args, stdin, code, message):
    env["STUDIO_ADMIN_PASSWORD"] = "admin password"
    assert studio(env, "db", "upgrade").exit_code == 0
    done = studio(env, "users", *args, input=stdin)
    assert done.exit_code == code, done.output
    line = one_line(done)
    assert line.startswith(f"studio users {args[0]}: ") and message in line


def test_set_role_set_password_and_deactivate(env, users) -> None:
    env["STUDIO_ADMIN_PASSWORD"] = "admin password"
    studio(env, "users", "add", "ann", "--role", "tester", "--password-stdin", input=PASSWORD)
    assert studio(env, "users", "set-role", "ann", "analyst", "caseworker").exit_code == 0
    assert studio(env, "users", "set-groups", "ann", "claims").exit_code == 0
    changed = studio(env, "users", "set-password", "ann", "--password-stdin",
                     input="a new password\n")  # fmt: skip
    assert changed.exit_code == 0, changed.output
    ann = users.authenticate("ann", "a new password")
    assert ann.roles == {"analyst", "caseworker"} and ann.groups == {"claims"}
    assert studio(env, "users", "deactivate", "ann").exit_code == 0
    assert users.get("ann").active is False
    assert studio(env, "users", "activate", "ann").exit_code == 0
    assert users.get("ann").active is True
    actions = [e["action"] for e in audit.entries(users.engine, target="ann")]
    assert actions == [
        "user.activate", "user.deactivate", "user.set-password", "user.set-groups",
        "user.set-roles", "user.add",
    ]  # fmt: skip


def test_an_unreachable_database_is_one_line_without_the_password(env) -> None:
    env["STUDIO_DATABASE_URL"] = "postgresql+psycopg://ops:s3cret@127.0.0.1:1/nowhere"
    for args in (["db", "upgrade"], ["users", "list"]):
        done = studio(env, *args)
        assert done.exit_code == 2
        line = one_line(done)
        assert "cannot reach the database" in line
        assert "127.0.0.1:1/nowhere" in line and "s3cret" not in line


def test_from_a_real_process_without_a_traceback(env, tmp_path) -> None:
    environ = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    run = [sys.executable, "-m", "studio", "users"]
    done = subprocess.run([*run, "add", "ann", "--role", "tester"], input=PASSWORD,
                          capture_output=True, text=True, env=environ)  # fmt: skip
    assert done.returncode == 2 and "--password-stdin" in done.stderr
    assert "Traceback" not in done.stderr
    listed = subprocess.run([*run, "list"], capture_output=True, text=True, env=environ)
    assert listed.returncode == 0 and listed.stdout.split()[4:7] == ["admin", "admin", "yes"]


# -- PostgreSQL -----------------------------------------------------------------------------------


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, empty schema of the test PostgreSQL database (skips when unreachable)."""
    pytest.importorskip("psycopg")
    admin = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc.orig}".strip())
    schema = f"cli_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgresql
def test_postgresql_needs_db_upgrade_first(env, postgres_url) -> None:
    env["STUDIO_DATABASE_URL"] = postgres_url
    refused = studio(env, "users", "list")
    assert refused.exit_code == 2 and "run `studio db upgrade`" in one_line(refused)
    assert studio(env, "db", "upgrade").exit_code == 0
    added = studio(env, "users", "add", "ann", "--role", "caseworker", "--password-stdin",
                   input=PASSWORD)  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = json.loads(studio(env, "users", "list", "--format", "json").stdout)
    assert [u["username"] for u in listed] == ["admin", "ann"]
