"""Fault runs: kill -9 a server and a job worker in the middle of the mixed load, then check
the database against what the servers acknowledged. Used by benchmarks/bench_faults.py and
tests/ops/test_faults.py.

A run: a fresh PostgreSQL database; `processes` `studio serve` behind nginx (round robin) and
`workers` `studio worker` job executors (benchmarks/cluster.py; the servers then run no
executor), the workers' claims leased for `lease` seconds; the model of benchmarks/load_model (a
human task and a reminder timer 2 s after the start); the mixed load of benchmarks/mixed_load.py
for `seconds`. `kill_after` seconds into it, server 0 and worker 0 get SIGKILL (their whole
process groups: requests in flight die with the server, claims with the worker) and are started
again `down` seconds later. Then the reminders of the cases still open are given up to `settle`
seconds to fire (each fires 2 s after its case started), and the
checks run straight on the database:

- lost starts: cases answered 201 that are not in the database;
- lost completions: tasks answered 200 whose case history has no `complete` of that instance;
- duplicated completions: a task instance with more than one `complete` in its history;
- timers fired twice: more than one `occur` of the reminder in a case;
- overdue timers: reminders of live cases that have not occurred `grace` seconds after they
  were due (whether or not a timer row is still waiting);
  `leased` counts those whose case's timer job is still claimed by a live lease (a killed
  worker's, until it expires);
- inconsistent cases: the replay check — history sequence numbers strictly increasing (the
  engine shares its counter with item instances: gaps are normal), every item's state the state
  its last history event gave it, and no history of an instance the case does not have.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from bench_runtime import PASSWORD, login
from cluster import Cluster, Member
from mixed_load import Ledger, Mixed, deploy_model, run_mixed
from polling import wait_until
from servers import add_user, fresh_database
from tcp_proxy import TcpRelay

from studio.runtime.engine.state import CaseState, HistoryEvent
from studio.runtime.store.schema import case_timers, cases
from studio.runtime.store.service_tables import jobs
from studio.runtime.store.sql import SqlStore

REMINDER = "pi_reminder"
REMINDER_AFTER = timedelta(seconds=2)
"""The reminder's timer (benchmarks/load_model/request.cmmn)."""
TASK = "pi_review"


@dataclass
class Findings:
    """What a fault run found (all zero when nothing was lost or done twice)."""

    acknowledged_starts: int = 0
    acknowledged_completions: int = 0
    cases: int = 0
    timers_fired: int = 0
    lost_starts: list[str] = field(default_factory=list)
    lost_completions: list[str] = field(default_factory=list)
    duplicated_completions: list[str] = field(default_factory=list)
    fired_twice: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    leased: list[str] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)
    unanswered: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def lost(self) -> int:
        return len(self.lost_starts) + len(self.lost_completions)

    @property
    def duplicated(self) -> int:
        return len(self.duplicated_completions) + len(self.fired_twice)

    def summary(self) -> str:
        return (
            f"acknowledged {self.acknowledged_starts} starts, {self.acknowledged_completions} "
            f"completions; {self.cases} cases, {self.timers_fired} timers fired; lost "
            f"{self.lost} (starts {len(self.lost_starts)}, completions "
            f"{len(self.lost_completions)}), duplicated {self.duplicated} (completions "
            f"{len(self.duplicated_completions)}, timers {len(self.fired_twice)}), overdue "
            f"timers {len(self.overdue)} (held by a dead executor's lease {len(self.leased)}), "
            f"inconsistent cases {len(self.inconsistent)}; requests without an answer "
            f"{sum(self.unanswered.values())}"
        )


def fault_run(
    *,
    processes: int = 2,
    workers: int = 1,
    clients: int = 8,
    seconds: float = 8.0,
    kill_after: float = 3.0,
    down: float = 1.0,
    lease: float = 5.0,
    settle: float = 15.0,
    grace: float = 3.0,
    seed: int = 1,
) -> tuple[Findings, Mixed]:
    """One run (see the module's docstring); the findings and the load's figures."""
    with (
        fresh_database("studio_faults") as url,
        LeasedCluster(processes, url, workers=workers, affinity="none", lease=lease) as cluster,
    ):

        def kill_and_restart() -> None:
            time.sleep(kill_after)
            cluster.kill(0)
            if workers:
                cluster.kill_worker(0)
            time.sleep(down)
            cluster.restart(0)
            if workers:
                cluster.restart_worker(0)

        findings, mixed = load_then_check(
            cluster, url, kill_and_restart, clients=clients, seconds=seconds, settle=settle,
            grace=grace, seed=seed,
        )  # fmt: skip
    for (kind, status), n in mixed.errors.items():
        findings.statuses[f"{kind} {status}"] += n
    return findings, mixed


