"""The runtime service's tables (SQLAlchemy Core, on the case tables' `metadata`): users and
their API tokens, deployments and their files, and the audit trail of admin actions.

Migration 0002 creates them; the migration test checks they agree.

- `users`: login name, password hash (never the password), roles and groups (JSON lists), login
  throttling (`failed_logins`, `locked_until`).
- `api_tokens`: bearer tokens stored as a keyed hash (`digest`, HMAC-SHA256 with the server's
  secret), so a request is checked with one indexed lookup, not a password hash.
- `deployments`: one immutable row per deployed version of a model project (`key`), numbered
  per key, with the hash of its content (a redeploy of identical content is a no-op); `manifest`
  lists its files, cases and processes, `problems` the warnings it was deployed with.
- `deployment_files`: the project's files, byte for byte.
- `audit_log`: who did which admin action (deploy, migrate, role change, ...) when.
- `case_links`, `jobs` (migration 0003): see below.
"""

from __future__ import annotations

import sqlalchemy as sa

from studio.runtime.store.schema import ID, JSON, UtcDateTime, metadata

NAME = 150

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(NAME), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(ID), nullable=False),
    sa.Column("roles", JSON, nullable=False),
    sa.Column("groups", JSON, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False),
    sa.Column("locked_until", UtcDateTime),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("extra", JSON),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(NAME)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime),
    sa.Column("last_used_at", UtcDateTime),
)

deployments = sa.Table(
    "deployments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(NAME), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(NAME)),
    sa.Column("manifest", JSON, nullable=False),
    sa.Column("problems", JSON, nullable=False),
    sa.UniqueConstraint("key", "version", name="uq_deployments_key_version"),
)

deployment_files = sa.Table(
    "deployment_files",
    metadata,
    sa.Column(
        "deployment_id",
        sa.Integer,
        sa.ForeignKey("deployments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("path", sa.String(ID * 2), primary_key=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(NAME)),
    sa.Column("action", sa.String(NAME), nullable=False),
    sa.Column("target", sa.String(ID)),
    sa.Column("details", JSON),
)

case_links = sa.Table(
    "case_links",
    metadata,
    sa.Column(
        "child_id", sa.String(ID), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("parent_id", sa.String(ID), nullable=False, index=True),
    sa.Column("task_instance", sa.String(ID)),
    sa.Column("blocking", sa.Boolean, nullable=False),
    sa.Column("started_with", JSON),
    sa.Column("deployment_id", sa.Integer),
)
"""A process or sub-case started by a case's task (or by a message or signal, `task_instance`
None): where its end is reported, and the data it started with (to write back what changed)."""

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(NAME), nullable=False),
    sa.Column("case_id", sa.String(ID), index=True),
    sa.Column("due", UtcDateTime, nullable=False, index=True),
    sa.Column("payload", JSON),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("state", sa.String(32), nullable=False, index=True),
    sa.Column("lock_owner", sa.String(NAME)),
    sa.Column("lock_expires_at", UtcDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
"""Work the job executor does outside requests (retries with backoff of failed timers, async
work); claimed with an owner and an expiry so several server processes can share it."""

task_assignments = sa.Table(
    "task_assignments",
    metadata,
    sa.Column(
        "case_id", sa.String(ID), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("instance_id", sa.String(ID), primary_key=True),
    sa.Column("assignee", sa.String(NAME), nullable=False, index=True),
    sa.Column("assigned_at", UtcDateTime, nullable=False),
    sa.Column("assigned_by", sa.String(NAME)),
)
"""Who works a task (migration 0004): claimed by a user or delegated to one; gone when the
task is no longer active."""

simulation_runs = sa.Table(
    "simulation_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(NAME), nullable=False, index=True),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("file", sa.String(ID * 2), nullable=False),
    sa.Column("spec", sa.Text, nullable=False),
    sa.Column("origin", JSON),
    sa.Column("result", JSON),
)
"""A simulation run (migration 0006): who ran which `*.sim.json` (its text as run, an edited one
included) of which project version or deployment (`origin`), when, and its result. The row is
inserted when the run starts, so that its number is unique across server processes; `result`
stays empty until it finishes (a run whose server died never gets one)."""
