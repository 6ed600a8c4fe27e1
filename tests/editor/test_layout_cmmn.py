"""Graphviz layout of CMMN models: DI for every element, inside its stage, on its border."""

from __future__ import annotations

import dataclasses
import shutil
import time
from itertools import combinations
from pathlib import Path

import pytest
from lxml import etree

from studio.editor.layout import (
    GraphvizLayoutEngine,
    GraphvizRunner,
    LayoutEngine,
    LayoutError,
    layout_model,
)
from studio.notation import read_model, read_model_file, write_model
from studio.notation.cmmn import CmmnIndex
from studio.notation.cmmn_di import CmmnEdge, CmmnShape
from studio.notation.cmmn_model import (
    CaseFileItemOnPart,
    CmmnDefinitions,
    Criterion,
    EntryCriterion,
    PlanItemOnPart,
    Sentry,
    Stage,
)
from studio.notation.dc import Bounds
from tests.editor.bounds_checks import overlap

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CONFORMANCE = SHARED / "conformance" / "cmmn"
ACCEPTANCE = SHARED / "acceptance" / "cmmn"
XSD = SHARED / "conformance" / "xsd" / "cmmn11" / "CMMN11.xsd"


def _models() -> list[Path]:
    found = [
        *sorted((CONFORMANCE / "flowable").glob("*.cmmn*")),
        *sorted((CONFORMANCE / "cmmn-js").glob("*.cmmn*")),
        *sorted(ACCEPTANCE.glob("*.cmmn")),
    ]
    return found or [Path("missing")]


MODELS = _models()

needs_shared = pytest.mark.skipif(
    not CONFORMANCE.is_dir() or not ACCEPTANCE.is_dir(),
    reason=f"the shared conformance and acceptance models are not at {SHARED}",
)
SOURCES = [
    *(pytest.param(p, marks=[pytest.mark.conformance, needs_shared], id=p.name) for p in MODELS),
    pytest.param("edge-cases", id="edge-cases"),
]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is missing")


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    if not XSD.is_file():
        pytest.skip(f"the CMMN 1.1 schema is not at {XSD}")
    return etree.XMLSchema(etree.parse(str(XSD)))


def _bounds(shape: CmmnShape) -> Bounds:
    assert shape.bounds is not None, shape.id
    return shape.bounds


class _Checked:
    """A laid-out model with the lookups the checks need."""

    def __init__(self, model: CmmnDefinitions) -> None:
        self.model = model
        self.index = CmmnIndex(model)
        assert model.cmmndi is not None
        self.shapes: dict[str, CmmnShape] = {}
        self.edges: list[CmmnEdge] = []
        for diagram in model.cmmndi.diagrams:
            for shape in diagram.shapes:
                assert shape.cmmn_element_ref not in self.shapes, shape.cmmn_element_ref
                self.shapes[shape.cmmn_element_ref or ""] = shape
            self.edges.extend(diagram.edges)
        # the shape of each stage definition: the plan item using it, or the case plan model
        self.stage_shape: dict[str, str] = {}
        for case in model.cases:
            if case.case_plan_model is not None and case.case_plan_model.id:
                self.stage_shape[case.case_plan_model.id] = case.case_plan_model.id
        for item_id, info in self.index.plan_items.items():
            if isinstance(info.definition, Stage) and info.definition.id:
                self.stage_shape.setdefault(info.definition.id, item_id)

    def criteria(self) -> list[tuple[Criterion, str]]:
        """Every criterion with an id, with the id of the shape it sits on."""
        found: list[tuple[Criterion, str]] = []
        for item_id, info in self.index.plan_items.items():
            found.extend(
                (c, item_id) for c in (*info.item.entry_criteria, *info.item.exit_criteria)
            )
        for definition_id, shape_id in self.stage_shape.items():
            stage = self.index.by_id[definition_id]
            found.extend((c, shape_id) for c in stage.exit_criteria)
        return [(c, owner) for c, owner in found if c.id]


@pytest.fixture(scope="module")
def laid_out() -> dict[Path, tuple[CmmnDefinitions, CmmnDefinitions]]:
    return {}


def _layout(path: Path | str, cache: dict) -> tuple[CmmnDefinitions, CmmnDefinitions]:
    if path not in cache:
        model = read_model(EDGE_CASES.encode()) if path == "edge-cases" else read_model_file(path)
        cache[path] = (model, layout_model(model))
    return cache[path]