def load_then_check(
    cluster: Cluster,
    url: str,
    fault: Callable[[], None],
    *,
    clients: int,
    seconds: float,
    settle: float,
    grace: float,
    seed: int = 1,
) -> tuple[Findings, Mixed]:
    """The mixed load on `cluster`, `fault` happening once its window opens; then, once the due
    timers had `settle` seconds to fire, the database at `url` checked against every action the
    servers acknowledged."""
    port, token = prepare(cluster)
    ledger = Ledger()
    mixed = run_mixed(
        [port], token, ledger, clients=clients, seconds=seconds, during=fault, seed=seed,
        timeout=10,
    )  # fmt: skip
    engine = sa.create_engine(url)
    try:
        wait_for_timers(engine, settle)
        return check(engine, ledger, grace), mixed
    finally:
        engine.dispose()


def prepare(cluster: Cluster) -> tuple[int, str]:
    """Deploy the load model on the cluster and add a case worker: (nginx's port, their token)."""
    env = {**os.environ, **cluster.env, "STUDIO_INSTANCE_PATH": str(cluster.workdir / "cli")}
    add_user(env, "worker", ["caseworker"])
    port = int(cluster.url.rsplit(":", 1)[1])
    deploy_model(port, login(port, "admin", cluster.admin_password))
    return port, login(port, "worker", PASSWORD)


class LeasedCluster(Cluster):
    """The cluster of benchmarks/cluster.py with its job workers' claims leased for `lease`
    seconds (`studio worker --lease`), so a killed worker's claims are taken over within a run."""

    def __init__(self, *args: Any, lease: float, **options: Any) -> None:
        super().__init__(*args, **options)
        self.workers = [LeasedMember(**vars(member), lease=lease) for member in self.workers]


@dataclass
class LeasedMember(Member):
    lease: float = 60.0

    @property
    def command(self) -> list[str]:
        command = super().command
        return [*command, "--lease", f"{self.lease:g}"] if self.port is None else command


def wait_for_timers(engine: sa.Engine, settle: float) -> None:
    """Until no live case has a timer left (each case's one reminder fired, at most 2 s after
    the load), or `settle` seconds passed."""
    query = (
        sa.select(sa.func.count())
        .select_from(case_timers.join(cases, cases.c.id == case_timers.c.case_id))
        .where(cases.c.state == "active")
    )

    def no_timer_left() -> bool:
        with engine.connect() as connection:
            return connection.execute(query).scalar_one() == 0

    wait_until(no_timer_left, settle, 0.5)


def check(engine: sa.Engine, ledger: Ledger, grace: float) -> Findings:
    """Compare the database with the ledger (see the module's docstring)."""
    store = SqlStore(engine)
    found = Findings(len(ledger.started), len(ledger.completed), unanswered=ledger.unanswered)
    with engine.connect() as connection:
        ids = [row[0] for row in connection.execute(sa.select(cases.c.id))]
        held = {
            case_id
            for case_id, expires in connection.execute(
                sa.select(jobs.c.case_id, jobs.c.lock_expires_at).where(jobs.c.state == "running")
            )
            if expires is not None and _utc(expires) > datetime.now(UTC)
        }
    present = set(ids)
    found.cases = len(ids)
    found.lost_starts = [case_id for case_id in ledger.started if case_id not in present]
    completes: dict[str, Counter[str]] = {}
    cutoff = datetime.now(UTC) - timedelta(seconds=grace)
    for case_id in ids:
        state = store.load(case_id).state
        history = store.history(case_id)
        counted = Counter(e.instance for e in history if e.event == "complete" and e.instance)
        completes[case_id] = counted
        found.duplicated_completions += [f"{case_id}:{i}" for i, n in counted.items() if n > 1]
        occurred = sum(1 for e in history if e.event == "occur" and e.item == REMINDER)
        found.timers_fired += occurred
        if occurred > 1:
            found.fired_twice.append(case_id)
        if occurred == 0 and _overdue(state, history, cutoff):
            (found.leased if case_id in held else found.overdue).append(case_id)
        why = replay_problem(state, history)
        if why:
            found.inconsistent.append(f"{case_id}: {why}")
    for task_id, _case in ledger.completed:
        owner, _, instance = task_id.rpartition(":")  # the case or process the task is in
        if completes.get(owner, Counter())[instance.replace("~", "#")] < 1:
            found.lost_completions.append(task_id)
    return found


