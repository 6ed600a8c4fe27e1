"""Helpers for tests with real `studio worker` processes: the Reminders model (three timers per
case), cases whose timers are already due, workers run through tests/host/worker_probe.py, and
what their probe logs say."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from studio.deploy.deployments import DeploymentStore
from studio.host.cases import CaseHost
from studio.runtime.clock import VirtualClock
from studio.runtime.store.sql import SqlStore

ROOT = Path(__file__).resolve().parents[2]
REMINDERS = Path(__file__).with_name("reminders")
TIMERS = ("pi_first", "pi_second", "pi_third")
"""The Reminders case's timer event listeners: PT1M, PT2M and PT3M after the case starts."""


def reminders_host(engine: sa.Engine, instance: Path) -> CaseHost:
    """A host on `engine` with the Reminders project deployed, starting cases three minutes
    in the past: their three timers are due at once."""
    deployments = DeploymentStore(engine, instance)
    deployments.deploy_folder(REMINDERS, actor="test")
    clock = VirtualClock(datetime.now(UTC) - timedelta(minutes=3, seconds=1))
    return CaseHost(SqlStore(engine), engine, deployments, clock)


def start_cases(host: CaseHost, count: int) -> list[str]:
    return [host.start("Reminders", {}) for _ in range(count)]


def occurrences(host: CaseHost, case_id: str) -> Counter[str]:
    """How often each timer of the case fired (its listener occurred)."""
    return Counter(e.item for e in host.store.history(case_id) if e.event == "occur")


def fired_once(host: CaseHost, cases: list[str]) -> bool:
    return all(occurrences(host, c) == Counter(TIMERS) for c in cases)


def worker_url(engine: sa.Engine) -> str:
    """The URL of `engine`'s database, with its schema as the search path (for a subprocess)."""
    with engine.connect() as connection:
        schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
    url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@dataclass
class Workers:
    """Worker processes started by a test, stopped (or killed) at its end."""

    url: str
    folder: Path
    processes: list[subprocess.Popen[bytes]]

    @property
    def log(self) -> Path:
        return self.folder / "fired.log"

    def start(self, *options: str, count: int = 1, **env: str) -> list[subprocess.Popen[bytes]]:
        """`count` `studio worker` processes (with the probe) on the database, started together;
        returned once each says it runs."""
        started = [self._spawn(options, env) for _ in range(count)]
        for n, process in started:
            wait_for(lambda n=n, p=process: self._said(n, b"executor(s) on") or p.poll(), 60)
            assert process.poll() is None, self.stderr(n).decode()
        return [process for _, process in started]

    def _spawn(self, options: tuple[str, ...], env: dict[str, str]) -> tuple[int, Any]:
        n = len(self.processes)
        environ = {
            **os.environ,
            "STUDIO_DATABASE_URL": self.url,
            "STUDIO_INSTANCE_PATH": str(self.folder / f"instance-{n}"),
            "STUDIO_SECRET_KEY": "worker-tests",
            "STUDIO_ADMIN_PASSWORD": "worker-tests-admin",
            **env,
        }
        command = [sys.executable, "-m", "tests.host.worker_probe", str(self.log), *options]
        with open(self.folder / f"worker-{n}.err", "wb") as stderr:
            process = subprocess.Popen(command, cwd=ROOT, env=environ, stderr=stderr)
        self.processes.append(process)
        return n, process

    def _said(self, n: int, text: bytes) -> bool:
        return text in self.stderr(n)

    def stderr(self, n: int) -> bytes:
        return (self.folder / f"worker-{n}.err").read_bytes()

    def stop(self) -> list[int | None]:
        """SIGTERM every worker still running; their exit codes (None: had to be killed)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes: list[int | None] = []
        for process in self.processes:
            try:
                codes.append(process.wait(30))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                codes.append(None)
        return codes


@dataclass(frozen=True)
class Firing:
    """One call of `fire_timers` in a worker process (from the probe's log)."""

    case_id: str
    pid: int
    begin: int
    end: int
    fired: int


def firings(log: Path) -> list[Firing]:
    if not log.exists():
        return []
    found = []
    for line in log.read_text().splitlines():
        case_id, pid, begin, end, fired = line.split()
        found.append(Firing(case_id, int(pid), int(begin), int(end), int(fired)))
    return found


def overlaps(found: list[Firing]) -> list[tuple[Firing, Firing]]:
    """Pairs of firings of one case that ran at the same time."""
    by_case: dict[str, list[Firing]] = defaultdict(list)
    for firing in found:
        by_case[firing.case_id].append(firing)
    clashes = []
    for calls in by_case.values():
        calls.sort(key=lambda f: f.begin)
        clashes += [(a, b) for a, b in itertools.pairwise(calls) if b.begin < a.end]
    return clashes


def wait_for(check, seconds: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()
