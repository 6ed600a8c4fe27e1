"""Graphviz layout of BPMN models: DI for every element, inside its container, on its border."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import time
from itertools import combinations, pairwise
from pathlib import Path

import pytest
from lxml import etree

from studio.editor.layout import layout_model
from studio.editor.layout.bpmn_sizes import LANE_STRIP, POOL_STRIP
from studio.notation import read_model, read_model_file, write_model
from studio.notation.bpmn import BpmnIndex, local_ref
from studio.notation.bpmn_di import BpmnEdge, BpmnShape
from studio.notation.bpmn_model import (
    BoundaryEvent,
    BpmnDefinitions,
    FlowNode,
    Lane,
    Process,
    SequenceFlow,
    SubProcess,
)
from studio.notation.dc import Bounds
from tests.conftest import shared_files, shared_path
from tests.editor.bounds_checks import inside, overlap

MODELS = [
    *shared_files("conformance/bpmn-miwg", "*.bpmn"),
    *shared_files("acceptance", "bpmn/*.bpmn", "mixed/*.bpmn"),
]
SOURCES = [
    *(pytest.param(p, marks=pytest.mark.conformance, id=p.name) for p in MODELS),
    pytest.param("edge-cases", id="edge-cases"),
]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is missing")
pytestmark = needs_dot


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    path = shared_path("conformance", "xsd", "bpmn20", "BPMN20.xsd")
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.fixture(scope="module")
def laid_out() -> dict:
    return {}


def _layout(source: Path | str, cache: dict) -> tuple[BpmnDefinitions, BpmnDefinitions]:
    if source not in cache:
        if source == "edge-cases":
            model = read_model(EDGE_CASES.encode())
        else:
            model = read_model_file(source)
        cache[source] = (model, layout_model(model))
    return cache[source]


class _Checked:
    """A laid-out model with its DI by model element."""

    def __init__(self, model: BpmnDefinitions) -> None:
        assert model.diagrams  # one, or one per collaboration or process the model showed
        self.model = model
        self.index = BpmnIndex(model)
        self.shapes: dict[str, BpmnShape] = {}
        self.edges: dict[str, BpmnEdge] = {}
        for diagram in model.diagrams:
            plane = diagram.plane
            assert plane is not None
            for element in plane.elements:
                if not element.bpmn_element:  # data drawn on a flow: test_layout_keeps_drawn
                    continue
                ref = local_ref(element.bpmn_element)
                found = self.shapes if isinstance(element, BpmnShape) else self.edges
                assert ref not in found, f"two DI elements for {ref}"
                found[ref] = element

    def bounds(self, ident: str) -> Bounds:
        bounds = self.shapes[ident].bounds
        assert bounds is not None, ident
        return bounds

    def containers(self) -> list[Process | SubProcess]:
        found: list[Process | SubProcess] = list(self.model.processes)
        for process in self.model.processes:
            found += [e for e in process.iter_flow_elements() if isinstance(e, SubProcess)]
        return found


def _on_border(x: float, y: float, b: Bounds) -> bool:
    """True when (x, y) lies on the border of `b` (within a pixel)."""
    inside_x = b.x - 1 <= x <= b.x + b.width + 1
    inside_y = b.y - 1 <= y <= b.y + b.height + 1
    on_x = min(abs(x - b.x), abs(x - b.x - b.width)) <= 1
    on_y = min(abs(y - b.y), abs(y - b.y - b.height)) <= 1
    return inside_x and inside_y and (on_x or on_y)


@pytest.mark.parametrize("source", SOURCES)
class TestModels:
    """Every MIWG reference and acceptance model, and a model full of awkward cases."""

    def test_schema_valid(self, source: Path, laid_out: dict, schema: etree.XMLSchema) -> None:
        _, out = _layout(source, laid_out)
        document = etree.fromstring(write_model(out))
        assert schema.validate(document), schema.error_log.last_error

    def test_semantics_untouched(self, source: Path, laid_out: dict) -> None:
        model, out = _layout(source, laid_out)
        assert dataclasses.replace(out, diagrams=()) == dataclasses.replace(model, diagrams=())

    def test_deterministic(self, source: Path, laid_out: dict) -> None:
        model, out = _layout(source, laid_out)
        assert write_model(layout_model(model)) == write_model(out)

    def test_every_element_has_di(self, source: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(source, laid_out)[1])
        missing = []
        for process in checked.model.processes:
            missing += [lane.id for lane in process.lanes if lane.id not in checked.shapes]
            for element in process.iter_flow_elements():
                if isinstance(element, FlowNode) and element.id not in checked.shapes:
                    missing.append(element.id)
                if isinstance(element, SequenceFlow) and element.id not in checked.edges:
                    missing.append(element.id)
        for collaboration in checked.model.collaborations:
            missing += [p.id for p in collaboration.participants if p.id not in checked.shapes]
            missing += [f.id for f in collaboration.message_flows if f.id not in checked.edges]
        assert not missing
        for edge in checked.edges.values():
            assert len(edge.waypoints) >= 2, edge.id

    def test_sizes_and_flags(self, source: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(source, laid_out)[1])
        for ident, shape in checked.shapes.items():
            element = checked.index.by_id[ident]
            b = checked.bounds(ident)
            kind = type(element).__name__
            if kind.endswith("Event"):
                assert (b.width, b.height) == (36, 36), ident
            elif kind.endswith("Gateway"):
                assert (b.width, b.height) == (50, 50), ident
                assert shape.is_marker_visible is (True if kind == "ExclusiveGateway" else None)
            elif isinstance(element, SubProcess):
                assert shape.is_expanded is not None, ident
                if not shape.is_expanded:
                    assert b.height == 80 and b.width >= 100, ident
            elif kind.endswith("Task") or kind == "CallActivity":
                assert b.height == 80 and b.width >= 100, ident  # wider for boundary events
            if isinstance(element, Lane) or kind == "Participant":
                assert shape.is_horizontal is True, ident

    def test_boundary_events_on_their_host(self, source: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(source, laid_out)[1])
        by_host: dict[str, list[Bounds]] = {}
        for process in checked.model.processes:
            for event in process.iter_flow_elements():
                if not isinstance(event, BoundaryEvent) or not event.attached_to_ref:
                    continue
                host = checked.bounds(local_ref(event.attached_to_ref))
                b = checked.bounds(event.id)
                cx, cy = b.x + b.width / 2, b.y + b.height / 2
                assert abs(cy - (host.y + host.height)) <= 1, event.id
                assert host.x <= cx <= host.x + host.width, event.id
                by_host.setdefault(event.attached_to_ref, []).append(b)
        for events in by_host.values():
            for a, b in combinations(events, 2):
                assert not overlap(a, b)

    def test_children_inside_their_sub_process(self, source: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(source, laid_out)[1])
        for container in checked.containers():
            if (
                not isinstance(container, SubProcess)
                or not checked.shapes[container.id].is_expanded
            ):
                continue
            outer = checked.bounds(container.id)
            for element in container.iter_flow_elements():
                if element.id in checked.shapes:
                    assert inside(outer, checked.bounds(element.id), tolerance=0.5), element.id

    def test_nodes_inside_their_lane(self, source: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(source, laid_out)[1])
        for process in checked.model.processes:
            leaves = [lane for lane in process.lanes if not lane.child_lanes]
            listed: dict[str, list[str]] = {}
            for lane in leaves:
                for ref in lane.flow_node_refs:
                    listed.setdefault(local_ref(ref), []).append(lane.id)
            direct = {e.id for e in process.flow_nodes if not isinstance(e, BoundaryEvent)}
            for node_id, lanes in listed.items():
                if len(lanes) != 1 or node_id not in direct:
                    continue
                assert inside(checked.bounds(lanes[0]), checked.bounds(node_id), tolerance=0.5), (
                    node_id
                )

    def test_lanes_fill_their_pool(self, source: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(source, laid_out)[1])
        for collaboration in checked.model.collaborations:
            for participant in collaboration.participants:
                process = checked.index.processes.get(local_ref(participant.process_ref or ""))
                if process is None or not process.lane_sets:
                    continue
                pool = checked.bounds(participant.id)
                top = [lane for s in process.lane_sets for lane in s.lanes]
                rects = [checked.bounds(lane.id) for lane in top]
                assert (
                    rects[0].y == pool.y and rects[-1].y + rects[-1].height == pool.y + pool.height
                )
                for a, b in pairwise(rects):
                    assert a.y + a.height == b.y  # stacked without gaps
                for r in rects:
                    assert r.x == pool.x + POOL_STRIP and r.x + r.width == pool.x + pool.width

    def test_no_overlap_within_a_container(self, source: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(source, laid_out)[1])
        for container in checked.containers():
            shapes = [
                (e.id, checked.bounds(e.id))
                for e in (*container.flow_elements, *container.artifacts)
                if e.id in checked.shapes and not isinstance(e, BoundaryEvent)
            ]
            for (a_id, a), (b_id, b) in combinations(shapes, 2):
                assert not overlap(a, b), (a_id, b_id)

    def test_flows_run_from_border_to_border(self, source: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(source, laid_out)[1])
        for ident, edge in checked.edges.items():
            flow = checked.index.by_id[ident]
            if not isinstance(flow, SequenceFlow):
                continue
            points = [(p.x, p.y) for p in edge.waypoints]
            for (ax, ay), (bx, by) in pairwise(points):
                assert ax == bx or ay == by, ident  # orthogonal
            source = checked.bounds(local_ref(flow.source_ref or ""))
            target = checked.bounds(local_ref(flow.target_ref or ""))
            assert _on_border(*points[0], source), ident
            assert _on_border(*points[-1], target), ident


def test_shapes_labels_and_plane() -> None:
    out = layout_model(read_model(EDGE_CASES.encode()))
    checked = _Checked(out)
    diagram = out.diagrams[0]
    assert diagram.id == "BPMNDiagram_collab" and diagram.plane.bpmn_element == "collab"
    assert checked.shapes["task_a"].id == "task_a_di"
    sizes = {i: (checked.bounds(i).width, checked.bounds(i).height) for i in checked.shapes}
    assert sizes["task_a"] == (100, 80)
    assert sizes["data_1"] == (36, 50) and sizes["store_1"] == (50, 50)
    assert sizes["note_1"][0] == 100
    # labels under events and gateways; the name of a conditional flow near its source
    for ident in ("start", "split"):
        shape = checked.bounds(ident)
        label = checked.shapes[ident].label.bounds
        assert label.y >= shape.y + shape.height
    big = checked.edges["f_big"]
    first = big.waypoints[0]
    assert big.label is not None and abs(big.label.bounds.x - first.x) < 120
    # left to right along the flows
    assert checked.bounds("start").x < checked.bounds("task_a").x < checked.bounds("split").x
    # the sub-process is expanded around its content, its event sub-process included
    assert checked.shapes["sub"].is_expanded is True
    assert inside(checked.bounds("sub"), checked.bounds("esp"), tolerance=0.5)
    # the empty one is collapsed, the size of a task
    assert checked.shapes["empty_sub"].is_expanded is False
    assert sizes["empty_sub"] == (100, 80)
    # lanes have a name strip of their own, in the pool's
    lane = checked.bounds("lane_1")
    assert lane.x == checked.bounds("pool_1").x + POOL_STRIP
    assert checked.bounds("task_a").x >= lane.x + LANE_STRIP
    # a black-box pool and the message flows to it
    assert "pool_2" in checked.shapes and "mf_1" in checked.edges
    # the process without a pool is drawn too, under the pools
    assert checked.bounds("other_task").y > checked.bounds("pool_2").y


def test_existing_di_is_replaced() -> None:
    model = read_model(EDGE_CASES.encode())
    once = layout_model(model)
    again = layout_model(once)
    assert write_model(again) == write_model(once)


def test_label_fonts_survive_a_new_layout(schema: etree.XMLSchema) -> None:
    source = shared_path("conformance/bpmn-miwg/A.2.1.bpmn")
    model = read_model_file(source)
    old = model.diagrams[0]
    fonts = {
        e.bpmn_element: e.label.label_style
        for e in old.plane.elements
        if e.label is not None and e.label.label_style
    }
    assert len(fonts) > 5 and len(old.label_styles) > 5
    out = layout_model(model).diagrams[0]
    assert [s.id for s in out.label_styles] == [s.id for s in old.label_styles]
    styled = {e.bpmn_element: e.label.label_style for e in out.plane.elements if e.label}
    assert {element: styled.get(element) for element in fonts} == fonts
    moved = next(e for e in out.plane.shapes if e.bpmn_element in fonts)
    before = next(e for e in old.plane.shapes if e.bpmn_element == moved.bpmn_element)
    assert moved.bounds != before.bounds  # laid out anew all the same
    assert schema.validate(etree.fromstring(write_model(layout_model(model))))


def test_process_plane_without_collaboration() -> None:
    model = read_model(
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        b'targetNamespace="urn:x"><process id="p0" isExecutable="false"/>'
        b'<process id="p1" isExecutable="true"><startEvent id="s"/></process></definitions>'
    )
    out = layout_model(model)
    assert out.diagrams[0].plane.bpmn_element == "p1"
    nothing = read_model(
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        b'targetNamespace="urn:x"/>'
    )
    assert layout_model(nothing).diagrams == ()


def test_fmt_layout_command(tmp_path: Path) -> None:
    source = tmp_path / "model.bpmn"
    target = tmp_path / "laid-out.bpmn"
    source.write_text(EDGE_CASES, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "studio", "fmt", "--layout", str(source), "-o", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert read_model_file(target).diagrams
    assert source.read_text(encoding="utf-8") == EDGE_CASES


@pytest.mark.conformance
def test_largest_model_is_quick(capsys: pytest.CaptureFixture[str]) -> None:
    if not MODELS:
        pytest.skip("the shared BPMN models are not available")
    models = {path: read_model_file(path) for path in MODELS}
    largest = max(MODELS, key=lambda p: (_element_count(models[p]), p.name))
    model = models[largest]
    layout_model(model)  # warm up
    start = time.perf_counter()
    layout_model(model)
    elapsed = time.perf_counter() - start
    with capsys.disabled():
        count = _element_count(model)
        print(f"\nlayout of {largest.name} ({count} flow elements): {elapsed:.3f} s")
    assert elapsed < 5


def _element_count(model: BpmnDefinitions) -> int:
    return sum(1 for process in model.processes for _ in process.iter_flow_elements())


EDGE_CASES = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="urn:test">
  <collaboration id="collab">
    <participant id="pool_1" name="Clerk &amp; co" processRef="main"/>
    <participant id="pool_2" name="Customer"/>
    <messageFlow id="mf_1" sourceRef="task_a" targetRef="pool_2"/>
    <messageFlow id="mf_2" sourceRef="pool_2" targetRef="start"/>
  </collaboration>
  <process id="main" isExecutable="true">
    <laneSet id="ls">
      <lane id="lane_1" name="Front">
        <flowNodeRef>start</flowNodeRef><flowNodeRef>task_a</flowNodeRef>
        <flowNodeRef>split</flowNodeRef>
      </lane>
      <lane id="lane_2" name="Back">
        <flowNodeRef>sub</flowNodeRef><flowNodeRef>empty_sub</flowNodeRef>
        <flowNodeRef>join</flowNodeRef><flowNodeRef>end</flowNodeRef>
        <flowNodeRef>timer</flowNodeRef><flowNodeRef>late</flowNodeRef>
      </lane>
    </laneSet>
    <startEvent id="start" name="Order received"/>
    <task id="task_a" name="Check">
      <dataOutputAssociation id="out_1"><targetRef>data_1</targetRef></dataOutputAssociation>
    </task>
    <exclusiveGateway id="split" name="Big order?" default="f_small"/>
    <subProcess id="sub" name="Handle">
      <startEvent id="sub_start"/>
      <userTask id="sub_task" name="Work"/>
      <endEvent id="sub_end"/>
      <sequenceFlow id="sf1" sourceRef="sub_start" targetRef="sub_task"/>
      <sequenceFlow id="sf2" sourceRef="sub_task" targetRef="sub_end"/>
      <subProcess id="esp" triggeredByEvent="true" name="On cancel">
        <startEvent id="esp_start" isInterrupting="false"><messageEventDefinition/></startEvent>
        <endEvent id="esp_end"/>
        <sequenceFlow id="ef1" sourceRef="esp_start" targetRef="esp_end"/>
      </subProcess>
    </subProcess>
    <subProcess id="empty_sub" name="Nothing yet"/>
    <boundaryEvent id="timer" name="Two days" attachedToRef="sub" cancelActivity="false">
      <timerEventDefinition><timeDuration>P2D</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <boundaryEvent id="err" attachedToRef="sub"><errorEventDefinition/></boundaryEvent>
    <userTask id="late" name="Chase"/>
    <parallelGateway id="join"/>
    <endEvent id="end" name="Done"/>
    <dataObjectReference id="data_1" name="Order" dataObjectRef="do_1"/>
    <dataObject id="do_1"/>
    <dataStoreReference id="store_1" name="Archive"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="task_a"/>
    <sequenceFlow id="f2" sourceRef="task_a" targetRef="split"/>
    <sequenceFlow id="f_big" name="yes" sourceRef="split" targetRef="sub">
      <conditionExpression xsi:type="tFormalExpression">total &gt; 1000</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="f_small" sourceRef="split" targetRef="empty_sub"/>
    <sequenceFlow id="f3" sourceRef="sub" targetRef="join"/>
    <sequenceFlow id="f4" sourceRef="empty_sub" targetRef="join"/>
    <sequenceFlow id="f5" sourceRef="join" targetRef="end"/>
    <sequenceFlow id="f6" sourceRef="timer" targetRef="late"/>
    <sequenceFlow id="f7" sourceRef="late" targetRef="join"/>
    <sequenceFlow id="f8" sourceRef="err" targetRef="end"/>
    <sequenceFlow id="f_back" sourceRef="late" targetRef="task_a"/>
    <textAnnotation id="note_1"><text>Checked by hand</text></textAnnotation>
    <association id="as_1" sourceRef="task_a" targetRef="note_1"/>
  </process>
  <process id="other">
    <task id="other_task" name="Alone"/>
  </process>
  <bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="Old">
    <bpmndi:BPMNPlane id="Old_plane" bpmnElement="main"/>
  </bpmndi:BPMNDiagram>
</definitions>
"""
