"""Users over REST: admins only, on every route; changes in the audit trail; refusals in words;
passwords never answered."""

from __future__ import annotations

import pytest

from studio.runtime import audit
from tests.web.conftest import ADMIN_PASSWORD, PASSWORD, admin, token
from tests.web.test_pages import csrf_token

NEW = {"username": "nina", "password": "nina-password-1", "roles": ["caseworker"], "groups": []}


def routes() -> list[tuple[str, str, dict]]:
    """(method, url, request keywords), each succeeding for an admin, in this order."""
    return [
        ("get", "/api/v1/users", {}),
        ("post", "/api/v1/users", {"json": NEW}),
        ("patch", "/api/v1/users/nina", {"json": {"roles": ["caseworker", "tester"]}}),
        ("post", "/api/v1/users/nina/password", {"json": {"password": "another-password"}}),
        ("post", "/api/v1/users/nina/tokens/revoke", {}),
    ]


@pytest.mark.parametrize("who", ["anonymous", "carl", "ann", "admin"])
def test_every_user_route_is_for_admins(client, who: str) -> None:
    headers = {}
    if who != "anonymous":
        headers = token(client, who, ADMIN_PASSWORD if who == "admin" else PASSWORD)
    for method, url, keywords in routes():
        answer = getattr(client, method)(url, headers=headers, **keywords)
        if who == "admin":
            assert answer.status_code in (200, 201), (method, url, answer.get_json())
        else:
            assert answer.status_code == (401 if who == "anonymous" else 403), (method, url)
            assert answer.get_json()["error"]["code"] in ("unauthorized", "forbidden")


def test_adding_a_user_answers_it_without_its_password(app, client) -> None:
    headers = admin(client)
    done = client.post("/api/v1/users", headers=headers, json={**NEW, "groups": ["north"]})
    assert done.status_code == 201
    assert done.get_json() == {
        "username": "nina", "roles": ["caseworker"], "groups": ["north"], "active": True,
    }  # fmt: skip
    assert done.headers["Location"] == "/api/v1/users/nina"
    listed = client.get("/api/v1/users", headers=headers).get_json()["users"]
    assert [u["username"] for u in listed] == ["admin", "ann", "carl", "cora", "nina"]
    assert "password" not in str(listed) and "nina-password-1" not in done.get_data(as_text=True)
    token(client, "nina", "nina-password-1")  # she can log in
    [entry] = audit.entries(app.extensions["studio"].engine, action="user.add", target="nina")
    assert entry["actor"] == "admin" and "nina-password-1" not in str(entry)


def test_role_changes_and_deactivation_are_audited(app, client) -> None:
    headers = admin(client)
    changed = client.patch(
        "/api/v1/users/carl", headers=headers, json={"roles": ["caseworker", "tester"]}
    )
    assert changed.status_code == 200 and changed.get_json()["roles"] == ["caseworker", "tester"]
    [entry] = audit.entries(app.extensions["studio"].engine, action="user.set-roles")
    assert (entry["actor"], entry["target"]) == ("admin", "carl")
    assert entry["details"] == {"roles": ["caseworker", "tester"], "before": ["caseworker"]}
    carl = token(client, "carl")
    off = client.patch("/api/v1/users/carl", headers=headers, json={"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert client.get("/api/v1/tasks", headers=carl).status_code == 401
    assert audit.entries(app.extensions["studio"].engine, action="user.deactivate")


def test_a_password_reset_revokes_tokens_and_is_never_logged(app, client, caplog) -> None:
    headers = admin(client)
    carl = token(client, "carl")
    done = client.post(
        "/api/v1/users/carl/password", headers=headers, json={"password": "brand-new-secret"}
    )
    assert done.status_code == 200 and "brand-new-secret" not in done.get_data(as_text=True)
    assert client.get("/api/v1/tasks", headers=carl).status_code == 401
    token(client, "carl", "brand-new-secret")
    assert "brand-new-secret" not in caplog.text
    [entry] = audit.entries(app.extensions["studio"].engine, action="user.set-password")
    assert entry["details"] is None


def test_revoking_tokens_says_how_many(client) -> None:
    token(client, "carl")
    token(client, "carl")
    done = client.post("/api/v1/users/carl/tokens/revoke", headers=admin(client))
    assert done.get_json() == {"username": "carl", "revoked": 2}


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "words"),
    [
        ("patch", "/api/v1/users/admin", {"roles": ["tester"]}, 422, "your own admin role"),
        ("patch", "/api/v1/users/admin", {"active": False}, 422, "cannot deactivate yourself"),
        ("patch", "/api/v1/users/ghost", {"active": False}, 404, "no user 'ghost'"),
        ("patch", "/api/v1/users/carl", {"roles": ["boss"]}, 422, "unknown role 'boss'"),
        ("patch", "/api/v1/users/carl", {"colour": "red"}, 400, "unknown field 'colour'"),
        ("patch", "/api/v1/users/carl", {"active": "no"}, 400, "true or false"),
        ("patch", "/api/v1/users/carl", {}, 400, "send roles, groups or active"),
        ("post", "/api/v1/users", {**NEW, "username": "Carl"}, 409, "exists already"),
        ("post", "/api/v1/users", {**NEW, "password": "short"}, 422, "at least 10 characters"),
        ("post", "/api/v1/users", {**NEW, "username": "a b"}, 422, "letters, digits"),
        ("post", "/api/v1/users", {"password": "x" * 12}, 400, "a username"),
        ("post", "/api/v1/users", {**NEW, "roles": "admin"}, 400, "a list of names"),
        ("post", "/api/v1/users/carl/password", {"password": "short"}, 422, "at least 10"),
        ("post", "/api/v1/users/ghost/password", {"password": "x" * 12}, 404, "no user"),
    ],
)
def test_refusals_say_why_in_words(client, method, url, body, status, words) -> None:
    answer = getattr(client, method)(url, headers=admin(client), json=body)
    assert answer.status_code == status, answer.get_json()
    assert words in answer.get_json()["error"]["message"]


