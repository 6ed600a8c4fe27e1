"""Access by id to other users' cases and tasks, role escalation, login brute force."""

from __future__ import annotations

import json

import pytest

from tests.attack.conftest import PASSWORD, admin, case_model, log_in, start, token


def task_id(client, user: str, name: str) -> str:
    tasks = client.get("/api/v1/tasks", headers=token(client, user)).get_json()["tasks"]
    return next(t["id"] for t in tasks if t["name"] == name)


def items(client, case_id: str) -> dict[str, str]:
    view = client.get(f"/api/v1/cases/{case_id}", headers=admin(client)).get_json()
    return {item["name"]: item["state"] for item in view["items"]}


def test_a_case_worker_cannot_reach_another_teams_case_or_task_by_id(client, deployed) -> None:
    case = start(client, "cora", "Review")
    review = task_id(client, "cora", "Review")
    history_before = client.get(f"/api/v1/cases/{case}/history", headers=admin(client)).get_json()
    carl = token(client, "carl")
    reads = [f"/api/v1/cases/{case}", f"/api/v1/cases/{case}/history",
             f"/api/v1/cases/{case}/explanation", f"/api/v1/cases/{case}/data",
             f"/api/v1/cases/{case}/offers", f"/api/v1/tasks/{review}",
             f"/api/v1/tasks/{review}/form", f"/cases/{case}"]  # fmt: skip
    for url in reads:
        assert client.get(url, headers=carl).status_code == 404, url
    writes = [("POST", f"/api/v1/cases/{case}/actions", {"complete": "Review"}),
              ("POST", f"/api/v1/cases/{case}/actions", {"terminate": "@case"}),
              ("POST", f"/api/v1/cases/{case}/actions",
               {"bind": "reviewers", "data": {"role": "reviewers", "members": ["carl"]}}),
              ("PATCH", f"/api/v1/cases/{case}/data", {"amount": 1}),
              ("POST", f"/api/v1/tasks/{review}/claim", {}),
              ("POST", f"/api/v1/tasks/{review}/complete", {}),
              ("POST", f"/api/v1/tasks/{review}/delegate", {"to": "carl"})]  # fmt: skip
    for method, url, body in writes:
        done = client.open(url, method=method, json=body, headers=carl)
        assert done.status_code in (403, 404), (url, done.status_code, done.get_json())
    assert case not in {
        c["id"] for c in client.get("/api/v1/cases", headers=carl).get_json()["cases"]
    }
    assert client.get("/api/v1/tasks", headers=carl).get_json()["tasks"] == []
    assert items(client, case) == {"Review": "active"}
    history_after = client.get(f"/api/v1/cases/{case}/history", headers=admin(client)).get_json()
    assert history_after == history_before


def test_the_session_pages_of_a_hidden_case_say_not_found(client, deployed) -> None:
    case = start(client, "cora", "Review")
    log_in(client, "carl")
    page = client.get(f"/cases/{case}")
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "reviewers" not in text and "cora" not in text


def test_work_for_a_case_role_one_does_not_hold_is_refused(client, deployed) -> None:
    case = start(client, "carl", "Claim")
    carl = token(client, "carl")
    assert [t["name"] for t in client.get("/api/v1/tasks", headers=carl).get_json()["tasks"]] == [
        "Intake"
    ]
    refused = client.post(
        f"/api/v1/cases/{case}/actions", headers=carl, json={"complete": "Approve"}
    )
    assert refused.status_code in (403, 422), refused.get_json()
    tasks = client.get("/api/v1/tasks", headers=admin(client)).get_json()["tasks"]
    approve = next(t["id"] for t in tasks if t["name"] == "Approve" and t["case"] == case)
    for url in (f"/api/v1/tasks/{approve}/claim", f"/api/v1/tasks/{approve}/complete"):
        done = client.post(url, headers=carl, json={})
        assert done.status_code in (403, 404, 422), (url, done.get_json())
    assert items(client, case)["Approve"] == "active"


