"""Task assignments: who claimed or was delegated a task.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = 255
NAME = 150


def upgrade() -> None:
    op.create_table(
        "task_assignments",
        sa.Column("case_id", sa.String(ID), nullable=False),
        sa.Column("instance_id", sa.String(ID), nullable=False),
        sa.Column("assignee", sa.String(NAME), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(NAME)),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_task_assignments_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "instance_id", name="pk_task_assignments"),
    )
    op.create_index("ix_task_assignments_assignee", "task_assignments", ["assignee"])


def downgrade() -> None:
    op.drop_index("ix_task_assignments_assignee", table_name="task_assignments")
    op.drop_table("task_assignments")
