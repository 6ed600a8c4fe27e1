"""The scenario tests page: run the invoice sample's scenarios and see them pass, break one's
expectation, save it and see the failing step, its message and the diagram coloured; roles."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.browser.testing_helpers import TESTER, import_invoice_project, newest_version

pytestmark = pytest.mark.browser
FIRST = "01-matched-invoice-is-paid-without-a-touch.scenario.json"


@pytest.fixture(scope="session")
def invoice_project(studio: Any) -> int:
    return import_invoice_project(studio)


def test_a_tester_runs_every_scenario_and_sees_them_pass(page: Any, invoice_project: int) -> None:
    login(page, TESTER)
    page.goto(f"/projects/{invoice_project}/scenarios")
    page.get_by_role("button", name="Run all").click()
    expect(page.locator("#run-summary")).to_have_text(
        re.compile(r"\d+ passed, 0 failed"), timeout=120_000
    )
    badges = page.locator("li.scenario[data-result='passed']")
    assert badges.count() == page.locator("li.scenario").count() >= 9
    page.locator("#steps button.step").first.wait_for()
    page.locator("#diagram[data-state='ready']").wait_for()
    assert page.locator("#steps button.step.fail").count() == 0
    page.locator(".djs-element[class*='cs-state-']").first.wait_for()
    screenshot(page, "scenarios-passed")


def test_a_broken_expectation_shows_the_failing_step_and_the_coloured_diagram(
    page: Any, studio: Any, invoice_project: int
) -> None:
    login(page, TESTER)
    page.goto(f"/projects/{invoice_project}/scenarios?scenario={FIRST}")
    page.get_by_role("button", name=re.compile("^Edit “a matched invoice")).click()
    text = page.get_by_label("Scenario (JSON)")
    text.wait_for()
    expect(text).not_to_have_value("")
    scenario = json.loads(text.input_value())
    at = next(i for i, s in enumerate(scenario["steps"]) if "expect" in s)
    scenario["steps"][at]["expect"]["case"] = "suspended"
    text.fill("{ not json")
    page.get_by_role("button", name="Save as a new version").click()
    page.locator("#editor-message.error").filter(has_text="not valid JSON").wait_for()
    screenshot(page, "scenarios-edit-invalid")
    text.fill(json.dumps(scenario, indent=2))
    page.get_by_label("What changed").fill("expect a suspended case")
    before = newest_version(studio, invoice_project)
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(rf"version={before + 1}"))
    page.get_by_role("button", name=re.compile("^Run “a matched invoice")).click()
    page.locator(f"li.scenario[data-file='{FIRST}'][data-result='failed']").wait_for()
    failing = page.locator("#steps button.step.fail")
    # The failing step is chosen once the diagram is open (the steps are listed before).
    expect(failing).to_have_attribute("aria-pressed", "true")
    expect(failing).to_have_attribute("data-step", str(at + 1))
    expect(page.locator("#failure-text")).to_contain_text("suspended")
    page.locator(".djs-element[class*='cs-state-']").first.wait_for()
    screenshot(page, "scenarios-failed")
    page.locator("#steps button.step").first.click()
    expect(page.locator("#failure")).to_be_hidden()


def test_a_caseworker_gets_the_403_page(page: Any, console: Any, invoice_project: int) -> None:
    console.allow("status of 403")
    login(page, "carl")
    answer = page.goto(f"/projects/{invoice_project}/scenarios")
    assert answer is not None and answer.status == 403
    assert "not open to your roles" in page.content()


def test_the_page_speaks_french_and_is_keyboard_navigable(page: Any, invoice_project: int) -> None:
    login(page, TESTER)
    page.goto(f"/projects/{invoice_project}/scenarios?version=1")
    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Tests de scénarios")).to_be_visible()
    run_all = page.get_by_role("button", name="Tout exécuter")
    expect(run_all).to_be_enabled()
    run_all.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#run-summary")).to_have_text(re.compile(r"\d+ réussis, 0 en échec"))
    page.locator("#steps button.step").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#diagram-status")).to_contain_text("une fois le dossier ouvert")
    expect(page.locator("#steps .step-case").first).to_have_text("Dossier : terminé")
    screenshot(page, "scenarios-fr")


def test_a_step_chosen_while_the_diagram_opens_stays_chosen(
    page: Any, invoice_project: int
) -> None:
    """The diagram, once open, shows the step the tester chose meanwhile, not the default one."""
    login(page, TESTER)
    held: list[Any] = []  # the model's XML, held back until the test lets it through
    page.route(
        f"**/api/v1/projects/{invoice_project}/versions/1/files/**",
        lambda route: held.append(route),
    )
    page.goto(f"/projects/{invoice_project}/scenarios?version=1&scenario={FIRST}")
    page.get_by_role("button", name=re.compile("^Run “a matched invoice")).click()
    start = page.locator("#steps button.step").first
    start.click()
    expect(start).to_have_attribute("aria-pressed", "true")
    assert held, "the diagram is still opening"
    for route in held:
        route.continue_()
    expect(page.locator("#diagram")).to_have_attribute("data-state", "ready")
    expect(page.locator("#scenarios-page")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#diagram-status")).to_have_text(
        "Diagram: the states once the case has started."
    )
    expect(start).to_have_attribute("aria-pressed", "true")


def test_a_cmmn_scenario_opens_its_case_diagram_with_the_results_kept(
    page: Any, invoice_project: int
) -> None:
    login(page, TESTER)
    page.goto(f"/projects/{invoice_project}/scenarios?version=1")
    page.get_by_role("button", name="Run all").click()
    expect(page.locator("#run-summary")).to_have_text(re.compile(r"passed"))
    page.locator("li.scenario[data-file^='09-'] .scenario-pick").click()
    page.wait_for_url(re.compile(r"scenario=09-"))
    expect(page.locator("#scenarios-page")).to_have_attribute("data-notation", "cmmn")
    expect(page.locator("#diagram")).to_have_attribute("data-state", "ready")
    expect(page.locator("li.scenario[data-file^='09-']")).to_have_attribute("data-result", "passed")
    page.locator(".djs-element[class*='cs-state-']").first.wait_for()
    screenshot(page, "scenarios-cmmn")
    page.get_by_role("link", name="Simulate this version").click()
    expect(page.get_by_label("Simulation file")).to_have_value(
        f"{invoice_project}|1|invoices.sim.json"
    )
    expect(page.get_by_label("Cases", exact=True)).to_have_value("6000")
