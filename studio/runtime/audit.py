"""The audit trail of admin actions (user changes, deployments, migrations) in `audit_log`.

`record` joins the caller's transaction when given a connection, so an action and its entry are
committed together; given an engine it writes in a transaction of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from studio.runtime.store.serialize import to_utc
from studio.runtime.store.service_tables import NAME, audit_log

TARGET = 255
MAX_ENTRIES = 1000


def record(
    bind: sa.Engine | sa.Connection,
    actor: str | None,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Add an entry: `actor` did `action` to `target` (`details`: JSON, never a secret)."""
    row = {
        "at": to_utc(now) if now is not None else datetime.now(UTC),
        "actor": None if actor is None else actor[:NAME],
        "action": action[:NAME],
        "target": None if target is None else target[:TARGET],
        "details": details,
    }
    if isinstance(bind, sa.Connection):
        bind.execute(audit_log.insert().values(row))
        return
    with bind.begin() as connection:
        connection.execute(audit_log.insert().values(row))


def entries(
    engine: sa.Engine | sa.Connection,
    limit: int = 100,
    action: str | None = None,
    target: str | None = None,
) -> list[dict[str, Any]]:
    """The newest entries first (at most `limit`, capped at 1000), optionally of one action or
    target: `{"id", "at", "actor", "action", "target", "details"}`."""
    query = sa.select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
    if action is not None:
        query = query.where(audit_log.c.action == action)
    if target is not None:
        query = query.where(audit_log.c.target == target)
    query = query.limit(max(1, min(limit, MAX_ENTRIES)))
    if isinstance(engine, sa.Connection):
        return [dict(row._mapping) for row in engine.execute(query)]
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]
