"""Deployed diagrams in the browser: BPMN on bpmn-js, CMMN on cmmn-js, through the editor
interface; the problems a version was deployed with, listed and marked; 404 pages in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, login, screenshot

pytestmark = pytest.mark.browser

BPMN = "invoice-processing.bpmn"
CMMN = "disputed-invoice.cmmn"
EMPTY_SCRIPT = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  id="defs" targetNamespace="urn:test">
  <process id="Scoring" name="Scoring" isExecutable="true">
    <startEvent id="start" name="Request received"/>
    <scriptTask id="score" name="Score the request" scriptFormat="python"/>
    <endEvent id="end" name="Scored"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="score"/>
    <sequenceFlow id="f2" sourceRef="score" targetRef="end"/>
  </process>
  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="Scoring">
    <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="score_di" bpmnElement="score"><dc:Bounds x="200" y="78" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="360" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="136" y="118"/><di:waypoint x="200" y="118"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="300" y="118"/><di:waypoint x="360" y="118"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>
"""


@pytest.fixture(scope="module")
def with_warning(studio) -> int:
    """A deployed project whose script task has no script (a warning, not an error)."""
    deployments = studio.extensions["studio"].deployments
    deployed, _, _ = deployments.deploy_files({"scoring.bpmn": EMPTY_SCRIPT}, key="scoring")
    assert [p["code"] for p in deployed.problems] == ["bpmn.script.empty"]
    return deployed.id


def open_diagram(page, deployment: int, file: str, query: str = "") -> None:
    page.goto(f"/deployments/{deployment}/diagram/{file}{query}")
    page.wait_for_selector("#diagram[data-state]")
    state = page.locator("#diagram").get_attribute("data-state")
    assert state == "ready", page.locator("#diagram-status").inner_text()


def element(page, ident: str):
    return page.locator(f'#diagram svg .djs-element[data-element-id="{ident}"]')


def test_a_bpmn_diagram_is_drawn_by_bpmn_js(page, deployment) -> None:
    login(page, "ann")
    open_diagram(page, deployment, BPMN)
    for ident in ("start_received", "task_compare", "task_match", "gw_matches", "end_posted"):
        assert element(page, ident).count() == 1, ident
    assert page.locator("#diagram .bjs-powered-by").is_visible()
    assert page.evaluate("typeof window.CmmnJS") == "undefined"
    assert page.locator("#diagram-status").inner_text() == "27 elements"  # its DI shapes and edges
    assert page.get_by_text("No problems were found when this version was deployed.").is_visible()
    screenshot(page, "diagram-bpmn")


def test_a_cmmn_diagram_is_drawn_by_cmmn_js(page, deployment) -> None:
    login(page, "carl")
    open_diagram(page, deployment, CMMN)
    for ident in ("pi_review", "pi_business", "pi_credit", "pi_release"):
        assert element(page, ident).count() == 1, ident
    assert page.locator("#diagram .bjs-powered-by").is_visible()
    assert page.evaluate("typeof window.CmmnJS") == "function"
    assert page.evaluate("document.querySelector('script[src*=\"bpmn\"]')") is None
    assert page.locator("#diagram-status").inner_text() == "57 elements"
    screenshot(page, "diagram-cmmn")


def test_an_element_named_in_the_address_is_selected(page, deployment) -> None:
    login(page, "ann")
    open_diagram(page, deployment, BPMN, "?element=task_match")
    assert "selected" in element(page, "task_match").get_attribute("class")


def test_the_problems_of_a_deployment_are_listed_and_marked(page, with_warning) -> None:
    login(page, "ann")
    open_diagram(page, with_warning, "scoring.bpmn")
    problem = page.locator(".problems button.problem")
    assert problem.count() == 1
    assert "has no script" in problem.inner_text()
    score = element(page, "score")
    assert "cs-problem-warning" in score.get_attribute("class")
    assert "has no script" in score.locator("title").text_content()
    assert "selected" not in score.get_attribute("class")
    problem.click()
    assert "selected" in score.get_attribute("class")
    screenshot(page, "diagram-problem")


