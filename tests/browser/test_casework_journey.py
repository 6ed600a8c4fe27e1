"""A case worker's journey, walked as a user would, in French: JSON that does not parse is said
in the page's language with where to look (line and column), never with the browser's own
English message; a filter of the cases list that cannot apply says why; an admin suspends, resumes and terminates a
case from its page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import scan
from tests.browser.casework_helpers import forms_deployment, start_case, workers  # noqa: F401
from tests.browser.conftest import login, login_admin, screenshot

pytestmark = pytest.mark.browser

ENGLISH_FROM_THE_BROWSER = re.compile(r"Expected|Unexpected|position|JSON input")


@pytest.mark.usefixtures("workers", "forms_deployment")
def test_json_that_does_not_parse_is_said_in_french_with_where_to_look(page, studio) -> None:
    case_id = start_case(studio)
    login(page, "cora")
    page.goto("/cases")
    page.get_by_role("button", name="FR").click()
    page.get_by_role("button", name="Ouvrir un dossier").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Données initiales (JSON)").fill('{\n  "invoice": ,\n}')
    dialog.get_by_role("button", name="Démarrer").click()
    said = dialog.get_by_text("Les données initiales ne sont pas du JSON valide")
    expect(said).to_have_text(
        "Les données initiales ne sont pas du JSON valide : regardez la ligne 2, colonne 14."
    )
    expect(said).not_to_have_text(ENGLISH_FROM_THE_BROWSER)
    dialog.get_by_role("button", name="Annuler").click()

    page.goto(f"/cases/{case_id}")
    expect(page.locator("#case")).to_have_attribute("data-version", re.compile(r"\d+"))
    page.get_by_role("button", name="Données").click()
    page.get_by_label("Données du dossier (JSON)").fill('{"invoice": {"amount": 12')
    page.get_by_role("button", name="Enregistrer les données").click()
    error = page.locator("#case-data-error")
    expect(error).to_have_text(
        "Ce n\u2019est pas du JSON valide : regardez la ligne 1, colonne 26."
    )


@pytest.mark.usefixtures("workers", "forms_deployment")
def test_a_filter_the_cases_list_cannot_apply_says_so(page, studio) -> None:
    start_case(studio)
    login(page, "cora")
    page.goto("/cases")
    filters = page.get_by_role("search", name="Filter the cases")
    said = page.locator("#cases-message")
    filters.get_by_label("equals").fill("no purchase order")
    filters.get_by_label("equals").press("Enter")
    expect(said).to_have_text(
        "The value is not used yet: name the case file field it should equal too."
    )
    filters.get_by_label("Case file field").fill("dispute_reason")
    filters.get_by_label("Case file field").press("Enter")
    expect(said).to_be_hidden()
    filters.get_by_label("equals").fill("")
    filters.get_by_label("equals").press("Enter")
    expect(said).to_have_text(
        "The case file field is not used yet: give the value it should equal too."
    )
    filters.get_by_role("button", name="Clear the filters").click()
    expect(said).to_be_hidden()
    filters.get_by_label("Started on or after").fill("2026-12-01")
    filters.get_by_label("Started on or before").fill("2026-11-01")
    expect(said).to_have_text(
        "No case can match: the “on or after” date is later than the “on or before” date."
    )


@pytest.mark.usefixtures("workers", "forms_deployment")
def test_an_admin_suspends_resumes_and_terminates_a_case_from_its_page(page, studio) -> None:
    case_id = start_case(studio)
    login_admin(page)
    page.goto(f"/cases/{case_id}")
    admin = page.locator("#case-admin")
    state = page.locator("#case-state")
    expect(state).to_have_text("active")
    admin.get_by_role("button", name="Suspend the case").click()
    expect(page.locator("#case-message")).to_have_text("Done: Suspend the case.")
    expect(state).to_have_text("suspended")
    expect(admin.get_by_role("button", name="Suspend the case")).to_have_count(0)
    expect(page.locator("#offers")).to_have_text(  # nothing offered, nothing refused: no "null"
        "Nothing can be started, planned or raised now. The explanation below says what the case"
        " waits for."
    )
    page.get_by_role("button", name="Team").click()  # an admin binds every role: none locked
    expect(page.locator("#team")).not_to_contain_text("null")
    expect(page.locator("#team form")).not_to_have_count(0)
    page.get_by_role("button", name="Work").click()
    scan(page)
    admin.get_by_role("button", name="Resume the case").click()
    expect(state).to_have_text("active")
    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first; "no" changes nothing
    admin.get_by_role("button", name="Terminate the case").click()
    expect(state).to_have_text("active")
    page.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="Terminate the case").click()
    expect(state).to_have_text("terminated")
    expect(admin).to_contain_text("The case has ended: there is nothing to suspend or terminate.")
    screenshot(page, "casework-case-admin")
    assert studio.extensions["studio"].host.view(case_id)["state"] == "terminated"


@pytest.mark.usefixtures("workers", "forms_deployment")
def test_a_case_worker_has_no_case_administration(page, studio) -> None:
    case_id = start_case(studio)
    login(page, "cora")
    page.goto(f"/cases/{case_id}")
    expect(page.locator("#case")).to_have_attribute("data-version", re.compile(r"\d+"))
    expect(page.get_by_role("button", name="Suspend the case")).to_have_count(0)
    expect(page.locator("#case-admin")).to_have_count(0)
