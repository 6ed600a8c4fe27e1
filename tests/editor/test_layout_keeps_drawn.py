"""`studio fmt --layout` on the real-world models: whatever a file drew, it still draws.

Every element that had a DI shape or edge before a new layout has one after it (text annotations
and associations, connectors to discretionary items, process data inputs, groups), and a BPMN
file whose diagrams showed several collaborations or processes keeps one diagram for each.
"""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from studio.editor.layout import layout_model
from studio.notation import read_model, read_model_file
from studio.notation.binding import iter_elements
from studio.notation.bpmn import local_ref
from studio.notation.bpmn_di import BpmnEdge, BpmnShape
from studio.notation.cmmn_di import CmmnEdge
from studio.notation.dc import Bounds
from tests.conftest import shared_files
from tests.editor.bounds_checks import inside, overlap

MODELS = [
    *shared_files("conformance/cmmn", "cmmn-js/*.cmmn", "flowable/*.cmmn"),
    *shared_files("conformance/bpmn-miwg", "*.bpmn"),
]
# conformance/cmmn/invalid is left out on purpose: its DI draws on-parts of sentries that do not
# exist (the files test what validation says about broken models).

pytestmark = [
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is missing"),
]


def _diagrams(model: Any) -> list[Any]:
    cmmndi = getattr(model, "cmmndi", None)
    return list(cmmndi.diagrams) if cmmndi is not None else list(getattr(model, "diagrams", ()))


def _planes(model: Any) -> list[str]:
    return [local_ref(d.plane.bpmn_element or "") for d in _diagrams(model) if d.plane]


def _drawn(model: Any) -> set[Any]:
    """What the model's DI draws: element ids, and (source, target) for connectors of none.

    A BPMN edge that draws no element (a line from a data object to a sequence flow's edge)
    counts as the elements of its two ends."""
    found: set[Any] = set()
    for diagram in _diagrams(model):
        drawn_by = {
            e.id: local_ref(e.bpmn_element)
            for e in iter_elements(diagram)
            if isinstance(e, BpmnShape | BpmnEdge) and e.id and e.bpmn_element
        }
        for element in iter_elements(diagram):
            if isinstance(element, BpmnShape | BpmnEdge) and element.bpmn_element:
                found.add(local_ref(element.bpmn_element))
            elif isinstance(element, BpmnEdge):
                ends = (element.source_element or "", element.target_element or "")
                found.add(tuple(drawn_by.get(end, end) for end in ends))
            elif type(element).__name__ in ("CmmnShape", "CmmnEdge"):
                if element.cmmn_element_ref:
                    found.add(element.cmmn_element_ref)
                elif isinstance(element, CmmnEdge):
                    ends = (element.source_cmmn_element_ref, element.target_cmmn_element_ref)
                    found.add(ends)
    return found


@pytest.fixture(scope="module")
def laid_out() -> dict[Path, tuple[Any, Any]]:
    return {}


def _layout(path: Path, cache: dict) -> tuple[Any, Any]:
    if path not in cache:
        model = read_model_file(path)
        cache[path] = (model, layout_model(model))
    return cache[path]


@pytest.mark.conformance
@pytest.mark.parametrize("path", MODELS, ids=[p.name for p in MODELS])
def test_everything_drawn_before_is_drawn_after(path: Path, laid_out: dict) -> None:
    model, out = _layout(path, laid_out)
    lost = _drawn(model) - _drawn(out)
    assert not lost, f"{path.name}: no DI after the layout for {sorted(map(str, lost))}"


@pytest.mark.conformance
@pytest.mark.parametrize("path", [p for p in MODELS if p.suffix == ".bpmn"], ids=lambda p: p.name)
def test_each_diagram_of_a_bpmn_file_stays_a_diagram(path: Path, laid_out: dict) -> None:
    model, out = _layout(path, laid_out)
    before = list(dict.fromkeys(_planes(model)))
    if len(before) > 1:
        assert _planes(out) == before
    else:
        assert len(_diagrams(out)) == 1


