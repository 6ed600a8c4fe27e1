"""The case worker's pages in a browser: the worklist, the cases, one case at work; live updates
between two people's tabs, forms from a task's JSON Schema, refusals in words, roles."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.a11y import scan
from tests.browser.casework_helpers import (
    CASE,
    SHAPES_CASE,
    forms_deployment,
    shapes_deployment,
    start_case,
    workers,
)
from tests.browser.conftest import VIEWPORT, login, screenshot

pytestmark = pytest.mark.browser
__all__ = ["forms_deployment", "shapes_deployment", "workers"]  # fixtures used by the tests below

expect: Any = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(autouse=True)
def patient_expectations():
    """Assertions wait up to 15 s here (the worklist reads every active case of a busy shared
    server; 2 cores), as the context's actions do; the default comes back after each test."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def other(browser: Any, server: str, console: Any):
    """A second person's page (its own browser context), its errors collected too."""
    context = browser.new_context(base_url=server, viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and console.add(f"other console: {m.text}"))
    page.on("pageerror", lambda e: console.add(f"other page error: {e}"))
    yield page
    context.close()


def open_case(page: Any, case_id: str) -> None:
    page.goto(f"/cases/{case_id}")
    expect(page.locator("#case")).to_have_attribute("data-diagram", re.compile("ready|none"))
    expect(page.locator("#case")).to_have_attribute("data-version", re.compile(r"\d+"))


def review_row(page: Any, case_id: str) -> Any:
    return page.locator("#tasks tr", has=page.get_by_role("link", name=case_id))


def test_completing_a_task_with_its_form_updates_another_persons_tabs(
    page, other, studio, workers, forms_deployment
) -> None:
    case_id = start_case(studio)
    login(page, "cora")
    login(other, "dave")
    other.goto("/worklist")
    expect(review_row(other, case_id)).to_have_count(1)
    second = other.context.new_page()
    open_case(second, case_id)
    review = second.locator('[data-element-id="pi_review"]').first
    expect(review).to_have_class(re.compile(r"cs-state-active"))

    page.goto("/worklist")
    row = review_row(page, case_id)
    expect(row).to_contain_text("Review the dispute")
    screenshot(page, "casework-worklist")
    row.get_by_role("button", name="Work on it: Review the dispute").click()
    dialog = page.get_by_role("dialog", name="Complete “Review the dispute”")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Complete the task").click()
    finding = dialog.get_by_label("Finding")
    expect(finding).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_text("Fill in this field.")).to_be_visible()
    expect(dialog.get_by_text("Some fields need your attention: 1.")).to_be_visible()
    dialog.get_by_label("Credit note expected (EUR)").fill("-3")
    dialog.get_by_role("button", name="Complete the task").click()
    expect(dialog.get_by_text("Enter 0 or more.")).to_be_visible()
    scan(page, "dialog")
    screenshot(page, "casework-task-form-errors")
    finding.select_option(label="confirmed")
    dialog.get_by_label("Credit note expected (EUR)").fill("")
    dialog.get_by_role("button", name="Complete the task").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("“Review the dispute” is completed.")).to_be_visible()
    expect(review_row(page, case_id)).to_have_count(0)

    # The other person's tabs follow without a reload: the diagram, the lists, the worklist.
    expect(review).to_have_class(re.compile(r"cs-state-completed"))
    expect(second.locator("#history")).to_contain_text("Review the dispute")
    expect(review_row(other, case_id)).to_have_count(0)
    screenshot(second, "casework-case-after-live-update")
    scan(second)


