"""SVG previews of artifacts: text annotations show their text beside a bracket, BPMN groups a
dashed frame with their category value, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from studio.editor.preview import render_svg
from studio.editor.preview_artifacts import GROUP_DASHES
from studio.notation import read_model, read_model_file
from tests.conftest import shared_files

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<b onload="x()">Ask & "check"</b>'
NOTE = "Within two days of the claim, unless the customer asks for more time"

_CMMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"
    xmlns:cmmndi="http://www.omg.org/spec/CMMN/20151109/CMMNDI"
    xmlns:dc="http://www.omg.org/spec/CMMN/20151109/DC"
    xmlns:di="http://www.omg.org/spec/CMMN/20151109/DI" id="d" targetNamespace="t">
  <case id="c"><casePlanModel id="plan" name="Plan">
    <planItem id="pi" definitionRef="ht"/>
    <humanTask id="ht" name="Check"/>
  </casePlanModel></case>
  <textAnnotation id="note"><text>{note}</text></textAnnotation>
  <textAnnotation id="hostile"><text>{hostile}</text></textAnnotation>
  <association id="a" sourceRef="pi" targetRef="note"/>
  <cmmndi:CMMNDI><cmmndi:CMMNDiagram id="D">
    <cmmndi:Size width="300" height="200"/>
    <cmmndi:CMMNShape id="plan_di" cmmnElementRef="plan">
      <dc:Bounds x="20" y="40" width="260" height="150"/></cmmndi:CMMNShape>
    <cmmndi:CMMNShape id="pi_di" cmmnElementRef="pi">
      <dc:Bounds x="40" y="70" width="100" height="80"/></cmmndi:CMMNShape>
    <cmmndi:CMMNShape id="note_di" cmmnElementRef="note">
      <dc:Bounds x="320" y="60" width="120" height="90"/></cmmndi:CMMNShape>
    <cmmndi:CMMNShape id="hostile_di" cmmnElementRef="hostile">
      <dc:Bounds x="320" y="200" width="160" height="40"/></cmmndi:CMMNShape>
    <cmmndi:CMMNEdge id="a_di" cmmnElementRef="a">
      <di:waypoint x="140" y="110"/><di:waypoint x="320" y="105"/></cmmndi:CMMNEdge>
  </cmmndi:CMMNDiagram></cmmndi:CMMNDI>
</definitions>
"""

_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d" targetNamespace="t">
  <category id="cat"><categoryValue id="value" value="{hostile}"/></category>
  <category id="cat2"><categoryValue id="value2" value="Payments"/></category>
  <process id="p">
    <task id="t" name="Check"/>
    <subProcess id="sub" name="Inside"><task id="inner" name="Inner"/></subProcess>
    <textAnnotation id="note"><text>{note}</text></textAnnotation>
    <association id="a" sourceRef="t" targetRef="note"/>
    <group id="g" categoryValueRef="value"/>
    <group id="g2" categoryValueRef="value2"/>
  </process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="p">
    <bpmndi:BPMNShape id="t_di" bpmnElement="t">
      <dc:Bounds x="60" y="60" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="sub_di" bpmnElement="sub" isExpanded="true">
      <dc:Bounds x="300" y="40" width="300" height="200"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="inner_di" bpmnElement="inner">
      <dc:Bounds x="350" y="90" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="note_di" bpmnElement="note">
      <dc:Bounds x="60" y="200" width="120" height="100"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="a_di" bpmnElement="a">
      <di:waypoint x="110" y="140"/><di:waypoint x="110" y="200"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNShape id="g_di" bpmnElement="g">
      <dc:Bounds x="40" y="30" width="160" height="130"/>
      <bpmndi:BPMNLabel><dc:Bounds x="60" y="10" width="120" height="14"/></bpmndi:BPMNLabel>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="g2_di" bpmnElement="g2">
      <dc:Bounds x="330" y="70" width="140" height="120"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>
