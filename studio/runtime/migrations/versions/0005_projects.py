"""Model projects in the studio: projects, their immutable versions, files, content blobs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = 255
NAME = 150
DISPLAY_NAME = 200
HASH = 64


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(NAME), nullable=False),
        sa.Column("name", sa.String(DISPLAY_NAME), nullable=False),
        _when("created_at"),
        sa.Column("created_by", sa.String(NAME)),
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sa.UniqueConstraint("key", name="uq_projects_key"),
    )
    op.create_table(
        "project_versions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("author", sa.String(NAME)),
        _when("created_at"),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(HASH), nullable=False),
        sa.Column("file_count", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_project_versions_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_project_versions"),
        sa.UniqueConstraint("project_id", "number", name="uq_project_versions_project_id_number"),
    )
    op.create_table(
        "project_blobs",
        sa.Column("sha256", sa.String(HASH), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_project_blobs"),
    )
    op.create_table(
        "project_files",
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("path", sa.String(ID * 2), nullable=False),
        sa.Column("sha256", sa.String(HASH), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["project_versions.id"],
            name="fk_project_files_version_id_project_versions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["project_blobs.sha256"], name="fk_project_files_sha256_project_blobs"
        ),
        sa.PrimaryKeyConstraint("version_id", "path", name="pk_project_files"),
    )


def downgrade() -> None:
    op.drop_table("project_files")
    op.drop_table("project_blobs")
    op.drop_table("project_versions")
    op.drop_table("projects")
