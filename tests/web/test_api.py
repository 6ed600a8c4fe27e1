"""The REST API end to end on the Flask test client: tokens, roles, deployments, cases, actions,
history, the worklist, errors as JSON."""

from __future__ import annotations

import io

from tests.web.conftest import admin, mixed_zip, token

MISMATCH = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


def deploy(client) -> dict:
    done = client.post(
        "/api/v1/deployments",
        data={"file": (io.BytesIO(mixed_zip()), "invoices.zip")},
        headers=admin(client),
    )
    assert done.status_code in (200, 201), done.get_json()
    return done.get_json()


def test_the_openapi_document_needs_no_login(client) -> None:
    done = client.get("/api/v1/openapi.json")
    assert done.status_code == 200 and done.get_json()["openapi"].startswith("3.")


def test_a_token_for_a_username_and_password_and_wrong_ones_refused(client) -> None:
    assert token(client, "carl")["Authorization"].startswith("Bearer ")
    done = client.post("/api/v1/auth/token", json={"username": "carl", "password": "nope"})
    assert done.status_code == 401
    assert done.get_json()["error"]["code"] == "login-refused"


def test_deploying_needs_the_admin_role_and_redeploying_the_same_content_is_a_no_op(
    client,
) -> None:
    refused = client.post(
        "/api/v1/deployments",
        data={"file": (io.BytesIO(mixed_zip()), "invoices.zip")},
        headers=token(client, "carl"),
    )
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    first = deploy(client)
    assert first["created"] is True and first["version"] == 1 and first["key"] == "invoices"
    again = deploy(client)
    assert again["created"] is False and again["id"] == first["id"]


def test_a_case_worker_starts_works_and_reads_a_case(client) -> None:
    deploy(client)
    carl = token(client, "carl")
    started = client.post("/api/v1/cases", json={"case": "InvoiceCase", "data": MISMATCH},
                          headers=carl)  # fmt: skip
    assert started.status_code == 201, started.get_json()
    case = started.get_json()
    assert case["state"] == "active" and started.headers["Location"].endswith(case["id"])
    items = {i["name"]: i["state"] for i in case["items"]}
    assert items["Check mismatch"] == "active"
    tasks = client.get("/api/v1/tasks", headers=carl).get_json()["tasks"]
    assert [t["name"] for t in tasks if t["case"] == case["id"]] == ["Check mismatch"]
    acted = client.post(f"/api/v1/cases/{case['id']}/actions",
                        json={"complete": "Check mismatch", "data": {"approved": False}},
                        headers=carl)  # fmt: skip
    assert acted.status_code == 200, acted.get_json()
    items = {i["name"]: i["state"] for i in acted.get_json()["items"]}
    assert items["Handle dispute"] == "active" and items["Check invoice"] == "completed"
    refused = client.post(f"/api/v1/cases/{case['id']}/actions", json={"complete": "Pay"},
                          headers=carl)  # fmt: skip
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "refused"
    history = client.get(f"/api/v1/cases/{case['id']}/history", headers=carl).get_json()
    assert any(e["user"] == "carl" and e["event"] == "complete" for e in history["history"])
    listed = client.get("/api/v1/cases?definition=InvoiceCase", headers=carl).get_json()
    assert [c["id"] for c in listed["cases"]] == [case["id"]]
    why = client.get(f"/api/v1/cases/{case['id']}/explanation", headers=carl).get_json()
    assert "Handle dispute" in why["explanation"]


def test_unknown_cases_and_definitions_are_404_and_bad_bodies_400(client) -> None:
    deploy(client)
    carl = token(client, "carl")
    assert client.get("/api/v1/cases/nope", headers=carl).status_code == 404
    missing = client.post("/api/v1/cases", json={"case": "Nope"}, headers=carl)
    assert missing.status_code == 404 and "Nope" in missing.get_json()["error"]["message"]
    assert client.post("/api/v1/cases", json=[1], headers=carl).status_code == 400


def test_anonymous_callers_get_401_and_other_roles_403_on_every_case_route(client) -> None:
    routes = [
        ("get", "/api/v1/cases"), ("post", "/api/v1/cases"), ("get", "/api/v1/cases/x"),
        ("post", "/api/v1/cases/x/actions"), ("get", "/api/v1/cases/x/history"),
        ("get", "/api/v1/cases/x/explanation"), ("get", "/api/v1/tasks"),
        ("post", "/api/v1/deployments"), ("get", "/api/v1/deployments"), ("get", "/api/v1/jobs"),
    ]  # fmt: skip
    analyst = token(client, "ann")
    for method, path in routes:
        anonymous = getattr(client, method)(path, json={})
        assert anonymous.status_code == 401, (method, path)
        assert anonymous.get_json()["error"]["code"] == "unauthorized"
        if path != "/api/v1/deployments" or method == "post":
            assert getattr(client, method)(path, json={}, headers=analyst).status_code == 403


def test_the_job_queue_and_retrying_incidents_are_for_admins(client) -> None:
    carl = token(client, "carl")
    assert client.get("/api/v1/jobs", headers=carl).status_code == 403
    listed = client.get("/api/v1/jobs?state=failed", headers=admin(client))
    assert listed.status_code == 200 and listed.get_json()["jobs"] == []
    assert listed.get_json()["status"]["failed"] == 0
    assert client.get("/api/v1/jobs?state=odd", headers=admin(client)).status_code == 400
    deploy(client)
    case = client.post("/api/v1/cases", json={"case": "InvoiceCase", "data": MISMATCH},
                       headers=carl).get_json()  # fmt: skip
    retried = client.post(f"/api/v1/cases/{case['id']}/actions", json={"retry": "@case"},
                          headers=carl)  # fmt: skip
    assert retried.status_code == 403 and "admin" in retried.get_json()["error"]["message"]
    retried = client.post(f"/api/v1/cases/{case['id']}/actions", json={"retry": "@case"},
                          headers=admin(client))  # fmt: skip
    assert retried.status_code == 422  # an admin may, but this case has no incident


def test_security_headers_and_json_errors(client) -> None:
    done = client.get("/api/v1/no-such-route")
    assert done.status_code == 404 and done.get_json()["error"]["code"] == "not-found"
    assert "frame-ancestors 'none'" in done.headers["Content-Security-Policy"]
    assert done.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready"}
