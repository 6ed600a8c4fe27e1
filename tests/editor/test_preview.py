"""SVG previews of diagrams: well-formed, every model text escaped."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from studio.editor.layout import layout_model
from studio.editor.preview import PreviewError, render_svg
from studio.notation import read_model

SVG = "{http://www.w3.org/2000/svg}"
ACCEPTANCE = Path(__file__).resolve().parents[2].parent / "shared" / "acceptance" / "cmmn"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is missing")

HOSTILE = "<script>alert(1)</script>"
_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="defs"
    targetNamespace="urn:test">
  <case id="Case_1" name="&quot;quoted&quot; &amp; case">
    <caseFileModel><caseFileItem id="CFI_1" name="a &lt;b&gt; file"/></caseFileModel>
    <casePlanModel id="Plan_1" name="Plan &lt;b&gt;bold&lt;/b&gt;">
      <planningTable id="PT_1">
        <discretionaryItem id="DI_1" name="Optional &amp; more" definitionRef="Task_2"/>
      </planningTable>
      <planItem id="PI_1" name="{name}" definitionRef="Task_1">
        <entryCriterion id="EC_1" sentryRef="S_1"/>
        <exitCriterion id="XC_1"/>
      </planItem>
      <planItem id="PI_stage" name="A stage" definitionRef="Stage_1"/>
      <planItem id="PI_timer" name="Timer &quot;x&quot;" definitionRef="Timer_1"/>
      <planItem id="PI_user" name="User" definitionRef="User_1"/>
      <planItem id="PI_m" name="Reached" definitionRef="M_1"/>
      <sentry id="S_1">
        <caseFileItemOnPart id="OP_1" sourceRef="CFI_1"><standardEvent>create</standardEvent>
        </caseFileItemOnPart>
      </sentry>
      <humanTask id="Task_1" name="unused definition name"/>
      <processTask id="Task_2" name="Process"/>
      <stage id="Stage_1" name="Inner">
        <planItem id="PI_inner" name="Inner task" definitionRef="Task_3"/>
        <task id="Task_3"/>
      </stage>
      <timerEventListener id="Timer_1"/>
      <userEventListener id="User_1"/>
      <milestone id="M_1"/>
    </casePlanModel>
  </case>
</definitions>
"""


def _model(name: str = HOSTILE):
    text = _MODEL.replace("{name}", name.replace("&", "&amp;").replace("<", "&lt;"))
    return read_model(text.encode())


@needs_dot
def test_svg_is_well_formed_and_draws_every_shape() -> None:
    model = layout_model(_model())
    svg = render_svg(model)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    texts = " ".join(" ".join(root.itertext()).split())
    for name in ("Inner task", "Optional & more", "A stage", "Reached", 'Timer "x"', "Plan <b>"):
        assert name in texts
    diamonds = [p for p in root.iter(f"{SVG}polygon") if len(p.get("points", "").split()) == 4]
    assert {d.get("fill") for d in diamonds} == {"#fff", "#222"}  # one entry, one exit criterion
    dotted = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-dasharray")]
    assert dotted  # the on-part connector
    assert any(r.get("stroke-dasharray") for r in root.iter(f"{SVG}rect"))  # discretionary item


@needs_dot
def test_names_are_escaped() -> None:
    svg = render_svg(layout_model(_model()))
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "<b>" not in svg
    ET.fromstring(svg)


@needs_dot
def test_hostile_attribute_values_are_escaped() -> None:
    svg = render_svg(layout_model(_model('" onload="alert(1)')))
    root = ET.fromstring(svg)
    for element in root.iter():
        assert "onload" not in element.attrib


def test_model_without_diagram_is_refused() -> None:
    with pytest.raises(PreviewError, match="no diagram"):
        render_svg(_model())


def test_unknown_notation_is_refused() -> None:
    with pytest.raises(PreviewError, match="no preview"):
        render_svg(object())


@needs_dot
@pytest.mark.conformance
@pytest.mark.skipif(not ACCEPTANCE.is_dir(), reason=f"no acceptance models at {ACCEPTANCE}")
@pytest.mark.parametrize("path", sorted(ACCEPTANCE.glob("*.cmmn")), ids=lambda p: p.name)
def test_acceptance_models_render(path: Path) -> None:
    model = layout_model(read_model(path.read_bytes(), str(path)))
    ET.fromstring(render_svg(model))
