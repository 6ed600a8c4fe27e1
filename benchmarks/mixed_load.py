"""Mixed traffic on the runtime API, as case workers make it: start cases, complete tasks taken
from the worklist, read cases, read worklists; and the ledger of what the servers acknowledged.

Each client is a thread with a keep-alive connection (bench_runtime's `Http`) to one server port
(clients spread over the ports round robin). Per operation a client draws a kind:
- `start`: POST /api/v1/cases (the ledger keeps each case answered 201);
- `complete`: GET /api/v1/tasks (counted as `worklist`), then POST /api/v1/tasks/{id}/complete of
  a task drawn from it (the ledger keeps each task answered 200; 404/409 mean another client
  took it first: counted as `gone`, not as an error);
- `case`: GET /api/v1/cases/{id} of a case seen in the client's last worklist (a case worker
  sees open cases only: 404 when another client ended it meanwhile, counted as `gone`);
- `worklist`: GET /api/v1/tasks.
The run is bounded by `seconds` and by `max_requests`; the figures count the requests that
overlap the measured window (after `warmup`), as bench_runtime does.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_runtime import Http, deploy, own_cpu, percentile

MODEL = Path(__file__).resolve().parent / "load_model"
KINDS = ("start", "complete", "case", "worklist")
MIX = {"start": 0.25, "complete": 0.25, "case": 0.3, "worklist": 0.2}
"""How often a client draws each kind: as many completions as starts keeps the open cases few."""
GONE = (404, 409)
"""A task completed, or a case ended (a case worker no longer sees it), by another client."""


@dataclass
class Ledger:
    """What the servers acknowledged (2xx), and what got no answer (may or may not be done)."""

    started: list[str] = field(default_factory=list)
    completed: list[tuple[str, str]] = field(default_factory=list)
    """(task id, case id) of each completion answered 200."""
    unanswered: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def case_ids(self) -> list[str]:
        with self.lock:
            return list(self.started)


@dataclass
class Record:
    kind: str
    began: float
    ended: float
    latency: float
    status: int | str
    error: Any = None
    """The body of a 5xx answer (JSON, or None when it was not JSON)."""


@dataclass
class Mixed:
    """What the clients did in the measured window."""

    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    ok: int = 0
    gone: int = 0
    errors: Counter[tuple[str, int | str]] = field(default_factory=Counter)
    wall: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds in the window by source ("load generator", "servers", "postgres"...)."""
    requests: int = 0
    """Requests made in the whole run (warm-up included)."""
    records: list[Record] = field(default_factory=list)
    """Every request of the run, in no particular order."""

    @property
    def rate(self) -> float:
        return self.ok / self.wall if self.wall else 0.0


