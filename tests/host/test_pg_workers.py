"""Several `studio worker` processes on one PostgreSQL database: every due timer fires exactly
once, never two processes on one case at once; a worker killed with SIGKILL leaves its claims
to the others after the lease; a failing case retries with backoff, then becomes an incident."""

from __future__ import annotations

import itertools
import os
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from studio.host.claims import FAILED
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.service_tables import jobs
from tests.host.worker_probe import FAILURE
from tests.host.workers import (
    TIMERS,
    Workers,
    fired_once,
    firings,
    occurrences,
    overlaps,
    reminders_host,
    start_cases,
    wait_for,
    worker_url,
)
from tests.runtime.test_store import postgres_engine

__all__ = ["postgres_engine"]  # a fixture

pytestmark = pytest.mark.postgresql

FAST = ("--interval", "0.2", "--lease", "2")
"""Idle rounds 5 times a second (the CPU is shared), claims held for 2 seconds."""


@pytest.fixture
def workers(postgres_engine: sa.Engine, tmp_path: Path) -> Iterator[Workers]:
    upgrade(postgres_engine)
    made = Workers(worker_url(postgres_engine), tmp_path, [])
    try:
        yield made
    finally:
        made.stop()


def fired(workers: Workers) -> int:
    """Timers the workers fired so far, by their probes."""
    return sum(f.fired for f in firings(workers.log))


def job_rows(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(jobs).order_by(jobs.c.id)))


@pytest.mark.slow
def test_worker_processes_fire_every_due_timer_once_never_two_on_one_case(
    postgres_engine: sa.Engine, workers: Workers, tmp_path: Path
) -> None:
    host = reminders_host(postgres_engine, tmp_path / "instance")
    workers.start(*FAST, "--concurrency", "2", count=3, PROBE_SLEEP="0.005")
    cases = start_cases(host, 40)  # due at once: the workers take them while they are made

    assert wait_for(lambda: fired(workers) >= 3 * len(cases), 60), "not every timer fired"
    assert wait_for(lambda: job_rows(postgres_engine) == [], 10), job_rows(postgres_engine)
    found = firings(workers.log)
    assert sum(f.fired for f in found) == 3 * len(cases)
    assert overlaps(found) == []
    assert len({f.pid for f in found if f.fired}) > 1  # the work was shared
    assert workers.stop() == [0, 0, 0]  # SIGTERM: a clean stop
    assert b"stopped" in workers.stderr(0)
    assert all(occurrences(host, c) == Counter(TIMERS) for c in cases)


@pytest.mark.slow
def test_claims_of_a_killed_worker_are_taken_over_after_the_lease_and_fire_once(
    postgres_engine: sa.Engine, workers: Workers, tmp_path: Path
) -> None:
    host = reminders_host(postgres_engine, tmp_path / "instance")
    cases = start_cases(host, 20)
    [doomed] = workers.start(*FAST, PROBE_SLEEP="0.5")  # slow: it holds a batch of claims
    assert wait_for(lambda: any(f.pid == doomed.pid for f in firings(workers.log)), 30)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(10)
    held = {r.case_id for r in job_rows(postgres_engine) if f":{doomed.pid}:" in r.lock_owner}
    done = {f.case_id for f in firings(workers.log) if f.pid == doomed.pid and f.fired}
    pending = held - done  # claimed, not (or not completely) fired: left to the others
    assert pending, "the killed worker held no claims"

    workers.start(*FAST, count=2)
    assert wait_for(lambda: fired_once(host, cases), 60, every=0.5), "a timer was lost"
    assert wait_for(lambda: job_rows(postgres_engine) == [], 10), job_rows(postgres_engine)
    found = firings(workers.log)
    assert overlaps(found) == []
    taken_over = {f.case_id for f in found if f.pid != doomed.pid and f.fired}
    assert pending <= taken_over
    assert all(occurrences(host, c) == Counter(TIMERS) for c in cases)  # none fired twice


@pytest.mark.slow
def test_a_failing_case_retries_with_backoff_in_a_worker_then_becomes_an_incident(
    postgres_engine: sa.Engine, workers: Workers, tmp_path: Path
) -> None:
    host = reminders_host(postgres_engine, tmp_path / "instance")
    good = start_cases(host, 5)
    [bad] = start_cases(host, 1)
    options = ("--max-attempts", "3", "--backoff", "0.2")
    workers.start(*FAST, *options, PROBE_FAIL=bad)

    def settled() -> bool:
        rows = job_rows(postgres_engine)
        return len(host.view(bad)["incidents"]) == 3 and [r.state for r in rows] == [FAILED]

    assert wait_for(settled, 30)
    [row] = job_rows(postgres_engine)
    assert (row.case_id, row.attempts, row.lock_owner) == (bad, 3, None)
    assert f"RuntimeError: {FAILURE}" in row.last_error
    view = host.view(bad)
    assert all("3 times" in incident and FAILURE in incident for incident in view["incidents"])
    state = host.store.load(bad).state
    assert state.timers == [] and len(state.parked) == 3  # each failing timer parked
    assert occurrences(host, bad) == Counter()
    attempts = sorted(f.begin for f in firings(workers.log) if f.case_id == bad)
    assert len(attempts) == 9  # three attempts for each of the three timers
    gaps = [(b - a) / 1e9 for a, b in itertools.pairwise(attempts)]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4  # backing off: 0.2 s, then 0.4 s
    assert fired_once(host, good)