def test_claim_and_release_a_task(page, studio, workers, forms_deployment) -> None:
    case_id = start_case(studio)
    login(page, "cora")
    page.goto("/worklist")
    row = review_row(page, case_id)
    row.get_by_role("button", name="Claim: Review the dispute").click()
    expect(page.get_by_text("You claimed “Review the dispute”.")).to_be_visible()
    expect(row.locator("td").nth(2)).to_have_text("cora")
    page.get_by_role("button", name="Mine").click()
    expect(page).to_have_url(re.compile(r"assignee=me"))
    expect(review_row(page, case_id)).to_have_count(1)
    scan(page)
    screenshot(page, "casework-worklist-mine")
    review_row(page, case_id).get_by_role("button", name="Release: Review the dispute").click()
    expect(page.get_by_text("You released “Review the dispute”.")).to_be_visible()
    expect(review_row(page, case_id)).to_have_count(0)
    page.keyboard.press("u")
    expect(page.get_by_role("button", name="Unassigned")).to_have_attribute("aria-pressed", "true")
    expect(review_row(page, case_id)).to_have_count(1)


def test_the_case_view_offers_actions_and_says_why_one_is_refused(
    page, console, studio, workers, forms_deployment
) -> None:
    console.allow("status of 422")
    case_id = start_case(studio)
    login(page, "cora")
    open_case(page, case_id)
    offers = page.locator("#offers")
    expect(offers.get_by_role("button", name="Plan Call the supplier")).to_be_visible()
    expect(
        offers.get_by_role("button", name="Raise Supplier withdraws the invoice")
    ).to_be_visible()
    expect(page.locator("#explanation")).not_to_be_empty()
    screenshot(page, "casework-case")
    scan(page)

    # What the engine would refuse is no button: it is listed with the engine's reason.
    expect(
        offers.get_by_role("button", name="Plan Ask purchasing to confirm the order")
    ).to_have_count(0)
    offers.get_by_text("Not possible now, and why (2)").click()
    refused = offers.locator(
        ".refused-offers li", has_text="Plan Ask purchasing to confirm the order"
    )
    expect(refused).to_contain_text("is not applicable now (applicability rule)")
    expect(offers.locator(".refused-offers")).to_contain_text("cannot complete yet")
    screenshot(page, "casework-case-refused")

    offers.get_by_role("button", name="Plan Call the supplier").click()
    expect(page.locator("#case-message")).to_contain_text("Done: Plan Call the supplier.")
    tasks = page.locator("#case-tasks")
    expect(tasks.get_by_role("button", name="Complete: Call the supplier")).to_be_visible()

    page.keyboard.press("3")
    history = page.locator("#history")
    expect(history).to_be_visible()
    expect(history).to_contain_text("Call the supplier")
    expect(history).to_contain_text("by cora")
    screenshot(page, "casework-case-history")


def test_the_case_file_and_the_team_are_edited_in_words(
    page, console, studio, workers, forms_deployment
) -> None:
    console.allow("status of 422")
    case_id = start_case(studio)
    host = studio.extensions["studio"].host
    host.record_incident(case_id, "the mail service did not answer", host.clock.now())
    login(page, "cora")
    open_case(page, case_id)
    expect(page.locator("#incidents")).to_contain_text("the mail service did not answer")
    page.get_by_role("button", name="Case file").click()
    field = page.get_by_label("Case file (JSON)")
    expect(field).to_have_value(re.compile(r'"dispute_reason": "no purchase order"'))
    field.fill("{ not json")
    page.get_by_role("button", name="Save the case file").click()
    expect(page.locator("#case-data-error")).to_contain_text("This is not valid JSON")
    page.get_by_role("button", name="Undo my edits").click()
    value = field.input_value().replace('"credit_note_amount": 0', '"credit_note_amount": -5')
    field.fill(value)
    page.get_by_role("button", name="Save the case file").click()
    expect(page.locator("#case-data-error")).to_contain_text("credit_note_amount")
    screenshot(page, "casework-case-file-error")
    page.get_by_role("button", name="Undo my edits").click()
    field.fill(field.input_value().replace('"credit_note_amount": 0', '"credit_note_amount": 12.5'))
    page.get_by_role("button", name="Save the case file").click()
    expect(page.get_by_text("The case file is saved.")).to_be_visible()

    page.get_by_role("button", name="Team").click()
    buyer = page.get_by_label("buyer")
    expect(buyer).not_to_be_editable()
    expect(buyer).to_have_accessible_description(
        "You may change only the roles you hold in this case; the others are shown read-only."
    )
    expect(page.locator("#team .team-row", has=buyer).get_by_role("button")).to_have_count(0)
    accountant = page.get_by_label("accountant")
    accountant.fill("accountant, dave")
    page.locator("#team form", has=accountant).get_by_role("button", name="Bind").click()
    expect(
        page.get_by_text("The role “accountant” is now bound to accountant, dave.")
    ).to_be_visible()
    scan(page)
    screenshot(page, "casework-case-team")