def _overdue(state: CaseState, history: list[HistoryEvent], cutoff: datetime) -> bool:
    """Whether the reminder of a live case should have occurred by `cutoff` and has not."""
    if state.state != "active" or not history:
        return False
    waiting = any(i.item == REMINDER and i.state == "available" for i in state.items.values())
    return waiting and history[0].at + REMINDER_AFTER <= cutoff


def replay_problem(state: CaseState, history: list[HistoryEvent]) -> str | None:
    """Why the state is not what its history says (None when it is)."""
    seqs = [event.seq for event in history]
    if any(a >= b for a, b in itertools.pairwise(seqs)):
        return f"history sequence numbers not strictly increasing: {seqs[:8]}"
    last: dict[str, str] = {}
    for event in history:
        if event.instance is not None and event.state is not None:
            last[event.instance] = event.state
    for instance_id, instance in state.items.items():
        if last.get(instance_id, instance.state) != instance.state:
            return f"{instance_id} is {instance.state}, its history says {last[instance_id]}"
    unknown = sorted(set(last) - set(state.items))
    if unknown:
        return f"history names instances the case does not have: {unknown[:3]}"
    return None


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class Outage:
    """What the clients saw while the database was away, and after."""

    failed: int = 0
    """Requests answered 5xx (or not at all) from the cut on."""
    unclean: list[str] = field(default_factory=list)
    """5xx answers that were not the API's JSON error, or that showed a traceback."""
    failed_after_recovery: int = 0
    """Failures of requests begun more than `recovery` seconds after the database came back."""
    ok_after_recovery: int = 0


def outage_run(
    *,
    processes: int = 1,
    clients: int = 6,
    seconds: float = 10.0,
    cut_after: float = 2.0,
    down: float = 3.0,
    recovery: float = 3.0,
    settle: float = 15.0,
    grace: float = 3.0,
    restart: list[str] | None = None,
) -> tuple[Outage, Findings, Mixed]:
    """The mixed load on servers that reach PostgreSQL through a `TcpRelay`; `cut_after`
    seconds into it the relay cuts every database connection and refuses new ones for `down`
    seconds (the database restarting, as the servers see it) — or, with `restart`, that command
    really restarts the PostgreSQL server (every other user of it is cut too). Then: were the
    failures clean JSON errors, did requests succeed again `recovery` seconds after, and the
    checks of `check` (nothing acknowledged lost, nothing done twice)."""
    with fresh_database("studio_outage") as url, contextlib.ExitStack() as stack:
        parsed, served = sa.make_url(url), url
        relay = None
        if restart is None:
            relay = stack.enter_context(TcpRelay((parsed.host or "127.0.0.1", parsed.port or 5432)))
            served = parsed.set(port=relay.port).render_as_string(hide_password=False)
        cluster = stack.enter_context(LeasedCluster(processes, served, affinity="none", lease=5.0))
        moments: dict[str, float] = {}

        def cut() -> None:
            time.sleep(cut_after)
            moments["cut"] = time.monotonic()
            if relay is not None:
                relay.cut(down)
            else:
                subprocess.run(restart, check=True, capture_output=True, timeout=120)
            moments["back"] = time.monotonic()

        findings, mixed = load_then_check(
            cluster, url, cut, clients=clients, seconds=seconds, settle=settle, grace=grace
        )
    seen = Outage()
    for record in mixed.records:
        failed = not isinstance(record.status, int) or record.status >= 500
        if record.began >= moments["back"] + recovery:
            seen.failed_after_recovery += failed
            seen.ok_after_recovery += not failed
        if failed and record.ended >= moments["cut"]:
            seen.failed += 1
            if not _clean_error(record.error):
                seen.unclean.append(f"{record.kind} {record.status}: {str(record.error)[:120]}")
    return seen, findings, mixed


def _clean_error(body: Any) -> bool:
    """Whether a 5xx body is the API's JSON error, in words (no traceback)."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return False
    text = str(body["error"].get("message", ""))
    return bool(text) and "Traceback" not in text and 'File "' not in text