def test_a_case_worker_cannot_bind_themselves_into_a_case_role(client, deployed) -> None:
    case = start(client, "carl", "Claim")
    carl = token(client, "carl")
    bind = {"bind": "approvers", "data": {"role": "approvers", "members": ["carl"]}}
    refused = client.post(f"/api/v1/cases/{case}/actions", headers=carl, json=bind)
    assert refused.status_code == 403, refused.get_json()
    assert "'approvers'" in refused.get_json()["error"]["message"]
    after = client.post(f"/api/v1/cases/{case}/actions", headers=carl, json={"complete": "Approve"})
    assert after.status_code in (403, 422)
    assert items(client, case)["Approve"] == "active"
    # An admin binds the team; then the member works the item.
    bound = client.post(f"/api/v1/cases/{case}/actions", headers=admin(client), json=bind)
    assert bound.status_code == 200, bound.get_json()
    done = client.post(f"/api/v1/cases/{case}/actions", headers=carl, json={"complete": "Approve"})
    assert done.status_code == 200, done.get_json()


def test_a_team_member_cannot_bind_anyone_into_another_role_of_the_case(client, deployed) -> None:
    case = start(client, "cora", "Appeal")
    cora = token(client, "cora")
    history_before = client.get(f"/api/v1/cases/{case}/history", headers=admin(client)).get_json()
    attempts = [
        {"bind": "approvers", "data": {"role": "approvers", "members": ["cora"]}},
        {"bind": "approvers", "data": {"role": "approvers", "members": ["reviewers"]}},
        {"bind": "approvers", "data": {"role": "approvers", "members": ["carl"]}},
        {"bind": "reviewers", "data": {"role": "approvers", "members": ["cora"]}},
    ]
    for attempt in attempts:
        refused = client.post(f"/api/v1/cases/{case}/actions", headers=cora, json=attempt)
        assert refused.status_code == 403, (attempt, refused.get_json())
        assert refused.get_json()["error"]["details"] == {"role": "approvers"}
    grant = client.post(f"/api/v1/cases/{case}/actions", headers=cora, json={"complete": "Grant"})
    assert grant.status_code in (403, 422)
    view = client.get(f"/api/v1/cases/{case}", headers=admin(client)).get_json()
    assert view["team"] == {}
    history_after = client.get(f"/api/v1/cases/{case}/history", headers=admin(client)).get_json()
    assert history_after == history_before
    # Her own role she may hand on; that gives her nothing more.
    handed = {"bind": "reviewers", "data": {"role": "reviewers", "members": ["cora", "carl"]}}
    assert (
        client.post(f"/api/v1/cases/{case}/actions", headers=cora, json=handed).status_code == 200
    )
    carl = token(client, "carl")
    again = {"bind": "approvers", "data": {"role": "approvers", "members": ["carl"]}}
    assert client.post(f"/api/v1/cases/{case}/actions", headers=carl, json=again).status_code == 403
    assert items(client, case)["Grant"] == "active"


ADMIN_ONLY = [("POST", "/api/v1/deployments", None), ("GET", "/api/v1/users", None),
              ("POST", "/api/v1/users", {"username": "mallory", "password": PASSWORD,
                                         "roles": ["admin"]}),
              ("PATCH", "/api/v1/users/carl", {"roles": ["caseworker", "admin"]}),
              ("POST", "/api/v1/users/admin/password", {"password": "taken-over-now"}),
              ("POST", "/api/v1/users/admin/tokens/revoke", {}),
              ("GET", "/api/v1/jobs", None),
              ("POST", "/api/v1/cases/x/migrate", {"deployment": 1}),
              ("POST", "/api/v1/projects/1/versions/1/deploy", {})]  # fmt: skip