@needs_dot
@pytest.mark.parametrize("path", SOURCES)
class TestModels:
    """Every conformance and acceptance model, and a model full of awkward cases."""

    def test_schema_valid(self, path: Path, laid_out: dict, schema: etree.XMLSchema) -> None:
        _, out = _layout(path, laid_out)
        document = etree.fromstring(write_model(out))
        assert schema.validate(document), schema.error_log.last_error

    def test_semantics_untouched(self, path: Path, laid_out: dict) -> None:
        model, out = _layout(path, laid_out)
        assert dataclasses.replace(out, cmmndi=None) == dataclasses.replace(model, cmmndi=None)

    def test_deterministic(self, path: Path, laid_out: dict) -> None:
        model, out = _layout(path, laid_out)
        assert write_model(layout_model(model)) == write_model(out)

    def test_one_diagram_per_case(self, path: Path, laid_out: dict) -> None:
        model, out = _layout(path, laid_out)
        cases = [c for c in model.cases if c.case_plan_model is not None]
        assert [d.id for d in out.cmmndi.diagrams] == [f"CMMNDiagram_{c.id}" for c in cases]
        for diagram in out.cmmndi.diagrams:
            for element in diagram.elements:
                # a connector to a discretionary item draws no element: named after its ends
                named = element.cmmn_element_ref or element.source_cmmn_element_ref
                assert element.id.startswith(f"{named}_")

    def test_every_element_has_di(self, path: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(path, laid_out)[1])
        missing = [i for i in checked.index.plan_items if i not in checked.shapes]
        missing += [c.id for c, _ in checked.criteria() if c.id not in checked.shapes]
        missing += [i for i in checked.index.case_file_items if i not in checked.shapes]
        assert not missing
        drawn = {(e.cmmn_element_ref, e.target_cmmn_element_ref) for e in checked.edges}
        for criterion, _ in checked.criteria():
            sentry = checked.index.by_id.get(criterion.sentry_ref or "")
            if not isinstance(sentry, Sentry):
                continue
            for on_part in sentry.on_parts:
                resolvable = isinstance(on_part, PlanItemOnPart | CaseFileItemOnPart) and (
                    on_part.source_ref in checked.shapes
                    or on_part.source_ref in checked.index.case_file_items
                )
                if on_part.id and resolvable:
                    assert (on_part.id, criterion.id) in drawn, on_part.id
        for edge in checked.edges:
            assert len(edge.waypoints) >= 2
            assert edge.target_cmmn_element_ref in checked.shapes
            assert edge.source_cmmn_element_ref in checked.shapes

    def test_children_inside_their_stage(self, path: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(path, laid_out)[1])
        for item_id, info in checked.index.plan_items.items():
            stage = checked.stage_shape.get(info.stage.id or "")
            if stage is None or item_id not in checked.shapes:
                continue
            outer, inner = _bounds(checked.shapes[stage]), _bounds(checked.shapes[item_id])
            assert outer.contains(inner), f"{item_id} is not inside {stage}"

    def test_no_overlap_within_a_stage(self, path: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(path, laid_out)[1])
        by_stage: dict[str, list[Bounds]] = {}
        for item_id, info in checked.index.plan_items.items():
            by_stage.setdefault(info.stage.id or "", []).append(_bounds(checked.shapes[item_id]))
        for shapes in by_stage.values():
            for a, b in combinations(shapes, 2):
                nested = a.contains(b) or b.contains(a)  # a plan fragment and its items
                assert nested or not overlap(a, b), (a, b)

    def test_criteria_on_their_border(self, path: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(path, laid_out)[1])
        for criterion, owner in checked.criteria():
            item = _bounds(checked.shapes[owner])
            cx, cy = _bounds(checked.shapes[criterion.id]).center
            side = item.x if isinstance(criterion, EntryCriterion) else item.x + item.width
            assert abs(cx - side) <= 1, criterion.id
            assert item.y - 1 <= cy <= item.y + item.height + 1, criterion.id

    def test_edges_end_on_the_criterion(self, path: Path, laid_out: dict) -> None:
        checked = _Checked(_layout(path, laid_out)[1])
        for edge in checked.edges:
            diamond = _bounds(checked.shapes[edge.target_cmmn_element_ref])
            end = edge.waypoints[-1]
            inside_x = diamond.x - 1 <= end.x <= diamond.x + diamond.width + 1
            assert inside_x and diamond.y - 1 <= end.y <= diamond.y + diamond.height + 1


