"""GET /metrics: command and request latency, timer lag, incidents, open cases and Socket.IO
connections in the Prometheus text format, for admins or the scrape token; with
PROMETHEUS_MULTIPROC_DIR the figures of several processes add up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from studio.host.executor import JobExecutor
from studio.web.runtime import SAMPLES
from tests.ops.live_scenarios import LiveScenario, sample_scenarios
from tests.web.conftest import admin, app, client, token

__all__ = ["app", "client"]  # fixtures

ROOT = Path(__file__).resolve().parents[2]
MAIL = "05-electronic-four-hours-without-an-answer.scenario.json"


def scrape(client, headers: dict[str, str]) -> dict[tuple[str, frozenset], float]:
    """The samples of the metrics page: (name, labels) -> value."""
    done = client.get("/metrics", headers=headers)
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.content_type.startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(done.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def mail(app) -> LiveScenario:
    """A mail case registered in March 2026: its four-hour timer is long overdue by now."""
    runtime = app.extensions["studio"]
    runtime.deployments.deploy_folder(SAMPLES / "mail-distribution", actor="test")
    live = LiveScenario(next(s for s in sample_scenarios() if s.file == MAIL))
    live.start(runtime.host)
    live.run(runtime.host, until=2)
    return live


def test_only_admins_and_the_scrape_token_read_the_metrics(app, client, monkeypatch) -> None:
    assert client.get("/metrics").status_code == 401
    app.extensions["studio"].users.add("carl2", "a-long-password", ["caseworker"])
    assert client.get("/metrics", headers=token(client, "carl2")).status_code == 403
    assert client.get("/metrics", headers=admin(client)).status_code == 200
    monkeypatch.setenv("STUDIO_METRICS_TOKEN", "scrape-secret-0123456789")
    scraper = {"Authorization": "Bearer scrape-secret-0123456789"}
    assert client.get("/metrics", headers=scraper).status_code == 200
    wrong = {"Authorization": "Bearer scrape-secret-wrong"}
    assert client.get("/metrics", headers=wrong).status_code == 401
    assert client.post("/api/v1/cases", json={}, headers=scraper).status_code == 401, (
        "the scrape token opens the metrics and nothing else"
    )


def test_the_figures_follow_what_happens(app, client, mail) -> None:
    runtime = app.extensions["studio"]
    headers = admin(client)
    before = scrape(client, headers)
    assert value(before, "studio_open_cases", definition="MailItem", state="active") == 1
    assert value(before, "studio_timers_due") == 1
    assert value(before, "studio_timer_oldest_due_seconds") > 30 * 86_400
    assert value(before, "studio_incidents_open", kind="timer.failed") == 0

    runtime.users.add("mo", "a-long-password", ["caseworker"], groups=["mail room"])
    clerk = token(client, "mo")
    started = client.post(
        "/api/v1/cases", json={"case": "MailItem", "data": mail.scenario.data}, headers=clerk
    )
    assert started.status_code == 201
    case_id = started.get_json()["id"]
    done = client.post(
        f"/api/v1/cases/{case_id}/actions", json={"complete": "Scan and register"}, headers=clerk
    )
    assert done.status_code == 200, done.get_json()
    executor = JobExecutor(runtime.host, runtime.engine, interval=0.05)
    executor.start()
    try:
        deadline = time.monotonic() + 10
        while value(scrape(client, headers), "studio_timer_fire_lag_seconds_count") == value(
            before, "studio_timer_fire_lag_seconds_count"
        ):
            assert time.monotonic() < deadline, "the executor fired the overdue timer"
            time.sleep(0.05)
    finally:
        executor.stop(5)
    runtime.host.record_incident(mail.case_id, "the mail server is away", datetime.now(UTC))
    sio = app.extensions["studio_live"].test_client(
        app, flask_test_client=client, auth={"token": headers["Authorization"][7:]}
    )
    after = scrape(client, headers)
    sio.disconnect()

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("studio_command_seconds_count", action="start") == 1
    assert grew("studio_command_seconds_count", action="complete") == 1
    assert grew("studio_http_request_seconds_count", endpoint="api.act", method="POST",
                status="2xx") == 1  # fmt: skip
    assert value(after, "studio_open_cases", definition="MailItem", state="active") == 2
    assert value(after, "studio_incidents_open", kind="timer.failed") == 1
    assert value(after, "studio_incidents_open", kind="loop.budget") == 0
    assert grew("studio_timer_fire_lag_seconds_count") == 1
    assert grew("studio_timer_fire_lag_seconds_sum") > 30 * 86_400, "fired months late"
    assert value(after, "studio_timers_due") == 0
    assert value(after, "studio_socketio_connections") == 1
    assert value(scrape(client, headers), "studio_socketio_connections") == 0


OBSERVE = """
from studio.ops import metrics
metrics.observe_command("complete", 0.2)
"""
EXPOSE = """
import sys
from studio.ops import metrics
from studio.runtime.store import project_tables, service_tables
from studio.runtime.store.schema import metadata
from studio.runtime.store.database import make_engine
metrics.observe_command("complete", 0.2)
engine = make_engine(sys.argv[1])
metadata.create_all(engine)
sys.stdout.write(metrics.exposition(engine).decode())
"""


def test_several_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", OBSERVE], env=env, check=True, timeout=60)
    shown = subprocess.run(
        [sys.executable, "-c", EXPOSE, f"sqlite:///{tmp_path / 'studio.db'}"],
        env=env, check=True, timeout=60, capture_output=True, text=True,
    ).stdout  # fmt: skip
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(shown)
        for s in family.samples
    }
    assert value(samples, "studio_command_seconds_count", action="complete") == 2
    assert value(samples, "studio_command_seconds_sum", action="complete") == pytest.approx(0.4)
    assert ("studio_open_cases" in shown) and ("studio_timers_due 0.0" in shown)
