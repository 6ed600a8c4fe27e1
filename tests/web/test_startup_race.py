"""Server processes started together on an empty database: every one starts, the first does the
preparation (migration of the embedded SQLite file, first admin, sample library) and the others
find it done — one copy of each sample project and deployment, no warning in the log."""

from __future__ import annotations

import logging
import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.startup_lock import StartupLockTimeout, startup_lock
from studio.web.runtime import SAMPLES
from tests.host.workers import worker_url
from tests.runtime.test_store import postgres_engine

__all__ = ["postgres_engine"]  # a fixture

SAMPLE_KEYS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())
PROCESSES = 3


def start_server_runtime(env: dict[str, str], barrier: Any, results: Any) -> None:
    """What `studio serve` does before serving, once every process is ready to go."""
    from studio.runtime.config import load_settings
    from studio.web.runtime import open_runtime

    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger().addHandler(handler)
    settings = load_settings(env)
    barrier.wait()
    try:
        runtime = open_runtime(settings, examples=True)
    except Exception as exc:  # reported to the test, which fails naming it
        results.put((f"{type(exc).__name__}: {exc}", warnings))
        return
    runtime.engine.dispose()
    results.put(("started", warnings))


def start_together(env: dict[str, str]) -> list[tuple[str, list[str]]]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(target=start_server_runtime, args=(env, barrier, results))
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return outcomes


def copies(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as connection:

        def counted(table: str) -> dict[str, int]:
            query = f"SELECT key, COUNT(*) FROM {table} GROUP BY key"
            return dict(connection.execute(sa.text(query)).tuples().all())

        users = connection.execute(sa.text("SELECT username FROM users")).scalars().all()
        return {"projects": counted("projects"), "deployments": counted("deployments"),
                "users": users}  # fmt: skip


def assert_prepared_once(outcomes: list[tuple[str, list[str]]], engine: sa.Engine) -> None:
    assert outcomes == [("started", [])] * PROCESSES
    assert copies(engine) == {
        "projects": dict.fromkeys(SAMPLE_KEYS, 1),
        "deployments": dict.fromkeys(SAMPLE_KEYS, 1),
        "users": ["admin"],
    }


def test_servers_started_together_on_an_empty_sqlite_install(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    outcomes = start_together({"STUDIO_INSTANCE_PATH": str(instance)})
    engine = make_engine(f"sqlite:///{instance / 'studio.db'}")
    try:
        assert_prepared_once(outcomes, engine)
    finally:
        engine.dispose()


@pytest.mark.postgresql
def test_servers_started_together_on_an_empty_postgresql_database(
    postgres_engine: sa.Engine, tmp_path: Path
) -> None:
    upgrade(postgres_engine)  # `studio db upgrade`, as production.md says, before the servers
    env = {
        "STUDIO_DATABASE_URL": worker_url(postgres_engine),
        "STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    assert_prepared_once(start_together(env), postgres_engine)


def test_a_second_holder_waits_for_the_first_to_leave(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'studio.db'}")
    order: list[str] = []
    inside = threading.Event()

    def second() -> None:
        inside.wait()
        with startup_lock(make_engine(engine.url)):
            order.append("second in")

    other = threading.Thread(target=second)
    other.start()
    with startup_lock(engine):
        inside.set()
        other.join(timeout=0.3)  # the other thread is still waiting for the lock
        order.append("first out")
    other.join(timeout=10)
    assert order == ["first out", "second in"]


def test_waiting_too_long_is_refused_in_words(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'studio.db'}")
    waiting = startup_lock(make_engine(engine.url), wait=0.2)
    with startup_lock(engine), pytest.raises(StartupLockTimeout) as refused, waiting:
        pass  # pragma: no cover - never entered
    assert str(refused.value) == (
        f"another studio process has been preparing {tmp_path / 'studio.db.startup-lock'} "
        "for over 0.2 s; start this one again once it is up"
    )