@needs_dot
def test_awkward_connectors(laid_out: dict) -> None:
    diagram = _layout("edge-cases", laid_out)[1].cmmndi.diagrams[0]
    shapes = {s.cmmn_element_ref: s.bounds for s in diagram.shapes}
    edges = {e.id: e for e in diagram.edges}
    assert "op_missing_di" not in edges  # its source does not exist
    # from the exit criterion the on-part names, not from the item
    via = edges["op_b_di"]
    assert via.source_cmmn_element_ref == "xc_a"
    exit_a = shapes["xc_a"]
    assert via.waypoints[0].x == exit_a.x + exit_a.width
    # an item listening to itself: a loop over its top
    loop = edges["op_loop_di"]
    assert len(loop.waypoints) >= 4
    assert min(p.y for p in loop.waypoints) < shapes["pi_loop"].y
    # an item inside a stage ends the stage: reaches the diamond from inside
    inside = edges["op_xst_di"]
    assert inside.waypoints[-1].x == shapes["xc_st"].x
    # criteria down a side are ordered like their sources: no crossing at Close
    first, second = edges["op_after_di"], edges["op_after2_di"]
    ends = sorted([(e.waypoints[-1].y, e.waypoints[0].y) for e in (first, second)])
    assert ends[0][1] <= ends[1][1]
    # discretionary items of a human task's (nested) planning tables get shapes
    assert {"di_h1", "di_h2"} <= shapes.keys()


@needs_dot
def test_existing_di_is_replaced_and_elements_sized() -> None:
    model = read_model(_MODEL.encode())
    out = GraphvizLayoutEngine().layout(model)
    diagram = out.cmmndi.diagrams[0]
    assert [d.id for d in out.cmmndi.diagrams] == ["CMMNDiagram_Case_1"]
    sizes = {s.cmmn_element_ref: (s.bounds.width, s.bounds.height) for s in diagram.shapes}
    assert sizes["PI_task"] == (100, 80)
    assert sizes["PI_milestone"] == (100, 40)
    assert sizes["PI_timer"] == (36, 36)
    assert sizes["EC_1"] == (20, 28)
    assert sizes["CFI_1"] == (36, 50)
    timer = next(s for s in diagram.shapes if s.cmmn_element_ref == "PI_timer")
    assert timer.label is not None  # the name goes under the circle
    assert timer.label.bounds.y >= timer.bounds.y + timer.bounds.height
    edge = diagram.edges[0]
    assert (edge.id, edge.cmmn_element_ref) == ("OP_1_di", "OP_1")
    assert (edge.source_cmmn_element_ref, edge.target_cmmn_element_ref) == ("PI_timer", "EC_1")
    task = next(s for s in diagram.shapes if s.cmmn_element_ref == "PI_task")
    start = edge.waypoints[0]
    # the timer comes before the task it starts, left to right
    assert start.x < task.bounds.x


@needs_dot
def test_the_modelers_styles_survive_a_new_layout(schema: etree.XMLSchema) -> None:
    styled = (
        _MODEL.replace(
            '<cmmndi:CMMNDiagram id="Old">',
            '<cmmndi:CMMNDiagram id="Old" sharedStyle="font">',
        )
        .replace(
            '<cmmndi:CMMNShape id="Old_1" cmmnElementRef="PI_task">',
            '<cmmndi:CMMNShape id="Old_1" cmmnElementRef="PI_task" sharedStyle="red">',
        )
        .replace(
            "</cmmndi:CMMNDiagram>",
            '</cmmndi:CMMNDiagram><cmmndi:CMMNStyle id="font" fontFamily="Arial"/>'
            '<cmmndi:CMMNStyle id="red" fontBold="true"/>',
        )
    )
    out = GraphvizLayoutEngine().layout(read_model(styled.encode()))
    diagram = out.cmmndi.diagrams[0]
    assert [s.id for s in out.cmmndi.styles] == ["font", "red"]
    assert diagram.shared_style == "font"
    task = next(s for s in diagram.shapes if s.cmmn_element_ref == "PI_task")
    assert task.shared_style == "red"
    assert task.bounds != Bounds(x=1, y=2, width=3, height=4)  # laid out anew all the same
    others = [s for s in diagram.shapes if s.cmmn_element_ref != "PI_task"]
    assert others and all(s.shared_style is None for s in others)
    assert schema.validate(etree.fromstring(write_model(out))), schema.error_log.last_error


