"""`studio worker` as a user meets it: refusals in words, a server without its own executor, and
case changes of a worker reaching the servers' Socket.IO clients through Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from studio.cli import main
from studio.runtime.config import load_settings
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from tests.host.workers import ROOT, reminders_host, start_cases, worker_url
from tests.runtime.test_store import postgres_engine

__all__ = ["postgres_engine"]  # a fixture

REDIS_URL = os.environ.get("STUDIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def environment(tmp_path: Path, database: str, **more: str) -> dict[str, str]:
    return {
        "STUDIO_DATABASE_URL": database,
        "STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
        "STUDIO_SECRET_KEY": "worker-cli-tests",
        "STUDIO_ADMIN_PASSWORD": "worker-cli-admin",
        **more,
    }


def test_a_worker_on_an_unreachable_database_says_so(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:9/test?connect_timeout=2"
    result = CliRunner().invoke(main, ["worker"], env=environment(tmp_path, url))
    assert result.exit_code == 2
    assert "studio worker: cannot reach the database postgresql+psycopg://" in result.output
    assert "Traceback" not in result.output


@pytest.mark.postgresql
def test_a_worker_on_a_database_not_migrated_says_what_to_run(
    postgres_engine: sa.Engine, tmp_path: Path
) -> None:
    env = environment(tmp_path, worker_url(postgres_engine))
    result = CliRunner().invoke(main, ["worker"], env=env)
    assert result.exit_code == 2
    assert "studio worker:" in result.output and "studio db upgrade" in result.output


def test_studio_executor_off_leaves_the_jobs_to_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio.web.serve import serving_app

    for name, value in environment(tmp_path, f"sqlite:///{tmp_path / 'studio.db'}").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("STUDIO_EXECUTOR", "off")
    assert serving_app(load_settings()).extensions["studio"].executor is None
    monkeypatch.delenv("STUDIO_EXECUTOR")
    executor = serving_app(load_settings()).extensions["studio"].executor
    try:
        assert executor is not None and executor.running
    finally:
        executor.stop(5)


def test_a_timer_fired_by_a_worker_is_pushed_through_redis(tmp_path: Path) -> None:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {exc}")
    database = f"sqlite:///{tmp_path / 'studio.db'}"
    engine = make_engine(database)
    upgrade(engine)
    [case] = start_cases(reminders_host(engine, tmp_path / "instance"), 1)  # due at once
    listener = client.pubsub()
    listener.psubscribe("*")
    env = {**os.environ, **environment(tmp_path, database, STUDIO_REDIS_URL=REDIS_URL)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "studio", "worker", "--interval", "0.1"],
        cwd=ROOT, env=env, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        pushed = False
        while not pushed and time.monotonic() < deadline:
            message = listener.get_message(timeout=1)
            data = message and message.get("data")
            pushed = isinstance(data, bytes) and case.encode() in data and b'"case"' in data
        assert pushed, "no Socket.IO message about the case reached Redis"
    finally:
        worker.terminate()
        _, stderr = worker.communicate(timeout=30)
        listener.close()
        engine.dispose()
    assert worker.returncode == 0, stderr.decode()
    assert b"stopped (3 timers fired)" in stderr  # the case's three timers, all due
