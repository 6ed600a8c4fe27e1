"""Links from started processes and sub-cases to their callers; the job table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = 255
NAME = 150
JSON = sa.JSON(none_as_null=True)


def upgrade() -> None:
    op.create_table(
        "case_links",
        sa.Column("child_id", sa.String(ID), nullable=False),
        sa.Column("parent_id", sa.String(ID), nullable=False),
        sa.Column("task_instance", sa.String(ID)),
        sa.Column("blocking", sa.Boolean, nullable=False),
        sa.Column("started_with", JSON),
        sa.Column("deployment_id", sa.Integer),
        sa.ForeignKeyConstraint(
            ["child_id"], ["cases.id"], name="fk_case_links_child_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("child_id", name="pk_case_links"),
    )
    op.create_index("ix_case_links_parent_id", "case_links", ["parent_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(NAME), nullable=False),
        sa.Column("case_id", sa.String(ID)),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", JSON),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("lock_owner", sa.String(NAME)),
        sa.Column("lock_expires_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )
    op.create_index("ix_jobs_case_id", "jobs", ["case_id"])
    op.create_index("ix_jobs_due", "jobs", ["due"])
    op.create_index("ix_jobs_state", "jobs", ["state"])


def downgrade() -> None:
    op.drop_index("ix_jobs_state", table_name="jobs")
    op.drop_index("ix_jobs_due", table_name="jobs")
    op.drop_index("ix_jobs_case_id", table_name="jobs")
    op.drop_table("jobs")
    op.drop_index("ix_case_links_parent_id", table_name="case_links")
    op.drop_table("case_links")