def test_start_a_case_of_the_deployed_invoice_sample(page, console, deployment, workers) -> None:
    console.allow("status of 422")
    login(page, "cora")
    page.goto("/cases")
    page.get_by_role("button", name="Start a case").click()
    dialog = page.get_by_role("dialog", name="Start a case")
    dialog.get_by_label("Case or process").select_option(
        label="Disputed invoice (invoice-processing)"
    )
    scan(page, "dialog")
    dialog.get_by_label("Initial data (JSON)").fill('{"invoice": ')
    dialog.get_by_role("button", name="Start").click()
    expect(dialog.get_by_text("The initial data is not valid JSON")).to_be_visible()
    dialog.get_by_label("Initial data (JSON)").fill('{"invoice": {"number": "X"}}')
    dialog.get_by_role("button", name="Start").click()
    expect(dialog.locator("#start-message")).to_contain_text("Refused:")
    screenshot(page, "casework-start-refused")
    import json

    from tests.browser.casework_helpers import sample_data

    dialog.get_by_label("Initial data (JSON)").fill(json.dumps(sample_data()))
    dialog.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/cases/DisputedInvoice-"))
    expect(page.locator("#diagram")).to_have_attribute("data-state", "ready")
    case_id = page.url.rsplit("/", 1)[-1]

    page.goto("/cases")
    expect(page.get_by_role("link", name=case_id)).to_be_visible()
    page.get_by_label("State").select_option("completed")
    expect(page.get_by_role("link", name=case_id)).to_have_count(0)
    page.get_by_role("button", name="Clear the filters").click()
    expect(page.get_by_role("link", name=case_id)).to_be_visible()
    page.get_by_label("Case file field").fill("dispute_reason")
    page.get_by_label("equals").fill("price gap")
    page.get_by_label("equals").press("Enter")
    expect(page.get_by_role("link", name=case_id)).to_have_count(0)
    page.get_by_label("equals").fill("no purchase order")
    page.get_by_label("equals").press("Enter")
    expect(page.get_by_role("link", name=case_id)).to_be_visible()
    scan(page)
    screenshot(page, "casework-cases")


def test_an_analyst_gets_the_403_page(page, console, workers) -> None:
    console.allow("status of 403")
    login(page, "ann")
    for path in ("/worklist", "/cases", f"/cases/{CASE}-x"):
        answer = page.goto(path)
        assert answer is not None and answer.status == 403
        expect(page.get_by_text("This page is not open to your roles.")).to_be_visible()


def test_an_unknown_case_is_a_404_in_words(page, console, workers) -> None:
    console.allow("status of 404")
    login(page, "cora")
    answer = page.goto("/cases/nowhere")
    assert answer is not None and answer.status == 404
    expect(page.get_by_text("There is no case nowhere you may see.")).to_be_visible()


