"""The `Store` contract, run against MemoryStore, SqlStore on SQLite and SqlStore on PostgreSQL.

PostgreSQL tests run when the server of STUDIO_TEST_POSTGRES_URL (default: trust auth on
127.0.0.1:5432, database `test`) answers and psycopg is installed; otherwise they are skipped
saying why. Each PostgreSQL test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from studio.notation import read_model
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command, Outcome
from studio.runtime.engine.state import CaseState, HistoryEvent
from studio.runtime.store import (
    CaseExists,
    CaseNotFound,
    ConflictError,
    MemoryStore,
    Store,
    update_case,
)
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.serialize import FormatError, dump, dump_state
from studio.runtime.store.sql import SqlStore

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "STUDIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

# Two tasks; a milestone waiting for both (on-part memory); a timer one hour after start.
MODEL = b"""<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
<case id="Claim"><casePlanModel id="plan" autoComplete="true">
  <planItem id="pi_a" definitionRef="ht_a"/>
  <planItem id="pi_b" definitionRef="ht_b"/>
  <planItem id="pi_m" definitionRef="ms_m"><entryCriterion id="ec_m" sentryRef="s_m"/></planItem>
  <planItem id="pi_t" definitionRef="tel"/>
  <sentry id="s_m">
    <planItemOnPart id="op_a" sourceRef="pi_a"><standardEvent>complete</standardEvent></planItemOnPart>
    <planItemOnPart id="op_b" sourceRef="pi_b"><standardEvent>complete</standardEvent></planItemOnPart>
  </sentry>
  <humanTask id="ht_a" name="A"/><humanTask id="ht_b" name="B"/><milestone id="ms_m" name="M"/>
  <timerEventListener id="tel"><timerExpression>PT1H</timerExpression></timerEventListener>
</casePlanModel></case></definitions>"""


def claim_engine() -> CaseEngine:
    return CaseEngine(compile_case(read_model(MODEL, "claim.cmmn")))


def started(case_id: str = "c1", at: datetime = T0) -> tuple[CaseEngine, Outcome]:
    engine = claim_engine()
    return engine, engine.start(case_id, {"claim": {"amount": 1}}, at)


def run(engine: CaseEngine, state: CaseState, command: Command, at: datetime = T0) -> Outcome:
    """Execute a command on a state as a store gives it back (derived indexes rebuilt)."""
    return engine.execute(engine.restore(state), command, at)


def events(history: list[HistoryEvent] | tuple[HistoryEvent, ...]) -> list[dict]:
    return [dump(e) for e in history]


# -- stores ---------------------------------------------------------------------------------------


def ticking_clock(start: datetime = T0) -> object:
    """A clock one second further at each reading (created_at orders the case list)."""
    ticks = itertools.count()
    lock = threading.Lock()

    def now() -> datetime:
        with lock:
            return start + timedelta(seconds=next(ticks))

    return now


@pytest.fixture
def postgres_engine() -> Iterator[sa.Engine]:
    """An engine on a fresh schema of the test PostgreSQL database (skips when unreachable)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip(
            "PostgreSQL tests need psycopg, the postgres extra: pip install 'case-studio[postgres]'"
        )
    admin = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc.orig}".strip())
    schema = f"store_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cases.db'}"


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    clock = ticking_clock()
    if request.param == "memory":
        yield MemoryStore(clock=clock)
        return
    if request.param == "sqlite":
        url = sqlite_url(tmp_path)
        upgrade(url)
        sql = SqlStore(url, clock=clock)
    else:
        engine = request.getfixturevalue("postgres_engine")
        upgrade(engine)
        sql = SqlStore(engine, clock=clock)
    try:
        yield sql
    finally:
        sql.engine.dispose()


# -- the contract ---------------------------------------------------------------------------------


def test_create_load_round_trip(store: Store) -> None:
    _, out = started()
    assert store.create(out.state, "claims", "3", out.history) == 1
    loaded = store.load("c1")
    assert loaded.version == 1
    assert (loaded.definition_key, loaded.definition_version) == ("claims", "3")
    assert dump_state(loaded.state) == dump_state(out.state)
    assert isinstance(store, Store)


