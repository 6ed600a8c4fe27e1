"""The attack suite's app, users and hostile project builders (tests go through the HTTP API)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from studio.runtime.config import load_settings
from studio.web import create_app
from tests.web.conftest import ADMIN_PASSWORD, PASSWORD, client
from tests.web.conftest import token as new_token

__all__ = ["ADMIN_PASSWORD", "PASSWORD", "admin", "app", "client", "token"]


FAST_HASH = "pbkdf2:sha256:1000"
"""The attack suite's password hashing: logins are what it checks, not the hash's cost (scrypt
takes ~0.4 s per login on a busy machine, and each test logs several users in)."""


@pytest.fixture
def app(tmp_path: Path):
    """The web suite's app and users (carl, cora of the reviewers, ann the analyst)."""
    settings = load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
                              "STUDIO_ADMIN_PASSWORD": ADMIN_PASSWORD})  # fmt: skip
    app = create_app(settings)
    app.config["TESTING"] = True
    users = app.extensions["studio"].users
    users._method = FAST_HASH
    users.set_password("admin", ADMIN_PASSWORD)
    users.add("carl", PASSWORD, ["caseworker"])
    users.add("cora", PASSWORD, ["caseworker"], groups=["reviewers"])
    users.add("ann", PASSWORD, ["analyst"])
    yield app
    app.extensions["studio"].engine.dispose()


def token(client, username: str, password: str = PASSWORD) -> dict[str, str]:
    """A bearer token header of `username` on this client's app (one login per test and user:
    password hashing is slow on purpose)."""
    tokens = client.application.extensions.setdefault("attack.tokens", {})
    if username not in tokens:
        tokens[username] = new_token(client, username, password)
    return tokens[username]


def admin(client) -> dict[str, str]:
    return token(client, "admin", ADMIN_PASSWORD)


PROJECTS = "/api/v1/projects"

CASE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="defs"
             targetNamespace="http://example.org/attack">
  <case id="Attack" name="{name}">
    <casePlanModel id="plan" name="{name}" autoComplete="false">
      <planItem id="pi_review" name="{name}" definitionRef="ht_review"/>
      <planItem id="pi_done" name="Done" definitionRef="ms_done">
        <entryCriterion id="ec_done" sentryRef="s_done"/>
      </planItem>
      <sentry id="s_done">
        <planItemOnPart id="op_done" sourceRef="pi_review"><standardEvent>complete</standardEvent></planItemOnPart>
        <ifPart id="if_done"><condition>{condition}</condition></ifPart>
      </sentry>
      <humanTask id="ht_review" name="Review"/>
      <milestone id="ms_done" name="Done"/>
    </casePlanModel>
  </case>
</definitions>
"""
"""A one-task case whose sentry reads `condition` (XML-escaped by the caller)."""


def case_model(condition: str = "amount > 10", name: str = "Review") -> bytes:
    return CASE.format(condition=condition, name=name).encode()


def scenario(model: str = "attack.cmmn", **more: object) -> dict:
    return {"name": "review", "model": model, "data": {"amount": 20},
            "steps": [{"complete": "Review"}, {"expect": {"items": {"Done": "completed"}}}],
            **more}  # fmt: skip


def project_zip(files: dict[str, bytes], top: str = "attack/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(f"{top}{path}", data)
    return buffer.getvalue()


def upload(data: bytes, name: str = "attack.zip") -> dict:
    return {"file": (io.BytesIO(data), name)}


def error_of(response) -> dict:
    """The JSON error of a refused request (asserting it is one, not a page or a traceback)."""
    assert response.is_json, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert "Traceback" not in body["error"]["message"], body
    return body["error"]


def files_under(folder: Path) -> set[str]:
    """Every file below `folder` (the instance folder: nothing may be written there)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def stored(app) -> tuple:
    """What the runtime holds: projects with their versions, deployments, instance files."""
    runtime = app.extensions["studio"]
    projects = [(p.key, p.latest.number if p.latest else 0) for p in runtime.projects.list(True)]
    instance = {
        f for f in files_under(Path(app.instance_path)) if ".db" not in f and ".sqlite" not in f
    }
    return projects, [d.id for d in runtime.deployments.list()], instance


TEAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="team_defs"
             targetNamespace="http://example.org/attack">
  <case id="Review" name="Review">
    <casePlanModel id="plan_review" name="Review" autoComplete="true">
      <planItem id="pi_review" name="Review" definitionRef="ht_review"/>
      <humanTask id="ht_review" name="Review" performerRef="r_reviewers"/>
    </casePlanModel>
    <caseRoles id="roles_review"><role id="r_reviewers" name="reviewers"/></caseRoles>
  </case>
  <case id="Claim" name="Claim">
    <casePlanModel id="plan_claim" name="Claim" autoComplete="true">
      <planItem id="pi_intake" name="Intake" definitionRef="ht_intake"/>
      <planItem id="pi_approve" name="Approve" definitionRef="ht_approve"/>
      <humanTask id="ht_intake" name="Intake"/>
      <humanTask id="ht_approve" name="Approve" performerRef="r_approvers"/>
    </casePlanModel>
    <caseRoles id="roles_claim"><role id="r_approvers" name="approvers"/></caseRoles>
  </case>
  <case id="Appeal" name="Appeal">
    <casePlanModel id="plan_appeal" name="Appeal" autoComplete="true">
      <planItem id="pi_check" name="Check" definitionRef="ht_check"/>
      <planItem id="pi_grant" name="Grant" definitionRef="ht_grant"/>
      <humanTask id="ht_check" name="Check" performerRef="r_appeal_reviewers"/>
      <humanTask id="ht_grant" name="Grant" performerRef="r_appeal_approvers"/>
    </casePlanModel>
    <caseRoles id="roles_appeal"><role id="r_appeal_reviewers" name="reviewers"/>
      <role id="r_appeal_approvers" name="approvers"/></caseRoles>
  </case>
</definitions>
"""
"""Review is for the reviewers group only (cora); Claim has open intake work and an approval for
the approvers group (nobody of our users); Appeal has a check for the reviewers (cora) and a
grant for the approvers."""


@pytest.fixture
def deployed(client) -> None:
    done = client.post("/api/v1/deployments", headers=admin(client),
                       data={"file": (io.BytesIO(project_zip({"team.cmmn": TEAM})), "team.zip")})  # fmt: skip
    assert done.status_code in (200, 201), done.get_json()


def start(client, user: str, case: str) -> str:
    done = client.post("/api/v1/cases", headers=token(client, user), json={"case": case})
    assert done.status_code == 201, done.get_json()
    return done.get_json()["id"]


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(
        r'name="csrf-token" content="([^"]+)"', page
    )
    assert found, "no CSRF token in the page"
    return found.group(1)


def log_in(client, username: str, password: str = PASSWORD) -> str:
    """Log `client` in with a session; the CSRF token of its pages."""
    page = client.get("/login").get_data(as_text=True)
    done = client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(page)})  # fmt: skip
    assert done.status_code == 302, done.get_data(as_text=True)[:300]
    return csrf_token(client.get("/").get_data(as_text=True))
