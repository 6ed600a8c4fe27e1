"""Job workers: due timers fired per second by 1, 2 and 4 `studio worker` processes on PostgreSQL
(and 1 on SQLite), and the lag of each timer behind its due time (p50, p99).

The workers start first and say they run; then CASES cases of the Reminders model
(tests/host/reminders) are started so that their first timer is due at one instant D, a few
seconds ahead (while the cases are made, nothing is due). From D the workers drain the burst:
jobs/s is CASES over (last firing - D), lag a timer's firing (its history event) minus D. The
machine's cores are shared by the workers, the database and this script.

Run: .venv/bin/python benchmarks/bench_workers.py [--cases N] [--workers 1,2,4] [--no-sqlite]
(PostgreSQL from STUDIO_TEST_POSTGRES_URL, default postgres@127.0.0.1:5432/test, in a fresh
schema dropped afterwards.)
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from studio.deploy.deployments import DeploymentStore
from studio.host.cases import CaseHost
from studio.runtime.clock import VirtualClock
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.schema import case_timers, cases
from studio.runtime.store.sql import SqlStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "tests" / "host" / "reminders"
TIMERS = ("pi_first", "pi_second", "pi_third")  # due 1, 2 and 3 minutes after the start
POSTGRES_URL = os.environ.get(
    "STUDIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
INTERVAL = "0.1"
"""Seconds between an idle worker's rounds (`studio worker --interval`)."""


def spawn_workers(url: str, folder: Path, count: int) -> list[subprocess.Popen[bytes]]:
    """`count` worker processes on `url`, returned once each says it runs."""
    started = []
    for n in range(count):
        environ = {
            **os.environ,
            "STUDIO_DATABASE_URL": url,
            "STUDIO_INSTANCE_PATH": str(folder / f"instance-{n}"),
            "STUDIO_SECRET_KEY": "bench",
            "STUDIO_ADMIN_PASSWORD": "bench-admin",
        }
        command = [sys.executable, "-m", "studio", "worker", "--interval", INTERVAL]
        with open(folder / f"worker-{n}.err", "wb") as stderr:
            started.append(subprocess.Popen(command, cwd=ROOT, env=environ, stderr=stderr))
    for n, process in enumerate(started):
        log = folder / f"worker-{n}.err"
        deadline = time.monotonic() + 120
        while b"executor(s) on" not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker {n} did not start: {log.read_text()}")
            time.sleep(0.1)
    return started


def stop_workers(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def burst(engine: sa.Engine, url: str, workers: int, cases: int, folder: Path) -> dict[str, float]:
    """Start the workers, then `cases` cases whose first timer is due at one instant; the
    figures of the drain."""
    upgrade(engine)
    deployments = DeploymentStore(engine, folder / "instance")
    deployments.deploy_folder(MODEL, actor="bench")
    processes = spawn_workers(url, folder, workers)
    try:
        lead = max(5.0, cases * 0.05)  # time to make the cases before anything is due
        due = datetime.now(UTC) + timedelta(seconds=lead)
        host = CaseHost(
            SqlStore(engine), engine, deployments, VirtualClock(due - timedelta(minutes=1))
        )
        made = [host.start("Reminders", {}) for _ in range(cases)]
        late = (datetime.now(UTC) - due).total_seconds()
        fired = wait_fired(engine, due, len(made), timeout=60 + cases * 0.5)
    finally:
        stop_workers(processes)
    lags = sorted((at - due).total_seconds() for at in fired)
    span = lags[-1] if lags else float("nan")
    return {
        "fired": len(lags),
        "jobs_per_s": len(lags) / span if span > 0 else float("nan"),
        "p50": statistics.median(lags) if lags else float("nan"),
        "p99": lags[min(len(lags) - 1, int(len(lags) * 0.99))] if lags else float("nan"),
        "late": late,
    }


def wait_fired(engine: sa.Engine, due: datetime, count: int, timeout: float) -> list[datetime]:
    """When each case's first timer fired: a fired case has two timers left, and its
    `updated_at` (the store's wall clock) is the firing's save (waiting for all `count` cases,
    up to `timeout` seconds)."""
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
    left = (
        sa.select(case_timers.c.case_id)
        .group_by(case_timers.c.case_id)
        .having(sa.func.count() == len(TIMERS) - 1)
        .subquery()
    )
    query = sa.select(cases.c.updated_at).join(left, left.c.case_id == cases.c.id)
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as connection:
            fired = list(connection.execute(query).scalars())
        if len(fired) >= count or time.monotonic() > deadline:
            return fired
        time.sleep(0.5)


def postgres_schema() -> tuple[sa.Engine, str, sa.Engine, str]:
    """A fresh schema: an engine on it, its URL for the workers, the admin engine, its name."""
    admin = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    schema = f"bench_workers_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    url = sa.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return engine, url.render_as_string(hide_password=False), admin, schema


def run_postgres(workers: int, cases: int) -> dict[str, float]:
    engine, url, admin, schema = postgres_schema()
    try:
        with tempfile.TemporaryDirectory() as folder:
            return burst(engine, url, workers, cases, Path(folder))
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run_sqlite(cases: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'studio.db'}"
        engine = make_engine(url)
        try:
            return burst(engine, url, 1, cases, Path(folder))
        finally:
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=400, help="timers due at once (one per case)")
    parser.add_argument("--workers", default="1,2,4", help="worker process counts on PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    options = parser.parse_args()
    print(f"bench_workers: {options.cases} timers due at once, worker --interval {INTERVAL}")
    print(f"machine: {machine()}")
    runs: list[tuple[str, int]] = [("postgresql", int(n)) for n in options.workers.split(",")]
    if not options.no_sqlite:
        runs.append(("sqlite", 1))
    for database, workers in runs:
        if database == "postgresql":
            try:
                figures = run_postgres(workers, options.cases)
            except sa.exc.OperationalError as exc:
                print(f"{database}: not reachable at {POSTGRES_URL}: {exc.orig}")
                continue
        else:
            figures = run_sqlite(options.cases)
        note = f" (cases made {figures['late']:.1f} s after due)" if figures["late"] > 0 else ""
        print(
            f"{database:10} workers={workers}  fired={figures['fired']}/{options.cases}  "
            f"{figures['jobs_per_s']:7.1f} jobs/s  lag p50={figures['p50']:.2f} s  "
            f"p99={figures['p99']:.2f} s{note}",
            flush=True,
        )


if __name__ == "__main__":
    main()
