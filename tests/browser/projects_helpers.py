"""Models and fixtures of the project pages' browser tests (tests/browser/test_projects*.py)."""

from __future__ import annotations

import itertools
from typing import Any

SPLIT = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  id="defs" targetNamespace="urn:test">
  <process id="Review" name="Review" isExecutable="true">
    <startEvent id="start" name="Claim received"/>
    <exclusiveGateway id="gw" name="Large?"/>
    <userTask id="expert" name="Expert review"/>
    <userTask id="clerk" name="Clerk review"/>
    <endEvent id="end" name="Reviewed"/>
    <sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>
    <sequenceFlow id="f_large" name="large" sourceRef="gw" targetRef="expert"/>
    <sequenceFlow id="f_small" name="small" sourceRef="gw" targetRef="clerk"/>
    <sequenceFlow id="f1" sourceRef="expert" targetRef="end"/>
    <sequenceFlow id="f2" sourceRef="clerk" targetRef="end"/>
  </process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="Review">
    <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="160" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="gw_di" bpmnElement="gw" isMarkerVisible="true"><dc:Bounds x="190" y="153" width="50" height="50"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="expert_di" bpmnElement="expert"><dc:Bounds x="300" y="138" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="clerk_di" bpmnElement="clerk"><dc:Bounds x="300" y="268" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="470" y="160" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f0_di" bpmnElement="f0"><di:waypoint x="136" y="178"/><di:waypoint x="190" y="178"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f_large_di" bpmnElement="f_large"><di:waypoint x="240" y="178"/><di:waypoint x="300" y="178"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f_small_di" bpmnElement="f_small"><di:waypoint x="215" y="203"/><di:waypoint x="215" y="308"/><di:waypoint x="300" y="308"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="400" y="178"/><di:waypoint x="470" y="178"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="400" y="308"/><di:waypoint x="488" y="308"/><di:waypoint x="488" y="196"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>
"""
"""A claim review split by a gateway whose two ways have no conditions (a validation error)."""

_numbers = itertools.count(1)


def new_project(studio: Any, files: dict[str, str], prefix: str = "review") -> tuple[int, str]:
    """A fresh project holding `files` as version 1: (its id, its key)."""
    key = f"{prefix}-{next(_numbers)}"
    data = {path: text.encode() for path, text in files.items()}
    project = studio.extensions["studio"].projects.create(key, None, "ann", data, "first draft")
    return project.id, key


def open_editor(page: Any, project: int, path: str) -> None:
    page.goto(f"/projects/{project}/edit/{path}")
    page.wait_for_selector("#diagram[data-state]")
    state = page.locator("#diagram").get_attribute("data-state")
    assert state == "ready", page.locator("#diagram-status").inner_text()
    page.wait_for_selector("#diagram[data-validated]")


def shape(page: Any, ident: str) -> Any:
    return page.locator(f'#diagram svg .djs-element[data-element-id="{ident}"]')


def click_connection_start(page: Any, ident: str) -> None:
    """Click a connection on its first segment (running down from its source)."""
    box = shape(page, ident).locator(".djs-visual > path").bounding_box()
    assert box is not None, ident
    page.mouse.click(box["x"] + 0.5, box["y"] + box["height"] / 2)


def click_straight_connection(page: Any, ident: str) -> None:
    """Click the middle of a straight connection (a line: Playwright calls it invisible)."""
    box = shape(page, ident).locator(".djs-visual > path").bounding_box()
    assert box is not None, ident
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
