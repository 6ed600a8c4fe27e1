"""The first model of a new project: a BPMN process or a CMMN case with one start, drawn."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

STARTS = ("bpmn", "cmmn")

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="{ident}_definitions"
  targetNamespace="https://case-studio.dev/{ident}">
  <process id="{ident}" name={name} isExecutable="true">
    <startEvent id="start" name="Start"/>
  </process>
  <bpmndi:BPMNDiagram id="{ident}_diagram">
    <bpmndi:BPMNPlane id="{ident}_plane" bpmnElement="{ident}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="180" y="160" width="36" height="36"/>
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>
"""

CMMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"
  xmlns:cmmndi="http://www.omg.org/spec/CMMN/20151109/CMMNDI"
  xmlns:dc="http://www.omg.org/spec/CMMN/20151109/DC" id="{ident}_definitions"
  targetNamespace="https://case-studio.dev/{ident}">
  <case id="{ident}" name={name}>
    <casePlanModel id="{ident}_plan" name={name} autoComplete="true"/>
  </case>
  <cmmndi:CMMNDI>
    <cmmndi:CMMNDiagram id="{ident}_diagram">
      <cmmndi:CMMNShape id="{ident}_plan_di" cmmnElementRef="{ident}_plan">
        <dc:Bounds x="160" y="80" width="640" height="400"/>
      </cmmndi:CMMNShape>
    </cmmndi:CMMNDiagram>
  </cmmndi:CMMNDI>
</definitions>
"""


def starter(kind: str, key: str, name: str) -> dict[str, bytes]:
    """`{"<key>.<kind>": model}` for kind bpmn or cmmn (else no file)."""
    template = {"bpmn": BPMN, "cmmn": CMMN}.get(kind)
    if template is None:
        return {}
    ident = re.sub(r"[^A-Za-z0-9_]", "_", key)
    if not ident[:1].isalpha():
        ident = f"M_{ident}"
    text = template.format(ident=ident, name=quoteattr(name))
    return {f"{key}.{kind}": text.encode("utf-8")}
