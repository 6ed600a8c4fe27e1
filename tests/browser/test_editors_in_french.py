"""The diagram editors speak French on a French page: bpmn-js's palette, context pad and
properties panel, token simulation's controls and bpmnlint's button, and cmmn-js's palette and
context pad; on an English page they stay in English."""

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


def test_token_simulation_and_bpmnlint_in_french(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT}, prefix="fr-sim")
    login(page, "ann")
    page.locator(".language-switch button[value=fr]").click()
    open_editor(page, ident, "review.bpmn")
    lint = page.locator("#diagram .bjsl-button")
    expect(lint).to_have_text("0 erreur, 1 avertissement")
    expect(lint).to_have_attribute("title", "Afficher ou masquer les marques de vérification")
    toggle = page.locator("#diagram .bts-toggle-mode")
    expect(toggle).to_have_text("Simulation de jetons")
    expect(toggle).to_have_attribute("title", "Activer ou désactiver la simulation de jetons")
    screenshot(page, "projects-editor-fr-lint")

    toggle.click()
    expect(toggle).to_have_text("Simulation de jetons")  # the library redraws it on each toggle
    controls = page.locator("#diagram .bts-palette")
    expect(
        controls.get_by_role("button", name="Lancer ou suspendre la simulation")
    ).to_be_disabled()
    expect(controls.get_by_role("button", name="Réinitialiser la simulation")).to_be_visible()
    log_button = controls.get_by_role("button", name="Afficher ou masquer le journal de simulation")
    speed = page.locator("#diagram .bts-set-animation-speed")
    expect(speed.get_by_role("button", name="Vitesse d\u2019animation : rapide")).to_be_visible()
    start = page.locator('#diagram .djs-overlays[data-container-id="start"]')
    start.get_by_role("button", name="Déclencher l\u2019événement").click()
    log_button.click()
    log = page.locator("#diagram .bts-log")
    expect(log).to_contain_text("Journal de simulation")
    expect(log.locator(".bts-entry .bts-text").first).to_have_text("Début : Processus")
    # the names the analyst gave the elements stay as they are
    expect(log.get_by_text("Claim received", exact=True)).to_be_visible()
    screenshot(page, "projects-editor-fr-simulation")


def test_the_bpmn_editor_stays_english_on_an_english_page(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT}, prefix="en")
    login(page, "ann")
    open_editor(page, ident, "review.bpmn")
    expect(page.locator('.djs-palette [data-action="create.task"]')).to_have_accessible_name(
        "Create task"
    )
    expect(page.locator("#diagram .bjsl-button")).to_have_text("0 Errors, 1 Warnings")
    toggle = page.locator("#diagram .bts-toggle-mode")
    expect(toggle).to_have_text("Token Simulation")
    toggle.click()
    expect(
        page.locator("#diagram .bts-palette").get_by_role("button", name="Reset Simulation")
    ).to_be_visible()


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
