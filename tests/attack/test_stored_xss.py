"""Stored cross-site scripting: names and documentation of every model element kind, the project
name, version messages, scenario and simulation names, case file values, case team members and
incident messages hold script payloads; every page of the studio is rendered and none carries
them unescaped (the JavaScript rendering is checked in Chromium: tests/browser/test_xss.py)."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest

from tests.attack.conftest import PASSWORD, admin, log_in, project_zip, token, upload
from tests.attack.xss_models import LINK, PAYLOAD, project_files

RAW = ["<script>alert(", "<img src=x onerror", "onerror=alert(2)>"]
ESCAPED = ["&lt;script&gt;alert(1)", "\\u003cscript\\u003ealert(1)", "&lt;img src=x onerror"]
SCRIPTED_URL = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
ALL_ROLES = ["admin", "analyst", "tester", "caseworker"]
SKIPPED = {"static", "pages.login"}
"""Pages not rendered with the data: static files, the login form (nothing stored shows)."""


def assert_escaped(url: str, response) -> bool:
    """No payload runs from this answer; whether it shows the payload (escaped). JSON answers
    carry data as it is, which browsers never render (JSON type, nosniff)."""
    if response.mimetype == "application/json":
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        return False
    if response.mimetype == "text/html":  # a page: no inline script, not framed elsewhere
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
        assert "script-src" not in policy and response.headers["X-Frame-Options"] == "DENY", url
    text = response.get_data(as_text=True)
    for raw in RAW:
        assert raw not in text, f"{url} carries {raw!r} unescaped"
    assert not SCRIPTED_URL.search(text), f"{url} links to a javascript: address"
    return any(escaped in text for escaped in ESCAPED)


@pytest.fixture
def seeded(app, client) -> dict:
    """Everything a user can name, named with the payload; the ids pages need."""
    users = app.extensions["studio"].users
    users.add("root", PASSWORD, ALL_ROLES, groups=["clerks"])
    users.add("eve", PASSWORD, ["caseworker"], groups=[PAYLOAD])  # groups are free text
    root = token(client, "root")
    imported = client.post("/api/v1/projects/import", headers=root,
                           data=upload(project_zip(project_files(), "xss/")))  # fmt: skip
    assert imported.status_code == 201, imported.get_json()
    project = imported.get_json()["project"]["id"]
    named = client.patch(f"/api/v1/projects/{project}", headers=root, json={"name": PAYLOAD})
    assert named.status_code == 200, named.get_json()
    text = project_files()["xss.cmmn"].decode().replace("P30D", "P31D")
    saved = client.post(f"/api/v1/projects/{project}/versions", headers=root, json={
        "base": 1, "files": {"xss.cmmn": text}, "message": f"{PAYLOAD} {LINK}"})  # fmt: skip
    assert saved.status_code == 201, saved.get_json()
    deployed = client.post(f"/api/v1/projects/{project}/versions/2/deploy", headers=root, json={})
    assert deployed.status_code == 201, deployed.get_json()
    deployment = deployed.get_json()["deployment"]["id"]
    case = client.post("/api/v1/cases", headers=root, json={
        "case": "XssCase", "data": {"note": {"text": PAYLOAD, "link": LINK}}}).get_json()["id"]  # fmt: skip
    for action in [{"bind": "clerks", "data": {"role": "clerks", "members": ["root", PAYLOAD]}},
                   {"occur": "pi_event"}, {"plan": "di_extra"}, {"complete": "pi_task"}]:  # fmt: skip
        done = client.post(f"/api/v1/cases/{case}/actions", headers=root, json=action)
        assert done.status_code == 200, (action, done.get_json())
    host = app.extensions["studio"].host
    host.record_incident(case, f"{PAYLOAD} {LINK}", host.clock.now())
    tests = client.post(f"/api/v1/projects/{project}/versions/2/tests", headers=root, json={})
    assert tests.get_json()["passed"] == 1, tests.get_json()
    job = client.post(f"/api/v1/projects/{project}/versions/2/simulations", headers=root,
                      json={"file": "xss.sim.json"}).get_json()  # fmt: skip
    deadline = time.monotonic() + 60
    while job["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/v1/simulations/{job['id']}", headers=root).get_json()
    assert job["state"] == "done", job
    return {"project_id": project, "case_id": case, "ident": deployment, "job_id": job["id"],
            "file": "xss.cmmn", "path": "xss.cmmn"}  # fmt: skip


def pages(app, ids: dict) -> list[str]:
    """A URL per page route of the url map (the API and static files left out), filled in."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIPPED:
                continue
            if rule.rule.startswith(("/api/", "/socket.io")):
                continue
            urls.append(rule.build({name: ids[name] for name in rule.arguments})[1])
    return sorted(urls)


def check_downloads(client, seeded: dict) -> None:
    """Deployed and project files are downloads of their own type, never pages."""
    for name in ("xss.cmmn", "README.md"):
        response = client.get(f"/deployments/{seeded['ident']}/files/{name}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert "html" not in response.headers["Content-Type"]
    api = f"/api/v1/projects/{seeded['project_id']}/versions/2/files/README.md"
    response = client.get(api)
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "html" not in response.headers["Content-Type"]


def check_addresses(client, seeded: dict) -> None:
    """Payloads in addresses (not found pages, query strings) come back escaped."""
    hostile = quote(PAYLOAD, safe="")
    ident, project = seeded["ident"], seeded["project_id"]
    for url in [f"/cases/{hostile}", f"/deployments/{ident}/diagram/{hostile}.cmmn",
                f"/deployments/{ident}/files/{hostile}", f"/projects/{project}/edit/{hostile}.cmmn",
                f"/simulations/{hostile}", f"/simulations/compare?a={hostile}&b={hostile}",
                f"/projects/{project}/scenarios?scenario={hostile}", f"/worklist?case={hostile}",
                f"/api/v1/cases/{hostile}", f"/login?next={quote(LINK)}",
                f"/deployments/{ident}/diagram/xss.cmmn?element={hostile}&mode={hostile}",
                f"/projects/{project}/edit/xss.cmmn?version={hostile}"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code < 500, url
        assert_escaped(url, response)


def test_every_page_shows_the_stored_payloads_escaped_and_files_download(
    app, client, seeded
) -> None:
    log_in(client, "root")
    urls = pages(app, seeded)
    ident, job, project = seeded["ident"], seeded["job_id"], seeded["project_id"]
    urls += [f"/deployments/{ident}/diagram/xss.bpmn", f"/deployments/{ident}/diagram/xss.cmmn?mode=edit",
             f"/projects/{project}/edit/xss.bpmn", f"/projects/{project}/diff?from=1&to=2",
             f"/simulations/compare?a={job}&b={job}", f"/projects/{project}/scenarios?version=2"]  # fmt: skip
    showing = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if assert_escaped(url, response):
            showing.add(url.split("?")[0])
    check_downloads(client, seeded)
    check_addresses(client, seeded)
    # the payload reached the pages that show what was named with it
    assert {"/projects", f"/projects/{project}", "/deployments", f"/cases/{seeded['case_id']}",
            "/admin", "/admin/incidents", f"/simulations/{job}", f"/projects/{project}/scenarios"} <= showing  # fmt: skip


def test_user_names_cannot_carry_markup(client) -> None:
    body = {"username": PAYLOAD, "password": PASSWORD, "roles": ["caseworker"]}
    done = client.post("/api/v1/users", headers=admin(client), json=body)
    assert done.status_code == 422, done.get_json()
    assert "a username is" in done.get_json()["error"]["message"]
