"""Every studio page passes an automated accessibility scan (axe-core, WCAG 2.1 A/AA, no serious
or critical violation), in English and in French. Pages other areas are still building are found
by their route and skipped, with the reason, until they exist."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.browser.a11y import scan
from tests.browser.conftest import SAMPLE, login, login_admin, screenshot

pytestmark = pytest.mark.browser

DISCOVERED = ["/projects", "/worklist", "/cases", "/simulations", "/admin"]


def answers(studio: Any, path: str) -> bool:
    """Whether the app has a GET route at `path`."""
    adapter = studio.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except Exception as exc:  # NotFound, MethodNotAllowed; a redirect still means a page
        return type(exc).__name__ == "RequestRedirect"
    return True


def ready(page: Any) -> None:
    """Let the page's scripts settle (a diagram drawn, lists fetched)."""
    page.wait_for_load_state("networkidle")


def test_the_login_page(page) -> None:
    page.goto("/login")
    scan(page)


def test_the_login_page_after_a_wrong_password(page, console) -> None:
    console.allow("status of 401")  # the refused login answers 401
    page.goto("/login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    scan(page)


def in_language(page, language: str) -> None:
    if language == "fr":
        page.get_by_role("button", name="FR").click()
        page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_home(page, language: str) -> None:
    login_admin(page)
    in_language(page, language)
    scan(page)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_deployments(page, deployment, language: str) -> None:
    login_admin(page)
    page.goto("/deployments")
    in_language(page, language)
    ready(page)
    screenshot(page, f"a11y-deployments-{language}")
    scan(page)


@pytest.mark.parametrize("file", ["invoice-processing.bpmn", "disputed-invoice.cmmn"])
@pytest.mark.parametrize("mode", ["view", "edit"])
def test_a_diagram(page, deployment, file: str, mode: str) -> None:
    login(page, "ann")
    page.goto(f"/deployments/{deployment}/diagram/{file}?mode={mode}")
    page.wait_for_selector("#diagram[data-state=ready]")
    scan(page)


def test_the_error_pages(page, console) -> None:
    console.allow("status of 404")  # the page of a missing deployment answers 404
    login(page, "carl")
    page.goto("/deployments/999999/diagram/nothing.bpmn")
    scan(page)


@pytest.mark.parametrize("path", DISCOVERED)
def test_every_area_page(page, studio, deployment, path: str) -> None:
    if not answers(studio, path):
        pytest.skip(f"{path} is not a page yet (no GET route): nothing to scan")
    login_admin(page)
    page.goto(path)
    ready(page)
    screenshot(page, f"a11y{path.replace('/', '-')}")
    scan(page)


@pytest.fixture(scope="module")
def samples(studio, deployment) -> dict[str, str]:
    """A model project and a running case to open the detail pages of: their paths."""
    from tests.browser.admin_fixtures import disputed_case

    rt = studio.extensions["studio"]
    kept = {".cmmn", ".bpmn", ".dmn", ".json", ".jsonl", ".csv"}
    files = {p.name: p.read_bytes() for p in SAMPLE.iterdir() if p.suffix in kept}
    project = rt.projects.create(f"a11y-{uuid.uuid4().hex[:6]}", "Accessibility", "ann", files)
    return {
        "project": f"/projects/{project.id}",
        "scenarios": f"/projects/{project.id}/scenarios",
        "case": f"/cases/{disputed_case(studio)}",
    }


@pytest.mark.parametrize("which", ["project", "scenarios", "case"])
def test_every_detail_page(page, studio, samples, which: str) -> None:
    path = samples[which]
    if not answers(studio, path):
        pytest.skip(f"{path} is not a page yet (no GET route): nothing to scan")
    login_admin(page)
    page.goto(path)
    ready(page)
    screenshot(page, f"a11y-{which}")
    scan(page)
