"""The page shell: logging in and out, the top bar, keyboard access, the language switch."""

from __future__ import annotations

import re

import pytest

from tests.browser.a11y import scan
from tests.browser.conftest import login, login_admin, screenshot

pytestmark = pytest.mark.browser


def test_logging_in_shows_the_shell(page) -> None:
    login_admin(page)
    topbar = page.locator("header.topbar")
    assert topbar.get_by_role("link", name="Case Studio").is_visible()
    assert topbar.locator(".username").inner_text() == "admin"
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Deployments").is_visible()
    assert page.get_by_role("heading", name="Welcome, admin").is_visible()
    live = page.locator("#live-status")
    live.and_(page.locator("[data-state=connected]")).wait_for()
    assert live.inner_text() == "Live"
    screenshot(page, "home")


def test_the_skip_link_comes_first_and_leads_to_the_content(page) -> None:
    login(page, "carl")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    assert skip.evaluate("node => node === document.activeElement")
    assert skip.is_visible()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_logging_out_ends_the_session(page) -> None:
    login(page, "carl")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login$"))
    page.goto("/deployments")
    assert page.url.endswith("/login")


def test_the_language_switch_shows_french(page, deployment) -> None:
    login(page, "ann")
    page.goto(f"/deployments/{deployment}/diagram/invoice-processing.bpmn")
    page.wait_for_selector("#diagram[data-state=ready]")
    page.get_by_role("button", name="FR").click()
    page.wait_for_selector("#diagram[data-state=ready]")
    assert page.url.endswith("/diagram/invoice-processing.bpmn")
    assert page.locator("html").get_attribute("lang") == "fr"
    nav = page.get_by_role("navigation", name="Principal")
    assert nav.get_by_role("link", name="Déploiements").is_visible()
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    assert page.get_by_role("link", name="Modifier une copie").is_visible()
    assert page.locator("#diagram-status").inner_text() == "27 éléments"
    screenshot(page, "diagram-bpmn-fr")

    page.get_by_role("button", name="EN").click()
    page.wait_for_selector("#diagram[data-state=ready]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").is_visible()


@pytest.mark.parametrize("language", ["EN", "FR"])
def test_a_language_button_under_the_pointer_stays_readable(page, language) -> None:
    login(page, "carl")
    page.goto("/worklist")
    page.get_by_role("button", name=language).hover()
    scan(page, ".language-switch")