def run_mixed(
    ports: list[int],
    token: str,
    ledger: Ledger,
    *,
    clients: int,
    seconds: float,
    warmup: float = 0.0,
    max_requests: int = 1_000_000,
    timeout: float = 10.0,
    cpu: dict[str, Callable[[], float]] | None = None,
    seed: int = 1,
    during: Callable[[], None] | None = None,
) -> Mixed:
    """Run the mix for `warmup` + `seconds` (or until `max_requests` were made); `during` runs
    on this thread once the window opened (a fault to inject), `cpu` sources are sampled at the
    window's ends."""
    sources = {"load generator": own_cpu, **(cpu or {})}
    stop = threading.Event()
    budget = [max_requests]
    budget_lock = threading.Lock()
    records: list[list[Record]] = [[] for _ in range(clients)]
    began = time.monotonic() + 0.2

    def take() -> bool:
        with budget_lock:
            budget[0] -= 1
            return budget[0] >= 0

    def client(index: int) -> None:
        http_ = Http(ports[index % len(ports)], token, timeout)
        rng = random.Random(seed * 10_000 + index)
        mine = records[index]
        n = index * 1_000_000
        seen: list[str] = []
        """Cases of tasks this client saw in its last worklist (read as open ones)."""

        def call(kind: str, method: str, path: str, body: Any = None) -> tuple[int | str, Any]:
            at, mark = time.monotonic(), time.perf_counter()
            status, answer = http_.call(method, path, body)
            latency, ended = time.perf_counter() - mark, time.monotonic()
            error = answer if isinstance(status, int) and status >= 500 else None
            mine.append(Record(kind, at, ended, latency, status, error))
            if isinstance(status, str):
                with ledger.lock:
                    ledger.unanswered[kind] += 1
                time.sleep(0.1)  # no answer: do not spin on a dead server
            return status, answer

        time.sleep(max(0.0, began - time.monotonic()))
        while not stop.is_set() and take():
            n += 1
            kind = rng.choices(KINDS, weights=[MIX[k] for k in KINDS])[0]
            if kind == "start":
                status, view = call("start", "POST", "/api/v1/cases", _start_body(n))
                if status == 201:
                    with ledger.lock:
                        ledger.started.append(view["id"])
            elif kind == "case":
                known = seen or ledger.started
                if known:
                    call("case", "GET", f"/api/v1/cases/{known[rng.randrange(len(known))]}")
            else:
                status, listed = call("worklist", "GET", "/api/v1/tasks")
                tasks = (listed or {}).get("tasks") if status == 200 else None
                seen = [task["case"] for task in tasks or ()][:50] or seen
                if kind == "complete" and tasks and take():
                    task = tasks[rng.randrange(len(tasks))]
                    path = f"/api/v1/tasks/{task['id']}/complete"
                    status, _ = call("complete", "POST", path, {"data": {}})
                    if status == 200:
                        with ledger.lock:
                            ledger.completed.append((task["id"], task["case"]))
        http_.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, began + warmup - time.monotonic()))
    cpu0, wall0 = {k: f() for k, f in sources.items()}, time.monotonic()
    if during is not None:
        during()
    while time.monotonic() < wall0 + seconds and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    cpu1, wall1 = {k: f() for k, f in sources.items()}, time.monotonic()
    stop.set()
    for thread in threads:
        thread.join(timeout + 5)
    found = Mixed(seconds, wall=wall1 - wall0)
    found.cpu = {k: cpu1[k] - cpu0[k] for k in sources}
    for mine in records:
        found.requests += len(mine)
        found.records += mine
        for record in mine:
            if record.ended < wall0 or record.began > wall1:
                continue
            if isinstance(record.status, int) and 200 <= record.status < 300:
                found.ok += record.ended <= wall1
                found.latencies[record.kind].append(record.latency)
            elif record.kind in ("complete", "case") and record.status in GONE:
                found.gone += 1
            else:
                found.errors[(record.kind, record.status)] += 1
    return found


def _start_body(n: int) -> dict[str, Any]:
    return {"case": "Request", "data": {"request": {"n": n}}}


def start_cases(port: int, token: str, count: int, ledger: Ledger) -> None:
    """`count` cases left open before the load (so the worklist has tasks from the start)."""
    http_ = Http(port, token, 30)
    for n in range(count):
        status, view = http_.call("POST", "/api/v1/cases", _start_body(-n - 1))
        if status != 201:
            raise SystemExit(f"starting a case before the load: {status} {view}")
        ledger.started.append(view["id"])
    http_.close()


def report(label: str, mixed: Mixed) -> list[str]:
    """The figures as lines: throughput, p50/p99 per kind, errors, CPU per request."""
    lines = [label]
    lines.append(
        f"  requests/s (2xx): {mixed.rate:7.1f}   ({mixed.ok} in {mixed.wall:.1f} s; "
        f"404/409 on tasks and cases another client ended first: {mixed.gone})"
    )
    lines.append("  latency (ms)          n      p50      p99      max")
    for kind in KINDS:
        values = sorted(mixed.latencies[kind])
        shown = [percentile(values, 0.5), percentile(values, 0.99)]
        shown.append(values[-1] if values else float("nan"))
        lines.append(f"  {kind:10} {len(values):8} " + " ".join(_ms(v) for v in shown))
    errors = ", ".join(f"{k} {s}: {n}" for (k, s), n in mixed.errors.most_common()) or "none"
    lines.append(f"  errors: {errors}")
    per = []
    for source, seconds in mixed.cpu.items():
        share = seconds / mixed.wall if mixed.wall else 0.0
        each = f"{seconds / mixed.ok * 1e3:.2f} ms/request" if mixed.ok else "-"
        per.append(f"{source} {seconds:.1f} s ({share:.0%} of a core, {each})")
    lines.append("  CPU: " + "; ".join(per))
    return lines


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.1f}" if seconds == seconds else "       -"


def deploy_model(port: int, admin_token: str) -> None:
    """Deploy benchmarks/load_model (case `Request`) over POST /api/v1/deployments."""
    deploy(port, admin_token, MODEL, "load-request")
