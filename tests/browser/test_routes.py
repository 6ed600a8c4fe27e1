"""The studio pages' routes over HTTP (Flask's test client, no browser): who gets in, what the
file endpoint answers, where the language switch goes back to, which links the top bar shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Blueprint

from studio.runtime.config import load_settings
from studio.web import create_app
from tests.browser.conftest import ADMIN_PASSWORD, PASSWORD, SAMPLE

BPMN = "invoice-processing.bpmn"


def make_app(tmp_path: Path, extra: Blueprint | None = None):
    settings = load_settings(
        {
            "STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
            "STUDIO_ADMIN_PASSWORD": ADMIN_PASSWORD,
        }
    )
    app = create_app(settings)
    if extra is not None:
        app.register_blueprint(extra)
    app.config["TESTING"] = True
    users = app.extensions["studio"].users
    users.add("ann", PASSWORD, ["analyst"])
    users.add("carl", PASSWORD, ["caseworker"])
    users.add("nora", PASSWORD, [])
    return app


@pytest.fixture
def app(tmp_path: Path):
    app = make_app(tmp_path)
    yield app
    app.extensions["studio"].engine.dispose()


@pytest.fixture
def deployment(app) -> int:
    deployed, _, _ = app.extensions["studio"].deployments.deploy_folder(SAMPLE, actor="test")
    return deployed.id


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def log_in(client, username: str, password: str = PASSWORD) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    done = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert done.status_code == 302


def test_pages_send_strangers_to_the_login_form(app, deployment) -> None:
    client = app.test_client()
    for path in ("/deployments", f"/deployments/{deployment}/diagram/{BPMN}"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.location.endswith("/login"), path


def test_a_user_without_a_role_gets_a_403_page_in_words(app, deployment) -> None:
    client = app.test_client()
    log_in(client, "nora")
    answer = client.get(f"/deployments/{deployment}/diagram/{BPMN}")
    assert answer.status_code == 403
    assert "This page is not open to your roles." in answer.get_data(as_text=True)
    assert client.get(f"/deployments/{deployment}/files/{BPMN}").status_code == 403


def test_the_file_endpoint_answers_the_bytes_as_xml_never_to_be_rendered(app, deployment) -> None:
    client = app.test_client()
    assert client.get(f"/deployments/{deployment}/files/{BPMN}").status_code == 401
    log_in(client, "carl")
    answer = client.get(f"/deployments/{deployment}/files/{BPMN}")
    assert answer.status_code == 200
    assert answer.data == (SAMPLE / BPMN).read_bytes()
    assert answer.mimetype == "application/xml"
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    again = client.get(
        f"/deployments/{deployment}/files/{BPMN}", headers={"If-None-Match": answer.headers["ETag"]}
    )
    assert again.status_code == 304
    missing = client.get(f"/deployments/{deployment}/files/nowhere.bpmn")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not-found"
    assert client.get(f"/deployments/9999/files/{BPMN}").status_code == 404


def test_the_diagram_page_loads_the_right_library_only(app, deployment) -> None:
    client = app.test_client()
    log_in(client, "ann")
    bpmn = client.get(f"/deployments/{deployment}/diagram/{BPMN}").get_data(as_text=True)
    assert "bpmn-editor.css" in bpmn and "cmmn-" not in bpmn
    cmmn = client.get(f"/deployments/{deployment}/diagram/disputed-invoice.cmmn").get_data(
        as_text=True
    )
    assert "vendor/cmmn-navigated-viewer.js" in cmmn and "bpmn-editor" not in cmmn
    edit = client.get(f"/deployments/{deployment}/diagram/disputed-invoice.cmmn?mode=edit")
    assert "vendor/cmmn-modeler.js" in edit.get_data(as_text=True)


def test_the_language_switch_goes_back_to_a_page_of_this_site_only(app) -> None:
    client = app.test_client()
    log_in(client, "ann")
    token = csrf_token(client.get("/").get_data(as_text=True))
    refused = client.post("/language", data={"lang": "fr", "next": "/deployments"})
    assert refused.status_code == 400
    back = client.post(
        "/language", data={"lang": "fr", "next": "/deployments?x=1", "csrf_token": token}
    )
    assert back.status_code == 303 and back.location == "/deployments?x=1"
    assert "Déploiements" in client.get("/deployments").get_data(as_text=True)
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example", "deployments"):
        answer = client.post(
            "/language", data={"lang": "en", "next": elsewhere, "csrf_token": token}
        )
        assert answer.location == "/", elsewhere
    client.post("/language", data={"lang": "xx", "next": "/", "csrf_token": token})
    assert "Deployments" in client.get("/deployments").get_data(as_text=True)


def test_the_browser_language_is_the_default(app) -> None:
    client = app.test_client()
    log_in(client, "ann")
    french = client.get("/", headers={"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})
    assert '<html lang="fr">' in french.get_data(as_text=True)
    other = client.get("/", headers={"Accept-Language": "de"})
    assert '<html lang="en">' in other.get_data(as_text=True)


def test_the_top_bar_links_the_pages_that_exist_for_the_users_roles(tmp_path: Path) -> None:
    worklist = Blueprint("worklist_page", __name__)
    worklist.add_url_rule("/worklist", "show", lambda: "the worklist")
    app = make_app(tmp_path, worklist)
    try:
        carl, ann = app.test_client(), app.test_client()
        log_in(carl, "carl")
        log_in(ann, "ann")
        nav = re.compile(r'<nav class="topnav".*?</nav>', re.S)
        carl_nav = nav.search(carl.get("/").get_data(as_text=True)).group(0)
        ann_nav = nav.search(ann.get("/").get_data(as_text=True)).group(0)
        for path in ("/worklist", "/cases", "/deployments"):  # a case worker's pages
            assert f'href="{path}"' in carl_nav
        for path in ("/projects", "/simulations", "/deployments"):  # an analyst's pages
            assert f'href="{path}"' in ann_nav
        for path in ("/projects", "/simulations", "/admin"):
            assert f'href="{path}"' not in carl_nav
        for path in ("/worklist", "/cases", "/admin"):
            assert f'href="{path}"' not in ann_nav
        current = nav.search(carl.get("/deployments").get_data(as_text=True)).group(0)
        assert 'href="/deployments" aria-current="page"' in current
    finally:
        app.extensions["studio"].engine.dispose()
