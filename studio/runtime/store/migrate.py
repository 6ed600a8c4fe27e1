"""Schema migrations, run from code: `upgrade(url)` is what `studio db upgrade` calls.

The Alembic configuration is built here (no alembic.ini at run time); the scripts live in the
`studio.runtime.migrations` package and ship with the wheel.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import URL, Engine

from studio.runtime.store.base import NotMigrated

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(target: str | URL | Engine | sa.Connection | None = None) -> Config:
    """An Alembic configuration for the runtime database at `target` (URL, engine or connection)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if isinstance(target, Engine | sa.Connection):
        config.attributes["connection"] = target
    elif target is not None:
        config.attributes["url"] = target
    return config


def upgrade(target: str | URL | Engine | sa.Connection, revision: str = "head") -> None:
    """Migrate the database to `revision` (the newest by default)."""
    if isinstance(target, Engine):
        with target.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    else:
        command.upgrade(alembic_config(target), revision)


def downgrade(target: str | URL | Engine | sa.Connection, revision: str) -> None:
    """Migrate the database back to `revision` ("base": no tables)."""
    if isinstance(target, Engine):
        with target.begin() as connection:
            command.downgrade(alembic_config(connection), revision)
    else:
        command.downgrade(alembic_config(target), revision)


@cache
def head_revision() -> str:
    """The revision this version of the code needs."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        connection.rollback()
    return revision


def ensure_migrated(engine: Engine) -> None:
    """Raise NotMigrated, saying what to do, unless the database is at the head revision."""
    where = engine.url.render_as_string(hide_password=True)
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    if current is None:
        raise NotMigrated(
            f"the database {where} has no Case Studio tables: run `studio db upgrade`"
        )
    ensure_upgradable(engine, current)
    raise NotMigrated(
        f"the database {where} is at revision {current}, this version of Case Studio needs "
        f"{head}: run `studio db upgrade`"
    )


def ensure_upgradable(engine: Engine, current: str | None = None) -> None:
    """Raise NotMigrated when the database is at a revision this version of the code does not
    know (a newer version migrated it), from which `upgrade` cannot go on. `current`: the
    database's revision, when already read."""
    current = current or current_revision(engine)
    if current is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(current)
    except CommandError:
        where = engine.url.render_as_string(hide_password=True)
        raise NotMigrated(
            f"the database {where} is at revision {current}, which this version of Case Studio "
            "does not know (a newer version migrated it)"
        ) from None
