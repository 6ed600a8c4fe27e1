"""The simulation pages: run a small simulation of the invoice sample with live progress up to
100 %, see its report and heat map, run a what-if variant and compare both; form errors in
words; roles."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.browser.testing_helpers import TESTER, import_invoice_project

pytestmark = pytest.mark.browser
SIM = "invoices.sim.json"


@pytest.fixture(scope="session")
def invoice_project(studio: Any) -> int:
    return import_invoice_project(studio)


def run(page: Any, cases: int, clerks: int | None = None) -> str:
    """Fill the form and run; wait for 100 % and answer the run's id."""
    page.get_by_label("Cases", exact=True).fill(str(cases))
    page.get_by_text("Advanced settings (JSON)").click()
    advanced = page.locator("#sim-advanced")
    document = json.loads(advanced.input_value())
    assert "cases" not in document and "calendars" in document
    advanced.fill(json.dumps({**document, "warmup": "P0D"}, indent=2))
    if clerks is not None:
        page.get_by_label("accountant: people").fill(str(clerks))
    page.get_by_role("button", name="Run the simulation").click()
    root = page.locator("#simulation-page")
    expect(root).to_have_attribute("data-state", "done", timeout=120_000)
    expect(root).to_have_attribute("data-percent", "100")
    expect(page.locator("#sim-progress")).to_have_attribute("value", "100")
    return root.get_attribute("data-job")


def choose(page: Any, project: int) -> None:
    page.goto("/simulations")
    picker = page.get_by_label("Simulation file")
    value = next(
        v
        for v in picker.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
        if v.startswith(f"{project}|") and v.endswith(SIM)
    )
    picker.select_option(value)
    expect(page.get_by_label("Cases", exact=True)).to_have_value("6000")


def test_a_tester_runs_a_small_simulation_and_reads_its_report(
    page: Any, invoice_project: int
) -> None:
    login(page, TESTER)
    choose(page, invoice_project)
    page.get_by_label("Cases", exact=True).fill("0")
    page.get_by_role("button", name="Run the simulation").click()
    expect(page.locator("#file-status")).to_contain_text("whole number of 1 or more")
    screenshot(page, "simulations-form")
    first = run(page, 300)
    screenshot(page, "simulations-done")
    page.get_by_role("link", name="Open the report").click()
    page.wait_for_url(re.compile(rf"/simulations/{first}$"))
    expect(page.locator(".kpi").first).to_contain_text("300")
    expect(page.get_by_role("heading", name="Activities")).to_be_visible()
    expect(page.locator("#heat-diagram")).to_have_attribute("data-state", "ready")
    page.locator(".djs-element[class*='cs-heat-']").first.wait_for()
    screenshot(page, "simulation-report")
    page.locator("#heat-diagram").scroll_into_view_if_needed()
    screenshot(page, "simulation-heatmap")

    choose(page, invoice_project)
    second = run(page, 300, clerks=4)
    page.goto(f"/simulations/{second}")
    page.get_by_role("link", name="Compare with another run").click()
    expect(page.get_by_label("Run A (before)")).to_have_value(second)
    expect(page.get_by_label("Run B (what-if)")).to_have_value(first)
    page.get_by_label("Run A (before)").select_option(first)
    page.get_by_label("Run B (what-if)").select_option(second)
    page.get_by_role("button", name="Compare", exact=True).click()
    table = page.locator("#comparison")
    expect(table).to_contain_text("Utilization: accountant")
    expect(table.locator("thead")).to_contain_text(second)
    screenshot(page, "simulations-compare")

    page.goto("/simulations")
    runs = page.locator("section.runs table")
    expect(runs.locator("tr", has_text=first)).to_contain_text("invoices.sim.json")
    expect(runs.locator("thead")).to_contain_text("Started")
    screenshot(page, "simulations-runs")
    page.goto(f"/simulations/{first}")
    page.get_by_text("The simulation file as run").click()
    expect(page.locator(".sim-file pre")).to_contain_text('"cases": 300')
    screenshot(page, "simulation-report-file")


def test_a_caseworker_gets_the_403_page(page: Any, console: Any) -> None:
    console.allow("status of 403")
    login(page, "carl")
    answer = page.goto("/simulations")
    assert answer is not None and answer.status == 403


def test_a_long_simulation_is_cancelled(page: Any, invoice_project: int) -> None:
    login(page, TESTER)
    choose(page, invoice_project)
    page.get_by_label("Cases", exact=True).fill("1000000")
    page.get_by_role("button", name="Run the simulation").click()
    root = page.locator("#simulation-page")
    expect(root).to_have_attribute("data-events", re.compile(r"^[1-9]"), timeout=30_000)
    expect(page.locator("#sim-status")).to_contain_text("cases simulated")
    screenshot(page, "simulations-running")
    page.get_by_role("button", name="Cancel").click()
    expect(root).to_have_attribute("data-state", "cancelled", timeout=30_000)
    expect(page.locator("#sim-status")).to_have_text("Cancelled.")
    page.goto("/simulations")
    expect(page.locator(".runs .badge.cancelled").first).to_be_visible()


def test_the_form_names_its_fields_in_french(page: Any, invoice_project: int) -> None:
    login(page, TESTER)
    page.goto("/simulations")
    page.get_by_role("button", name="FR").click()
    page.wait_for_load_state()  # the click returns once the French page arrives, not parsed
    picker = page.get_by_label("Fichier de simulation")
    value = next(
        v
        for v in picker.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
        if v.startswith(f"{invoice_project}|") and v.endswith(SIM)
    )
    picker.select_option(value)
    arrivals = page.get_by_label("Arrivées : temps entre deux dossiers")
    expect(arrivals.locator("option:checked")).to_have_text("exponentielle")
    expect(page.get_by_label("accountant : personnes")).to_be_visible()
    review = page.get_by_label("Review the dispute : loi de durée")
    expect(review.locator("option:checked")).to_have_text("log-normale")
    expect(page.get_by_label("Review the dispute : moyenne")).to_have_value("PT25M")
    expect(review).to_have_value("lognormal")  # what the form writes back into the file


def run_within_warm_up(page: Any, project: int) -> str:
    """Run 20 cases, which arrive within the file's 14 days of warm-up: the run's id."""
    choose(page, project)
    page.get_by_label("Cases", exact=True).fill("20")
    page.get_by_role("button", name="Run the simulation").click()
    root = page.locator("#simulation-page")
    expect(root).to_have_attribute("data-state", "done", timeout=120_000)
    return root.get_attribute("data-job")


def test_a_report_emptied_by_the_warm_up_says_so(page: Any, invoice_project: int) -> None:
    login(page, TESTER)
    other = run_within_warm_up(page, invoice_project)
    job = run_within_warm_up(page, invoice_project)
    page.goto(f"/simulations/{job}")
    expect(page.locator(".kpi").first).to_contain_text("0")
    expect(page.locator("p.notice")).to_contain_text("No case arrived after the warm-up (P14D)")
    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapport : {SIM}")
    expect(page.locator("p.notice")).to_contain_text("après la période de chauffe (P14D)")
    page.goto(f"/simulations/compare?a={other}&b={job}")
    expect(page.locator("#comparison")).to_contain_text("Durée de traitement moyenne")