@pytest.mark.parametrize("who", ["carl", "ann"])
def test_non_admins_cannot_call_admin_routes_nor_raise_their_own_roles(app, client, who) -> None:
    headers = token(client, who)
    for method, url, body in ADMIN_ONLY:
        done = client.open(url, method=method, json=body, headers=headers)
        assert done.status_code == 403, (url, done.status_code)
        assert done.get_json()["error"]["code"] == "forbidden"
    own = client.patch(f"/api/v1/users/{who}", headers=headers, json={"roles": ["admin"]})
    assert own.status_code == 403
    users = app.extensions["studio"].users
    assert not users.get(who).has("admin") and users.get("mallory") is None
    assert client.post("/api/v1/auth/token",
                       json={"username": "admin", "password": "taken-over-now"}).status_code == 401  # fmt: skip
    log_in(client, who)
    for page in ("/admin", "/admin/incidents", "/admin/jobs"):
        assert client.get(page).status_code == 403, page


def test_an_analyst_cannot_work_cases(client) -> None:
    ann = token(client, "ann")
    assert client.get("/api/v1/cases", headers=ann).status_code == 403
    assert client.post("/api/v1/cases", headers=ann, json={"case": "Review"}).status_code == 403
    assert client.get("/api/v1/tasks", headers=ann).status_code == 403


def test_login_brute_force_is_throttled_even_for_the_right_password(client) -> None:
    for attempt in range(5):
        wrong = client.post(
            "/api/v1/auth/token", json={"username": "carl", "password": f"guess-{attempt}"}
        )
        assert wrong.status_code == 401
    locked = client.post("/api/v1/auth/token", json={"username": "carl", "password": PASSWORD})
    assert locked.status_code == 401
    error = locked.get_json()["error"]
    assert error["code"] == "login-refused" and error["details"]["retry_after"] > 0
    page = client.get("/login").get_data(as_text=True)
    from tests.attack.conftest import csrf_token

    form = client.post("/login", data={"username": "carl", "password": PASSWORD,
                                       "csrf_token": csrf_token(page)})  # fmt: skip
    assert form.status_code == 401 and "Too many failed logins" in form.get_data(as_text=True)
    assert client.post("/api/v1/auth/token",
                       json={"username": "cora", "password": PASSWORD}).status_code == 200  # fmt: skip


def test_redirects_after_switching_the_language_stay_on_this_site(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    from tests.attack.conftest import csrf_token

    token_value = csrf_token(page)
    for target in ["//evil.example/", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
                   "javascript:alert(1)", "http:/evil.example", "/projects"]:  # fmt: skip
        done = client.post("/language", data={"lang": "fr", "next": target,
                                              "csrf_token": token_value})  # fmt: skip
        assert done.status_code == 303, target
        assert done.headers["Location"] == ("/projects" if target == "/projects" else "/"), target


def test_another_users_simulation_is_not_found_by_its_id(app, client) -> None:
    app.extensions["studio"].users.add("amy", PASSWORD, ["analyst"])
    sim = {"model": "attack.cmmn", "case": "Attack", "cases": 2,
           "arrivals": {"interval": {"distribution": "fixed", "value": "PT1M"}}}  # fmt: skip
    files = {"attack.cmmn": case_model().decode(), "a.sim.json": json.dumps(sim)}
    ann = token(client, "ann")
    project = client.post("/api/v1/projects", headers=ann, json={"key": "s", "files": files})
    started = client.post(f"/api/v1/projects/{project.get_json()['id']}/versions/1/simulations",
                          headers=ann, json={"file": "a.sim.json"})  # fmt: skip
    assert started.status_code == 201, started.get_json()
    job = started.get_json()["id"]
    amy = token(client, "amy")
    assert client.get(f"/api/v1/simulations/{job}", headers=amy).status_code == 404
    assert client.post(f"/api/v1/simulations/{job}/cancel", headers=amy).status_code == 404
    assert client.get(f"/api/v1/simulations/{job}", headers=ann).status_code == 200
    log_in(client, "amy")
    assert client.get(f"/simulations/{job}").status_code == 404
    assert "a.sim.json" not in client.get(f"/simulations/compare?a={job}&b={job}").get_data(True)