def test_the_worklist_and_the_case_in_french(page, studio, workers, forms_deployment) -> None:
    case_id = start_case(studio)
    login(page, "cora")
    page.goto("/worklist")
    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name=re.compile("Tâches"))).to_be_visible()
    row = review_row(page, case_id)
    expect(row.get_by_role("button", name="Traiter : Review the dispute")).to_be_visible()
    scan(page)
    screenshot(page, "casework-worklist-fr")
    row.get_by_role("button", name="Traiter : Review the dispute").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Terminer la tâche").click()
    expect(dialog.get_by_text("Renseignez ce champ.")).to_be_visible()
    dialog.get_by_role("button", name="Annuler").click()
    open_case(page, case_id)
    expect(page.get_by_role("button", name="Planifier Call the supplier")).to_be_visible()
    expect(page.locator("#case-state")).to_have_text("en cours")
    scan(page)
    screenshot(page, "casework-case-fr")


def test_a_process_shows_its_bpmn_diagram_and_the_case_it_started(
    page, studio, deployment, workers
) -> None:
    import json

    from tests.browser.conftest import SAMPLE

    scenario = SAMPLE / "02-price-gap-accepted-by-the-business.scenario.json"
    data = json.loads(scenario.read_text(encoding="utf-8"))["data"]
    from studio.host.cases import Actor

    host = studio.extensions["studio"].host
    process = host.start("InvoiceProcessing", data, Actor("cora", frozenset({"accountant"})))
    login(page, "cora")
    open_case(page, process)
    call = page.locator('[data-element-id="call_dispute"]').first
    expect(call).to_have_class(re.compile(r"cs-state-active"))
    children = page.locator("#children")
    expect(children.get_by_role("link", name=re.compile(r"^DisputedInvoice-"))).to_be_visible()
    expect(children).to_contain_text("Review the dispute")
    expect(page.locator("#case-tasks")).to_contain_text("Review the dispute")
    screenshot(page, "casework-process")
    scan(page)


def test_forms_of_every_supported_shape_and_a_task_without_form(
    page, console, studio, workers, shapes_deployment
) -> None:
    console.allow("status of 422")
    console.allow("status of 404")  # the last task done, the case has no work for cora
    case_id = start_case(studio, SHAPES_CASE, team=False)
    login(page, "cora")
    page.goto("/worklist")
    sign = review_row(page, case_id).filter(has_text="Sign off")
    expect(sign.locator(".due")).to_have_class(re.compile("overdue"))
    expect(sign).to_contain_text("overdue")
    fill = review_row(page, case_id).filter(has_text="Fill the rich form")
    expect(fill.locator(".due")).not_to_have_class(re.compile("overdue"))
    open_case(page, case_id)
    tasks = page.locator("#case-tasks")
    expect(tasks.locator("li", has_text="Sign off")).to_contain_text("overdue")

    tasks.get_by_role("button", name="Complete: Sign off").click()
    dialog = page.get_by_role("dialog", name="Complete “Sign off”")
    expect(dialog.get_by_text("This task needs no data")).to_be_visible()
    dialog.get_by_role("button", name="Complete the task").click()
    expect(dialog).to_be_hidden()
    expect(tasks.get_by_role("button", name="Complete: Sign off")).to_have_count(0)

    tasks.get_by_role("button", name="Complete: Fill the rich form").click()
    dialog = page.get_by_role("dialog", name="Complete “Fill the rich form”")
    expect(dialog.get_by_role("group", name=re.compile("^Contact"))).to_be_visible()
    dialog.get_by_label("Name").fill("A")
    dialog.get_by_label("Visits").fill("1.5")
    dialog.get_by_role("button", name="Complete the task").click()
    expect(dialog.get_by_text("Enter at least 2 characters.")).to_be_visible()
    expect(dialog.get_by_text("Enter a whole number.")).to_be_visible()
    expect(dialog.get_by_role("group", name=re.compile("^Tags"))).to_contain_text(
        "Fill in this field."
    )
    screenshot(page, "casework-form-shapes")
    scan(page, "dialog")
    dialog.get_by_label("Name").fill("Ada")
    dialog.get_by_label("E-mail").fill("ada@example.org")
    dialog.get_by_label("Visits").fill("3")
    dialog.get_by_label("Seen on").fill("2026-05-18")
    dialog.get_by_label("vip").check()
    dialog.get_by_role("button", name="Add a value").click()
    dialog.get_by_label("Notes 1").fill("called back")
    dialog.get_by_label("Score").fill("0.3")
    dialog.get_by_role("button", name="Complete the task").click()
    # A rule the browser does not check (multipleOf): the server refuses, in its words.
    expect(dialog.get_by_role("alert")).to_contain_text("Refused:")
    expect(dialog.get_by_role("alert")).to_contain_text("is not a multiple of 0.5")
    dialog.get_by_label("Score").fill("")
    dialog.get_by_role("button", name="Complete the task").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#case-message")).to_contain_text("no longer open to you")

    data = studio.extensions["studio"].host.view(case_id)["data"]
    assert data == {
        "contact": {"name": "Ada", "email": "ada@example.org"},
        "visits": 3,
        "seen_on": "2026-05-18",
        "tags": ["vip"],
        "notes": ["called back"],
    }


