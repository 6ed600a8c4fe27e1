"""`studio fmt --layout` and BPMN groups: a group is drawn again around what its frame enclosed;
one that enclosed nothing keeps its place in its lane or diagram, still enclosing nothing."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from studio.editor.layout import layout_model
from studio.editor.layout.bpmn_sizes import LANE_STRIP
from studio.notation import read_model
from studio.notation.bpmn_di import BpmnShape
from studio.notation.dc import Bounds
from tests.editor.bounds_checks import inside, overlap

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is missing")

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d" targetNamespace="t">
"""


def _shape(ref: str, x: float, y: float, w: float, h: float) -> str:
    return (
        f'<bpmndi:BPMNShape id="{ref}_di" bpmnElement="{ref}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
    )


LANES = (
    _HEAD
    + """
  <collaboration id="collab"><participant id="pool" name="Pool" processRef="p"/></collaboration>
  <process id="p">
    <laneSet id="ls">
      <lane id="l1" name="One"><flowNodeRef>s</flowNodeRef><flowNodeRef>a</flowNodeRef>
        <flowNodeRef>b</flowNodeRef></lane>
      <lane id="l2" name="Two"><flowNodeRef>c</flowNodeRef><flowNodeRef>e</flowNodeRef></lane>
    </laneSet>
    <startEvent id="s"/><task id="a" name="A"/><task id="b" name="B"/><task id="c" name="C"/>
    <endEvent id="e" name="Done"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
    <sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
    <sequenceFlow id="f3" sourceRef="b" targetRef="c"/>
    <sequenceFlow id="f4" sourceRef="c" targetRef="e"/>
    <group id="g_full"/><group id="g_empty"/>
  </process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="collab">
"""
    + "".join(
        _shape(*args)
        for args in (
            ("pool", 0, 0, 1000, 400),
            ("l1", 30, 0, 970, 200),
            ("l2", 30, 200, 970, 200),
            ("s", 80, 80, 36, 36),
            ("a", 160, 60, 100, 80),
            ("b", 320, 60, 100, 80),
            ("c", 320, 260, 100, 80),
            ("e", 480, 282, 36, 36),
            ("g_full", 140, 40, 300, 120),
            ("g_empty", 700, 240, 200, 120),
        )
    )
    + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>"
)

TWO_PROCESSES = (
    _HEAD
    + """
  <process id="p1"><task id="t1" name="First"/><task id="t2" name="Second"/>
    <sequenceFlow id="f1" sourceRef="t1" targetRef="t2"/></process>
  <process id="p2"><task id="u1" name="One"/><task id="u2" name="Two"/><task id="u3" name="Three"/>
    <sequenceFlow id="g1" sourceRef="u1" targetRef="u2"/>
    <sequenceFlow id="g2" sourceRef="u2" targetRef="u3"/>
    <group id="empty"/></process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="p1">"""
    + _shape("t1", 100, 100, 100, 80)
    + _shape("t2", 300, 100, 100, 80)
    + """</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
  <bpmndi:BPMNDiagram id="D2"><bpmndi:BPMNPlane id="P2" bpmnElement="p2">"""
    + _shape("u1", 100, 100, 100, 80)
    + _shape("u2", 300, 100, 100, 80)
    + _shape("u3", 500, 100, 100, 80)
    + _shape("empty", 560, 260, 160, 100)
    + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>"
)


def _shapes(diagram: Any) -> dict[str, BpmnShape]:
    return {e.bpmn_element: e for e in diagram.plane.elements if isinstance(e, BpmnShape)}


def _clear_of_everything(frame: Bounds, shapes: dict[str, BpmnShape], bands: set[str]) -> None:
    for ref, shape in shapes.items():
        if ref in bands or shape.bounds is frame:
            continue
        assert not overlap(frame, shape.bounds), f"the empty group's frame covers {ref}"
        if shape.label is not None and shape.label.bounds is not None:
            assert not overlap(frame, shape.label.bounds), f"it covers the label of {ref}"


def test_a_group_around_elements_is_drawn_around_them_again() -> None:
    shapes = _shapes(layout_model(read_model(LANES.encode())).diagrams[0])
    frame = shapes["g_full"].bounds
    assert inside(frame, shapes["a"].bounds) and inside(frame, shapes["b"].bounds)
    assert not overlap(frame, shapes["c"].bounds)


def test_an_empty_group_stays_in_its_lane_enclosing_nothing() -> None:
    shapes = _shapes(layout_model(read_model(LANES.encode())).diagrams[0])
    frame = shapes["g_empty"].bounds
    lane = shapes["l2"].bounds
    beside_strip = Bounds(
        x=lane.x + LANE_STRIP, y=lane.y, width=lane.width - LANE_STRIP, height=lane.height
    )
    assert inside(beside_strip, frame)
    _clear_of_everything(frame, shapes, {"pool", "l1", "l2"})
    assert not overlap(frame, shapes["g_full"].bounds)


def test_an_empty_group_goes_to_the_diagram_that_showed_it_near_its_old_place() -> None:
    out = layout_model(read_model(TWO_PROCESSES.encode()))
    planes = [d.plane.bpmn_element for d in out.diagrams]
    assert planes == ["p1", "p2"]
    first, second = (_shapes(d) for d in out.diagrams)
    assert "empty" not in first
    frame = second["empty"].bounds
    _clear_of_everything(frame, second, set())
    tasks = [second[ref].bounds for ref in ("u1", "u2", "u3")]
    left = min(b.x for b in tasks)
    right = max(b.x + b.width for b in tasks)
    top = min(b.y for b in tasks)
    # it was under the right end of the chain: it stays on the right, near the tasks
    assert frame.x + frame.width / 2 > (left + right) / 2
    assert frame.y >= top
    assert frame.y < max(b.y + b.height for b in tasks) + 200
