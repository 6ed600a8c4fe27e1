"""Alembic environment: run by `studio.runtime.store.migrate`, configured in code (no alembic.ini).

The caller passes a `connection` (or a `url`) in ``config.attributes``; ``sqlalchemy.url`` in an
ini file works too, for the `alembic` command line during development.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from studio.runtime.store import project_tables, service_tables  # noqa: F401 - registers tables
from studio.runtime.store.database import make_engine
from studio.runtime.store.schema import metadata

config = context.config


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=config.attributes.get("url") or config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = make_engine(config.attributes.get("url") or config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            _configure(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
