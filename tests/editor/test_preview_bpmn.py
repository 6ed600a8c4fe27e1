"""SVG previews of BPMN diagrams: well-formed, every model text escaped, BPMN notation drawn."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from studio.editor.layout import layout_model
from studio.editor.preview import PreviewError, render_svg
from studio.notation import read_model, read_model_file
from tests.conftest import shared_files

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"
MODELS = [
    *shared_files("conformance/bpmn-miwg", "*.bpmn"),
    *shared_files("acceptance", "bpmn/*.bpmn", "mixed/*.bpmn"),
]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is missing")

_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
    targetNamespace="urn:test">
  <collaboration id="c">
    <participant id="pool" name="Pool &lt;b&gt;" processRef="p"/>
    <participant id="other" name="Other &amp; co"/>
    <messageFlow id="mf" sourceRef="t_send" targetRef="other"/>
  </collaboration>
  <process id="p" isExecutable="true">
    <laneSet id="ls"><lane id="lane" name="Lane &quot;x&quot;">
      <flowNodeRef>start</flowNodeRef><flowNodeRef>t_user</flowNodeRef>
      <flowNodeRef>gw</flowNodeRef><flowNodeRef>t_send</flowNodeRef>
      <flowNodeRef>end</flowNodeRef>
    </lane></laneSet>
    <startEvent id="start" name="{name}"><timerEventDefinition/></startEvent>
    <userTask id="t_user" name="{name}"/>
    <exclusiveGateway id="gw" name="Ok?" default="f_no"/>
    <sendTask id="t_send" name="Send"/>
    <callActivity id="call" name="Call"/>
    <boundaryEvent id="b" attachedToRef="t_user" cancelActivity="false">
      <messageEventDefinition/></boundaryEvent>
    <endEvent id="end"><terminateEventDefinition/></endEvent>
    <dataObjectReference id="d" name="Data &lt;x&gt;" dataObjectRef="do"/>
    <dataObject id="do"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="t_user"/>
    <sequenceFlow id="f2" sourceRef="t_user" targetRef="gw"/>
    <sequenceFlow id="f_yes" name="yes &lt;3" sourceRef="gw" targetRef="t_send"/>
    <sequenceFlow id="f_no" sourceRef="gw" targetRef="call"/>
    <sequenceFlow id="f3" sourceRef="t_send" targetRef="end"/>
    <sequenceFlow id="f4" sourceRef="call" targetRef="end"/>
    <sequenceFlow id="f5" sourceRef="b" targetRef="end"/>
    <textAnnotation id="note"><text>{name}</text></textAnnotation>
    <association id="as" sourceRef="t_user" targetRef="note"/>
  </process>
</definitions>
"""


def _model(name: str = HOSTILE):
    text = _MODEL.replace("{name}", name.replace("&", "&amp;").replace("<", "&lt;"))
    return read_model(text.encode())


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@needs_dot
def test_hostile_names_are_escaped() -> None:
    svg = render_svg(layout_model(_model()))
    assert "<script>" not in svg
    root = ET.fromstring(svg)  # well-formed
    texts = _texts(root)
    assert any("<script>" in text for text in texts)  # shown as text, not markup
    assert "yes <3" in texts
    assert root.find(f"{SVG}title") is not None


@needs_dot
def test_notation_is_drawn() -> None:
    svg = render_svg(layout_model(_model("Approve")))
    root = ET.fromstring(svg)
    dashed = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-dasharray") == "7 5"]
    assert dashed, "message flows are dashed"
    assert any(p.get("marker-end") == "url(#flow-end)" for p in root.iter(f"{SVG}polyline"))
    assert root.findall(f".//{SVG}polygon"), "gateways are diamonds"
    circles = list(root.iter(f"{SVG}circle"))
    assert any(c.get("stroke-width") == "4" for c in circles), "end events are thick"
    assert any(c.get("stroke-dasharray") for c in circles), "non-interrupting is dashed"
    rects = list(root.iter(f"{SVG}rect"))
    assert any(r.get("stroke-width") == "4" for r in rects), "call activities are thick"
    texts = _texts(root)
    assert {"Approve", "Ok?", "Send"} <= set(texts)
    vertical = [t for t in root.iter(f"{SVG}text") if "rotate(-90" in (t.get("transform") or "")]
    assert {"".join(t.itertext()) for t in vertical} >= {"Pool <b>", 'Lane "x"'}


def test_a_model_without_diagram_cannot_be_pictured() -> None:
    with pytest.raises(PreviewError, match="lay the model out first"):
        render_svg(_model())


@needs_dot
def test_diagram_by_id() -> None:
    model = layout_model(_model("x"))
    ident = model.diagrams[0].id
    assert render_svg(model, ident) == render_svg(model, 0)
    with pytest.raises(PreviewError, match="no diagram with id"):
        render_svg(model, "nope")


@pytest.mark.conformance
@pytest.mark.parametrize("path", MODELS, ids=[p.name for p in MODELS])
def test_shared_models_render(path: Path) -> None:
    """The reference DI of the MIWG models (and, laid out, every shared model) renders."""
    model = read_model_file(path)
    if model.diagrams:
        ET.fromstring(render_svg(model))
    if shutil.which("dot") is not None:
        ET.fromstring(render_svg(layout_model(model)))
