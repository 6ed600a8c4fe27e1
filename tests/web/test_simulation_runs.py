"""Finished simulation runs are stored: after a server restart the user still finds them on
/simulations (who, when, which file), opens their reports and compares two of them."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from tests.web.test_restart import PASSWORD, call, free_port, serve
from tests.web.test_simulations_api import project


def wait_done(port: int, token: str, job: dict) -> dict:
    deadline = time.monotonic() + 120
    while job["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.3)
        job = call(port, "GET", f"/api/v1/simulations/{job['id']}", token=token)
    assert job["state"] == "done", job
    return job


def admin_token(port: int) -> str:
    body = json.dumps({"username": "admin", "password": PASSWORD}).encode()
    return call(port, "POST", "/api/v1/auth/token", body)["token"]


def logged_in(port: int) -> urllib.request.OpenerDirector:
    """A browser-like session of the admin (cookie jar, CSRF token of the login form)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = opener.open(f"http://127.0.0.1:{port}/login").read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": "admin", "password": PASSWORD, "csrf_token": csrf})
    opener.open(f"http://127.0.0.1:{port}/login", body.encode())
    return opener


def page(opener: urllib.request.OpenerDirector, port: int, path: str) -> str:
    with opener.open(f"http://127.0.0.1:{port}{path}") as answer:
        return answer.read().decode()


@pytest.mark.slow
def test_finished_runs_survive_a_restart_and_compare(tmp_path: Path) -> None:
    instance, port = tmp_path / "instance", free_port()
    first = serve(instance, port)
    try:
        token = admin_token(port)
        deployed = call(port, "POST", "/api/v1/deployments?key=bench", project(60), token,
                        "application/zip")  # fmt: skip
        body = json.dumps({"deployment": deployed["id"], "file": "run.sim.json"}).encode()
        done = [
            wait_done(port, token, call(port, "POST", "/api/v1/simulations", body, token))
            for _ in range(2)
        ]
        results = [job["result"] for job in done]
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # killed: nothing is saved on the way out
        first.wait(10)

    second = serve(instance, port)
    try:
        token = admin_token(port)
        runs = call(port, "GET", "/api/v1/simulation-runs", token=token)["runs"]
        assert [run["id"] for run in runs] == [job["id"] for job in reversed(done)]
        assert all(run["user"] == "admin" and run["state"] == "done" for run in runs)
        stored = call(port, "GET", f"/api/v1/simulation-runs/{done[0]['id']}", token=token)
        assert stored["result"] == results[0]
        assert json.loads(stored["spec"])["cases"] == 60
        assert stored["origin"] == {"deployment": deployed["id"], "file": "run.sim.json"}

        session = logged_in(port)
        listed = page(session, port, "/simulations")
        first_id, second_id = (job["id"] for job in done)
        assert first_id in listed and second_id in listed and "Compare two runs" in listed
        report = page(session, port, f"/simulations/{first_id}")
        assert "run by admin" in report and "The simulation file as run" in report
        arrived = str(results[0]["cases"]["arrived"])
        assert re.search(rf">\s*{arrived}\s*<", report)
        compared = page(session, port, f"/simulations/compare?a={first_id}&b={second_id}")
        assert first_id in compared and second_id in compared and "Cycle time" in compared
        token = admin_token(port)  # a new run after the restart does not reuse a stored id
        third = call(port, "POST", "/api/v1/simulations", body, token)
        assert third["id"] not in (first_id, second_id)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(15)