def test_a_problem_is_offered_only_once_the_diagram_can_show_it(page, with_warning) -> None:
    """A click on a problem while the diagram still loads would be lost: it waits disabled."""
    login(page, "ann")
    held: list = []  # the diagram's XML, held back until the test lets it through
    xml = f"**/deployments/{with_warning}/files/scoring.bpmn"
    page.route(xml, lambda route: held.append(route))
    with page.expect_request(xml):
        page.goto(f"/deployments/{with_warning}/diagram/scoring.bpmn")
    problem = page.locator(".problems button.problem")
    expect(problem).to_be_disabled()
    expect(page.locator("#diagram")).not_to_have_attribute("data-state", re.compile("."))
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#diagram")).to_have_attribute("data-state", "ready")
    problem.click()
    expect(page.locator('#diagram svg .djs-element[data-element-id="score"]')).to_have_class(
        re.compile(r"\bselected\b")
    )


def test_editing_a_copy_of_a_bpmn_diagram(page, deployment) -> None:
    login(page, "ann")
    open_diagram(page, deployment, BPMN, "?mode=edit")
    assert page.locator("#properties .bio-properties-panel").is_visible()
    assert page.locator("#diagram .bts-toggle-mode").is_visible()  # token simulation
    assert page.locator("#diagram .bjsl-button").is_visible()  # bpmnlint
    undo = page.get_by_role("button", name="Undo")
    assert undo.is_disabled()

    element(page, "task_match").click()
    assert page.locator("#properties").get_by_text("Three-way match").count() >= 1
    page.keyboard.press("Delete")
    assert element(page, "task_match").count() == 0
    assert "Changed" in page.locator("#diagram-status").inner_text()
    undo.click()
    assert element(page, "task_match").count() == 1

    with page.expect_download() as download:
        page.get_by_role("button", name="Download XML").click()
    assert download.value.suggested_filename == BPMN
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert 'id="task_match"' in saved and "bpmndi:BPMNShape" in saved
    screenshot(page, "editor-bpmn")

    page.locator("#diagram .bts-toggle-mode").click()  # token simulation: start a token
    page.locator(
        '#diagram .djs-overlays[data-container-id="start_received"] .bts-context-pad'
    ).click()
    expect(page.locator("#diagram .bts-token").first).to_be_visible()


def test_editing_a_copy_of_a_cmmn_diagram(page, deployment) -> None:
    login(page, "ann")
    open_diagram(page, deployment, CMMN, "?mode=edit")
    assert page.locator("#diagram .djs-palette").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download XML").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert 'id="pi_review"' in saved and "cmmndi:CMMNShape" in saved
    screenshot(page, "editor-cmmn")


def test_an_unknown_file_is_a_404_in_words(page, deployment, console) -> None:
    console.allow(r"status of 404")
    login(page, "ann")
    answer = page.goto(f"/deployments/{deployment}/diagram/nowhere.bpmn")
    assert answer.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
    assert page.get_by_text(
        "Version 1 of invoice-processing has no file “nowhere.bpmn”."
    ).is_visible()
    answer = page.goto("/deployments/9999/diagram/anything.bpmn")
    assert answer.status == 404
    assert page.get_by_text("There is no deployment 9999.").is_visible()
    answer = page.goto(f"/deployments/{deployment}/diagram/invoices.jsonl")
    assert answer.status == 404
    assert page.get_by_text("“invoices.jsonl” is not a BPMN or CMMN diagram.").is_visible()


def test_the_deployments_page_leads_to_the_diagrams(page, deployment) -> None:
    login(page, "carl", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deployments").click()
    row = page.get_by_role("row").filter(has_text="invoice-processing")
    expect(row).to_have_count(1)  # the click returns once the page arrives, not parsed
    screenshot(page, "deployments")
    row.get_by_role("link", name=re.compile("disputed-invoice.cmmn")).click()
    page.wait_for_selector("#diagram[data-state=ready]")
    assert element(page, "pi_review").count() == 1
