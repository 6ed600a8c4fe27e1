"""The job executor: due timers fire exactly once, across restarts and racing executors; failures
back off and end as incidents on the case. The `host` tests are the executor's contract, run on
SQLite (claims one case at a time) and on PostgreSQL (claims batches, FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from studio.host.cases import ActionError, Actor, CaseHost
from studio.host.executor import FAILED, RETRY, WAITING, JobExecutor
from studio.messages import Text
from studio.runtime.clock import VirtualClock
from studio.runtime.store.base import ConflictError
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.service_tables import jobs
from studio.runtime.store.sql import SqlStore
from tests.host.test_case_host import ROOT, FolderDeployments
from tests.host.workers import fired_once, reminders_host, start_cases
from tests.runtime.test_engine_french import french_catalogue
from tests.runtime.test_store import postgres_engine

__all__ = ["postgres_engine"]  # a fixture

BPMN = ROOT / "tests" / "scenarios" / "bpmn"
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
LATER = timedelta(hours=3)  # past EvTimerCatch's 2-hour timer


def sqlite(tmp_path: Path) -> sa.Engine:
    return make_engine(f"sqlite:///{tmp_path / 'studio.db'}")


def host_on(engine: sa.Engine, clock: VirtualClock) -> CaseHost:
    upgrade(engine)
    return CaseHost(SqlStore(engine), engine, FolderDeployments(BPMN), clock)


def executor(host: CaseHost, owner: str, **options) -> JobExecutor:
    return JobExecutor(host, host.db, host.clock, owner, **options)


def occurrences(host: CaseHost, case_id: str) -> int:
    """How often the case's timer fired (its catch event occurred)."""
    return sum(1 for e in host.store.history(case_id) if e.item == "tc_wait" and e.event == "occur")


def waiting_cases(host: CaseHost, count: int) -> list[str]:
    return [host.start("EvTimerCatch", {}) for _ in range(count)]


def job_rows(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(jobs)))


