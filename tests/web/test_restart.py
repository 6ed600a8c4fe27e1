"""Kill the server while timers are due: after a restart they fire, once."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

STUDIO = Path(sys.executable).with_name("studio")
PASSWORD = "admin-password-1"
PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">
  <process id="Wait" name="Wait" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="pause"/>
    <intermediateCatchEvent id="pause" name="Pause">
      <timerEventDefinition id="td"><timeDuration xsi:type="tFormalExpression">PT3S</timeDuration></timerEventDefinition>
    </intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="pause" targetRef="next"/>
    <userTask id="next" name="Call back"/>
  </process>
</definitions>
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(instance: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "STUDIO_INSTANCE_PATH": str(instance), "STUDIO_ADMIN_PASSWORD": PASSWORD}
    server = subprocess.Popen(
        [str(STUDIO), "serve", "--port", str(port)], env=env, cwd=instance.parent,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("the server did not get ready")


def call(port: int, method: str, path: str, body: bytes | None = None, token: str | None = None,
         kind: str = "application/json") -> dict:  # fmt: skip
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    request.add_header("Content-Type", kind)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


@pytest.mark.slow
def test_timers_due_while_the_server_was_down_fire_once_after_a_restart(tmp_path: Path) -> None:
    instance, port = tmp_path / "instance", free_port()
    first = serve(instance, port)
    try:
        token = call(port, "POST", "/api/v1/auth/token",
                     json.dumps({"username": "admin", "password": PASSWORD}).encode())["token"]  # fmt: skip
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as project:
            project.writestr("wait/wait.bpmn", PROCESS)
        call(port, "POST", "/api/v1/deployments?key=wait", archive.getvalue(), token,
             "application/zip")  # fmt: skip
        cases = [
            call(port, "POST", "/api/v1/cases", json.dumps({"case": "Wait"}).encode(), token)["id"]
            for _ in range(3)
        ]
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # killed, not stopped: no clean shutdown
        first.wait(10)
    time.sleep(4)  # the timers fall due while no server runs
    second = serve(instance, port)
    try:
        token = call(port, "POST", "/api/v1/auth/token",
                     json.dumps({"username": "admin", "password": PASSWORD}).encode())["token"]  # fmt: skip
        deadline = time.monotonic() + 20
        pending = set(cases)
        while pending and time.monotonic() < deadline:
            for case in list(pending):
                view = call(port, "GET", f"/api/v1/cases/{case}", token=token)
                if {i["name"]: i["state"] for i in view["items"]}.get("Call back") == "active":
                    pending.discard(case)
            time.sleep(0.3)
        assert not pending, f"timers did not fire after the restart: {pending}"
        time.sleep(2)  # a second firing would show by now
        for case in cases:
            history = call(port, "GET", f"/api/v1/cases/{case}/history", token=token)["history"]
            fired = [e for e in history if e["item"] == "pause" and e["event"] == "occur"]
            assert len(fired) == 1, fired
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(15)
