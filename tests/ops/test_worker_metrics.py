"""The figures of `studio worker` processes in the /metrics of a server of their host, through
the folder of PROMETHEUS_MULTIPROC_DIR: the lag of the timers a worker fires, how its timer jobs
end and its running executors, which a worker killed outright does not leave behind; a folder
that cannot hold the figures is refused in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from studio.cli import main
from tests.host.workers import Workers, reminders_host, start_cases, wait_for
from tests.ops.test_metrics import scrape, value
from tests.web.conftest import admin, app, client

__all__ = ["app", "client"]  # fixtures

FAST = ("--interval", "0.1", "--max-attempts", "2", "--backoff", "0")
"""Rounds ten times a second; a failing timer retries at once, then becomes an incident."""


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The host's metrics folder, set for the server of this test and the workers it starts."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    return folder


@pytest.fixture
def workers(app, shared: Path, tmp_path: Path) -> Iterator[Workers]:
    """`studio worker` processes on the server's database (SQLite)."""
    url = app.extensions["studio"].engine.url.render_as_string(hide_password=False)
    made = Workers(url, tmp_path, [])
    try:
        yield made
    finally:
        made.stop()


def test_timers_a_worker_fires_show_in_the_servers_metrics(
    app, client, workers: Workers, tmp_path: Path
) -> None:
    host = reminders_host(app.extensions["studio"].engine, tmp_path / "host")
    _good, bad = start_cases(host, 2)  # three timers each, due at once
    headers = admin(client)
    assert value(scrape(client, headers), "studio_timer_fire_lag_seconds_count") == 0

    [worker] = workers.start(*FAST, PROBE_FAIL=bad)

    def settled() -> bool:
        """Nothing is left to fire: the bad case's three timers each failed twice and were
        parked, one incident each (the worker goes on after an incident while timers are due)."""
        shown = scrape(client, headers)
        return value(shown, "studio_timer_jobs_total", outcome="incident") == 3 and (
            value(shown, "studio_timer_fire_lag_seconds_count") == 3
        )

    assert wait_for(settled, 60, every=0.2), workers.stderr(0).decode()[-2000:]
    assert host.store.due_timers(datetime.now(UTC)) == []
    shown = scrape(client, headers)
    assert value(shown, "studio_timer_fire_lag_seconds_count") == 3, "the good case's timers"
    assert value(shown, "studio_timer_fire_lag_seconds_sum") > 180, "due 1 s to 2 min ago"
    assert value(shown, "studio_timer_jobs_total", outcome="succeeded") == 1
    assert value(shown, "studio_timer_jobs_total", outcome="retried") == 3
    assert value(shown, "studio_timer_jobs_total", outcome="incident") == 3
    assert value(shown, "studio_job_executors") == 1

    worker.kill()  # SIGKILL: the worker cannot clean up after itself
    worker.wait(30)
    after = scrape(client, headers)
    assert value(after, "studio_job_executors") == 0, "a killed worker runs no executor"
    assert value(after, "studio_timer_fire_lag_seconds_count") == 3, "what it did still counts"
    assert value(after, "studio_timer_jobs_total", outcome="succeeded") == 1


@pytest.mark.parametrize("command", ["worker", "serve"])
def test_a_metrics_folder_that_does_not_exist_is_refused_in_words(
    command: str, tmp_path: Path
) -> None:
    missing = tmp_path / "prometheus"
    env = {
        "STUDIO_DATABASE_URL": f"sqlite:///{tmp_path / 'studio.db'}",
        "STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
        "STUDIO_SECRET_KEY": "worker-metrics-tests",
        "PROMETHEUS_MULTIPROC_DIR": str(missing),
    }
    result = CliRunner().invoke(main, [command], env=env)
    assert result.exit_code == 2
    assert f"studio {command}: PROMETHEUS_MULTIPROC_DIR names {missing}, which does not exist" in (
        result.output
    )
    assert "Traceback" not in result.output
    (tmp_path / "prometheus").write_text("")  # a file where the folder should be
    result = CliRunner().invoke(main, [command], env=env)
    assert result.exit_code == 2 and "which is a file, not a folder" in result.output
