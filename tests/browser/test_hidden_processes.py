"""A BPMN file with two processes and no collaboration: the editor names the process it cannot
show, keeps it when an unrelated edit is saved, and offers to show every process as a pool (an
unsaved change that can be put back)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from studio.notation import read_model
from tests.browser.a11y import scan
from tests.browser.conftest import login, screenshot
from tests.browser.projects_helpers import new_project, open_editor, shape

pytestmark = pytest.mark.browser
TWO = (Path(__file__).parents[1] / "web" / "models" / "two_processes.bpmn").read_text()


def test_the_hidden_process_is_named_and_survives_saving_an_unrelated_edit(page, studio) -> None:
    ident, _ = new_project(studio, {"two.bpmn": TWO}, prefix="hidden")
    login(page, "ann")
    open_editor(page, ident, "two.bpmn")
    notice = page.locator("#hidden-processes")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("a process the diagram does not show: Archiving (Archive)")
    expect(shape(page, "file_it")).to_have_count(0)
    scan(page)
    screenshot(page, "projects-editor-hidden-process")

    shape(page, "register").click()
    page.get_by_label("Due date").fill("P2D")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("What changed?").fill("due in two days")
    page.get_by_label("What changed?").press("Enter")
    expect(page.locator("#diagram-status")).to_contain_text("Saved as version 2")

    saved = studio.extensions["studio"].projects.files(ident, 2)["two.bpmn"]
    model = read_model(saved, "two.bpmn")
    archive = next(p for p in model.processes if p.id == "Archive")
    kept = {element.id for element in archive.iter_flow_elements()}
    assert kept == {"ar_start", "file_it", "ar_end", "ar_f1", "ar_f2"}
    assert archive.name == "Archiving"
    assert "P2D" in saved.decode()


def test_show_all_processes_as_pools_then_undo_or_put_back(page, studio) -> None:
    ident, _ = new_project(studio, {"two.bpmn": TWO}, prefix="hidden")
    login(page, "ann")
    open_editor(page, ident, "two.bpmn")
    page.get_by_role("button", name="Show all processes as pools").click()
    expect(page.locator("#diagram-status")).to_contain_text("Every process is now a pool")
    expect(shape(page, "file_it")).to_be_visible()
    expect(shape(page, "Participant_Archive")).to_be_visible()
    expect(page.locator("#hidden-processes")).to_be_hidden()
    expect(page.locator("#dirty")).to_be_visible()
    page.wait_for_function(
        "() => !document.querySelector('#problem-list [data-code=\"bpmn.diagram.hidden-process\"]')"
    )
    scan(page)
    screenshot(page, "projects-editor-pools")

    page.get_by_role("button", name="Undo").click()  # undoable like any change
    expect(shape(page, "file_it")).to_have_count(0)
    expect(page.locator("#hidden-processes")).to_be_visible()
    expect(page.locator("#dirty")).to_be_hidden()

    page.get_by_role("button", name="Show all processes as pools").click()
    expect(shape(page, "Participant_Archive")).to_be_visible()
    page.get_by_role("button", name="Put back as it was").click()
    expect(shape(page, "file_it")).to_have_count(0)
    expect(page.locator("#pooled")).to_be_hidden()
    assert len(studio.extensions["studio"].projects.versions(ident)) == 1
