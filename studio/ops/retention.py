"""Retention: cases that ended long ago are archived to a file and purged from the database.

A case is purged with its whole family (the processes and sub-cases it started, which hold copies
of its data) once every member has ended (completed, terminated or closed) and the top case ended
before the cut-off. A run writes the purged cases to one gzip JSON Lines file, one line per case
with its row, items, timers, history, links and task assignments, then deletes them — archive and
purge in one transaction, so what is gone is in the file. Every run is in the audit trail.

Configuration for the job executor, which runs retention daily when it is configured:
- `STUDIO_RETENTION_AFTER`: how long an ended case is kept, an ISO-8601 duration (`P90D`);
- `STUDIO_RETENTION_ARCHIVE`: the folder of the archive files (absent: purge without archive).
`studio retention run [--older-than P90D] [--archive DIR]` runs it once by hand.
"""

from __future__ import annotations

import gzip
import json
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import isodate
import sqlalchemy as sa

from studio.runtime import audit
from studio.runtime.engine.state import TERMINAL
from studio.runtime.store.schema import case_history, case_items, case_timers, cases
from studio.runtime.store.service_tables import case_links, jobs, task_assignments

ACTION = "retention.purge"
JOB_KIND = "retention"
EVERY = timedelta(days=1)
CHECK_EVERY = timedelta(minutes=5)
"""How often a server process looks whether the daily run is due (one query)."""
LEASE = timedelta(hours=1)
MAX_CASES = 10_000
"""Cases one run purges at most (the next run goes on)."""
CHUNK = 500
"""Case ids per query (well under the bound-parameter limits of SQLite and PostgreSQL)."""
AFTER_VARIABLE, ARCHIVE_VARIABLE = "STUDIO_RETENTION_AFTER", "STUDIO_RETENTION_ARCHIVE"
OWNED = (case_history, case_items, case_timers, task_assignments)
"""Tables whose rows belong to one case (`case_id`)."""


class RetentionError(Exception):
    """Retention that cannot run: the message names the setting or folder and why."""


@dataclass(frozen=True, slots=True)
class Policy:
    """Keep ended cases `keep` long; archive them to `archive` (None: purge only)."""

    keep: timedelta
    archive: Path | None = None


@dataclass(frozen=True, slots=True)
class Purge:
    """What a run did: the cut-off, the cases purged (tops and members) and the archive."""

    before: datetime
    cases: tuple[str, ...]
    archive: Path | None

    def as_json(self) -> dict[str, Any]:
        return {
            "before": self.before.isoformat(),
            "cases": len(self.cases),
            "archive": str(self.archive) if self.archive else None,
        }


def parse_duration(text: str, where: str = "--older-than") -> timedelta:
    """An ISO-8601 duration in days, hours, minutes or seconds (P90D, PT12H)."""
    try:
        duration = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError, TypeError):
        raise RetentionError(
            f"{where}: {text!r} is not an ISO-8601 duration such as P90D"
        ) from None
    if not isinstance(duration, timedelta) or duration <= timedelta(0):
        raise RetentionError(f"{where}: {text!r} must be a positive duration in days (P90D)")
    return duration


def policy_from(environ: Mapping[str, str] | None = None) -> Policy | None:
    """The policy of STUDIO_RETENTION_AFTER and STUDIO_RETENTION_ARCHIVE (None: not set)."""
    env = os.environ if environ is None else environ
    after = env.get(AFTER_VARIABLE)
    if not after:
        return None
    archive = env.get(ARCHIVE_VARIABLE)
    return Policy(parse_duration(after, AFTER_VARIABLE), Path(archive) if archive else None)


def run_retention(
    engine: sa.Engine,
    policy: Policy,
    actor: str | None,
    now: datetime | None = None,
    dry_run: bool = False,
    limit: int = MAX_CASES,
) -> Purge:
    """Archive and purge the families of cases ended before `now - policy.keep`."""
    moment = now or datetime.now(UTC)
    before = moment - policy.keep
    if policy.archive is not None and not dry_run:
        policy.archive.mkdir(parents=True, exist_ok=True)
    with engine.begin() as connection:
        families = _ended_families(connection, before, limit)
        members = tuple(case_id for family in families for case_id in family)
        if dry_run:
            return Purge(before, members, None)
        target = None
        if policy.archive is not None and members:
            name = f"cases-{moment:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}.jsonl.gz"
            target = policy.archive / name
            _archive(connection, members, target)
        _purge(connection, members)
        archived = str(target) if target else None
        details = {"cases": len(members), "before": before.isoformat(), "archive": archived}
        audit.record(connection, actor, ACTION, target.name if target else None, details, moment)
    return Purge(before, members, target)


def _ended_families(
    connection: sa.Connection, before: datetime, limit: int
) -> list[tuple[str, ...]]:
    """Families (top case first) whose top ended before `before` and whose members all ended."""
    started = sa.select(case_links.c.child_id)
    tops = connection.execute(
        sa.select(cases.c.id)
        .where(
            cases.c.state.in_(sorted(TERMINAL)),
            cases.c.updated_at < before,
            cases.c.id.not_in(started),
        )
        .order_by(cases.c.updated_at, cases.c.id)
        .limit(limit)
    ).scalars()
    families: list[tuple[str, ...]] = []
    count = 0
    for chunk in _chunks(tuple(tops), CHUNK):
        members = _descendants(connection, chunk)
        states = _states(connection, [m for family in members.values() for m in family])
        for top in chunk:
            family = members[top]
            if all(states.get(m) in TERMINAL for m in family) and count + len(family) <= limit:
                families.append(family)
                count += len(family)
    return families


