"""An admin's journey, walked as a user would: after a migration in which a case stayed, the
migration page says what happened (not the dry run's verdict any more), and one case is
spoken of in the singular; a case id heading a row of the admin tables breaks after its hyphen,
never inside its hexadecimal part."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from studio.deploy import case_migration
from studio.editor.projects.deploying import deploy_version
from tests.browser.admin_fixtures import disputed_case, failed_timer
from tests.browser.conftest import PASSWORD, login_admin, screenshot
from tests.conftest import shared_path

pytestmark = pytest.mark.browser

MATCHED = {"invoice": {"amount": 120, "po_amount": 120, "received": True}, "approved": False}
DISPUTED = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


def mixed_files() -> dict[str, bytes]:
    folder = shared_path("acceptance/mixed")
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


LINES_OF = """(code, part) => {
  const text = code.firstChild, at = text.textContent.indexOf(part), range = document.createRange();
  range.setStart(text, at);
  range.setEnd(text, at + part.length);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
}"""
"""How many lines `part` of a <code>'s text is drawn on."""


def test_after_a_migration_the_page_says_what_happened(page, studio, console, monkeypatch) -> None:
    console.allow("status of 409")  # the case changed meanwhile, said in its row
    rt = studio.extensions["studio"]
    files = mixed_files()
    made = rt.projects.create(f"journey-{uuid.uuid4().hex[:6]}", "Journey", "ann", files, "one")
    first = deploy_version(rt.projects, rt.deployments, made.id, 1, "admin").deployment
    matched, disputed = (rt.host.start("InvoiceCase", data) for data in (MATCHED, DISPUTED))
    (process,) = [
        i["case"] for i in rt.host.view(disputed)["items"] if i["name"] == "Check mismatch"
    ]
    bpmn = files["invoice_check.bpmn"].decode().replace("Check mismatch", "Review the mismatch")
    rt.projects.save(made.id, 1, {"invoice_check.bpmn": bpmn.encode()}, [], "renamed", "ann")
    second = deploy_version(rt.projects, rt.deployments, made.id, 2, "admin").deployment
    apply, written = case_migration.apply_migration, []

    def applying(state, plan):  # another request writes to the process once it was planned
        if state.id == process and not written:
            written.append(rt.host.unit().act(process, {"set": {"note": "meanwhile"}}))
        return apply(state, plan)

    monkeypatch.setattr(case_migration, "apply_migration", applying)
    login_admin(page)
    page.goto(f"/deployments/{first.id}/migrate")
    expect(page.get_by_role("heading", name="2 running cases")).to_be_visible()
    target = page.get_by_label("Move them to").locator(f"option[value='{second.id}']")
    expect(target).to_have_text(re.compile(r"^version 2, deployed \d{4}-\d\d-\d\d \d\d:\d\d UTC$"))
    page.get_by_label("Move them to").select_option(str(second.id))
    page.get_by_role("button", name="Dry run").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_have_text("All 2 cases can be migrated.")
    plan = page.locator("#plan table")
    expect(plan.get_by_role("columnheader").nth(1)).to_have_text("Dry run")
    page.get_by_role("button", name="Migrate the cases that map (2)").click()
    expect(verdict).to_have_text(
        "Migration done: 1 of 2 cases are on version 2 now; 1 stayed where they were (see below)."
    )
    expect(verdict).to_have_class("verdict no")
    expect(plan.get_by_role("columnheader").nth(1)).to_have_text("Migration")
    expect(page.get_by_role("button", name="Migrate", exact=True)).to_be_disabled()
    row = page.locator(f"#plan-rows tr[data-case='{disputed}']")
    expect(row.get_by_role("link", name=disputed)).to_have_attribute("href", f"/cases/{disputed}")
    screenshot(page, "journey-migration-outcome")
    page.get_by_role("button", name="Dry run").click()  # planning again: the case that stayed
    expect(verdict).to_have_text("The case can be migrated.")  # one case: in the singular
    expect(plan.get_by_role("columnheader").nth(1)).to_have_text("Dry run")
    expect(page.locator("#plan-rows tr")).to_have_count(1)
    expect(page.locator(f"#plan-rows tr[data-case='{disputed}']")).to_be_visible()
    assert rt.host.view(matched)["deployment"] == second.id


def test_case_ids_in_the_incidents_table_break_after_their_hyphen(page, studio, deployment) -> None:
    case_id = disputed_case(studio)
    failed_timer(studio, case_id)
    login_admin(page)
    page.goto("/admin/incidents")
    code = page.locator(f"tr[data-case='{case_id}'] th code")
    expect(code).to_have_text(case_id)
    suffix = case_id.split("-")[-1]
    assert code.evaluate(LINES_OF, suffix) == 1, f"{suffix} is split across lines"
    screenshot(page, "journey-incident-case-id")


def test_a_password_too_short_is_said_next_to_the_password_field(page, studio) -> None:
    users = studio.extensions["studio"].users
    if users.get("journey-pia") is None:
        users.add("journey-pia", PASSWORD, ["caseworker"])
    login_admin(page)
    page.goto("/admin")
    page.get_by_role("button", name="Edit journey-pia").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("New password").fill("short")
    dialog.get_by_role("button", name="Reset the password").click()
    password_form = dialog.locator("#password-form")
    expect(password_form.get_by_role("alert")).to_have_text(
        "Enter a password of at least 10 characters."
    )
    expect(dialog.locator("#edit-form").get_by_role("alert")).to_be_hidden()
    expect(dialog.get_by_label("New password")).to_be_focused()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Edit journey-pia").click()  # opened again: no stale error
    expect(password_form.get_by_role("alert")).to_be_hidden()
