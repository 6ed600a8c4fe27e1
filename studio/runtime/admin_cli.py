"""What `studio db upgrade` and `studio users ...` do, straight on the configured database.

Every function returns the exit code: 0 done, 1 refused, 2 bad input or a database that cannot
be used (its URL, driver, server or schema: `studio.runtime.store.usable`). Errors are one line
on stderr naming the user, role or database and the reason, never a traceback. Secrets are read
from a hidden prompt or standard input, never from arguments.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Sequence

import click
import sqlalchemy as sa

from studio.runtime.config import ConfigError, Settings, load_settings
from studio.runtime.store.base import DatabaseUnusable
from studio.runtime.store.migrate import (
    current_revision,
    ensure_migrated,
    ensure_upgradable,
    upgrade,
)
from studio.runtime.store.usable import open_usable
from studio.runtime.users import (
    FIRST_ADMIN,
    DuplicateUser,
    InvalidUserInput,
    UnknownUser,
    User,
    UserError,
    UserStore,
    check_groups,
    check_roles,
    check_username,
    ensure_first_admin,
)

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """Unusable input to a command (exit 2)."""


def db_upgrade() -> int:
    """Migrate the configured database to the newest revision, then make the first admin."""

    def run(settings: Settings, engine: sa.Engine) -> None:
        before = current_revision(engine)
        ensure_upgradable(engine, before)
        upgrade(engine)
        after = current_revision(engine)
        _first_admin(settings, UserStore(engine, settings.secret_key), "db upgrade")
        if before != after:
            from studio.runtime import audit

            details = {"from": before, "to": after}
            audit.record(engine, _actor(), "db.upgrade", _where(engine), details)
        click.echo(f"database {_where(engine)} is at revision {after}")

    return _run("db upgrade", run)


def users_list(output_format: str = "text") -> int:
    """Print the users: username, roles, groups, active."""

    def run(store: UserStore) -> None:
        found = store.list()
        if output_format == "json":
            click.echo(json.dumps([_as_json(user) for user in found], indent=2))
            return
        rows = [("username", "roles", "groups", "active")]
        rows += [
            (u.username, ",".join(sorted(u.roles)), ",".join(sorted(u.groups)), _yes(u.active))
            for u in found
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for *cells, active in rows:
            padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            click.echo("  ".join([*padded, active]))

    return _with_users("users list", run)


def users_add(
    username: str, roles: Sequence[str], groups: Sequence[str], password_stdin: bool
) -> int:
    """Add a user with roles and groups; the password from a hidden prompt or stdin."""

    def run(store: UserStore) -> None:
        check_username(username)
        check_roles(username, roles)
        check_groups(username, groups)
        if store.get(username) is not None:
            raise DuplicateUser(f"{username}: a user of that name exists already")
        password = _read_password(username, password_stdin)
        user = store.add(username, password, roles, groups, actor=_actor())
        click.echo(f"added {user.username} ({', '.join(sorted(user.roles)) or 'no roles'})")

    # A first user with the admin role is the first admin: no generated `admin` beside it.
    return _with_users("users add", run, first_admin="admin" not in roles)


def users_set_roles(username: str, roles: Sequence[str]) -> int:
    """Replace the user's roles."""

    def run(store: UserStore) -> None:
        user = store.set_roles(username, roles, actor=_actor())
        click.echo(f"{user.username}: roles {', '.join(sorted(user.roles)) or '(none)'}")

    return _with_users("users set-role", run)


def users_set_groups(username: str, groups: Sequence[str]) -> int:
    """Replace the user's groups."""

    def run(store: UserStore) -> None:
        user = store.set_groups(username, groups, actor=_actor())
        click.echo(f"{user.username}: groups {', '.join(sorted(user.groups)) or '(none)'}")

    return _with_users("users set-groups", run)