def test_the_worklist_is_worked_from_the_keyboard(page, studio, workers, forms_deployment) -> None:
    case_id = start_case(studio)
    login(page, "cora")
    page.goto("/worklist")
    work = review_row(page, case_id).get_by_role("button", name="Work on it: Review the dispute")
    expect(work).to_be_visible()
    stops = page.locator("a[href], button:not([disabled]), input, select, textarea").count()
    for _ in range(stops):  # the worklist of a shared server grows with the other tests' cases
        page.keyboard.press("Tab")
        if work.evaluate("button => button === document.activeElement"):
            break
    else:
        raise AssertionError("“Work on it” cannot be reached with the Tab key")
    outline = work.evaluate("button => getComputedStyle(button).outlineStyle")
    assert outline != "none", "the focused button shows no focus ring"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Complete “Review the dispute”")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Finding")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.keyboard.press("m")
    expect(page.get_by_role("button", name="Mine")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("Nothing is assigned to you.")).to_be_visible()
    screenshot(page, "casework-worklist-empty")
    scan(page)


def test_a_refresh_of_the_worklist_keeps_the_keyboard_focus(
    page, studio, workers, forms_deployment
) -> None:
    """The list is drawn again on each refresh (R, or a live hint): the focus stays put."""
    case_id = start_case(studio)
    login(page, "cora")
    page.goto("/worklist")
    work = review_row(page, case_id).get_by_role("button", name="Work on it: Review the dispute")
    work.focus()
    expect(work).to_be_focused()
    work.evaluate("button => { button.dataset.drawnBefore = 'yes'; }")
    page.keyboard.press("r")
    expect(page.locator("#tasks [data-drawn-before]")).to_have_count(0)  # drawn again
    expect(work).to_be_focused()


def test_a_task_claimed_meanwhile_by_someone_else_is_said_in_words(
    page, console, studio, workers, forms_deployment
) -> None:
    console.allow("status of 404")
    case_id = start_case(studio)
    login(page, "cora")
    page.goto("/worklist")
    row = review_row(page, case_id)
    expect(row).to_have_count(1)
    stale = page.evaluate("() => fetch('/api/v1/tasks').then((r) => r.text())")
    # The list stays as it was (live refetches answer the stale list), as on a slow network.
    page.route(
        "**/api/v1/tasks", lambda route: route.fulfill(body=stale, content_type="application/json")
    )
    from studio.host.cases import Actor

    runtime = studio.extensions["studio"]
    task_id = next(i["task"] for i in runtime.host.view(case_id)["items"] if i.get("task"))
    runtime.worklist.claim(task_id, Actor("dave", frozenset({"accountant"})))
    row.get_by_role("button", name="Claim: Review the dispute").click()
    message = page.locator("#worklist-message")
    expect(message).to_have_text(
        "This is no longer open to you: someone else may have taken or finished it."
    )
    page.unroute("**/api/v1/tasks")
