"""The case tables (SQLAlchemy Core). Portable: SQLite and PostgreSQL.

Migrations in `studio/runtime/migrations` create these; a test checks they agree.

Every table's `extra` JSON holds the fields of the stored object that have no column of their own
(see `rows`), so new fields need no migration.

- `cases`: one row per case; `version` is the optimistic lock, `format_version` the version of the
  case document the rows hold; `data` is the case file, written only when it changed; `extra` has
  the engine's definition id, seq, incidents, case team.
- `case_items`: one row per item instance, so a command reads and writes only what it touches;
  `extra` holds required, resume_to, on-part memory, occurrences, suspended_by_parent.
- `case_timers`: the case's pending timers in list order, indexed on `due` for the clock driver.
- `case_history`: the audit trail, append-only, ordered by `seq` within a case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from studio.runtime.store.serialize import to_utc

ID = 255
STATE = 32


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A UTC instant: stored as UTC (naive on SQLite), read back UTC-aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = to_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else to_utc(value)


JSON = sa.JSON(none_as_null=True)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names, fixed so that later migrations can address them (also on SQLite)."""

metadata = sa.MetaData(naming_convention=NAMING)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.String(ID), primary_key=True),
    sa.Column("definition_key", sa.String(ID), nullable=False, index=True),
    sa.Column("definition_version", sa.String(ID)),
    sa.Column("state", sa.String(STATE), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("format_version", sa.Integer, nullable=False),
    sa.Column("data", JSON, nullable=False),
    sa.Column("extra", JSON),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

case_items = sa.Table(
    "case_items",
    metadata,
    sa.Column(
        "case_id", sa.String(ID), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("instance_id", sa.String(ID), primary_key=True),
    sa.Column("plan_item", sa.String(ID), nullable=False),
    sa.Column("stage_instance", sa.String(ID)),
    sa.Column("state", sa.String(STATE), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("extra", JSON),
)

case_timers = sa.Table(
    "case_timers",
    metadata,
    sa.Column(
        "case_id", sa.String(ID), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("instance_id", sa.String(ID), nullable=False),
    sa.Column("due", UtcDateTime, nullable=False, index=True),
    sa.Column("occurrence", sa.Integer, nullable=False),
    sa.Column("started", UtcDateTime, nullable=False),
    sa.Column("extra", JSON),
)

case_history = sa.Table(
    "case_history",
    metadata,
    sa.Column(
        "case_id", sa.String(ID), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("instance", sa.String(ID)),
    sa.Column("item", sa.String(ID)),
    sa.Column("event", sa.String(STATE), nullable=False),
    sa.Column("state", sa.String(STATE)),
    sa.Column("cause", sa.Text),
    sa.Column("user", sa.String(ID)),
    sa.Column("extra", JSON),
)
