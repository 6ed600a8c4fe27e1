"""Deployments (/deployments): an admin deploys a saved project version from the page (a version
with errors is refused, its problems listed in words), sees the running cases per version, and
migrates them to a newer version after a dry run that says what cannot be mapped."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from studio.deploy import case_migration
from studio.editor.projects.deploying import deploy_version
from tests.browser.a11y import scan
from tests.browser.conftest import login, login_admin, screenshot
from tests.conftest import shared_path

pytestmark = pytest.mark.browser

MATCHED = {"invoice": {"amount": 120, "po_amount": 120, "received": True}, "approved": False}
DISPUTED = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


def project_files() -> dict[str, bytes]:
    folder = shared_path("acceptance/mixed")
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def changed(files: dict[str, bytes], old: str, new: str, count: int = 1) -> dict[str, bytes]:
    text = files["invoice_case.cmmn"].decode()
    assert old in text
    return {"invoice_case.cmmn": text.replace(old, new, count).encode()}


@pytest.fixture
def project(studio) -> tuple[int, str]:
    """A model project: version 1 deploys, version 2 has a sentry on an unknown item."""
    store = studio.extensions["studio"].projects
    key = f"ledger-{uuid.uuid4().hex[:6]}"
    made = store.create(key, "Ledger", "ann", project_files(), "first draft")
    broken = changed(project_files(), 'sourceRef="pi_check"', 'sourceRef="pi_nothing"')
    store.save(made.id, 1, broken, [], "a sentry on nothing", "ann")
    return made.id, key


def test_deploying_a_version_from_the_page(page, project, console) -> None:
    console.allow("status of 422")  # the refused version, its problems shown in words
    pid, key = project
    login_admin(page)
    page.goto("/deployments")
    form = page.locator("#deploy")
    form.get_by_role("button", name="Deploy").click()
    expect(form.get_by_role("alert")).to_have_text("Choose a project version to deploy.")
    form.get_by_label("Project version").select_option(f"{pid}/2")
    form.get_by_role("button", name="Deploy").click()
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("Not deployed: fix these problems in the models first.")
    expect(alert.get_by_role("listitem").first).to_contain_text("invoice_case.cmmn")
    expect(alert).to_contain_text("pi_nothing")
    screenshot(page, "deployments-refused")
    scan(page)
    form.get_by_label("Project version").select_option(f"{pid}/1")
    form.get_by_role("button", name="Deploy").click()
    expect(page.locator("#admin-status")).to_have_text(f"{key} is deployed as version 1.")
    row = page.locator("table.deployments tbody tr", has_text=key)
    expect(row).to_contain_text("invoice_case.cmmn")
    expect(row.locator(".running")).to_have_text("0")
    option = page.locator(f"#deploy-version option[value='{pid}/1']")
    expect(option).to_contain_text("(deployed as version 1)")


def test_migrating_running_cases_with_a_dry_run_first(page, studio, project) -> None:
    pid, key = project
    rt = studio.extensions["studio"]
    first = deploy_version(rt.projects, rt.deployments, pid, 1, "admin").deployment
    cases = [rt.host.start("InvoiceCase", data) for data in (MATCHED, DISPUTED)]
    renamed = changed(project_files(), "pi_check", "pi_check_2", count=-1)
    rt.projects.save(pid, 2, renamed, [], "the check renamed", "ann")
    second = deploy_version(rt.projects, rt.deployments, pid, 3, "admin").deployment
    login_admin(page)
    page.goto("/deployments")
    row = page.locator(f"tr[data-deployment='{first.id}']")
    expect(row.locator(".running")).to_have_text("2")
    screenshot(page, "deployments")
    scan(page)
    row.get_by_role("link", name=f"Migrate the running cases of {key} version 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Migrate the running cases of {key} version 1"
    )
    page.get_by_label("Move them to").select_option(str(second.id))
    page.get_by_role("button", name="Dry run").click()
    expect(page.locator("#verdict")).to_have_text(
        "1 of 2 cases can be migrated; 1 cannot (see below)."
    )
    expect(page.locator(f"#plan-rows tr[data-case='{cases[0]}']")).to_contain_text(
        "Everything maps"
    )
    blocked = page.locator(f"#plan-rows tr[data-case='{cases[1]}']")
    expect(blocked).to_contain_text("Cannot be migrated")
    expect(blocked).to_contain_text("pi_check (active): no longer in the model")
    screenshot(page, "deployments-dry-run")
    scan(page)
    assert rt.host.view(cases[0])["deployment"] == first.id  # a dry run changes nothing
    page.get_by_role("button", name="Migrate the cases that map (1)").click()
    expect(page.locator("#admin-status")).to_have_text("Cases moved to version 2: 1.")
    assert rt.host.view(cases[0])["deployment"] == second.id
    assert rt.host.view(cases[1])["deployment"] == first.id


def test_the_process_a_case_started_moves_with_it(page, studio, project) -> None:
    pid, _ = project
    rt = studio.extensions["studio"]
    first = deploy_version(rt.projects, rt.deployments, pid, 1, "admin").deployment
    case = rt.host.start("InvoiceCase", DISPUTED)
    (process,) = [i["case"] for i in rt.host.view(case)["items"] if i["name"] == "Check mismatch"]
    files = project_files()
    bpmn = files["invoice_check.bpmn"].decode().replace("Check mismatch", "Review the mismatch")
    fixed = {"invoice_check.bpmn": bpmn.encode(), "invoice_case.cmmn": files["invoice_case.cmmn"]}
    rt.projects.save(pid, 2, fixed, [], "the check renamed", "ann")
    second = deploy_version(rt.projects, rt.deployments, pid, 3, "admin").deployment
    login_admin(page)
    page.goto(f"/deployments/{first.id}/migrate")
    page.get_by_label("Move them to").select_option(str(second.id))
    page.get_by_role("button", name="Dry run").click()
    row = page.locator(f"#plan-rows tr[data-case='{case}']")
    expect(row).to_contain_text("Everything maps")
    expect(row.locator("ul.started")).to_contain_text(f"{process} (InvoiceCheck)")
    screenshot(page, "deployments-dry-run-started")
    scan(page)
    assert rt.host.view(process)["deployment"] == first.id
    page.get_by_role("button", name="Migrate the cases that map (1)").click()
    expect(page.locator("#admin-status")).to_have_text("Cases moved to version 2: 1.")
    assert rt.host.view(case)["deployment"] == second.id
    assert rt.host.view(process)["deployment"] == second.id


def test_a_case_changed_meanwhile_stays_and_the_others_still_move(
    page, studio, project, console, monkeypatch
) -> None:
    console.allow("status of 409")  # the case changed meanwhile, said in its row
    pid, _ = project
    rt = studio.extensions["studio"]
    first = deploy_version(rt.projects, rt.deployments, pid, 1, "admin").deployment
    matched, disputed = (rt.host.start("InvoiceCase", data) for data in (MATCHED, DISPUTED))
    (process,) = [
        i["case"] for i in rt.host.view(disputed)["items"] if i["name"] == "Check mismatch"
    ]
    files = project_files()
    bpmn = files["invoice_check.bpmn"].decode().replace("Check mismatch", "Review the mismatch")
    fixed = {"invoice_check.bpmn": bpmn.encode(), "invoice_case.cmmn": files["invoice_case.cmmn"]}
    rt.projects.save(pid, 2, fixed, [], "the check renamed", "ann")
    second = deploy_version(rt.projects, rt.deployments, pid, 3, "admin").deployment
    apply, written = case_migration.apply_migration, []

    def applying(state, plan):  # another request writes to the process once it was planned
        if state.id == process and not written:
            written.append(rt.host.unit().act(process, {"set": {"note": "meanwhile"}}))
        return apply(state, plan)

    monkeypatch.setattr(case_migration, "apply_migration", applying)
    login_admin(page)
    page.goto(f"/deployments/{first.id}/migrate")
    page.get_by_label("Move them to").select_option(str(second.id))
    page.get_by_role("button", name="Dry run").click()
    expect(page.locator("#verdict")).to_have_text("All 2 cases can be migrated.")
    page.get_by_role("button", name="Migrate the cases that map (2)").click()
    expect(page.locator("#admin-status")).to_have_text(
        "1 of 2 cases moved to version 2; 1 did not (see below)."
    )
    expect(page.locator(f"#plan-rows tr[data-case='{matched}']")).to_contain_text(
        "Moved to version 2"
    )
    stayed = page.locator(f"#plan-rows tr[data-case='{disputed}']")
    expect(stayed).to_contain_text("Not moved")
    expect(stayed).to_contain_text(f"case {process} was changed by another request first")
    screenshot(page, "deployments-migration-conflict")
    scan(page)
    assert rt.host.view(matched)["deployment"] == second.id
    assert rt.host.view(disputed)["deployment"] == first.id
    assert rt.host.view(process)["deployment"] == first.id
    expect(page.get_by_role("button", name="Dry run")).to_be_enabled()


def test_case_workers_see_deployments_without_the_admin_forms(page, deployment) -> None:
    login(page, "carl")
    page.goto("/deployments")
    expect(page.get_by_role("heading", name="Deployments")).to_be_visible()
    expect(page.locator("#deploy")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Migrate"))).to_have_count(0)
    scan(page)


def test_deploying_with_the_keyboard_only(page, project) -> None:
    pid, key = project
    login_admin(page)
    page.goto("/deployments")
    deploy = page.get_by_role("button", name="Deploy")
    expect(deploy).to_be_enabled()  # the page's script is ready: Tab reaches the button
    select = page.get_by_label("Project version", exact=True)
    select.focus()
    for _ in range(200):
        if select.input_value() == f"{pid}/1":
            break
        page.keyboard.press("ArrowDown")
    assert select.input_value() == f"{pid}/1"
    page.keyboard.press("Tab")
    assert deploy.evaluate("node => node === document.activeElement")
    assert deploy.evaluate("node => getComputedStyle(node).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator("#admin-status")).to_have_text(f"{key} is deployed as version 1.")