@needs_dot
def test_engine_is_a_layout_engine_and_refuses_other_notations() -> None:
    engine = GraphvizLayoutEngine()
    assert isinstance(engine, LayoutEngine)
    with pytest.raises(LayoutError, match="no automatic layout"):
        engine.layout(object())


def test_missing_dot_says_what_to_install() -> None:
    runner = GraphvizRunner(executable="no-such-graphviz-dot")
    with pytest.raises(LayoutError, match="install Graphviz"):
        GraphvizLayoutEngine(runner).layout(read_model(_MODEL.encode()))


def test_slow_dot_times_out(tmp_path: Path) -> None:
    slow = tmp_path / "slow-dot"
    slow.write_text("#!/bin/sh\nsleep 5\n")
    slow.chmod(0o755)
    runner = GraphvizRunner(executable=str(slow), timeout=0.2)
    with pytest.raises(LayoutError, match=r"did not finish within 0\.2 s"):
        GraphvizLayoutEngine(runner).layout(read_model(_MODEL.encode()))


@needs_dot
def test_model_without_case_plan_has_no_di() -> None:
    model = read_model(
        b'<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="d" '
        b'targetNamespace="urn:x"><case id="c"/></definitions>'
    )
    assert layout_model(model).cmmndi is None


@pytest.mark.conformance
@needs_shared
@needs_dot
def test_largest_model_is_quick(capsys: pytest.CaptureFixture[str]) -> None:
    largest = max(MODELS, key=lambda p: p.stat().st_size)
    model = read_model_file(largest)
    layout_model(model)  # warm up
    start = time.perf_counter()
    layout_model(model)
    elapsed = time.perf_counter() - start
    with capsys.disabled():
        print(f"\nlayout of {largest.name} ({largest.stat().st_size:,} bytes): {elapsed:.3f} s")
    assert elapsed < 5


_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"
    xmlns:cmmndi="http://www.omg.org/spec/CMMN/20151109/CMMNDI"
    xmlns:dc="http://www.omg.org/spec/CMMN/20151109/DC" id="defs" targetNamespace="urn:test">
  <case id="Case_1" name="Test">
    <caseFileModel><caseFileItem id="CFI_1" name="file"/></caseFileModel>
    <casePlanModel id="Plan_1" name="Plan">
      <planItem id="PI_timer" name="Two days" definitionRef="Timer_1"/>
      <planItem id="PI_task" name="Work" definitionRef="Task_1">
        <entryCriterion id="EC_1" sentryRef="S_1"/>
      </planItem>
      <planItem id="PI_milestone" name="Done" definitionRef="M_1"/>
      <sentry id="S_1">
        <planItemOnPart id="OP_1" sourceRef="PI_timer"><standardEvent>occur</standardEvent>
        </planItemOnPart>
      </sentry>
      <timerEventListener id="Timer_1" name="Two days">
        <timerExpression>P2D</timerExpression>
      </timerEventListener>
      <humanTask id="Task_1" name="Work"/>
      <milestone id="M_1" name="Done"/>
    </casePlanModel>
  </case>
  <cmmndi:CMMNDI>
    <cmmndi:CMMNDiagram id="Old">
      <cmmndi:CMMNShape id="Old_1" cmmnElementRef="PI_task">
        <dc:Bounds x="1" y="2" width="3" height="4"/>
      </cmmndi:CMMNShape>
    </cmmndi:CMMNDiagram>
  </cmmndi:CMMNDI>