def test_a_bad_change_changes_nothing(client) -> None:
    headers = admin(client)
    body = {"roles": ["tester"], "groups": ["  spaced  "]}
    assert client.patch("/api/v1/users/carl", headers=headers, json=body).status_code == 422
    [carl] = [u for u in client.get("/api/v1/users", headers=headers).get_json()["users"]
              if u["username"] == "carl"]  # fmt: skip
    assert carl["roles"] == ["caseworker"]


def test_pages_need_the_csrf_token_to_change_users(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD,
                                "csrf_token": csrf_token(page)})  # fmt: skip
    answer = client.patch("/api/v1/users/carl", json={"active": False})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "csrf"
    fresh = csrf_token(client.get("/").get_data(as_text=True))
    answer = client.patch("/api/v1/users/carl", json={"active": False},
                          headers={"X-CSRFToken": fresh})  # fmt: skip
    assert answer.status_code == 200


def log_in(client, username: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": username, "password": password,
                                "csrf_token": csrf_token(page)})  # fmt: skip


@pytest.mark.parametrize("path", ["/admin", "/admin/incidents", "/admin/jobs"])
def test_the_admin_pages_are_for_admins(app, path: str) -> None:
    carl, boss = app.test_client(), app.test_client()
    log_in(carl, "carl", PASSWORD)
    log_in(boss, "admin", ADMIN_PASSWORD)
    refused = carl.get(path)
    assert refused.status_code == 403
    assert "This page is not open to your roles." in refused.get_data(as_text=True)
    shown = boss.get(path)
    assert shown.status_code == 200 and "Administration" in shown.get_data(as_text=True)
    assert app.test_client().get(path).status_code == 302  # to the login form


def test_the_migrate_page_of_an_unknown_deployment_says_so(app) -> None:
    boss = app.test_client()
    log_in(boss, "admin", ADMIN_PASSWORD)
    answer = boss.get("/deployments/12345/migrate")
    assert answer.status_code == 404
    assert "There is no deployment 12345." in answer.get_data(as_text=True)


def test_the_jobs_page_says_separate_workers_fire_the_timers(app, monkeypatch) -> None:
    boss = app.test_client()
    log_in(boss, "admin", ADMIN_PASSWORD)
    assert "Separate job workers" not in boss.get("/admin/jobs").get_data(as_text=True)
    monkeypatch.setenv("STUDIO_EXECUTOR", "off")
    shown = boss.get("/admin/jobs").get_data(as_text=True)
    assert "Separate job workers fire the timers" in shown
    assert "No job executor runs" not in shown