def test_save_with_the_right_version(store: Store) -> None:
    engine, out = started()
    store.create(out.state, "claims", None, out.history)
    loaded = store.load("c1")
    after = run(engine, loaded.state, Command("complete", "pi_a"))
    assert store.save("c1", after.state, loaded.version, after.history) == 2
    again = store.load("c1")
    assert again.version == 2
    assert dump_state(again.state) == dump_state(after.state)
    memory = next(i for i in again.state.items.values() if i.item == "pi_m").memory
    assert memory == {"ec_m": {0}}  # sets survive
    # And the state a store gives back runs on: B completes, the milestone occurs.
    done = run(engine, again.state, Command("complete", "pi_b"))
    assert store.save("c1", done.state, 2, done.history) == 3
    states = {i.item: i.state for i in store.load("c1").state.items.values()}
    assert states["pi_m"] == "completed"


def test_a_stale_version_conflicts_and_changes_nothing(store: Store) -> None:
    engine, out = started()
    store.create(out.state, "claims", None, out.history)
    first, second = store.load("c1"), store.load("c1")
    by_a = run(engine, first.state, Command("complete", "pi_a"))
    by_b = run(engine, second.state, Command("complete", "pi_b"))
    store.save("c1", by_a.state, first.version, by_a.history)
    before, history_before = dump_state(store.load("c1").state), events(store.history("c1"))
    with pytest.raises(ConflictError, match="version 2, not 1"):
        store.save("c1", by_b.state, second.version, by_b.history)
    assert dump_state(store.load("c1").state) == before
    assert events(store.history("c1")) == history_before
    assert store.load("c1").version == 2


def test_no_lost_update_under_concurrent_writers(store: Store) -> None:
    engine, out = started()
    store.create(out.state, "claims", None, out.history)
    threads, rounds = 4, 5

    def add_one(state: CaseState) -> Outcome:
        count = state.data.get("count", 0)
        return run(engine, state, Command("set", None, {"count": count + 1}))

    def work() -> None:
        for _ in range(rounds):
            update_case(store, "c1", add_one, attempts=200)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    final = store.load("c1")
    assert final.state.data["count"] == threads * rounds
    assert final.version == 1 + threads * rounds


def test_history_is_appended_in_order(store: Store) -> None:
    engine, out = started()
    store.create(out.state, "claims", None, out.history)
    expected = list(out.history)
    for item in ("pi_a", "pi_b"):
        loaded = store.load("c1")
        after = run(engine, loaded.state, Command("complete", item, user="ann"))
        store.save("c1", after.state, loaded.version, after.history)
        expected += after.history
    stored = store.history("c1")
    assert events(stored) == events(expected)
    assert [e.seq for e in stored] == sorted(e.seq for e in stored)
    assert {e.user for e in stored if e.event == "complete"} == {"ann"}
    assert all(e.at.tzinfo is not None for e in stored)


def test_saving_without_history_keeps_the_history(store: Store) -> None:
    engine, out = started()
    store.create(out.state, "claims", None, out.history)
    loaded = store.load("c1")
    after = run(engine, loaded.state, Command("complete", "pi_a"))
    store.save("c1", after.state, 1, ())
    assert events(store.history("c1")) == events(out.history)


def test_due_timers(store: Store) -> None:
    engine = claim_engine()
    for n, case_id in enumerate(["late", "early", "middle"]):
        at = T0 + timedelta(minutes=[30, 0, 10][n])
        out = engine.start(case_id, {}, at)
        store.create(out.state, "claims", None, out.history)
    assert store.due_timers(T0) == []
    assert store.due_timers(T0 + timedelta(minutes=65)) == [("early", T0 + timedelta(hours=1))]
    due = store.due_timers(T0 + timedelta(hours=2))
    assert [case_id for case_id, _ in due] == ["early", "middle", "late"]
    assert all(at.tzinfo is not None and at.utcoffset() == timedelta(0) for _, at in due)
    assert [c for c, _ in store.due_timers(T0 + timedelta(hours=2), limit=2)] == ["early", "middle"]
    # A naive `until` is UTC.
    assert store.due_timers(datetime(2026, 1, 5, 10, 0)) == [("early", T0 + timedelta(hours=1))]
    # A suspended case's timers wait for it to resume.
    loaded = store.load("early")
    suspended = run(engine, loaded.state, Command("suspend", None))
    store.save("early", suspended.state, loaded.version, suspended.history)
    assert [c for c, _ in store.due_timers(T0 + timedelta(hours=2))] == ["middle", "late"]


