"""Claims on the timer jobs of cases: which executor works on which case, until when.

A case has at most one timer job (a `jobs` row of kind "timer"). Whoever holds it (`lock_owner`,
until `lock_expires_at`) is the only one firing the case's timers; a claim whose lease expired
(its owner died) can be taken over, counting the attempt its owner spent. Every claim first locks
the case's row, so claims of one case queue (or are skipped) rather than race:

- `claim_case` claims one case (SQLite, whose first write locks the whole database anyway, and
  any database where the case is already known);
- `claim_due` claims a batch of cases with due timers in one transaction on PostgreSQL, with
  `SELECT ... FOR UPDATE SKIP LOCKED`: several worker processes each take different cases at once
  instead of queueing behind the same first case. The conditional writes after the lock read the
  newest committed rows (each statement of a READ COMMITTED transaction takes a fresh snapshot),
  so a case claimed by a transaction that committed meanwhile is not claimed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from studio.runtime.store.schema import case_timers, cases
from studio.runtime.store.service_tables import jobs

KIND = "timer"
RUNNING, RETRY, WAITING, FAILED = "running", "retry", "waiting", "failed"


@dataclass(frozen=True, slots=True)
class Claim:
    """A job an executor holds: its row id, its case and the attempts already spent on it."""

    id: int
    attempts: int
    case_id: str = ""


def skip_locked(engine: sa.Engine) -> bool:
    """Whether the database claims batches with FOR UPDATE SKIP LOCKED (PostgreSQL)."""
    return engine.dialect.name == "postgresql"


def _spent() -> Any:
    """The attempts a claim counts: anew after an incident, one more when its owner died."""
    return sa.case(
        (jobs.c.state == FAILED, 0),
        (jobs.c.state == RUNNING, jobs.c.attempts + 1),
        else_=jobs.c.attempts,
    )


def _claimable(now: datetime) -> Any:
    """A timer job that is due and free, or whose lease expired."""
    return sa.and_(
        jobs.c.kind == KIND,
        jobs.c.due <= now,
        sa.or_(jobs.c.lock_owner.is_(None), jobs.c.lock_expires_at <= now),
    )


def _held(owner: str, now: datetime, lease: timedelta) -> dict[str, Any]:
    return {"lock_owner": owner, "lock_expires_at": now + lease, "state": RUNNING}


def claim_case(
    connection: sa.Connection, case_id: str, owner: str, now: datetime, lease: timedelta
) -> Claim | None:
    """Claim one case's timer job (made on the first claim); None when another executor holds
    it or it is backing off. Runs in the caller's transaction."""
    if connection.dialect.name != "sqlite":  # SQLite's first write locks the database
        connection.execute(sa.select(cases.c.id).where(cases.c.id == case_id).with_for_update())
    taken = connection.execute(
        sa.update(jobs)
        .where(_claimable(now), jobs.c.case_id == case_id)
        .values(**_held(owner, now, lease), attempts=_spent())
        .returning(jobs.c.id, jobs.c.attempts)
    ).first()
    if taken is not None:
        return Claim(taken.id, taken.attempts, case_id)
    exists = connection.execute(
        sa.select(jobs.c.id).where(jobs.c.kind == KIND, jobs.c.case_id == case_id)
    ).first()
    if exists is not None:
        return None
    made = connection.execute(
        sa.insert(jobs).values(
            kind=KIND, case_id=case_id, due=now, attempts=0, created_at=now,
            **_held(owner, now, lease),
        )
    )  # fmt: skip
    return Claim(made.inserted_primary_key[0], 0, case_id)


def claim_due(
    connection: sa.Connection, owner: str, now: datetime, lease: timedelta, limit: int
) -> list[Claim]:
    """Claim up to `limit` active cases with timers due by `now`, oldest due first, skipping the
    cases other transactions are claiming and those whose job is held or backing off
    (PostgreSQL; runs in the caller's transaction)."""
    blocked = (
        sa.select(jobs.c.id)
        .where(
            jobs.c.kind == KIND,
            jobs.c.case_id == cases.c.id,
            sa.or_(jobs.c.due > now, jobs.c.lock_expires_at > now),
        )
        .exists()
    )
    candidates = (
        sa.select(cases.c.id)
        .join(case_timers, case_timers.c.case_id == cases.c.id)
        .where(case_timers.c.due <= now, cases.c.state == "active", ~blocked)
        .order_by(case_timers.c.due)
        .limit(limit)
        .with_for_update(of=cases, skip_locked=True)
    )
    locked = list(dict.fromkeys(connection.execute(candidates).scalars()))
    if not locked:
        return []
    taken = connection.execute(
        sa.update(jobs)
        .where(_claimable(now), jobs.c.case_id.in_(locked))
        .values(**_held(owner, now, lease), attempts=_spent())
        .returning(jobs.c.id, jobs.c.attempts, jobs.c.case_id)
    ).all()
    claims = {row.case_id: Claim(row.id, row.attempts, row.case_id) for row in taken}
    known = set(
        connection.execute(
            sa.select(jobs.c.case_id).where(jobs.c.kind == KIND, jobs.c.case_id.in_(locked))
        ).scalars()
    )
    new = [case_id for case_id in locked if case_id not in known]
    if new:
        made = connection.execute(
            sa.insert(jobs).returning(jobs.c.id, jobs.c.case_id, sort_by_parameter_order=True),
            [
                {"kind": KIND, "case_id": case_id, "due": now, "attempts": 0, "created_at": now,
                 **_held(owner, now, lease)}
                for case_id in new
            ],
        )  # fmt: skip
        claims.update({row.case_id: Claim(row.id, 0, row.case_id) for row in made})
    return [claims[case_id] for case_id in locked if case_id in claims]
