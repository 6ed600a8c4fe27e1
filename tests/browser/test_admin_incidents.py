"""Incidents and the job queue (/admin/incidents, /admin/jobs): a case whose timer failed on every
attempt is listed with what went wrong; Retry clears its incidents and reschedules its timer. A
user's action that ran past the loop budget is listed too, with why there is no retry."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from studio.host.cases import ActionError
from tests.browser.a11y import scan
from tests.browser.admin_fixtures import FAILURE, disputed_case, failed_timer
from tests.browser.conftest import login_admin, screenshot
from tests.runtime.engine_helpers import case_xml
from tests.web.test_incidents_page import LOOPING

pytestmark = pytest.mark.browser


def test_an_incident_is_listed_and_retry_clears_it(page, studio, deployment) -> None:
    case_id = disputed_case(studio)
    failed_timer(studio, case_id)
    login_admin(page)
    page.goto("/admin")
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Incidents"
    ).click()
    row = page.locator(f"tr[data-case='{case_id}']")
    expect(row).to_contain_text("timer failed: ")
    expect(row).to_contain_text(FAILURE)
    scan(page)
    screenshot(page, "admin-incidents")

    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Job queue"
    ).click()
    expect(page.locator(".stat.state-failed .stat-value")).to_have_text("1")
    jobs = page.locator("table.jobs")
    expect(jobs.locator("tr", has_text=case_id)).to_contain_text("Failed")
    expect(jobs.locator("tr", has_text=case_id)).to_contain_text(FAILURE)
    expect(page.get_by_text("No job executor runs in this server process")).to_be_visible()
    scan(page)
    screenshot(page, "admin-jobs")

    page.goto("/admin/incidents")
    page.get_by_role("button", name=f"Retry case {case_id}").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"The incidents of case {case_id} were cleared"
    )
    expect(page.locator(f"tr[data-case='{case_id}']")).to_have_count(0)
    assert studio.extensions["studio"].host.view(case_id)["incidents"] == []
    page.goto("/admin/jobs?state=failed")
    retried = page.locator("table.jobs tr", has_text=case_id)
    expect(retried).to_contain_text("Retried: fires on the executor's next round")


def test_the_pages_say_what_to_do_when_there_is_nothing(page) -> None:
    login_admin(page)
    page.goto("/admin/jobs?state=running")
    expect(page.get_by_text("No job is running.")).to_be_visible()
    scan(page)
    screenshot(page, "admin-jobs-empty")


def test_a_rolled_back_command_is_listed_without_retry_and_can_be_dismissed(
    page, studio, tmp_path
) -> None:
    runtime = studio.extensions["studio"]
    xml = case_xml(LOOPING, auto_complete=False).replace(b'<case id="C">', b'<case id="Looping">')
    (tmp_path / "looping.cmmn").write_bytes(xml)
    runtime.deployments.deploy_folder(tmp_path, actor="test")
    case_id = runtime.host.start("Looping", {})
    with pytest.raises(ActionError, match="incident"):
        runtime.host.act(case_id, {"complete": "Approve"})

    login_admin(page)
    page.goto("/admin/incidents")
    row = page.locator(f"tr[data-case='{case_id}']")
    expect(row).to_contain_text("Loop budget exceeded")
    expect(row).to_contain_text("operations in one command")
    expect(row).to_contain_text("Not retried: the action was rolled back")
    expect(row.get_by_role("button", name=f"Retry case {case_id}")).to_have_count(0)
    scan(page)
    screenshot(page, "admin-incidents-loop")

    row.get_by_role("button", name=f"Dismiss the incidents of case {case_id}").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"incidents of case {case_id} were dismissed"
    )
    expect(page.locator(f"tr[data-case='{case_id}']")).to_have_count(0)
    assert runtime.host.view(case_id)["incidents"] == []