</definitions>
"""

EDGE_CASES = """<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="defs"
    targetNamespace="urn:x">
  <case id="Edge" name="Edge cases">
    <caseFileModel><caseFileItem id="cfi_doc" name="document"/>
      <caseFileItem id="cfi_other" name="other data"/></caseFileModel>
    <casePlanModel id="plan" name="Edge cases plan">
      <planItem id="pi_a" name="Review the application thoroughly and completely"
          definitionRef="ht_a">
        <exitCriterion id="xc_a" sentryRef="s_xa"/>
      </planItem>
      <planItem id="pi_b" name="After A exits" definitionRef="ht_b">
        <entryCriterion id="ec_b" sentryRef="s_b"/>
      </planItem>
      <planItem id="pi_loop" name="Repeat me" definitionRef="ht_loop">
        <entryCriterion id="ec_loop" sentryRef="s_loop"/>
      </planItem>
      <planItem id="pi_stage" name="Processing" definitionRef="st">
        <entryCriterion id="ec_st" sentryRef="s_st"/>
        <exitCriterion id="xc_st" sentryRef="s_xst"/>
      </planItem>
      <planItem id="pi_ul" name="Cancel" definitionRef="ul"/>
      <planItem id="pi_after" name="Close" definitionRef="ht_close">
        <entryCriterion id="ec_after" sentryRef="s_after"/>
        <entryCriterion id="ec_after2" sentryRef="s_after2"/>
      </planItem>
      <sentry id="s_xa"><planItemOnPart id="op_xa" sourceRef="pi_ul">
        <standardEvent>occur</standardEvent></planItemOnPart></sentry>
      <sentry id="s_b"><planItemOnPart id="op_b" sourceRef="pi_a" exitCriterionRef="xc_a">
        <standardEvent>exit</standardEvent></planItemOnPart></sentry>
      <sentry id="s_loop"><planItemOnPart id="op_loop" sourceRef="pi_loop">
        <standardEvent>complete</standardEvent></planItemOnPart></sentry>
      <sentry id="s_st"><caseFileItemOnPart id="op_st" sourceRef="cfi_doc">
        <standardEvent>create</standardEvent></caseFileItemOnPart>
        <planItemOnPart id="op_missing" sourceRef="nothing_here">
          <standardEvent>complete</standardEvent></planItemOnPart></sentry>
      <sentry id="s_xst"><planItemOnPart id="op_xst" sourceRef="pi_in2">
        <standardEvent>complete</standardEvent></planItemOnPart></sentry>
      <sentry id="s_after"><planItemOnPart id="op_after" sourceRef="pi_stage">
        <standardEvent>complete</standardEvent></planItemOnPart></sentry>
      <sentry id="s_after2"><planItemOnPart id="op_after2" sourceRef="pi_b">
        <standardEvent>complete</standardEvent></planItemOnPart></sentry>
      <humanTask id="ht_a" name="A"/>
      <humanTask id="ht_b" name="B"/>
      <humanTask id="ht_loop" name="Loop"/>
      <humanTask id="ht_close" name="Close"/>
      <userEventListener id="ul" name="Cancel"/>
      <stage id="st" name="Processing ünïcödé">
        <planItem id="pi_in1" name="Step one" definitionRef="ht_in1"/>
        <planItem id="pi_in2" name="Step two" definitionRef="ht_in2">
          <entryCriterion id="ec_in2" sentryRef="s_in2"/>
        </planItem>
        <planItem id="pi_in3" name="Step three" definitionRef="ht_in3">
          <entryCriterion id="ec_in3" sentryRef="s_in3"/>
        </planItem>
        <sentry id="s_in2"><planItemOnPart id="op_in2" sourceRef="pi_in1">
          <standardEvent>complete</standardEvent></planItemOnPart></sentry>
        <sentry id="s_in3"><planItemOnPart id="op_in3" sourceRef="pi_in2">
          <standardEvent>complete</standardEvent></planItemOnPart></sentry>
        <humanTask id="ht_in1" name="Step one">
          <planningTable id="pt_h">
            <discretionaryItem id="di_h1" name="Extra check" definitionRef="ht_x"/>
            <planningTable id="pt_h2">
              <discretionaryItem id="di_h2" name="Nested extra" definitionRef="ht_x2"/>
              </planningTable>
          </planningTable>
        </humanTask>
        <humanTask id="ht_in2" name="Step two"/>
        <humanTask id="ht_in3" name="Step three"/>
        <humanTask id="ht_x" name="Extra"/>
        <humanTask id="ht_x2" name="Extra 2"/>
      </stage>
    </casePlanModel>
  </case>
</definitions>
"""
