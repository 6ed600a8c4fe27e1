"""Every documented problem code: a model that raises it and a corrected one that does not.

The last test keeps docs/validation.md and the tests in step: a documented code without a test
fails it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.editor.validation_helpers import bpmn_process, cmmn_case, codes, problems_of

REPO = Path(__file__).resolve().parents[2]

TASK = '<planItem id="pi_a" name="A" definitionRef="ht_a"/><humanTask id="ht_a" name="A"/>'
ON_A = (
    '<planItem id="pi_b" definitionRef="ht_b"><entryCriterion id="ec_b" sentryRef="s_b"/></planItem>'
    '<humanTask id="ht_b"/>'
)
FLOW = (
    '<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>'
    '<userTask id="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>'
)


def _sentry(on_part: str) -> str:
    return TASK + ON_A + f'<sentry id="s_b">{on_part}</sentry>'


TWO_PROCESSES = (
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d" targetNamespace="t">{collab}'
    '<process id="A" isExecutable="true"><startEvent id="sa"/></process>'
    '<process id="B" isExecutable="true"><startEvent id="sb"/></process>'
    '<bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="{plane}">{shapes}'
    "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>"
)
SHAPE = '<bpmndi:BPMNShape id="{0}_di" bpmnElement="{0}"><dc:Bounds x="0" y="0" width="36" height="36"/></bpmndi:BPMNShape>'
POOLS = (
    '<collaboration id="c"><participant id="pa" processRef="A"/>'
    '<participant id="pb" processRef="B"/></collaboration>'
)

# (code, file name, model that raises it, the same model corrected)
CASES = [
    (
        "model.invalid-id",
        "m.cmmn",
        cmmn_case(TASK.replace('id="ht_a"', 'id="1ht"').replace('"ht_a"', '"1ht"')),
        cmmn_case(TASK),
    ),
    (
        "xml.invalid-value",
        "m.cmmn",
        cmmn_case(TASK.replace('<humanTask id="ht_a"', '<humanTask isBlocking="maybe" id="ht_a"')),
        cmmn_case(TASK.replace('<humanTask id="ht_a"', '<humanTask isBlocking="false" id="ht_a"')),
    ),
    (
        "cmmn.plan-item.missing-definition",
        "m.cmmn",
        cmmn_case('<planItem id="pi_a"/>'),
        cmmn_case(TASK),
    ),
    (
        "cmmn.criterion.missing-sentry",
        "m.cmmn",
        cmmn_case(TASK + ON_A.replace(' sentryRef="s_b"', "")),
        cmmn_case(_sentry("<ifPart><condition>true</condition></ifPart>")),
    ),
    (
        "cmmn.sentry.missing-source",
        "m.cmmn",
        cmmn_case(
            _sentry(
                '<planItemOnPart id="op"><standardEvent>complete</standardEvent></planItemOnPart>'
            )
        ),
        cmmn_case(
            _sentry(
                '<planItemOnPart id="op" sourceRef="pi_a"><standardEvent>complete</standardEvent></planItemOnPart>'
            )
        ),
    ),
    (
        "cmmn.sentry.missing-event",
        "m.cmmn",
        cmmn_case(_sentry('<planItemOnPart id="op" sourceRef="pi_a"/>')),
        cmmn_case(
            _sentry(
                '<planItemOnPart id="op" sourceRef="pi_a"><standardEvent>complete</standardEvent></planItemOnPart>'
            )
        ),
    ),
    (
        "cmmn.sentry.unknown-exit-criterion",
        "m.cmmn",
        cmmn_case(
            _sentry(
                '<planItemOnPart id="op" sourceRef="pi_a" exitCriterionRef="nope"><standardEvent>exit</standardEvent></planItemOnPart>'
            )
        ),
        cmmn_case(
            _sentry(
                '<planItemOnPart id="op" sourceRef="pi_a"><standardEvent>exit</standardEvent></planItemOnPart>'
            )
        ),
    ),
    (
        "cmmn.sentry.foreign-exit-criterion",
        "m.cmmn",
        cmmn_case(
            _sentry(
                '<planItemOnPart id="op" sourceRef="pi_a" exitCriterionRef="xc_c"><standardEvent>exit</standardEvent></planItemOnPart>'
            )
            + '<planItem id="pi_c" definitionRef="ht_c"><exitCriterion id="xc_c" sentryRef="s_x"/></planItem>'
            '<sentry id="s_x"><ifPart><condition>false</condition></ifPart></sentry><humanTask id="ht_c"/>'
        ),
        cmmn_case(
            _sentry(
                '<planItemOnPart id="op" sourceRef="pi_c" exitCriterionRef="xc_c"><standardEvent>exit</standardEvent></planItemOnPart>'
            )
            + '<planItem id="pi_c" definitionRef="ht_c"><exitCriterion id="xc_c" sentryRef="s_x"/></planItem>'
            '<sentry id="s_x"><ifPart><condition>false</condition></ifPart></sentry><humanTask id="ht_c"/>'
        ),
    ),
    (
        "bpmn.diagram.hidden-process",
        "m.bpmn",
        TWO_PROCESSES.format(collab="", plane="A", shapes=SHAPE.format("sa") + SHAPE.format("sb")),
        TWO_PROCESSES.format(
            collab=POOLS, plane="c", shapes=SHAPE.format("sa") + SHAPE.format("sb")
        ),
    ),
    (
        "cmmn.stage.exit-criterion",
        "m.cmmn",
        cmmn_case(
            '<planItem id="pi_s" definitionRef="st"/><stage id="st" name="S">'
            + TASK
            + '<sentry id="s_x"><ifPart><condition>false</condition></ifPart></sentry>'
            '<exitCriterion id="xc" sentryRef="s_x"/></stage>'
        ),
        cmmn_case(
            '<planItem id="pi_s" definitionRef="st"><exitCriterion id="xc" sentryRef="s_x"/></planItem>'
            '<sentry id="s_x"><ifPart><condition>false</condition></ifPart></sentry>'
            '<stage id="st" name="S">' + TASK + "</stage>"
        ),
    ),
    (
        "cmmn.sentry.unused",
        "m.cmmn",
        cmmn_case(
            TASK + '<sentry id="lonely"><ifPart><condition>true</condition></ifPart></sentry>'
        ),
        cmmn_case(TASK),
    ),
    (
        "cmmn.case-file-item.unknown-definition",
        "m.cmmn",
        cmmn_case(
            TASK,
            case_extra='<caseFileModel id="f"><caseFileItem id="i" name="doc" definitionRef="nope"/></caseFileModel>',
        ),
        cmmn_case(
            TASK,
            case_extra='<caseFileModel id="f"><caseFileItem id="i" name="doc"/></caseFileModel>',
        ),
    ),
    (
        "cmmn.unknown-role",
        "m.cmmn",
        cmmn_case(
            '<planItem id="pi_u" definitionRef="ue"/><userEventListener id="ue" authorizedRoleRefs="boss"/>'
        ),
        cmmn_case('<planItem id="pi_u" definitionRef="ue"/><userEventListener id="ue"/>'),
    ),
    (
        "cmmn.process-task.missing-process",
        "m.cmmn",
        cmmn_case('<planItem id="pi_p" definitionRef="pt"/><processTask id="pt"/>'),
        cmmn_case(TASK),
    ),
    (
        "cmmn.case-task.missing-case",
        "m.cmmn",
        cmmn_case('<planItem id="pi_c" definitionRef="ct"/><caseTask id="ct"/>'),
        cmmn_case('<planItem id="pi_c" definitionRef="ct"/><caseTask id="ct" caseRef="TheCase"/>'),
    ),
    (
        "cmmn.decision-task.missing-decision",
        "m.cmmn",
        cmmn_case('<planItem id="pi_d" definitionRef="dt"/><decisionTask id="dt"/>'),
        cmmn_case(TASK),
    ),
    (
        "timer.missing",
        "m.cmmn",
        cmmn_case('<planItem id="pi_t" definitionRef="tl"/><timerEventListener id="tl"/>'),
        cmmn_case(
            '<planItem id="pi_t" definitionRef="tl"/><timerEventListener id="tl"><timerExpression>PT1H</timerExpression></timerEventListener>'
        ),
    ),
    (
        "unsupported.expression-language",
        "m.cmmn",
        cmmn_case(
            _sentry(
                '<ifPart><condition language="http://www.w3.org/1999/XPath">/a = 1</condition></ifPart>'
            )
        ),
        cmmn_case(_sentry("<ifPart><condition>a == 1</condition></ifPart>")),
    ),
    (
        "vendor.untranslatable",
        "m.cmmn",
        cmmn_case(
            TASK.replace(
                '<humanTask id="ht_a"', '<humanTask flowable:assignee="${users.pick()}" id="ht_a"'
            )
        ),
        cmmn_case(
            TASK.replace(
                '<humanTask id="ht_a"', '<humanTask flowable:assignee="${initiator}" id="ht_a"'
            )
        ),
    ),
    (
        "bpmn.flow.crosses-boundary",
        "m.bpmn",
        bpmn_process(
            FLOW.replace(
                '<userTask id="t"/>', '<subProcess id="t"><startEvent id="in"/></subProcess>'
            )
            + '<sequenceFlow id="f3" sourceRef="s" targetRef="in"/>'
        ),
        bpmn_process(
            FLOW.replace(
                '<userTask id="t"/>', '<subProcess id="t"><startEvent id="in"/></subProcess>'
            )
        ),
    ),
    (
        "bpmn.call-activity.missing-element",
        "m.bpmn",
        bpmn_process(FLOW.replace('<userTask id="t"/>', '<callActivity id="t"/>')),
        bpmn_process(
            FLOW.replace('<userTask id="t"/>', '<callActivity id="t" calledElement="TheProcess"/>')
        ),
    ),
    (
        "bpmn.script.empty",
        "m.bpmn",
        bpmn_process(FLOW.replace('<userTask id="t"/>', '<scriptTask id="t"/>')),
        bpmn_process(
            FLOW.replace(
                '<userTask id="t"/>', '<scriptTask id="t"><script>x = 1</script></scriptTask>'
            )
        ),
    ),
    (
        "bpmn.unknown-signal",
        "m.bpmn",
        bpmn_process(
            FLOW.replace(
                '<endEvent id="e"/>',
                '<endEvent id="e"><signalEventDefinition signalRef="sig"/></endEvent>',
            )
        ),
        bpmn_process(
            FLOW.replace(
                '<endEvent id="e"/>',
                '<endEvent id="e"><signalEventDefinition signalRef="sig"/></endEvent>',
            ),
            extra='<signal id="sig" name="Go"/>',
        ),
    ),
    (
        "bpmn.unknown-error",
        "m.bpmn",
        bpmn_process(
            FLOW.replace(
                '<endEvent id="e"/>',
                '<endEvent id="e"><errorEventDefinition errorRef="err"/></endEvent>',
            )
        ),
        bpmn_process(
            FLOW.replace(
                '<endEvent id="e"/>',
                '<endEvent id="e"><errorEventDefinition errorRef="err"/></endEvent>',
            ),
            extra='<error id="err" name="Failed" errorCode="E1"/>',
        ),
    ),
    (
        "bpmn.unknown-escalation",
        "m.bpmn",
        bpmn_process(
            FLOW
            + '<boundaryEvent id="b" attachedToRef="t"><escalationEventDefinition escalationRef="esc"/></boundaryEvent>'
        ),
        bpmn_process(
            FLOW
            + '<boundaryEvent id="b" attachedToRef="t"><escalationEventDefinition escalationRef="esc"/></boundaryEvent>',
            extra='<escalation id="esc" name="Late"/>',
        ),
    ),
    (
        "dmn.table.no-output",
        "m.dmn",
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="t">'
        '<decision id="x"><decisionTable id="t"/></decision></definitions>',
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="t">'
        '<decision id="x"><decisionTable id="t"><output id="o" name="r"/></decisionTable></decision></definitions>',
    ),
]


@pytest.mark.parametrize(("code", "name", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_code_is_raised_and_cleared(tmp_path, code, name, bad, good):
    assert code in codes(problems_of(tmp_path, name, bad))
    assert code not in codes(problems_of(tmp_path, name, good))


def test_every_documented_code_has_a_test():
    documented = set(
        re.findall(
            r"`((?:xml|model|cmmn|bpmn|dmn|expr|timer|unsupported|vendor)\.[a-z.\-]+)`",
            (REPO / "docs" / "validation.md").read_text(),
        )
    )
    tests = "".join(p.read_text() for p in (REPO / "tests").rglob("test_*.py"))
    assert documented
    assert sorted(c for c in documented if f'"{c}"' not in tests) == []


def test_what_validates_runs(tmp_path):
    waits_for_a_condition = (
        '<intermediateCatchEvent id="t"><conditionalEventDefinition><condition>ready</condition>'
        "</conditionalEventDefinition></intermediateCatchEvent>"
    )
    conditional = bpmn_process(FLOW.replace('<userTask id="t"/>', waits_for_a_condition))
    problem = [
        p
        for p in problems_of(tmp_path, "m.bpmn", conditional)
        if p.code == "bpmn.process.cannot-run"
    ]
    assert problem and "conditional" in problem[0].message and problem[0].severity == "error"
    assert "bpmn.process.cannot-run" not in codes(
        problems_of(tmp_path, "m.bpmn", bpmn_process(FLOW))
    )
    juel = cmmn_case(
        _sentry("<ifPart><condition>${vars:getOrDefault('x', false)}</condition></ifPart>")
    )
    assert "cmmn.case.cannot-run" in codes(problems_of(tmp_path, "m.cmmn", juel))
    assert "cmmn.case.cannot-run" not in codes(problems_of(tmp_path, "m.cmmn", cmmn_case(TASK)))