ANNOTATED = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="d" targetNamespace="t">
  <case id="c"><casePlanModel id="plan" name="Plan">
    <planItem id="pi_a" definitionRef="ht_a"/>
    <planItem id="pi_b" definitionRef="ht_b"/>
    <humanTask id="ht_a" name="Check the claim">
      <planningTable id="pt"><discretionaryItem id="di_c" definitionRef="ht_c"/></planningTable>
    </humanTask>
    <humanTask id="ht_b" name="Pay"/>
    <humanTask id="ht_c" name="Ask an expert"/>
  </casePlanModel></case>
  <textAnnotation id="note_a"><text>Within two days of the claim</text></textAnnotation>
  <textAnnotation id="note_free"><text>Reviewed by legal in May</text></textAnnotation>
  <association id="assoc_a" sourceRef="pi_a" targetRef="note_a"/>
</definitions>
"""


def _bounds(out: Any) -> dict[str, Bounds]:
    return {
        e.cmmn_element_ref: e.bounds
        for d in _diagrams(out)
        for e in d.elements
        if e.cmmn_element_ref and getattr(e, "bounds", None) is not None
    }


def _on_border(x: float, y: float, b: Bounds) -> bool:
    inside = b.x - 1 <= x <= b.x + b.width + 1 and b.y - 1 <= y <= b.y + b.height + 1
    near_side = min(abs(x - b.x), abs(x - b.x - b.width)) <= 1
    near_top_or_bottom = min(abs(y - b.y), abs(y - b.y - b.height)) <= 1
    return inside and (near_side or near_top_or_bottom)


def test_annotations_stand_beside_what_they_annotate_covering_nothing() -> None:
    out = layout_model(read_model(ANNOTATED.encode()))
    boxes = _bounds(out)
    task, note, free = boxes["pi_a"], boxes["note_a"], boxes["note_free"]
    plan = boxes["plan"]
    for ident, other in boxes.items():
        if ident in ("note_a", "plan"):
            continue
        assert not overlap(note, other), ident
    assert inside(plan, note) or not overlap(plan, note)
    assert not overlap(free, plan)  # annotating nothing: beside the plan
    edges = {
        e.cmmn_element_ref: e for d in _diagrams(out) for e in d.elements if e.cmmn_element_ref
    }
    link = edges["assoc_a"]
    start, end = link.waypoints[0], link.waypoints[-1]
    assert _on_border(start.x, start.y, task)
    assert _on_border(end.x, end.y, note)
    for ident, other in boxes.items():  # the association runs clear of other shapes
        if ident in ("pi_a", "note_a", "plan"):
            continue
        for step in range(1, 50):
            x = start.x + (end.x - start.x) * step / 50
            y = start.y + (end.y - start.y) * step / 50
            assert not (
                other.x < x < other.x + other.width and other.y < y < other.y + other.height
            ), ident


def test_a_human_task_is_connected_to_the_discretionary_item_it_plans() -> None:
    out = layout_model(read_model(ANNOTATED.encode()))
    boxes = _bounds(out)
    edges = [e for d in _diagrams(out) for e in d.elements if isinstance(e, CmmnEdge)]
    connector = next(e for e in edges if e.source_cmmn_element_ref == "pi_a")
    assert connector.target_cmmn_element_ref == "di_c"
    assert connector.cmmn_element_ref is None
    task, item = boxes["pi_a"], boxes["di_c"]
    first, last = connector.waypoints[0], connector.waypoints[-1]
    assert task.x <= first.x <= task.x + task.width and task.y <= first.y <= task.y + task.height
    assert item.x <= last.x <= item.x + item.width and item.y <= last.y <= item.y + item.height


ON_A_FLOW = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d" targetNamespace="t">
  <process id="p">
    <task id="a" name="Select">
      <ioSpecification><dataOutput id="out"/><inputSet/><outputSet><dataOutputRefs>out</dataOutputRefs>
      </outputSet></ioSpecification>
      <dataOutputAssociation id="write"><sourceRef>out</sourceRef><targetRef>ref</targetRef>
      </dataOutputAssociation>
    </task>
    <task id="b" name="Publish">
      <ioSpecification><dataInput id="in"/><inputSet><dataInputRefs>in</dataInputRefs></inputSet>
      <outputSet/></ioSpecification>
      <dataInputAssociation id="read"><sourceRef>ref</sourceRef><targetRef>in</targetRef>
      </dataInputAssociation>
    </task>
    <sequenceFlow id="flow" sourceRef="a" targetRef="b"/>
    <dataObjectReference id="ref" name="Platforms" dataObjectRef="data"/>
    <dataObject id="data"/>
  </process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="p">
    <bpmndi:BPMNShape id="a_di" bpmnElement="a"><dc:Bounds x="100" y="100" width="100" height="80"/>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="b_di" bpmnElement="b"><dc:Bounds x="300" y="100" width="100" height="80"/>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="ref_di" bpmnElement="ref"><dc:Bounds x="232" y="220" width="36" height="50"/>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="flow_di" bpmnElement="flow">
      <di:waypoint x="200" y="140"/><di:waypoint x="300" y="140"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="on_flow" sourceElement="ref_di" targetElement="flow_di">
      <di:waypoint x="250" y="220"/><di:waypoint x="250" y="140"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>
"""


