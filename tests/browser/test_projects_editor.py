"""The project editor in the browser: live validation marks and lists a problem, the Execution
properties fix it, the palette adds a task, Save makes a version (a stale save is explained in
words), auto-layout, the unsaved-changes guard; no console errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.browser.projects_helpers import (
    SPLIT,
    click_connection_start,
    click_straight_connection,
    new_project,
    open_editor,
    shape,
)

pytestmark = pytest.mark.browser
PROBLEM = re.compile(r"\bcs-problem-error\b")


def test_a_split_without_conditions_is_marked_then_fixed_and_saved(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    login(page, "ann")
    open_editor(page, ident, "review.bpmn")
    expect(shape(page, "gw")).to_have_class(PROBLEM)
    problem = page.locator("#problem-list .problem").first
    expect(problem).to_contain_text("gateway 'Large?' splits")
    expect(page.locator("#problem-count")).to_have_text("1")
    screenshot(page, "projects-editor-problem")
    problem.click()
    expect(shape(page, "gw")).to_have_class(re.compile(r"\bselected\b"))

    canvas = page.locator("#diagram").bounding_box()
    page.mouse.click(canvas["x"] + 560, canvas["y"] + 480)  # away from the context pad
    click_straight_connection(page, "f_large")
    expect(page.locator("#properties")).to_contain_text("Execution")
    page.get_by_label("Condition").fill("amount > 1000")
    click_connection_start(page, "f_small")
    expect(page.get_by_label("Condition")).to_have_value("")
    page.get_by_label("Condition").fill("amount <= 1000")
    expect(shape(page, "gw")).not_to_have_class(PROBLEM)
    expect(page.locator("#problems-status")).to_have_text(
        "No problems found: the engine can run this model."
    )
    expect(page.locator("#dirty")).to_be_visible()
    screenshot(page, "projects-editor-fixed")

    page.keyboard.press("Control+s")
    page.get_by_label("What changed?").fill("conditions on the split")
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.locator("#diagram-status")).to_have_text("Saved as version 2.")
    expect(page.locator("#dirty")).to_be_hidden()
    expect(page.locator("#crumb-version")).to_have_text(re.compile(r"· version 2$"))
    page.goto(f"/projects/{ident}")
    first = page.locator(".version-list li").first
    expect(first).to_contain_text("conditions on the split")
    expect(first).to_contain_text("ann")
    text = studio.extensions["studio"].projects.file(ident, 2, "review.bpmn")[0].decode()
    assert "amount &gt; 1000" in text and "amount &lt;= 1000" in text


def test_execution_properties_write_what_the_engine_reads(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    login(page, "ann")
    open_editor(page, ident, "review.bpmn")
    shape(page, "expert").click()
    page.get_by_label("Due date").fill("P2D")
    expect(page.locator("#dirty")).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("What changed?").fill("due in two days")
    page.get_by_label("What changed?").press("Enter")
    expect(page.locator("#diagram-status")).to_have_text("Saved as version 2.")
    text = studio.extensions["studio"].projects.file(ident, 2, "review.bpmn")[0].decode()
    assert 'xmlns:flowable="http://flowable.org/bpmn"' in text
    assert 'flowable:dueDate="P2D"' in text


def test_the_palette_adds_a_task_and_undo_takes_it_back(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    login(page, "ann")
    open_editor(page, ident, "review.bpmn")
    before = page.locator("#diagram .djs-shape").count()
    page.locator('.djs-palette [data-action="create.task"]').click()
    canvas = page.locator("#diagram").bounding_box()
    page.mouse.click(canvas["x"] + 620, canvas["y"] + 420)
    page.keyboard.type("Check documents")
    page.mouse.click(canvas["x"] + 700, canvas["y"] + 120)
    expect(page.locator("#diagram")).to_contain_text("Check documents")
    expect(page.locator("#diagram .djs-shape")).to_have_count(before + 1)
    page.get_by_role("button", name="Undo").click()
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#diagram .djs-shape")).to_have_count(before)
    page.get_by_role("button", name="Redo").click()
    expect(page.locator("#diagram .djs-shape")).to_have_count(before + 1)


def test_a_stale_save_is_explained_in_words(page, studio, console) -> None:
    console.allow("status of 409")
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    login(page, "ann")
    open_editor(page, ident, "review.bpmn")
    changed = SPLIT.replace('name="Clerk review"', 'name="Desk review"').encode()
    studio.extensions["studio"].projects.save(
        ident, 1, {"review.bpmn": changed}, (), "desk instead of clerk", "admin"
    )
    shape(page, "clerk").click()
    page.get_by_label("Due date").fill("P1D")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("What changed?").fill("due tomorrow")
    page.get_by_label("What changed?").press("Enter")
    alert = page.locator("#stale")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("admin saved version 2 meanwhile")
    expect(alert).to_contain_text("“desk instead of clerk”")
    expect(page.get_by_role("link", name="Open the newest version")).to_be_visible()
    expect(page.get_by_role("button", name="Download my XML")).to_be_visible()
    screenshot(page, "projects-editor-stale")
    assert len(studio.extensions["studio"].projects.versions(ident)) == 2


def test_auto_layout_and_the_unsaved_changes_guard(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    login(page, "ann")
    open_editor(page, ident, "review.bpmn")
    before = shape(page, "clerk").bounding_box()
    page.get_by_role("button", name="Auto-layout").click()
    expect(page.locator("#diagram-status")).to_contain_text("Laid out again")
    expect(page.locator("#dirty")).to_be_visible()
    assert shape(page, "clerk").bounding_box() != before
    expect(shape(page, "gw")).to_have_class(PROBLEM)  # validated again after the layout
    screenshot(page, "projects-editor-layout")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Projects").click()
    assert asked == ["Your changes are not saved. Leave anyway?"]
    assert re.search(r"/edit/review\.bpmn", page.url)


def test_problems_are_reachable_by_keyboard(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    login(page, "ann")
    open_editor(page, ident, "review.bpmn")
    problem = page.locator("#problem-list .problem").first
    problem.focus()
    expect(problem).to_be_focused()
    page.keyboard.press("Enter")
    expect(shape(page, "gw")).to_have_class(re.compile(r"\bselected\b"))
    page.get_by_role("button", name="Save", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("What changed?")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#save-dialog")).not_to_have_attribute("open", "")


def test_a_cmmn_case_is_laid_out_again(page, studio) -> None:
    from studio.web.areas.projects_starters import starter

    files = {p: d.decode() for p, d in starter("cmmn", "layout-case", "Layout case").items()}
    ident, _ = new_project(studio, files, prefix="cmmn")
    login(page, "ann")
    open_editor(page, ident, "layout-case.cmmn")
    page.get_by_role("button", name="Auto-layout").click()
    expect(page.locator("#diagram-status")).to_contain_text("Laid out again")
    expect(page.locator("#dirty")).to_be_visible()
    expect(page.locator("#problems-status")).to_contain_text("No problems found")


def test_a_service_task_names_its_handler_among_those_installed(page, studio) -> None:
    model = SPLIT.replace(
        '<userTask id="clerk" name="Clerk review"/>',
        '<serviceTask id="clerk" name="Clerk review" implementation="echo"/>',
    )
    ident, _ = new_project(studio, {"review.bpmn": model})
    login(page, "ann")
    open_editor(page, ident, "review.bpmn")
    shape(page, "clerk").click()
    expect(page.get_by_label("Service handler")).to_have_value("echo")
    expect(page.locator("#properties")).to_contain_text("Installed on the server: echo.")
    page.get_by_label("Service handler").fill("nowhere")
    expect(shape(page, "clerk")).to_have_class(PROBLEM)
    expect(page.locator("#problem-list")).to_contain_text("no service handler 'nowhere'")


UNNAMED_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"
  xmlns:cmmndi="http://www.omg.org/spec/CMMN/20151109/CMMNDI"
  xmlns:dc="http://www.omg.org/spec/CMMN/20151109/DC" id="defs" targetNamespace="urn:test">
  <case id="claim" name="Claim">
    <casePlanModel id="plan" name="Claim" autoComplete="true">
      <planItem id="pi_check" definitionRef="check"/>
      <humanTask id="check" name="Check the claim"/>
    </casePlanModel>
  </case>
  <cmmndi:CMMNDI><cmmndi:CMMNDiagram id="d">
    <cmmndi:CMMNShape id="plan_di" cmmnElementRef="plan">
      <dc:Bounds x="160" y="80" width="640" height="400"/></cmmndi:CMMNShape>
    <cmmndi:CMMNShape id="pi_check_di" cmmnElementRef="pi_check">
      <dc:Bounds x="240" y="160" width="100" height="80"/></cmmndi:CMMNShape>
  </cmmndi:CMMNDiagram></cmmndi:CMMNDI>
</definitions>
"""
"""A plan item without a name of its own, as Flowable writes them: its task names it."""


def test_the_name_field_shows_and_renames_what_the_diagram_shows(page, studio) -> None:
    ident, _ = new_project(studio, {"claim.cmmn": UNNAMED_ITEM}, prefix="cmmn")
    login(page, "ann")
    open_editor(page, ident, "claim.cmmn")
    shape(page, "pi_check").click()
    name = page.locator(".cs-props").get_by_label("Name")
    expect(name).to_have_value("Check the claim")
    name.fill("Verify")
    name.press("Enter")
    expect(shape(page, "pi_check")).to_have_text("Verify")
    with page.expect_download() as saved:
        page.get_by_role("button", name="Download XML").click()
    xml = Path(saved.value.path()).read_text(encoding="utf-8")
    assert '<humanTask id="check" name="Verify"' in xml
    assert '<planItem id="pi_check" definitionRef="check"' in xml
