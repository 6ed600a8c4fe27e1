"""The REST contract over a real server on loopback: start, act, worklist, history, 422, and two
racing completions of one task — exactly one wins."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.web.conftest import ADMIN_PASSWORD, PASSWORD, mixed_zip

MISMATCH = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


def call(base: str, method: str, path: str, body: Any = None, token: str | None = None,
         content_type: str = "application/json") -> tuple[int, Any]:  # fmt: skip
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def login(base: str, username: str, password: str) -> str:
    status, body = call(base, "POST", "/api/v1/auth/token",
                        {"username": username, "password": password})  # fmt: skip
    assert status == 200, body
    return body["token"]


def test_the_rest_contract_end_to_end(server: str) -> None:
    admin = login(server, "admin", ADMIN_PASSWORD)
    status, deployed = call(server, "POST", "/api/v1/deployments?key=invoices", mixed_zip(),
                            admin, "application/zip")  # fmt: skip
    assert status == 201, deployed
    carl = login(server, "carl", PASSWORD)
    status, case = call(server, "POST", "/api/v1/cases",
                        {"case": "InvoiceCase", "data": MISMATCH}, carl)  # fmt: skip
    assert status == 201 and case["state"] == "active"
    status, tasks = call(server, "GET", "/api/v1/tasks", token=carl)
    assert status == 200 and "Check mismatch" in [t["name"] for t in tasks["tasks"]]
    status, refused = call(server, "POST", f"/api/v1/cases/{case['id']}/actions",
                           {"complete": "Pay"}, carl)  # fmt: skip
    assert status == 422 and refused["error"]["code"] == "refused"
    status, done = call(server, "POST", f"/api/v1/cases/{case['id']}/actions",
                        {"complete": "Check mismatch", "data": {"approved": True}}, carl)  # fmt: skip
    assert status == 200
    assert {i["name"]: i["state"] for i in done["items"]}["Pay"] == "active"
    status, history = call(server, "GET", f"/api/v1/cases/{case['id']}/history", token=carl)
    assert status == 200 and any(e["user"] == "carl" for e in history["history"])


def test_two_racing_completions_of_one_task_exactly_one_wins(server: str) -> None:
    admin = login(server, "admin", ADMIN_PASSWORD)
    call(server, "POST", "/api/v1/deployments?key=invoices", mixed_zip(), admin, "application/zip")
    carl = login(server, "carl", PASSWORD)
    for _ in range(5):
        _, case = call(server, "POST", "/api/v1/cases",
                       {"case": "InvoiceCase", "data": MISMATCH}, carl)  # fmt: skip
        action = {"complete": "Check mismatch", "data": {"approved": True}}
        barrier = threading.Barrier(2)

        def complete(_: int, case_id: str = case["id"], action: dict = action,
                     barrier: threading.Barrier = barrier) -> int:  # fmt: skip
            barrier.wait()
            return call(server, "POST", f"/api/v1/cases/{case_id}/actions", action, carl)[0]

        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(pool.map(complete, range(2)))
        assert statuses[0] == 200 and statuses[1] in (404, 409, 422), statuses
        _, history = call(server, "GET", f"/api/v1/cases/{case['id']}/history", token=carl)
        completions = [e for e in history["history"]
                       if e["item"] == "manual" and e["event"] == "complete"]  # fmt: skip
        assert len(completions) == 1
