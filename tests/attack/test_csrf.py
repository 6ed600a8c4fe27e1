"""CSRF: every state-changing route of the app refuses a session-authenticated request without
the token; the same request with the token gets past the check; bearer tokens need none."""

from __future__ import annotations

import pytest

from tests.attack.conftest import PASSWORD, log_in, token

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
NOT_SESSION = {"api.issue_token"}
"""Routes that authenticate by username and password in the body, never by the session cookie."""
ALL_ROLES = ["admin", "analyst", "tester", "caseworker"]
SAMPLE_ARGS = {"project_id": 1, "number": 1, "case_id": "c1", "task_id": "t1", "job_id": "j1",
               "username": "carl", "path": "a.cmmn"}  # fmt: skip


def state_changing_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every rule of the url map that takes an unsafe method."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            for method in sorted(rule.methods & set(UNSAFE)):
                if rule.endpoint in NOT_SESSION:
                    continue
                args = {name: SAMPLE_ARGS[name] for name in rule.arguments}
                found.append((rule.endpoint, method, rule.build(args)[1]))
    return found


@pytest.fixture
def root(app, client) -> str:
    """A session of a user holding every role, so no role check stops a request first."""
    app.extensions["studio"].users.add("root", PASSWORD, ALL_ROLES)
    return log_in(client, "root")


def is_csrf_refusal(response) -> bool:
    if response.status_code != 400:
        return False
    if response.is_json:
        return response.get_json()["error"]["code"] in ("csrf", "bad-request") and (
            "CSRF" in response.get_json()["error"]["message"]
        )
    return "The CSRF token" in response.get_data(as_text=True)


def test_the_app_has_the_state_changing_routes_we_expect_to_check(app) -> None:
    endpoints = {endpoint for endpoint, _, _ in state_changing_routes(app)}
    # A sample of each area: if the url map changes shape the enumeration must still see them.
    assert {"api.start_case", "api.act", "api.deploy", "api.add_user", "api.change_user",
            "api.save_version", "projects.create", "pages.logout", "studio.language",
            "api.write_case_file", "api.complete"} <= endpoints  # fmt: skip
    assert len(endpoints) >= 30


def test_every_state_changing_route_refuses_a_session_request_without_the_token(
    app, client, root
) -> None:
    refused_without, passed_with = [], []
    for endpoint, method, url in state_changing_routes(app):
        without = client.open(url, method=method, json={})
        if not is_csrf_refusal(without):
            refused_without.append(f"{method} {url} ({endpoint}): {without.status_code}")
        wrong = client.open(url, method=method, json={}, headers={"X-CSRFToken": "forged"})
        if not is_csrf_refusal(wrong):
            refused_without.append(f"{method} {url} ({endpoint}) with a forged token")
        with_token = client.open(url, method=method, json={}, headers={"X-CSRFToken": root})
        if is_csrf_refusal(with_token):
            passed_with.append(f"{method} {url} ({endpoint})")
        if endpoint == "pages.logout" and not is_csrf_refusal(with_token):
            root = log_in(client, "root")
    assert refused_without == [], "accepted without the CSRF token"
    assert passed_with == [], "refused although the CSRF token was sent"


def test_a_session_without_the_token_changes_nothing(app, client, root) -> None:
    users = app.extensions["studio"].users
    refused = client.patch("/api/v1/users/carl", json={"roles": ["admin"]})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    assert users.get("carl").roles == ("caseworker",) or list(users.get("carl").roles) == [
        "caseworker"
    ]
    created = client.post("/projects", data={"key": "forged", "start": "cmmn"})
    assert created.status_code == 400
    assert app.extensions["studio"].projects.list(False) == []


def test_bearer_token_calls_need_no_csrf_token(client) -> None:
    ann = token(client, "ann")
    created = client.post("/api/v1/projects", headers=ann, json={"key": "claims"})
    assert created.status_code == 201, created.get_json()


def test_the_login_form_itself_needs_the_token(client) -> None:
    done = client.post("/login", data={"username": "carl", "password": PASSWORD})
    assert done.status_code == 400
    assert client.get("/api/v1/cases").status_code == 401
