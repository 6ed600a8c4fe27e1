"""Operations at scale: backup, restore (SQLite and PostgreSQL), a metrics scrape, a retention
run and an erasure, over an install of N mail cases of the sample library (half of them worked
one step further), with the sample library deployed.

Run: .venv/bin/python benchmarks/bench_ops.py [--cases N] [--postgres URL]
(PostgreSQL: the restore and backup there are measured too when the URL is reachable; the tables
go to a schema of their own, dropped afterwards.)
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from studio.deploy.deployments import DeploymentStore
from studio.host.cases import CaseHost
from studio.ops.backup import backup, restore
from studio.ops.erasure import erase
from studio.ops.metrics import DatabaseFigures
from studio.ops.retention import Policy, run_retention
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.sql import SqlStore
from studio.web.runtime import SAMPLES, deploy_examples

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--postgres", default=POSTGRES)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ops-"))
    source = make_engine(f"sqlite:///{folder / 'source.db'}", synchronous="OFF")
    upgrade(source)
    host = _install(source, folder / "instance", options.cases)
    archive = folder / "backup.jsonl.gz"

    seconds, summary = _timed(lambda: backup(source, archive))
    size = archive.stat().st_size / 1e6
    print(f"cases: {options.cases} mail cases ({summary.rows['cases']} with their processes), "
          f"{summary.total} rows")  # fmt: skip
    print(f"backup (SQLite): {seconds:.2f} s, {summary.total / seconds:,.0f} rows/s, {size:.1f} MB")
    target = make_engine(f"sqlite:///{folder / 'restored.db'}")
    seconds, _ = _timed(lambda: restore(target, archive))
    print(f"restore (SQLite, synchronous FULL): {seconds:.2f} s, "
          f"{summary.total / seconds:,.0f} rows/s")  # fmt: skip
    _postgres(options.postgres, archive, summary.total)

    figures = DatabaseFigures(source)
    seconds, _ = _timed(lambda: [list(figures.collect()) for _ in range(20)])
    print(f"metrics scrape (database figures, SQLite): {seconds / 20 * 1000:.1f} ms")
    case_id = host.store.list_cases(definition="MailItem")[0].id
    seconds, _ = _timed(lambda: erase(source, case_id, ["mail.sender.name"], "bench"))
    print(f"erasure of one case: {seconds * 1000:.1f} ms")
    later = datetime.now(UTC) + timedelta(days=91)
    policy = Policy(timedelta(days=90), folder / "archive")
    seconds, purge = _timed(lambda: run_retention(source, policy, "bench", later))
    print(f"retention run: {len(purge.cases)} ended cases archived and purged in {seconds:.2f} s"
          f" ({len(purge.cases) / max(seconds, 1e-9):,.0f} cases/s)")  # fmt: skip


def _install(engine: sa.Engine, instance: Path, count: int) -> CaseHost:
    deployments = DeploymentStore(engine, instance)
    deploy_examples(deployments)
    host = CaseHost(SqlStore(engine), engine, deployments)
    lines = (SAMPLES / "mail-distribution" / "mail.jsonl").read_text().splitlines()
    records = itertools.cycle(json.loads(line) for line in lines if line.strip())
    started = time.perf_counter()
    for number in range(count):
        record = next(records)
        mail = record.get("mail", record)
        case_id = host.unit().start("MailItem", {"mail": mail})
        if number % 2:
            host.unit().act(case_id, {"complete": "Scan and register"})
    print(f"set-up: {count} cases in {time.perf_counter() - started:.1f} s")
    return host


def _postgres(url: str, archive: Path, rows: int) -> None:
    admin = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:  # no PostgreSQL here: say so and go on
        print(f"PostgreSQL at {url} not reachable ({type(exc).__name__}): skipped")
        return
    schema = f"bench_ops_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        seconds, _ = _timed(lambda: restore(engine, archive))
        print(f"restore (PostgreSQL): {seconds:.2f} s, {rows / seconds:,.0f} rows/s")
        again = archive.with_name("from-postgres.jsonl.gz")
        seconds, _ = _timed(lambda: backup(engine, again))
        print(f"backup (PostgreSQL): {seconds:.2f} s, {rows / seconds:,.0f} rows/s")
        figures = DatabaseFigures(engine)
        seconds, _ = _timed(lambda: [list(figures.collect()) for _ in range(20)])
        print(f"metrics scrape (database figures, PostgreSQL): {seconds / 20 * 1000:.1f} ms")
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _timed(work):
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


if __name__ == "__main__":
    main()