def test_fired_timers_leave_the_due_list(store: Store) -> None:
    engine, out = started()
    store.create(out.state, "claims", None, out.history)
    until = T0 + timedelta(hours=2)
    [(case_id, due)] = store.due_timers(until)

    def fire(state: CaseState) -> Outcome | None:
        return engine.fire_due_timer(engine.restore(state), due)

    assert update_case(store, case_id, fire) is not None
    assert store.due_timers(until) == []
    assert store.history("c1")[-1].event == "occur"


def test_list_cases_filters(store: Store) -> None:
    engine = claim_engine()
    for case_id, key in [("a", "claims"), ("b", "invoices"), ("c", "claims")]:
        out = engine.start(case_id, {}, T0)
        store.create(out.state, key, "1", out.history)
    loaded = store.load("c")
    ended = run(engine, loaded.state, Command("terminate", None))
    store.save("c", ended.state, loaded.version, ended.history)
    assert [s.id for s in store.list_cases()] == ["a", "b", "c"]
    assert [s.id for s in store.list_cases(definition="claims")] == ["a", "c"]
    assert [s.id for s in store.list_cases(state="active")] == ["a", "b"]
    assert [s.id for s in store.list_cases(definition="claims", state="terminated")] == ["c"]
    summary = store.list_cases(definition="claims", state="terminated")[0]
    assert (summary.definition_key, summary.definition_version, summary.version) == (
        "claims", "1", 2,
    )  # fmt: skip
    assert summary.created_at < summary.updated_at
    assert store.list_cases(definition="nothing") == []


def test_unknown_and_duplicate_cases(store: Store) -> None:
    _, out = started()
    with pytest.raises(CaseNotFound):
        store.load("c1")
    with pytest.raises(CaseNotFound):
        store.save("c1", out.state, 1, ())
    with pytest.raises(CaseNotFound):
        store.history("c1")
    store.create(out.state, "claims", None, out.history)
    with pytest.raises(CaseExists):
        store.create(out.state, "claims", None, ())
    assert store.load("c1").version == 1
    with pytest.raises(ValueError, match="as 'other'"):
        store.save("other", out.state, 1, ())


def test_callers_cannot_change_stored_state(store: Store) -> None:
    _, out = started()
    original = dump_state(out.state)
    store.create(out.state, "claims", None, out.history)
    out.state.data["claim"]["amount"] = 99
    next(iter(out.state.items.values())).state = "terminated"
    loaded = store.load("c1")
    loaded.state.data["claim"]["amount"] = 42
    loaded.state.timers.clear()
    assert dump_state(store.load("c1").state) == original


def test_naive_datetimes_are_utc(store: Store) -> None:
    engine = claim_engine()
    out = engine.start("c1", {}, datetime(2026, 1, 5, 9, 0))
    store.create(out.state, "claims", None, out.history)
    timer = store.load("c1").state.timers[0]
    assert timer.due == T0 + timedelta(hours=1) and timer.due.tzinfo is not None
    assert store.history("c1")[0].at == T0


def test_the_case_file_must_be_json(store: Store) -> None:
    _, out = started()
    out.state.data["when"] = T0
    with pytest.raises(FormatError, match="when: datetime is not a JSON value"):
        store.create(out.state, "claims", None, out.history)
    with pytest.raises(CaseNotFound):
        store.load("c1")


def test_update_case_saves_what_the_step_returns(store: Store) -> None:
    engine, out = started()
    store.create(out.state, "claims", None, out.history)
    assert update_case(store, "c1", lambda state: None) is None
    assert store.load("c1").version == 1
    done = update_case(store, "c1", lambda s: run(engine, s, Command("complete", "pi_a")))
    assert done is not None
    assert store.load("c1").version == 2


def test_update_case_gives_up_after_its_attempts(store: Store) -> None:
    engine, out = started()
    store.create(out.state, "claims", None, out.history)

    def meddle(state: CaseState) -> Outcome:
        other = store.load("c1")  # another writer gets in first, every time
        store.save("c1", other.state, other.version, ())
        return run(engine, state, Command("complete", "pi_a"))

    with pytest.raises(ConflictError):
        update_case(store, "c1", meddle, attempts=3)
    assert store.load("c1").version == 4