def users_set_password(username: str, password_stdin: bool) -> int:
    """Set the user's password (unlocks the account, revokes its API tokens)."""

    def run(store: UserStore) -> None:
        if store.get(username) is None:
            raise UnknownUser(f"{username}: no such user")
        store.set_password(username, _read_password(username, password_stdin), actor=_actor())
        click.echo(f"{username}: password changed; API tokens revoked")

    return _with_users("users set-password", run)


def users_set_active(username: str, active: bool) -> int:
    """Activate or deactivate the user."""

    def run(store: UserStore) -> None:
        store.set_active(username, active, actor=_actor())
        click.echo(f"{username}: {'activated' if active else 'deactivated'}")

    return _with_users("users activate" if active else "users deactivate", run)


# -- plumbing -------------------------------------------------------------------------------------


def _with_users(command: str, body: Callable[[UserStore], None], first_admin: bool = True) -> int:
    """Run `body` on the user store of a usable database (an empty embedded one is migrated)."""

    def run(settings: Settings, engine: sa.Engine) -> None:
        if settings.embedded and current_revision(engine) is None:
            upgrade(engine)
        ensure_migrated(engine)
        store = UserStore(engine, settings.secret_key)
        if first_admin:
            _first_admin(settings, store, command)
        body(store)

    return _run(command, run)


def _run(command: str, body: Callable[[Settings, sa.Engine], None]) -> int:
    """Settings, an engine, and the errors mapped to one line and an exit code."""
    engine: sa.Engine | None = None
    try:
        settings = load_settings()
        engine = open_usable(settings.database_url)
        body(settings, engine)
        return EXIT_OK
    except (BadInput, InvalidUserInput, UnknownUser, ConfigError, DatabaseUnusable) as exc:
        return _fail(command, str(exc), EXIT_BAD_INPUT)
    except UserError as exc:
        return _fail(command, str(exc), EXIT_REFUSED)
    except click.Abort:
        return _fail(command, "aborted", EXIT_REFUSED)
    except sa.exc.SQLAlchemyError as exc:
        where = _where(engine) if engine is not None else "the database"
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return _fail(command, f"database {where}: {reason}", EXIT_REFUSED)
    except (OSError, ValueError) as exc:
        return _fail(command, str(exc).strip().splitlines()[0], EXIT_REFUSED)
    finally:
        if engine is not None:
            engine.dispose()


def _fail(command: str, message: str, code: int) -> int:
    click.echo(f"studio {command}: {message}", err=True)
    return code


def _first_admin(settings: Settings, store: UserStore, command: str) -> None:
    """Create `admin` when there is no user; show a generated password once."""
    if store.count():
        return
    try:
        generated = ensure_first_admin(store, settings.admin_password, actor=_actor())
    except InvalidUserInput as exc:
        raise BadInput(f"STUDIO_ADMIN_PASSWORD: {exc}") from None
    if generated is None:
        if store.get(FIRST_ADMIN) is not None:
            click.echo(
                f"created the first user, {FIRST_ADMIN}, from STUDIO_ADMIN_PASSWORD", err=True
            )
        return
    click.echo(
        f"created the first user, {FIRST_ADMIN} (role admin), with the generated password:\n\n"
        f"    {generated}\n\n"
        "It is shown only this once. Change it with "
        f"`studio users set-password {FIRST_ADMIN}`.",
        err=True,
    )


def _read_password(username: str, from_stdin: bool) -> str:
    """The first line of standard input, or a hidden prompt asked twice on a terminal."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise BadInput(f"{username}: no password on standard input")
        return password
    if not _interactive():
        raise BadInput(
            f"{username}: standard input is not a terminal; pass the password with --password-stdin"
        )
    return click.prompt(
        f"Password for {username}", hide_input=True, confirmation_prompt=True, err=True
    )


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _actor() -> str:
    """Who runs the command, for the audit log: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def _where(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _as_json(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "roles": sorted(user.roles),
        "groups": sorted(user.groups),
        "active": user.active,
    }
