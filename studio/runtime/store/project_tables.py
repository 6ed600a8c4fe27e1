"""The model-project tables (SQLAlchemy Core, on the runtime's `metadata`; migration 0005): defined
with the other tables so that migrations and the schema check see them all (the editor uses them).

- `projects`: a key (the deployment key it deploys under), a display name, who created it and
  when, and whether it is archived (hidden from the list, kept).
- `project_versions`: immutable numbered versions (1, 2, ...) per project, with author, time,
  message and the hash of their content (`studio.deploy.deployments.content_hash`).
- `project_files`: which file content each path of a version has (by SHA-256).
- `project_blobs`: every distinct file content once, so saving one file of a project stores
  that file's bytes only; the other paths of the new version point at the blobs they had.
"""

from __future__ import annotations

import sqlalchemy as sa

from studio.runtime.store.schema import ID, UtcDateTime, metadata
from studio.runtime.store.service_tables import NAME

DISPLAY_NAME = 200
HASH = 64

projects = sa.Table(
    "projects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(NAME), nullable=False, unique=True),
    sa.Column("name", sa.String(DISPLAY_NAME), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(NAME)),
    sa.Column("archived", sa.Boolean, nullable=False),
)

project_versions = sa.Table(
    "project_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("author", sa.String(NAME)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(HASH), nullable=False),
    sa.Column("file_count", sa.Integer, nullable=False),
    sa.UniqueConstraint("project_id", "number", name="uq_project_versions_project_id_number"),
)

project_blobs = sa.Table(
    "project_blobs",
    metadata,
    sa.Column("sha256", sa.String(HASH), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
)

project_files = sa.Table(
    "project_files",
    metadata,
    sa.Column(
        "version_id",
        sa.Integer,
        sa.ForeignKey("project_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("path", sa.String(ID * 2), primary_key=True),
    sa.Column("sha256", sa.String(HASH), sa.ForeignKey("project_blobs.sha256"), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
)
