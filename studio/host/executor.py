"""The job executor: fires the due timers of live cases, in the background of a server.

Each round lists the cases with due timers and, one case at a time, claims the case's job (a row
of kind "timer" in `jobs`, created on the first claim), fires the case's due timers through the
host and releases the job. A claim is one conditional write, so executors in several threads or
server processes never work on one case at the same time; a claim whose lease expired (its owner
died) can be taken over. Firing is exactly once because the host saves each fired timer with
optimistic locking, removing it from the case in the same save: a case changed meanwhile is a
conflict, retried next round.

Job states: `running` (claimed), `retry` (failed, backing off until `due`), `waiting` (listed as
due but nothing could fire: the timers of suspended items wait for their resume; checked again
later) and `failed` (retried `max_attempts` times: an incident is on the case and the timer that
failed is parked). A job that succeeds is deleted. /metrics counts how jobs end (succeeded,
retried, incident) and the running executors (`studio.ops.metrics`).

On PostgreSQL a round claims batches of due cases with `FOR UPDATE SKIP LOCKED`
(`studio.host.claims`), so several worker processes (`studio worker`) share the due timers
without queueing behind one another; on SQLite it claims one listed case at a time.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from studio.host.cases import CaseHost
from studio.host.claims import (
    FAILED,
    KIND,
    RETRY,
    RUNNING,
    WAITING,
    Claim,
    claim_case,
    claim_due,
    skip_locked,
)
from studio.host.timer_starts import TimerStarts
from studio.messages import text
from studio.ops.metrics import JOB_EXECUTORS, observe_timer_job
from studio.ops.retention import scheduled_operations
from studio.runtime.clock import Clock
from studio.runtime.engine.incidents import TIMER_FAILED
from studio.runtime.store.base import ConflictError
from studio.runtime.store.schema import case_timers, cases
from studio.runtime.store.service_tables import jobs

logger = logging.getLogger(__name__)

__all__ = ["FAILED", "KIND", "RETRY", "RUNNING", "WAITING", "Claim", "JobExecutor"]

MAX_BATCHES = 10
"""Batches of due cases one round works through at most (a backlog after a restart)."""


class JobExecutor:
    """Fires due timers once each, retrying failures with backoff, in a daemon thread."""

    def __init__(
        self,
        host: CaseHost,
        engine: sa.Engine,
        clock: Clock | None = None,
        owner: str | None = None,
        interval: float = 1.0,
        lease: timedelta = timedelta(seconds=60),
        max_attempts: int = 5,
        *,
        backoff: timedelta = timedelta(seconds=2),
        max_backoff: timedelta = timedelta(minutes=10),
        recheck: timedelta = timedelta(seconds=30),
        batch: int = 100,
        claim_batch: int = 10,
    ) -> None:
        """`owner` names this executor in the claims it writes (unique per executor; a stable
        name lets a restarted server take its own claims back at once). `backoff` doubles per
        failed attempt up to `max_backoff`; `recheck` is how long a case whose due timers
        could not fire waits before it is looked at again; `batch` caps cases per round;
        `claim_batch` is how many cases one claim takes on PostgreSQL (their leases run while
        they are worked one after the other, so keep it well below what fires in `lease`)."""
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.host = host
        self.starts = TimerStarts(host, engine)
        """Deployed processes' timer start events, started on schedule each round."""
        self.db = engine
        self.clock = clock or host.clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.interval = interval
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.recheck = recheck
        self.batch = batch
        self.claim_batch = claim_batch
        self.fired = 0
        self.last_run: datetime | None = None
        self.last_error: str | None = None
        self._round = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._skip_locked = skip_locked(self.db)
        """PostgreSQL claims batches of due cases, skipping those others are claiming."""
        self.periodic = scheduled_operations(engine)
        """Operations run after each round of the thread (studio.ops: daily retention)."""

    # -- rounds ---------------------------------------------------------------------------------

    def run_once(self, now: datetime | None = None) -> int:
        """Fire the timers due by `now` (default: the clock, read per case); how many fired."""
        return self._run(now, None)

    def _run(self, now: datetime | None, stop: threading.Event | None) -> int:
        with self._round:
            fired = self.starts.run_once(now or self.clock.now())
            self._reap(now or self.clock.now())
            rounds = self._claimed_batches if self._skip_locked else self._listed_batches
            fired += rounds(now, stop)
            self.fired += fired
            self.last_run = now or self.clock.now()
            return fired

    def _listed_batches(self, now: datetime | None, stop: threading.Event | None) -> int:
        """List due cases, then claim and work them one at a time (SQLite)."""
        fired = 0
        for _ in range(MAX_BATCHES):
            until = now or self.clock.now()
            limit = self.batch + self._blocked(until)
            listed = self.host.store.due_timers(until, limit)
            claimed = 0
            for case_id, _due in listed:
                if stop is not None and stop.is_set():
                    break
                at = now or self.clock.now()
                claim = self._claim(case_id, at)
                if claim is not None:
                    claimed += 1
                    fired += self._work(case_id, claim, at)
            if len(listed) < limit or not claimed or (stop is not None and stop.is_set()):
                break
        return fired

    def _claimed_batches(self, now: datetime | None, stop: threading.Event | None) -> int:
        """Claim small batches of due cases others are not claiming, and work them
        (PostgreSQL), until nothing is left or `batch` cases per batch round were worked."""
        fired = 0
        for _ in range(MAX_BATCHES):
            worked = 0
            while worked < self.batch:
                claimed = now or self.clock.now()
                with self.db.begin() as connection:
                    claims = claim_due(
                        connection, self.owner, claimed, self.lease, self.claim_batch
                    )
                done: list[Claim] = []
                try:
                    for n, claim in enumerate(claims):
                        if stop is not None and stop.is_set():
                            self._release(claims[n:])
                            return fired
                        at = now or self.clock.now()
                        if at - claimed >= self.lease / 2 and not self._renew(claim, at):
                            continue  # its lease ran out while others were worked: taken over
                        fired += self._work(claim.case_id, claim, at, done)
                finally:
                    self._delete(done)
                worked += len(claims)
                if not done:  # nothing left, or nothing fired: conflicts wait for the next round
                    return fired
        return fired

    def _work(
        self, case_id: str, claim: Claim, now: datetime, done: list[Claim] | None = None
    ) -> int:
        """Fire one claimed case's timers and settle its job (or, when it succeeded and `done`
        is given, add it there to be deleted with the others of its batch)."""
        try:
            fired = self.host.fire_timers(case_id, now)
        except ConflictError:  # another writer saved the case first: next round
            self._settle(claim, None)
            return 0
        except Exception as exc:
            logger.warning("timers of case %s failed: %s", case_id, exc, exc_info=True)
            self._failed(case_id, claim, now, f"{type(exc).__name__}: {exc}")
            return 0
        if fired:
            observe_timer_job("succeeded")
        if fired and done is not None:
            done.append(claim)
        elif fired:
            self._settle(claim, None)
        else:
            self._settle(claim, {"state": WAITING, "due": now + self.recheck, "attempts": 0})
        return fired

    def _failed(self, case_id: str, claim: Claim, now: datetime, error: str) -> None:
        """Back off, or after the last attempt record an incident on the case."""
        attempts = claim.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "last_error": error}
        if attempts >= self.max_attempts:
            message = (
                text("timer failed {attempts} times: {error}", attempts=attempts, error=error)
                if attempts > 1
                else text("timer failed: {error}", error=error)
            )
            try:
                self._incident(case_id, message, now)
            except Exception as exc:  # the incident is recorded on a later attempt
                logger.warning("no incident recorded on case %s: %s", case_id, exc)
            else:
                self._settle(claim, {**values, "state": FAILED, "due": now})
                observe_timer_job("incident")
                return
        delay = min(self.backoff * 2 ** (attempts - 1), self.max_backoff)
        observe_timer_job("retried")
        self._settle(claim, {**values, "state": RETRY, "due": now + delay})

    def _incident(self, case_id: str, message: str, now: datetime) -> None:
        """Record an incident on the case, parking its next due timer (the one that fails)."""
        self.host.record_incident(case_id, message, now, TIMER_FAILED)

    # -- claims ---------------------------------------------------------------------------------

    def _claim(self, case_id: str, now: datetime) -> Claim | None:
        """Claim the case's timer job: take a free or expired one that is due, or create it."""
        with self.db.begin() as connection:
            return claim_case(connection, case_id, self.owner, now, self.lease)

    def _renew(self, claim: Claim, now: datetime) -> bool:
        """Extend a claim's lease before working its case; False if another executor took it
        over meanwhile (the lease of a batch's last case runs while the others are worked)."""
        held = sa.and_(jobs.c.id == claim.id, jobs.c.lock_owner == self.owner)
        renewed = sa.update(jobs).where(held).values(lock_expires_at=now + self.lease)
        with self.db.begin() as connection:
            return connection.execute(renewed).rowcount == 1

    def _delete(self, claims: list[Claim]) -> None:
        """Delete the jobs of claims that succeeded, in one statement (those taken over
        meanwhile belong to their new owner and stay)."""
        if not claims:
            return
        held = sa.and_(jobs.c.id.in_([c.id for c in claims]), jobs.c.lock_owner == self.owner)
        with self.db.begin() as connection:
            connection.execute(sa.delete(jobs).where(held))

    def _release(self, claims: list[Claim]) -> None:
        """Give back claims not worked (stopping): due again at once, attempts unchanged."""
        for claim in claims:
            self._settle(claim, {"state": WAITING, "attempts": claim.attempts})

    def _reap(self, now: datetime) -> None:
        """Delete the jobs of executors that died after firing their case's timers but before
        settling: expired claims whose case has nothing due any more."""
        due = (
            sa.select(case_timers.c.case_id)
            .join(cases, cases.c.id == case_timers.c.case_id)
            .where(
                case_timers.c.case_id == jobs.c.case_id,
                case_timers.c.due <= now,
                cases.c.state == "active",
            )
            .exists()
        )
        with self.db.begin() as connection:
            connection.execute(
                sa.delete(jobs).where(
                    jobs.c.kind == KIND,
                    jobs.c.state == RUNNING,
                    jobs.c.lock_expires_at <= now,
                    ~due,
                )
            )

    def _settle(self, claim: Claim, values: dict[str, Any] | None) -> None:
        """Release a claim: delete the job (None) or update it and free its lock."""
        held = sa.and_(jobs.c.id == claim.id, jobs.c.lock_owner == self.owner)
        if values is None:
            statement: Any = sa.delete(jobs).where(held)
        else:
            freed = {"lock_owner": None, "lock_expires_at": None}
            statement = sa.update(jobs).where(held).values(**values, **freed)
        with self.db.begin() as connection:
            if connection.execute(statement).rowcount != 1:
                logger.warning("job %s was taken over before %s released it", claim.id, self.owner)

    def _blocked(self, now: datetime) -> int:
        """Jobs that cannot be claimed now (held, backing off, waiting): due cases they would
        hide from a round are listed on top of the batch."""
        query = sa.select(sa.func.count()).where(
            jobs.c.kind == KIND,
            sa.or_(jobs.c.due > now, jobs.c.lock_expires_at > now),
        )
        with self.db.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def _recover(self) -> None:
        """Free claims this owner left behind (a restart under a stable name)."""
        with self.db.begin() as connection:
            connection.execute(
                sa.update(jobs)
                .where(jobs.c.kind == KIND, jobs.c.lock_owner == self.owner)
                .values(lock_owner=None, lock_expires_at=None)
            )

    # -- the thread -----------------------------------------------------------------------------

    def start(self) -> None:
        """Run a round now (what fell due while the server was down), then every `interval`
        seconds in a daemon thread until `stop()`."""
        if self.running:
            return
        self._stop.clear()
        self._recover()
        self._thread = threading.Thread(
            target=self._loop, name=f"job-executor-{self.owner}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop the thread after its current case, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        with JOB_EXECUTORS.track_inprogress():
            while not self._stop.is_set():
                try:
                    self._run(None, self._stop)
                    for operation in self.periodic:
                        operation(self.clock.now())
                    self.last_error = None
                except Exception as exc:  # a broken round (the database away): try again later
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    logger.exception("job executor round failed")
                self._stop.wait(self.interval)

    # -- reading --------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """`{"running", "owner", "last_run", "last_error", "fired", "pending", "failed",
        "jobs": {state: count}}` for health checks and the admin pages."""
        query = (
            sa.select(jobs.c.state, sa.func.count())
            .where(jobs.c.kind == KIND)
            .group_by(jobs.c.state)
        )
        with self.db.connect() as connection:
            counts = {state: int(n) for state, n in connection.execute(query)}
        return {
            "running": self.running,
            "owner": self.owner,
            "last_run": self.last_run.isoformat() if self.last_run else None,
            "last_error": self.last_error,
            "fired": self.fired,
            "pending": sum(n for state, n in counts.items() if state != FAILED),
            "failed": counts.get(FAILED, 0),
            "jobs": counts,
        }

    def jobs(self, state: str | None = None) -> list[dict[str, Any]]:
        """The timer jobs (optionally in one state), for an admin page."""
        query = sa.select(
            jobs.c.case_id, jobs.c.state, jobs.c.attempts, jobs.c.due, jobs.c.last_error,
            jobs.c.lock_owner, jobs.c.lock_expires_at,
        ).where(jobs.c.kind == KIND).order_by(jobs.c.due, jobs.c.id)  # fmt: skip
        if state is not None:
            query = query.where(jobs.c.state == state)
        with self.db.connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]
