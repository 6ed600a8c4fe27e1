"""The runtime service: users, API tokens, deployments and their files, the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = 255
NAME = 150
JSON = sa.JSON(none_as_null=True)


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("username", sa.String(NAME), nullable=False),
        sa.Column("password_hash", sa.String(ID), nullable=False),
        sa.Column("roles", JSON, nullable=False),
        sa.Column("groups", JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        _when("locked_until", nullable=True),
        _when("created_at"),
        sa.Column("extra", JSON),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("name", sa.String(NAME)),
        _when("created_at"),
        _when("expires_at", nullable=True),
        _when("last_used_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("digest", name="uq_api_tokens_digest"),
    )
    op.create_table(
        "deployments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(NAME), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _when("created_at"),
        sa.Column("created_by", sa.String(NAME)),
        sa.Column("manifest", JSON, nullable=False),
        sa.Column("problems", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deployments"),
        sa.UniqueConstraint("key", "version", name="uq_deployments_key_version"),
    )
    op.create_index("ix_deployments_key", "deployments", ["key"])
    op.create_table(
        "deployment_files",
        sa.Column("deployment_id", sa.Integer, nullable=False),
        sa.Column("path", sa.String(ID * 2), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployments.id"],
            name="fk_deployment_files_deployment_id_deployments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("deployment_id", "path", name="pk_deployment_files"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, nullable=False),
        _when("at"),
        sa.Column("actor", sa.String(NAME)),
        sa.Column("action", sa.String(NAME), nullable=False),
        sa.Column("target", sa.String(ID)),
        sa.Column("details", JSON),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("deployment_files")
    op.drop_index("ix_deployments_key", table_name="deployments")
    op.drop_table("deployments")
    op.drop_table("api_tokens")
    op.drop_table("users")