def eventually(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def host(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[CaseHost]:
    if request.param == "sqlite":
        made = host_on(sqlite(tmp_path), VirtualClock(T0))
        yield made
        made.db.dispose()
    else:
        yield host_on(request.getfixturevalue("postgres_engine"), VirtualClock(T0))


def test_a_due_timer_fires_once(host: CaseHost) -> None:
    case = host.start("EvTimerCatch", {})
    work = executor(host, "a")
    assert work.run_once() == 0
    host.clock.advance(LATER)
    assert work.run_once() == 1
    assert work.run_once() == 0
    assert occurrences(host, case) == 1
    assert any(
        i["name"] == "Call back" and i["state"] == "active" for i in host.view(case)["items"]
    )
    assert job_rows(host.db) == []  # a job that succeeded leaves nothing behind
    status = work.status()
    assert status["fired"] == 1 and status["pending"] == 0 and status["failed"] == 0
    assert status["last_run"] == (T0 + LATER).isoformat() and not status["running"]


def test_timers_due_while_the_server_was_down_fire_once_after_a_restart(tmp_path: Path) -> None:
    before = host_on(sqlite(tmp_path), VirtualClock(T0))
    cases = waiting_cases(before, 5)
    before.db.dispose()  # the server dies; its timers fall due while nothing runs

    after = host_on(sqlite(tmp_path), VirtualClock(T0 + LATER))
    work = executor(after, "restarted", interval=60)
    work.start()  # fires what is already due at once, not after the interval
    try:
        assert eventually(lambda: work.fired == 5)
    finally:
        work.stop()
    assert work.run_once() == 0
    assert [occurrences(after, c) for c in cases] == [1] * 5
    after.db.dispose()


def test_a_claim_left_by_a_dead_executor_is_taken_over_after_its_lease(host: CaseHost) -> None:
    [case] = waiting_cases(host, 1)
    host.clock.advance(LATER)
    dead = executor(host, "dead")
    assert dead._claim(case, host.clock.now()) is not None  # dies before firing
    alive = executor(host, "alive")
    assert alive.run_once() == 0  # the claim holds for its lease
    host.clock.advance(timedelta(seconds=61))
    assert alive.run_once() == 1
    assert occurrences(host, case) == 1 and job_rows(host.db) == []


def test_a_claim_taken_over_is_not_renewed_by_its_first_owner(host: CaseHost) -> None:
    [case] = waiting_cases(host, 1)
    host.clock.advance(LATER)
    slow = executor(host, "slow")
    claim = slow._claim(case, host.clock.now())
    assert claim is not None and slow._renew(claim, host.clock.now())
    host.clock.advance(timedelta(seconds=61))  # its lease ran out before it got to the case
    assert executor(host, "other").run_once() == 1
    assert not slow._renew(claim, host.clock.now())
    assert occurrences(host, case) == 1


def test_the_job_of_an_executor_that_died_after_firing_is_cleared(host: CaseHost) -> None:
    [case] = waiting_cases(host, 1)
    host.clock.advance(LATER)
    dead = executor(host, "dead")
    assert dead._claim(case, host.clock.now()) is not None
    assert host.fire_timers(case) == 1  # then it dies before deleting its job
    alive = executor(host, "alive")
    alive.run_once()
    assert len(job_rows(host.db)) == 1  # its lease still holds
    host.clock.advance(timedelta(seconds=61))
    assert alive.run_once() == 0
    assert job_rows(host.db) == [] and occurrences(host, case) == 1


def test_a_restart_under_the_same_owner_takes_its_claims_back_at_once(host: CaseHost) -> None:
    [case] = waiting_cases(host, 1)
    host.clock.advance(LATER)
    assert executor(host, "server-1")._claim(case, host.clock.now()) is not None
    again = executor(host, "server-1", interval=60)
    again.start()
    try:
        assert eventually(lambda: occurrences(host, case) == 1)
    finally:
        again.stop()


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_racing_executors_fire_every_timer_exactly_once(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    clock = VirtualClock(T0)
    if database == "sqlite":
        engines = [sqlite(tmp_path), sqlite(tmp_path)]  # two server processes, one file
    else:
        engines = [request.getfixturevalue("postgres_engine")] * 2
    hosts = [host_on(engine, clock) for engine in engines]
    cases = waiting_cases(hosts[0], 40)
    clock.advance(LATER)

    busy: set[str] = set()
    overlaps: list[str] = []
    guard = threading.Lock()

    def exclusive(host: CaseHost) -> None:
        fire = host.fire_timers

        def fire_alone(case_id: str, now: datetime | None = None) -> int:
            with guard:
                if case_id in busy:
                    overlaps.append(case_id)
                busy.add(case_id)
            try:
                time.sleep(0.001)  # widen the window two executors could share
                return fire(case_id, now)
            finally:
                with guard:
                    busy.discard(case_id)

        host.fire_timers = fire_alone  # type: ignore[method-assign]

    executors = [executor(h, f"x{n}", batch=10) for n, h in enumerate(hosts)]
    for h in hosts:
        exclusive(h)
    start = threading.Barrier(len(executors))
    errors: list[BaseException] = []

    def work(job: JobExecutor) -> None:
        try:
            start.wait()
            for _ in range(200):
                job.run_once()
                if not job.host.store.due_timers(clock.now()):
                    return
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(job,)) for job in executors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and not overlaps
    assert hosts[0].store.due_timers(clock.now()) == []
    assert {c: occurrences(hosts[0], c) for c in cases} == dict.fromkeys(cases, 1)
    assert sum(job.fired for job in executors) == len(cases)
    if database == "sqlite":
        for engine in engines:
            engine.dispose()


def test_a_failing_case_backs_off_then_becomes_an_incident(
    host: CaseHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = waiting_cases(host, 2)
    bad = host.start("EvTimerCatch", {})
    calls: list[datetime] = []
    fire = host.fire_timers

    def failing(case_id: str, now: datetime | None = None) -> int:
        if case_id == bad:
            calls.append(now or host.clock.now())
            raise RuntimeError("the service is down")
        return fire(case_id, now)

    monkeypatch.setattr(host, "fire_timers", failing)
    work = executor(host, "a", max_attempts=3)
    due = T0 + LATER
    assert work.run_once(due) == 2  # the other cases' timers still fire
    [row] = job_rows(host.db)
    assert (row.state, row.attempts, row.due) == (RETRY, 1, due + timedelta(seconds=2))
    assert "the service is down" in row.last_error and row.lock_owner is None
    work.run_once(due + timedelta(seconds=1))  # backing off: not retried
    assert len(calls) == 1
    work.run_once(due + timedelta(seconds=2))
    assert len(calls) == 2 and job_rows(host.db)[0].due == due + timedelta(seconds=6)
    work.run_once(due + timedelta(seconds=5))
    assert len(calls) == 2
    work.run_once(due + timedelta(seconds=6))  # the last attempt
    assert len(calls) == 3
    [row] = job_rows(host.db)
    assert (row.state, row.attempts) == (FAILED, 3)
    [incident] = host.view(bad)["incidents"]
    assert "3 times" in incident and "RuntimeError: the service is down" in incident
    [details] = host.view(bad)["incident_details"]
    assert (details["code"], details["message"]) == ("timer.failed", incident)
    assert host.store.load(bad).state.timers == []  # the timer is parked
    [stored] = SqlStore(host.db, cache_size=0).load(bad).state.incidents  # read from its row
    french = french_catalogue()
    assert stored.message == incident and isinstance(stored.message, Text)
    assert stored.message.translate(lambda t: french.get(t) or t) == (
        "la minuterie a échoué 3 fois : RuntimeError: the service is down"
    )
    assert work.run_once(due + timedelta(hours=1)) == 0 and len(calls) == 3
    assert [occurrences(host, c) for c in good] == [1, 1] and occurrences(host, bad) == 0
    assert work.status()["failed"] == 1 and work.status()["pending"] == 0
    assert [j["case_id"] for j in work.jobs(FAILED)] == [bad]
    # the service is back: an admin retries the case, and its parked timer fires at once
    monkeypatch.setattr(host, "fire_timers", fire)
    host.act(bad, {"retry": "@case"}, Actor("root"))
    view = host.view(bad)
    assert view["incidents"] == [] and host.store.load(bad).state.parked == []
    assert work.run_once(due + timedelta(hours=1, seconds=1)) == 1
    assert occurrences(host, bad) == 1 and job_rows(host.db) == []
    retried = [e for e in host.history(bad) if e["event"] == "retry"]
    assert retried and retried[0]["user"] == "root" and "3 times" in retried[0]["cause"]
    with pytest.raises(ActionError, match="no incident to retry"):
        host.act(bad, {"retry": "@case"}, Actor("root"))


def test_a_conflict_is_retried_next_round_without_counting_as_a_failure(
    host: CaseHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    [case] = waiting_cases(host, 1)
    fire = host.fire_timers
    conflicts = [ConflictError("another writer")]

    def conflicting(case_id: str, now: datetime | None = None) -> int:
        if conflicts:
            raise conflicts.pop()
        return fire(case_id, now)

    monkeypatch.setattr(host, "fire_timers", conflicting)
    work = executor(host, "a")
    host.clock.advance(LATER)
    assert work.run_once() == 0 and job_rows(host.db) == []
    assert work.run_once() == 1 and occurrences(host, case) == 1


def test_a_case_with_nothing_to_fire_is_looked_at_again_later(
    host: CaseHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    [case] = waiting_cases(host, 1)
    calls: list[str] = []
    monkeypatch.setattr(host, "fire_timers", lambda case_id, now=None: calls.append(case_id) or 0)
    work = executor(host, "a", recheck=timedelta(seconds=30))
    due = T0 + LATER
    work.run_once(due)
    [row] = job_rows(host.db)
    assert row.state == WAITING and row.due == due + timedelta(seconds=30)
    work.run_once(due + timedelta(seconds=10))
    assert calls == [case]
    work.run_once(due + timedelta(seconds=30))
    assert calls == [case, case]


def test_the_thread_fires_timers_falling_due_and_survives_a_broken_round(
    host: CaseHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = executor(host, "a", interval=0.02)
    reap = work._reap  # every round starts with it, on either database
    broken = [RuntimeError("database away")]

    def flaky(now: datetime) -> None:
        if broken:
            raise broken.pop()
        reap(now)

    monkeypatch.setattr(work, "_reap", flaky)
    work.start()
    try:
        assert eventually(lambda: not broken and work.last_error is None)
        assert work.last_run is not None and work.status()["running"]
        case = host.start("EvTimerCatch", {})
        host.clock.advance(LATER)
        assert eventually(lambda: occurrences(host, case) == 1)
    finally:
        work.stop()
    assert not work.running and not work.status()["running"]
    time.sleep(0.1)
    assert occurrences(host, case) == 1


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_one_round_fires_every_due_timer_of_cases_with_several(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    engine = (
        sqlite(tmp_path) if database == "sqlite" else request.getfixturevalue("postgres_engine")
    )
    upgrade(engine)
    host = reminders_host(engine, tmp_path / "instance")  # three timers in each case
    host.clock = VirtualClock(datetime.now(UTC) - timedelta(hours=3))
    cases = []
    for _ in range(12):  # a case's three timers all fall due before the next case's first
        cases += start_cases(host, 1)
        host.clock.advance(timedelta(minutes=10))
    work = executor(host, "a", claim_batch=5)
    assert work.run_once(datetime.now(UTC)) == 3 * len(cases)
    assert fired_once(host, cases) and job_rows(engine) == []
