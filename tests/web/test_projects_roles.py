"""Who may do what with model projects, on every route: analysts edit, testers read (and save
test files, see test_projects_api), admins also deploy, case workers and strangers nothing."""

from __future__ import annotations

import io

import pytest

from tests.web.conftest import ADMIN_PASSWORD, PASSWORD, mixed_zip, token

SCENARIO = '{"name": "n", "model": "invoice_case.cmmn", "steps": []}'


def routes(pid: int) -> list[tuple[str, str, dict, str]]:
    """(method, url, request keywords, what it takes: read, save, edit or deploy), in an order
    where each allowed call succeeds."""
    base = f"/api/v1/projects/{pid}"
    save = {"json": {"base": 1, "files": {"t.scenario.json": SCENARIO}}}
    return [
        ("get", "/api/v1/projects", {}, "read"),
        ("post", "/api/v1/projects", {"json": {"key": "fresh"}}, "edit"),
        ("post", "/api/v1/projects/import", {"data": upload(key="k2")}, "edit"),
        ("get", base, {}, "read"),
        ("patch", base, {"json": {"name": "Renamed"}}, "edit"),
        ("get", f"{base}/versions", {}, "read"),
        ("post", f"{base}/versions", save, "save"),
        ("post", f"{base}/import", {"data": upload(base="2")}, "edit"),
        ("get", f"{base}/versions/1", {}, "read"),
        ("get", f"{base}/versions/1/files/invoice_case.cmmn", {}, "read"),
        ("get", f"{base}/versions/1/download", {}, "read"),
        ("post", f"{base}/versions/1/deploy", {}, "deploy"),
        ("get", f"{base}/diff?from=0&to=1", {}, "read"),
        ("post", f"{base}/validate", {"json": {}}, "read"),
    ]


def upload(**fields: str) -> dict:
    return {"file": (io.BytesIO(mixed_zip()), "invoices.zip"), **fields}


ALLOWED = {
    "anonymous": set(),
    "carl": set(),
    "tess": {"read", "save"},
    "ann": {"read", "save", "edit"},
    "admin": {"read", "save", "edit", "deploy"},
}


@pytest.fixture
def project_id(app, client) -> int:
    app.extensions["studio"].users.add("tess", PASSWORD, ["tester"])
    done = client.post(
        "/api/v1/projects/import",
        headers=token(client, "ann"),
        data={"file": (io.BytesIO(mixed_zip()), "invoices.zip")},
    )
    return done.get_json()["project"]["id"]


@pytest.mark.parametrize("who", list(ALLOWED))
def test_every_project_route_checks_the_role(client, project_id: int, who: str) -> None:
    headers = {}
    if who != "anonymous":
        headers = token(client, who, ADMIN_PASSWORD if who == "admin" else PASSWORD)
    for method, url, keywords, needs in routes(project_id):
        answer = getattr(client, method)(url, headers=headers, **keywords)
        if needs in ALLOWED[who]:
            assert answer.status_code in (200, 201), (who, method, url, answer.get_json())
        else:
            expected = 401 if who == "anonymous" else 403
            assert answer.status_code == expected, (who, method, url, answer.status_code)
            assert answer.get_json()["error"]["code"] in ("unauthorized", "forbidden")
