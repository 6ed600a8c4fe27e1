"""Cases: the case row, its item instances, timers and history.

Revision ID: 0001
Revises:
Create Date: 2026-01-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 255
STATE = 32
JSON = sa.JSON(none_as_null=True)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("definition_key", sa.String(ID), nullable=False),
        sa.Column("definition_version", sa.String(ID)),
        sa.Column("state", sa.String(STATE), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("format_version", sa.Integer, nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("extra", JSON),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    op.create_index("ix_cases_definition_key", "cases", ["definition_key"])
    op.create_index("ix_cases_state", "cases", ["state"])
    op.create_table(
        "case_items",
        sa.Column("case_id", sa.String(ID), nullable=False),
        sa.Column("instance_id", sa.String(ID), nullable=False),
        sa.Column("plan_item", sa.String(ID), nullable=False),
        sa.Column("stage_instance", sa.String(ID)),
        sa.Column("state", sa.String(STATE), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("extra", JSON),
        _case_fk("case_items"),
        sa.PrimaryKeyConstraint("case_id", "instance_id", name="pk_case_items"),
    )
    op.create_table(
        "case_timers",
        sa.Column("case_id", sa.String(ID), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("instance_id", sa.String(ID), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("occurrence", sa.Integer, nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("extra", JSON),
        _case_fk("case_timers"),
        sa.PrimaryKeyConstraint("case_id", "position", name="pk_case_timers"),
    )
    op.create_index("ix_case_timers_due", "case_timers", ["due"])
    op.create_table(
        "case_history",
        sa.Column("case_id", sa.String(ID), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("instance", sa.String(ID)),
        sa.Column("item", sa.String(ID)),
        sa.Column("event", sa.String(STATE), nullable=False),
        sa.Column("state", sa.String(STATE)),
        sa.Column("cause", sa.Text),
        sa.Column("user", sa.String(ID)),
        sa.Column("extra", JSON),
        _case_fk("case_history"),
        sa.PrimaryKeyConstraint("case_id", "seq", name="pk_case_history"),
    )


def downgrade() -> None:
    op.drop_table("case_history")
    op.drop_index("ix_case_timers_due", table_name="case_timers")
    op.drop_table("case_timers")
    op.drop_table("case_items")
    op.drop_index("ix_cases_state", table_name="cases")
    op.drop_index("ix_cases_definition_key", table_name="cases")
    op.drop_table("cases")


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"], ["cases.id"], name=f"fk_{table}_case_id_cases", ondelete="CASCADE"
    )
