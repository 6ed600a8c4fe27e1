"""Stored cross-site scripting in Chromium: a project whose every name, documentation, case file
value, team member and incident is a script payload, seen on the pages that render names with
JavaScript (the case, the worklist, a deployed diagram), also after a live update. No injected
element exists, no script runs, no dialog opens, the Content Security Policy never has to step in,
and the payload shows as text."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from studio.editor.formatting import format_model_file
from studio.runtime.config import load_settings
from studio.web import create_app
from tests.attack.xss_models import LINK, PAYLOAD, project_files
from tests.browser.conftest import ADMIN_PASSWORD, PASSWORD, VIEWPORT, login, screenshot

pytestmark = pytest.mark.browser
expect: Any = pytest.importorskip("playwright.sync_api").expect
INJECTED = 'img[src="x"], script:not([src]):not([type="application/json"])'
"""What the payload would add to a page if some code put it in as markup."""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A studio of its own (the other browser tests' pages stay clean) on loopback, the
    payload project deployed and a case of it started: its address and the case id."""
    settings = load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path_factory.mktemp("xss")),
                              "STUDIO_ADMIN_PASSWORD": ADMIN_PASSWORD})  # fmt: skip
    app = create_app(settings)
    runtime = app.extensions["studio"]
    files = project_files()
    folder = tmp_path_factory.mktemp("xss-models")
    for name in ("xss.cmmn", "xss.bpmn"):  # with diagrams, laid out by Graphviz
        (folder / name).write_bytes(files[name])
        files[name] = format_model_file(folder / name, layout=True)
    runtime.users.add("root", PASSWORD, ["admin", "caseworker"], groups=["clerks"])
    deployed, _, _ = runtime.deployments.deploy_files(files, key="xss", actor="root")
    from studio.host.cases import Actor

    root = Actor("root", frozenset({"clerks"}))
    case = runtime.host.start("XssCase", {"note": {"text": PAYLOAD, "link": LINK}}, root)
    runtime.host.act(case, {"bind": "clerks", "data": {"role": "clerks",
                                                       "members": ["root", PAYLOAD]}}, root)  # fmt: skip
    runtime.host.act(case, {"occur": "pi_event"}, root)
    runtime.host.record_incident(case, f"{PAYLOAD} {LINK}", runtime.host.clock.now())
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{httpd.server_port}", "case": case,
           "deployment": deployed.id, "app": app, "root": root}  # fmt: skip
    httpd.shutdown()
    thread.join(5)
    runtime.engine.dispose()


@pytest.fixture
def page(browser: Any, hostile: dict, console: Any) -> Iterator[Any]:
    """A page on the hostile studio; dialogs and console errors (CSP refusals) collected."""
    context = browser.new_context(base_url=hostile["url"], viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and console.add(f"console: {m.text}"))
    page.on("pageerror", lambda e: console.add(f"page error: {e}"))
    page.on("dialog", lambda d: (console.add(f"a script ran: {d.message}"), d.dismiss()))
    login(page, "root")
    yield page
    context.close()


def assert_nothing_injected(page: Any) -> None:
    assert page.locator(INJECTED).count() == 0, page.locator(INJECTED).evaluate_all(
        "nodes => nodes.map(n => n.outerHTML)"
    )
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    assert not [h for h in hrefs if h.lower().startswith("javascript:")], hrefs


def test_the_case_page_shows_the_payload_as_text_also_after_a_live_update(page, hostile) -> None:
    page.goto(f"/cases/{hostile['case']}")
    expect(page.locator("#case")).to_have_attribute("data-version", re.compile(r"\d+"))
    expect(page.get_by_text(PAYLOAD).first).to_be_visible()
    expect(page.locator("#incidents")).to_contain_text(PAYLOAD)
    assert_nothing_injected(page)
    version = page.locator("#case").get_attribute("data-version")
    app = hostile["app"]
    app.extensions["studio"].host.act(hostile["case"], {"plan": "di_extra"}, hostile["root"])
    expect(page.locator("#case")).not_to_have_attribute("data-version", version)
    for tab in ("Case file", "Team"):
        page.get_by_role("button", name=tab).click()
        assert_nothing_injected(page)
    expect(page.get_by_label("Case file (JSON)")).to_have_value(re.compile("onerror=alert"))
    screenshot(page, "xss-case")


def test_the_worklist_shows_the_payload_as_text(page, hostile) -> None:
    page.goto("/worklist")
    expect(page.locator("#tasks")).to_contain_text(PAYLOAD)
    assert_nothing_injected(page)


def test_a_deployed_diagram_shows_the_payload_as_text(page, hostile) -> None:
    page.goto(f"/deployments/{hostile['deployment']}/diagram/xss.cmmn")
    expect(page.locator("svg").get_by_text(PAYLOAD).first).to_be_attached()
    page.locator("svg").get_by_text(PAYLOAD).first.click(force=True)
    assert_nothing_injected(page)
    page.goto(f"/deployments/{hostile['deployment']}/diagram/xss.bpmn")
    expect(page.locator("svg").get_by_text(PAYLOAD).first).to_be_attached()
    assert_nothing_injected(page)