"""


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _render(template: str) -> tuple[str, ET.Element]:
    text = template.replace("{note}", NOTE).replace("{hostile}", _escaped(HOSTILE))
    svg = render_svg(read_model(text.encode()))
    return svg, ET.fromstring(svg)


def _texts(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}text"))


def _text_at(root: ET.Element, x: float, y: float, w: float, h: float) -> str:
    """The text (lines joined by spaces) of the text elements starting inside a box."""
    found = [
        " ".join(span.text or "" for span in t)
        for t in _texts(root)
        if x <= float(t.get("x", "-1")) <= x + w and y <= float(t.get("y", "-1")) <= y + h
    ]
    return " ".join(found)


def _bracket_at(root: ET.Element, x: float, y: float, bottom: float) -> bool:
    """A `[` polyline along the left side x from y to bottom."""
    wanted = f"{x + 10:g},{y:g} {x:g},{y:g} {x:g},{bottom:g} {x + 10:g},{bottom:g}"
    return any(p.get("points") == wanted for p in root.iter(f"{SVG}polyline"))


def _no_placeholder_boxes(root: ET.Element) -> bool:
    return not [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#f4f4f4"]


def test_cmmn_annotation_is_a_bracket_with_its_wrapped_text() -> None:
    _, root = _render(_CMMN)
    assert _bracket_at(root, 320, 60, 150)
    note = next(t for t in _texts(root) if "Within" in "".join(t.itertext()))
    lines = [span.text for span in note]
    assert len(lines) > 2, "a long annotation wraps inside its 120 px box"
    assert " ".join(lines) == NOTE
    assert _no_placeholder_boxes(root)


def test_cmmn_annotation_text_is_escaped() -> None:
    svg, root = _render(_CMMN)
    assert "<b" not in svg and "&lt;b onload" in svg
    assert HOSTILE in _text_at(root, 320, 200, 160, 40)
    for element in root.iter():
        assert "onload" not in element.attrib


def test_cmmn_picture_grows_to_hold_shapes_beyond_its_size() -> None:
    _, root = _render(_CMMN)  # Size says 300 x 200; the annotations reach x 480, y 240
    assert float(root.get("width", "0")) >= 480
    assert float(root.get("height", "0")) >= 240


def test_bpmn_group_is_a_dashed_rounded_frame_with_its_category_value() -> None:
    svg, root = _render(_BPMN)
    frames = [r for r in root.iter(f"{SVG}rect") if r.get("stroke-dasharray") == GROUP_DASHES]
    boxes = {(r.get("x"), r.get("y"), r.get("width"), r.get("height")) for r in frames}
    assert boxes == {("40", "30", "160", "130"), ("330", "70", "140", "120")}
    assert all(r.get("fill") == "none" and r.get("rx") for r in frames)
    assert HOSTILE in _text_at(root, 40, 10, 160, 20)  # in its DI label's bounds
    assert _text_at(root, 330, 70, 140, 30) == "Payments"  # no label bounds: inside the top
    assert "<b" not in svg
    assert _no_placeholder_boxes(root)


def test_bpmn_group_inside_an_expanded_sub_process_is_not_hidden_by_it() -> None:
    _, root = _render(_BPMN)
    drawn = [(r.get("x"), r.get("stroke-dasharray")) for r in root.iter(f"{SVG}rect") if r.get("x")]
    assert drawn.index(("330", GROUP_DASHES)) > drawn.index(("300", None))


def test_bpmn_annotation_is_a_bracket_with_its_wrapped_text() -> None:
    _, root = _render(_BPMN)
    assert _bracket_at(root, 60, 200, 300)
    assert _text_at(root, 60, 200, 120, 100) == NOTE


CMMN_LABELS = shared_files("conformance/cmmn", "cmmn-js/labels.cmmn")
MIWG_GROUPS = shared_files("conformance/bpmn-miwg", "B.1.0.bpmn", "B.2.0.bpmn")


@pytest.mark.conformance
@pytest.mark.parametrize("path", CMMN_LABELS, ids=lambda p: p.name)
def test_cmmn_js_annotation_shows_its_text(path) -> None:
    root = ET.fromstring(render_svg(read_model_file(path)))
    assert _bracket_at(root, 231, 482, 562)
    assert _text_at(root, 231, 482, 100, 80) == "FOO"
    assert float(root.get("height", "0")) >= 587  # the diagram's Size (500) falls short
    assert _no_placeholder_boxes(root)


@pytest.mark.conformance
@pytest.mark.parametrize("path", MIWG_GROUPS, ids=lambda p: p.name)
def test_miwg_group_and_annotation_show_their_text(path) -> None:
    model = read_model_file(path)
    root = ET.fromstring(render_svg(model))
    frames = [r for r in root.iter(f"{SVG}rect") if r.get("stroke-dasharray") == GROUP_DASHES]
    assert len(frames) == 1
    texts = {" ".join(span.text or "" for span in t) for t in _texts(root)}
    assert "Group" in texts
    if path.name == "B.1.0.bpmn":
        assert "Text Annotation" in texts
    assert _no_placeholder_boxes(root)
