"""`studio fmt --layout` on the real-world models: whatever a file drew, it still draws.

Every element that had a DI shape or edge before a new layout has one after it (text annotations
and associations, connectors to discretionary items, process data inputs, groups), and a BPMN
file whose diagrams showed several collaborations or processes keeps one diagram for each.
"""

from __future__ import annotations

import shutil
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

    BPMN edges that draw no element (a line from a data object to a sequence flow's edge) are
    decoration of one tool and are not counted."""
    found: set[Any] = set()
    for diagram in _diagrams(model):
        for element in iter_elements(diagram):
            if isinstance(element, BpmnShape | BpmnEdge) and element.bpmn_element:
                found.add(local_ref(element.bpmn_element))
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


def _overlap(a: Bounds, b: Bounds) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def _inside(outer: Bounds, inner: Bounds) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.x + inner.width <= outer.x + outer.width
        and inner.y + inner.height <= outer.y + outer.height
    )


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
        assert not _overlap(note, other), ident
    assert _inside(plan, note) or not _overlap(plan, note)
    assert not _overlap(free, plan)  # annotating nothing: beside the plan
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