def _descendants(connection: sa.Connection, tops: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Each top case with everything it started, level by level (one query per level)."""
    family = {top: [top] for top in tops}
    owner = {top: top for top in tops}
    frontier = list(tops)
    while frontier:
        found = []
        for chunk in _chunks(tuple(frontier), CHUNK):
            rows = connection.execute(
                sa.select(case_links.c.parent_id, case_links.c.child_id)
                .where(case_links.c.parent_id.in_(chunk))
                .order_by(case_links.c.child_id)
            )
            for parent, child in rows:
                if child not in owner:
                    owner[child] = owner[parent]
                    family[owner[parent]].append(child)
                    found.append(child)
        frontier = found
    return {top: tuple(members) for top, members in family.items()}


def _states(connection: sa.Connection, ids: list[str]) -> dict[str, str]:
    states: dict[str, str] = {}
    for chunk in _chunks(tuple(ids), CHUNK):
        query = sa.select(cases.c.id, cases.c.state).where(cases.c.id.in_(chunk))
        states.update({case_id: state for case_id, state in connection.execute(query)})
    return states


def _archive(connection: sa.Connection, members: tuple[str, ...], target: Path) -> None:
    """One line per case (its row, items, timers, history, links, task assignments), read a
    chunk of cases at a time; written to a temporary name and renamed once complete."""
    partial = target.with_name(target.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as stream:
        for chunk in _chunks(members, CHUNK):
            rows = {row["id"]: row for row in _all(connection, cases, cases.c.id.in_(chunk))}
            parts = {
                "items": _grouped(connection, case_items, case_items.c.case_id, chunk),
                "timers": _grouped(connection, case_timers, case_timers.c.case_id, chunk),
                "history": _grouped(connection, case_history, case_history.c.case_id, chunk),
                "links": _grouped(connection, case_links, case_links.c.child_id, chunk),
                "assignments": _grouped(
                    connection, task_assignments, task_assignments.c.case_id, chunk
                ),
            }
            for case_id in chunk:
                record = {"case": rows[case_id]}
                record.update({name: part.get(case_id, []) for name, part in parts.items()})
                stream.write(json.dumps(record, default=_json_value, ensure_ascii=False) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    partial.replace(target)


def _grouped(
    connection: sa.Connection, table: sa.Table, key: sa.Column, ids: tuple[str, ...]
) -> dict[str, list[dict[str, Any]]]:
    """The rows of `table` whose `key` is one of `ids`, by that key, in primary-key order."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in _all(connection, table, key.in_(ids), order=list(table.primary_key.columns)):
        grouped.setdefault(row[key.name], []).append(row)
    return grouped


def _purge(connection: sa.Connection, members: tuple[str, ...]) -> None:
    for chunk in _chunks(members, CHUNK):
        for table in OWNED:
            connection.execute(sa.delete(table).where(table.c.case_id.in_(chunk)))
        connection.execute(sa.delete(jobs).where(jobs.c.case_id.in_(chunk)))
        connection.execute(sa.delete(case_links).where(case_links.c.child_id.in_(chunk)))
        connection.execute(sa.delete(cases).where(cases.c.id.in_(chunk)))


def _chunks(values: tuple[str, ...], size: int) -> list[tuple[str, ...]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _all(
    connection: sa.Connection, table: sa.Table, where: Any, order: list[Any] | None = None
) -> list[dict[str, Any]]:
    query = sa.select(table).where(where)
    if order:
        query = query.order_by(*order)
    return [dict(row) for row in connection.execute(query).mappings()]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


# -- daily, in the job executor ------------------------------------------------------------------


class DailyRetention:
    """Runs retention once a day across all server processes: the process that claims the
    `retention` row of `jobs` (due, not held) runs it and moves it a day on."""

    def __init__(self, engine: sa.Engine, policy: Policy, owner: str | None = None) -> None:
        self.engine = engine
        self.policy = policy
        self.owner = owner or f"retention:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.next_check: datetime | None = None

    def __call__(self, now: datetime) -> Purge | None:
        """Run retention if today's run is due and this process claims it."""
        if self.next_check is not None and now < self.next_check:
            return None
        self.next_check = now + CHECK_EVERY
        if not self._claim(now):
            return None
        done = False
        try:
            purge = run_retention(self.engine, self.policy, "studio (retention)", now)
            done = True
            return purge
        finally:  # a failed run is tried again at the next check
            self._release(now + EVERY if done else now + CHECK_EVERY)

    def _claim(self, now: datetime) -> bool:
        held = {"lock_owner": self.owner, "lock_expires_at": now + LEASE, "state": "running"}
        free = sa.or_(jobs.c.lock_owner.is_(None), jobs.c.lock_expires_at <= now)
        with self.engine.begin() as connection:
            taken = connection.execute(
                sa.update(jobs)
                .where(jobs.c.kind == JOB_KIND, jobs.c.due <= now, free)
                .values(**held)
            ).rowcount
            if taken:
                return True
            exists = connection.execute(sa.select(jobs.c.id).where(jobs.c.kind == JOB_KIND)).first()
            if exists is not None:
                return False
            connection.execute(
                sa.insert(jobs).values(kind=JOB_KIND, due=now, attempts=0, created_at=now, **held)
            )
            return True

    def _release(self, due: datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(jobs)
                .where(jobs.c.kind == JOB_KIND, jobs.c.lock_owner == self.owner)
                .values(due=due, state="waiting", lock_owner=None, lock_expires_at=None)
            )


def scheduled_operations(engine: sa.Engine) -> list[Callable[[datetime], Any]]:
    """What the job executor runs after its rounds: daily retention when it is configured."""
    policy = policy_from()
    return [DailyRetention(engine, policy)] if policy is not None else []
