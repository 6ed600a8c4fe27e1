"""A CMMN case and a BPMN process whose every name and documentation is a cross-site scripting
payload (shared by the attack suite and the browser test)."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

PAYLOAD = 'X"><img src=x onerror=alert(2)><script>alert(1)</script>'
"""Closes an attribute, adds an image whose error handler runs, then a script element."""
LINK = "javascript:alert(3)"
"""What a link to a model-given address would run."""


def cmmn() -> str:
    n, d = quoteattr(PAYLOAD), escape(f"{PAYLOAD} {LINK}")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" xmlns:cmmndi="http://www.omg.org/spec/CMMN/20151109/CMMNDI" id="defs_xss" targetNamespace="http://example.org/xss">
  <caseFileItemDefinition id="cfid_note" name={n} definitionType="http://www.omg.org/spec/CMMN/DefinitionType/Unspecified"/>
  <case id="XssCase" name={n}>
    <documentation>{d}</documentation>
    <caseFileModel id="cfm"><caseFileItem id="cfi_note" name="note" definitionRef="cfid_note"><documentation>{d}</documentation></caseFileItem></caseFileModel>
    <casePlanModel id="plan" name={n} autoComplete="false">
      <documentation>{d}</documentation>
      <planItem id="pi_task" name={n} definitionRef="ht_task"/>
      <planItem id="pi_stage" name={n} definitionRef="st_stage"/>
      <planItem id="pi_ms" name={n} definitionRef="ms_done"><entryCriterion id="ec_ms" name={n} sentryRef="s_ms"/></planItem>
      <planItem id="pi_event" name={n} definitionRef="uel_event"/>
      <planItem id="pi_timer" name={n} definitionRef="tel_timer"/>
      <planItem id="pi_proc" name={n} definitionRef="pt_proc"/>
      <sentry id="s_ms" name={n}><documentation>{d}</documentation>
        <planItemOnPart id="op_ms" name={n} sourceRef="pi_event"><standardEvent>occur</standardEvent></planItemOnPart>
      </sentry>
      <planningTable id="pt_table" name={n}>
        <discretionaryItem id="di_extra" name={n} definitionRef="ht_extra"/>
      </planningTable>
      <humanTask id="ht_task" name={n}><documentation>{d}</documentation></humanTask>
      <humanTask id="ht_extra" name={n}/>
      <stage id="st_stage" name={n} autoComplete="false">
        <documentation>{d}</documentation>
        <planItem id="pi_inner" name={n} definitionRef="ht_inner"/>
        <humanTask id="ht_inner" name={n}/>
      </stage>
      <milestone id="ms_done" name={n}/>
      <userEventListener id="uel_event" name={n}><documentation>{d}</documentation></userEventListener>
      <timerEventListener id="tel_timer" name={n}><timerExpression id="te">P30D</timerExpression></timerEventListener>
      <processTask id="pt_proc" name={n} processRef="proc_ref" isBlocking="false"/>
    </casePlanModel>
    <caseRoles id="roles"><role id="r_role" name="clerks"><documentation>{d}</documentation></role></caseRoles>
  </case>
  <process id="proc_ref" name={n} implementationType="http://www.omg.org/spec/CMMN/ProcessType/BPMN20" externalRef="XssProcess"/>
</definitions>
"""


def bpmn() -> str:
    n, d = quoteattr(PAYLOAD), escape(f"{PAYLOAD} {LINK}")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_xss_bpmn" targetNamespace="http://example.org/xss">
  <process id="XssProcess" name={n} isExecutable="true">
    <documentation>{d}</documentation>
    <laneSet id="ls"><lane id="lane_a" name={n}><flowNodeRef>start</flowNodeRef><flowNodeRef>task</flowNodeRef><flowNodeRef>gw</flowNodeRef><flowNodeRef>end</flowNodeRef></lane></laneSet>
    <startEvent id="start" name={n}/>
    <sequenceFlow id="f1" name={n} sourceRef="start" targetRef="task"/>
    <userTask id="task" name={n}><documentation>{d}</documentation></userTask>
    <sequenceFlow id="f2" sourceRef="task" targetRef="gw"/>
    <exclusiveGateway id="gw" name={n} default="f3"/>
    <sequenceFlow id="f3" name={n} sourceRef="gw" targetRef="end"/>
    <endEvent id="end" name={n}/>
  </process>
</definitions>
"""


def dmn() -> str:
    n, d = quoteattr(PAYLOAD), escape(f"{PAYLOAD} {LINK}")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs_xss_dmn" name={n}
             namespace="http://example.org/xss">
  <decision id="XssDecision" name={n}>
    <description>{d}</description>
    <decisionTable id="dt" hitPolicy="FIRST">
      <input id="in" label={n}><inputExpression id="ie" typeRef="string"><text>note</text></inputExpression></input>
      <output id="out" name="verdict" label={n}/>
      <rule id="r1"><description>{d}</description>
        <inputEntry id="r1_in"><text>-</text></inputEntry><outputEntry id="r1_out"><text>"ok"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def project_files() -> dict[str, bytes]:
    """The models, a scenario, a simulation and a read-me, all named with the payload."""
    scenario = {"name": PAYLOAD, "model": "xss.cmmn", "case": "XssCase",
                "data": {"note": {"text": PAYLOAD, "link": LINK}},
                "steps": [{"expect": {"case": "active", "items": {"pi_task": "active"}}}]}  # fmt: skip
    simulation = {"model": "xss.cmmn", "case": "XssCase", "cases": 3,
                  "arrivals": {"interval": {"distribution": "fixed", "value": "PT1H"}},
                  "choices": {"pi_event": {"probability": 1}}}  # fmt: skip
    return {
        "xss.cmmn": cmmn().encode(),
        "xss.bpmn": bpmn().encode(),
        "xss.dmn": dmn().encode(),
        "xss.scenario.json": json.dumps(scenario).encode(),
        "xss.sim.json": json.dumps(simulation).encode(),
        "README.md": f"# {PAYLOAD}\n\n[click]({LINK})\n".encode(),
    }