def _on_path(x: float, y: float, path: list[Any]) -> bool:
    """True when (x, y) lies on one of the (horizontal or vertical) segments of `path`."""
    for a, b in pairwise(path):
        across = min(a.x, b.x) - 1 <= x <= max(a.x, b.x) + 1
        down = min(a.y, b.y) - 1 <= y <= max(a.y, b.y) + 1
        if across and down:
            return True
    return False


def _flow_data_line(model: Any, data: str, flow: str, stands_for: set[str]) -> None:
    """The layout draws data `data` on `flow` as the file did: one line from the data object's
    border to the flow's path, crossing no shape, and not the associations it stands for."""
    out = layout_model(model)
    elements = [e for d in _diagrams(out) for e in iter_elements(d)]
    shapes = {e.id: e for e in elements if isinstance(e, BpmnShape)}
    edges = {e.id: e for e in elements if isinstance(e, BpmnEdge)}
    drawn = {local_ref(e.bpmn_element) for e in elements if getattr(e, "bpmn_element", None)}
    assert not stands_for & drawn, "the associations it stands for stay undrawn"
    lines = [e for e in edges.values() if e.bpmn_element is None]
    assert len(lines) == 1
    line = lines[0]
    shape, flow_edge = shapes[line.source_element], edges[line.target_element]
    assert (shape.bpmn_element, flow_edge.bpmn_element) == (data, flow)
    start, end = line.waypoints[0], line.waypoints[-1]
    assert _on_border(start.x, start.y, shape.bounds)
    assert _on_path(end.x, end.y, list(flow_edge.waypoints))
    for other in shapes.values():
        if other is shape or other.is_horizontal is not None:
            continue
        b = other.bounds
        for p, q in pairwise(line.waypoints):
            for step in range(1, 20):
                x, y = p.x + (q.x - p.x) * step / 20, p.y + (q.y - p.y) * step / 20
                inside = b.x + 1 < x < b.x + b.width - 1 and b.y + 1 < y < b.y + b.height - 1
                assert not inside, f"the line crosses {other.bpmn_element}"


def test_data_drawn_on_a_flow_stays_on_it() -> None:
    _flow_data_line(read_model(ON_A_FLOW.encode()), "ref", "flow", {"write", "read"})


C7 = shared_files("conformance/bpmn-miwg", "C.7.0.bpmn")


@pytest.mark.conformance
@pytest.mark.parametrize("path", C7, ids=lambda p: p.name)
def test_miwg_data_on_a_flow_stays_on_it(path: Path) -> None:
    _flow_data_line(
        read_model_file(path),
        "_c68abea8-c5b4-4aef-b1a5-1e81caec0cba",
        "_64ac4473-a38f-4043-973a-69c497adc88a",
        {"_d65b0a3d-8c42-4be7-9ac1-7324aa3d31f8", "_505fa8cf-5697-4e35-bc4e-63df8e99093e"},
    )
