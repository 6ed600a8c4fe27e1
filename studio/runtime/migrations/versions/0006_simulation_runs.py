"""Finished simulation runs, kept across restarts: who, when, the sim file, its origin, result.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = 255
NAME = 150


def upgrade() -> None:
    op.create_table(
        "simulation_runs",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("username", sa.String(NAME), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("file", sa.String(ID * 2), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("origin", sa.JSON),
        sa.Column("result", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_simulation_runs"),
    )
    op.create_index("ix_simulation_runs_username", "simulation_runs", ["username"])


def downgrade() -> None:
    op.drop_index("ix_simulation_runs_username", table_name="simulation_runs")
    op.drop_table("simulation_runs")
