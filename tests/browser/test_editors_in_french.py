"""The diagram editors speak French on a French page: bpmn-js's palette, context pad and
properties panel, and cmmn-js's palette and context pad; on an English page they stay in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.browser.projects_helpers import SPLIT, new_project, open_editor, shape
from tests.browser.test_cmmn_properties import pick

pytestmark = pytest.mark.browser


def test_the_bpmn_editor_in_french(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT}, prefix="fr")
    login(page, "ann")
    page.locator(".language-switch button[value=fr]").click()
    open_editor(page, ident, "review.bpmn")
    palette = page.locator(".djs-palette")  # bpmn-js names its entries (their tooltips)
    expect(palette.locator('[data-action="create.task"]')).to_have_accessible_name(
        "Créer une tâche"
    )
    expect(palette.get_by_role("button", name="Activer l\u2019outil main")).to_be_visible()
    shape(page, "expert").click()
    properties = page.locator("#properties")
    expect(properties.get_by_text("Général", exact=True)).to_be_visible()
    expect(properties.get_by_label("Nom", exact=True)).to_have_value("Expert review")
    expect(properties.get_by_text("Exécution", exact=True)).to_be_visible()
    expect(properties.get_by_text("Tâche utilisateur", exact=True)).to_be_visible()
    pad = page.locator(".djs-context-pad")
    expect(pad.locator('[data-action="append.append-task"]')).to_have_accessible_name(
        "Ajouter une tâche"
    )
    screenshot(page, "projects-editor-fr")


def test_the_bpmn_editor_stays_english_on_an_english_page(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT}, prefix="en")
    login(page, "ann")
    open_editor(page, ident, "review.bpmn")
    expect(page.locator('.djs-palette [data-action="create.task"]')).to_have_accessible_name(
        "Create task"
    )


def test_the_cmmn_editor_palette_in_french(page, deployment) -> None:
    login(page, "ann")
    page.locator(".language-switch button[value=fr]").click()
    page.goto(f"/deployments/{deployment}/diagram/disputed-invoice.cmmn?mode=edit")
    page.wait_for_selector("#diagram[data-state=ready]")
    palette = page.locator(".djs-palette")
    expect(palette.locator('[data-action="create.milestone"]')).to_have_attribute(
        "title", "Créer un jalon"
    )
    expect(palette.locator('[data-action="hand-tool"]')).to_have_attribute(
        "title", "Activer l\u2019outil main"
    )
    pick(page, "pi_review")
    pad = page.locator(".djs-context-pad")
    expect(pad.locator('[data-action="delete"]')).to_have_attribute("title", "Supprimer")
    expect(pad.locator('[data-action="append.entryCriterion"]')).to_have_attribute(
        "title", "Ajouter un critère"
    )
    screenshot(page, "cmmn-editor-fr")
