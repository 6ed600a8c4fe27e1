"""Every documented problem code: a model that raises it and a corrected one that does not.

The last test keeps docs/validation.md and the tests in step: a documented code without a test
fails it.
"""

from __future__ import annotations

import gzip
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


IF_TRUE = "<ifPart><condition>true</condition></ifPart>"
ON_A_COMPLETES = (
    '<planItemOnPart id="op" sourceRef="pi_a"><standardEvent>complete</standardEvent>'
    "</planItemOnPart>"
)
GOOD_CMMN = cmmn_case(TASK)
GOOD_BPMN = bpmn_process(FLOW)


def _if(condition: str) -> str:
    return cmmn_case(_sentry(f"<ifPart><condition>{condition}</condition></ifPart>"))


def _nested(depth: int) -> str:
    return GOOD_CMMN.replace(
        '<humanTask id="ht_a" name="A"/>',
        '<humanTask id="ht_a" name="A"><extensionElements>'
        + "<x:a xmlns:x='urn:x'>" * depth
        + "</x:a>" * depth
        + "</extensionElements></humanTask>",
    )


def _task(body: str) -> str:
    return bpmn_process(FLOW.replace('<userTask id="t"/>', body))


def _split(gateway: str = '<exclusiveGateway id="gw" default="f_no"/>') -> str:
    return bpmn_process(
        '<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="gw"/>'
        + gateway
        + '<sequenceFlow id="f_yes" sourceRef="gw" targetRef="e1">'
        '<conditionExpression xsi:type="tFormalExpression">amount &gt; 1</conditionExpression>'
        '</sequenceFlow><sequenceFlow id="f_no" sourceRef="gw" targetRef="e2"/>'
        '<endEvent id="e1"/><endEvent id="e2"/>'
    )


def _roles(text: str) -> str:
    roles = '<caseRoles id="roles"><role id="r" name="clerk"/></caseRoles>'
    return text.replace("</casePlanModel>", "</casePlanModel>" + roles)


def _process_task(external: str) -> str:
    body = '<planItem id="pi_p" definitionRef="pt"/><processTask id="pt" processRef="proc"/>'
    return cmmn_case(body).replace(
        "</case>", f'</case><process id="proc" externalRef="{external}"/>'
    )


def _boundary(host: str) -> str:
    return bpmn_process(
        FLOW + f'<boundaryEvent id="b" attachedToRef="{host}"><timerEventDefinition>'
        "<timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>"
    )


def _dmn(policy: str = "FIRST", extra: str = "") -> str:
    return (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" '
        f'namespace="t"><decision id="risk"><decisionTable id="t" hitPolicy="{policy}">'
        '<input id="i1"><inputExpression id="e1"><text>amount</text></inputExpression></input>'
        '<output id="o1" name="risk"/><rule id="r1"><inputEntry id="ie1"><text>&gt; 1</text>'
        f'</inputEntry>{extra}<outputEntry id="oe1"><text>"high"</text></outputEntry></rule>'
        "</decisionTable></decision></definitions>"
    )


UNREACHABLE = (
    '<planItem id="pi_a" definitionRef="ht_a"><entryCriterion id="ec_a" sentryRef="s_a"/></planItem>'
    '<planItem id="pi_b" definitionRef="ht_b"><entryCriterion id="ec_b" sentryRef="s_b"/></planItem>'
    '<sentry id="s_a"><planItemOnPart id="op_a" sourceRef="pi_b"><standardEvent>complete'
    "</standardEvent></planItemOnPart></sentry>"
    '<sentry id="s_b"><planItemOnPart id="op_b" sourceRef="pi_a"><standardEvent>complete'
    '</standardEvent></planItemOnPart></sentry><humanTask id="ht_a"/><humanTask id="ht_b"/>'
)
REQUIRED = (
    '<planItem id="pi_a" definitionRef="ht_a"><itemControl id="ic"><requiredRule id="rr"/>'
    '</itemControl><entryCriterion id="ec" sentryRef="s"/></planItem>'
    '<sentry id="s"><ifPart id="if"><condition>{}</condition></ifPart></sentry>'
    '<humanTask id="ht_a"/>'
)
REPEATED = (
    '<planItem id="pi_a" definitionRef="ht_a"><itemControl id="ic"><repetitionRule id="rr"{}'
    '</itemControl></planItem><humanTask id="ht_a"/>'
)
CASE_FILE = '<caseFileModel id="cfm"><caseFileItem id="cfi" name="doc"/></caseFileModel>'
SCHEMA = '{"type": "object", "properties": {"invoice": {"type": "object"}}}'
OTHER_PROCESS = bpmn_process('<startEvent id="x"/>').replace("TheProcess", "Other")
CHECK_PROCESS = bpmn_process('<startEvent id="x"/>').replace("TheProcess", "CheckInvoice")
RISK_DMN = _dmn()

# (code, file name, model that raises it, the same model corrected, other files of the project)
MORE_CASES = [
    ("xml.syntax", "m.cmmn", GOOD_CMMN.replace('name="A"/>', 'name="A"></task>', 1), GOOD_CMMN, {}),
    ("xml.truncated", "m.cmmn", GOOD_CMMN[:150], GOOD_CMMN, {}),
    (
        "xml.doctype",
        "m.cmmn",
        '<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY a "b">]>' + GOOD_CMMN,
        GOOD_CMMN,
        {},
    ),
    (
        "xml.too-large",
        "m.cmmn",
        GOOD_CMMN.replace(
            "<case ", "<documentation>" + "A" * (17 << 20) + "</documentation><case "
        ),
        GOOD_CMMN,
        {},
    ),
    ("xml.too-deep", "m.cmmn", _nested(200), _nested(20), {}),
    ("xml.compressed", "m.cmmn", gzip.compress(GOOD_CMMN.encode()), GOOD_CMMN, {}),
    ("xml.empty", "m.cmmn", "", GOOD_CMMN, {}),
    ("xml.not-a-model", "m.cmmn", '<html xmlns="http://www.w3.org/1999/xhtml"/>', GOOD_CMMN, {}),
    ("model.duplicate-id", "m.cmmn", cmmn_case(TASK + '<humanTask id="ht_a"/>'), GOOD_CMMN, {}),
    (
        "cmmn.plan-item.unknown-definition",
        "m.cmmn",
        cmmn_case('<planItem id="pi_a" definitionRef="nothing"/>'),
        GOOD_CMMN,
        {},
    ),
    (
        "cmmn.criterion.unknown-sentry",
        "m.cmmn",
        cmmn_case(_sentry(IF_TRUE).replace('sentryRef="s_b"', 'sentryRef="nope"')),
        cmmn_case(_sentry(IF_TRUE)),
        {},
    ),
    (
        "cmmn.sentry.unknown-source",
        "m.cmmn",
        cmmn_case(_sentry(ON_A_COMPLETES.replace("pi_a", "ghost"))),
        cmmn_case(_sentry(ON_A_COMPLETES)),
        {},
    ),
    (
        "cmmn.sentry.unknown-case-file-item",
        "m.cmmn",
        cmmn_case(
            _sentry(
                '<caseFileItemOnPart id="op" sourceRef="ghost"><standardEvent>create'
                "</standardEvent></caseFileItemOnPart>"
            ),
            case_extra=CASE_FILE,
        ),
        cmmn_case(
            _sentry(
                '<caseFileItemOnPart id="op" sourceRef="cfi"><standardEvent>create'
                "</standardEvent></caseFileItemOnPart>"
            ),
            case_extra=CASE_FILE,
        ),
        {},
    ),
    (
        "cmmn.sentry.impossible-event",
        "m.cmmn",
        cmmn_case(_sentry(ON_A_COMPLETES.replace("complete<", "occur<"))),
        cmmn_case(_sentry(ON_A_COMPLETES)),
        {},
    ),
    (
        "cmmn.sentry.empty",
        "m.cmmn",
        cmmn_case(TASK + ON_A + '<sentry id="s_b"/>'),
        cmmn_case(_sentry(IF_TRUE)),
        {},
    ),
    (
        "cmmn.human-task.unknown-performer",
        "m.cmmn",
        cmmn_case('<planItem id="pi_a" definitionRef="ht"/><humanTask id="ht" performerRef="r"/>'),
        _roles(
            cmmn_case(
                '<planItem id="pi_a" definitionRef="ht"/><humanTask id="ht" performerRef="r"/>'
            )
        ),
        {},
    ),
    (
        "cmmn.process-task.unknown-process",
        "m.cmmn",
        _process_task("Missing"),
        _process_task("CheckInvoice"),
        {"check.bpmn": CHECK_PROCESS},
    ),
    (
        "cmmn.case-task.unknown-case",
        "m.cmmn",
        cmmn_case('<planItem id="pi_c" definitionRef="ct"/><caseTask id="ct" caseRef="Other"/>'),
        cmmn_case('<planItem id="pi_c" definitionRef="ct"/><caseTask id="ct" caseRef="TheCase"/>'),
        {},
    ),
    (
        "cmmn.decision-task.unknown-decision",
        "m.cmmn",
        cmmn_case(
            '<planItem id="pi_d" definitionRef="dt"/><decisionTask id="dt" decisionRef="x"/>'
        ),
        cmmn_case(
            '<planItem id="pi_d" definitionRef="dt"/><decisionTask id="dt" decisionRef="risk"/>'
        ),
        {"risk.dmn": RISK_DMN},
    ),
    (
        "cmmn.item.unreachable",
        "m.cmmn",
        cmmn_case(UNREACHABLE),
        cmmn_case(UNREACHABLE.replace('<entryCriterion id="ec_a" sentryRef="s_a"/>', "")),
        {},
    ),
    (
        "cmmn.case.cannot-complete",
        "m.cmmn",
        cmmn_case(REQUIRED.format("false")),
        cmmn_case(REQUIRED.format("true")),
        {},
    ),
    (
        "cmmn.case.cannot-run",
        "m.cmmn",
        _if("${vars:getOrDefault('x', false)}"),
        _if("${x}"),
        {},
    ),
    (
        "cmmn.repetition.endless",
        "m.cmmn",
        cmmn_case(REPEATED.format("/>")),
        cmmn_case(REPEATED.format("><condition>count &lt; 3</condition></repetitionRule>")),
        {},
    ),
    ("expr.syntax", "m.cmmn", _if("amount &gt;"), _if("amount &gt; 1"), {}),
    ("expr.forbidden", "m.cmmn", _if("(lambda: 1)()"), _if("amount &gt; 1"), {}),
    ("expr.too-long", "m.cmmn", _if("x" * 5_000), _if("x"), {}),
    ("expr.too-complex", "m.cmmn", _if("(" * 40 + "1" + ")" * 40), _if("((1))"), {}),
    ("expr.unknown-function", "m.cmmn", _if("sorted(items)"), _if("len(items) &gt; 0"), {}),
    ("expr.arity", "m.cmmn", _if("len(a, b) &gt; 0"), _if("len(a) &gt; 0"), {}),
    ("expr.juel-untranslatable", "m.cmmn", _if("${x.getClass()}"), _if("${x == 1}"), {}),
    (
        "expr.unknown-name",
        "m.cmmn",
        _if("invoce.amount &gt; 1"),
        _if("invoice.amount &gt; 1"),
        {"TheCase.schema.json": SCHEMA},
    ),
    (
        "timer.invalid",
        "m.cmmn",
        cmmn_case(
            '<planItem id="pi_t" definitionRef="tl"/><timerEventListener id="tl">'
            "<timerExpression>in two days</timerExpression></timerEventListener>"
        ),
        cmmn_case(
            '<planItem id="pi_t" definitionRef="tl"/><timerEventListener id="tl">'
            "<timerExpression>P2D</timerExpression></timerEventListener>"
        ),
        {},
    ),
    (
        "unsupported.dynamic-reference",
        "m.cmmn",
        cmmn_case(
            '<planItem id="pi_p" definitionRef="pt"/><processTask id="pt">'
            "<processRefExpression>${key}</processRefExpression></processTask>"
        ),
        cmmn_case(
            '<planItem id="pi_p" definitionRef="pt"/><processTask id="pt">'
            "<processRefExpression>CheckInvoice</processRefExpression></processTask>"
        ),
        {"check.bpmn": CHECK_PROCESS},
    ),
    (
        "vendor.unsupported",
        "m.cmmn",
        cmmn_case(TASK.replace('<humanTask id="ht_a"', '<humanTask flowable:candidateUsers="x"')),
        cmmn_case(TASK.replace('<humanTask id="ht_a"', '<humanTask flowable:candidateGroups="x"')),
        {},
    ),
    (
        "bpmn.flow.unknown-node",
        "m.bpmn",
        bpmn_process(FLOW.replace('targetRef="e"', 'targetRef="nowhere"')),
        GOOD_BPMN,
        {},
    ),
    (
        "bpmn.default-flow.unknown",
        "m.bpmn",
        _split('<exclusiveGateway id="gw" default="f0"/>'),
        _split(),
        {},
    ),
    (
        "bpmn.gateway.pass-through",
        "m.bpmn",
        bpmn_process(
            '<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="gw"/>'
            '<parallelGateway id="gw"/><sequenceFlow id="b" sourceRef="gw" targetRef="e"/>'
            '<endEvent id="e"/>'
        ),
        _split(),
        {},
    ),
    (
        "bpmn.gateway.missing-condition",
        "m.bpmn",
        _split('<exclusiveGateway id="gw"/>'),
        _split(),
        {},
    ),
    ("bpmn.boundary.unknown-host", "m.bpmn", _boundary("ghost"), _boundary("t"), {}),
    ("bpmn.boundary.not-on-activity", "m.bpmn", _boundary("s"), _boundary("t"), {}),
    (
        "bpmn.call-activity.unknown-element",
        "m.bpmn",
        _task('<callActivity id="t" calledElement="Missing"/>'),
        _task('<callActivity id="t" calledElement="Other"/>'),
        {"other.bpmn": OTHER_PROCESS},
    ),
    (
        "bpmn.unknown-message",
        "m.bpmn",
        _task('<receiveTask id="t" messageRef="m1"/>'),
        bpmn_process(
            FLOW.replace('<userTask id="t"/>', '<receiveTask id="t" messageRef="m1"/>'),
            extra='<message id="m1" name="Paid"/>',
        ),
        {},
    ),
    (
        "bpmn.process.cannot-run",
        "m.bpmn",
        _task(
            '<intermediateCatchEvent id="t"><conditionalEventDefinition><condition>ready'
            "</condition></conditionalEventDefinition></intermediateCatchEvent>"
        ),
        GOOD_BPMN,
        {},
    ),
    (
        "bpmn.service.unknown-handler",
        "m.bpmn",
        _task('<serviceTask id="t" implementation="nope"/>'),
        _task('<serviceTask id="t" implementation="echo"/>'),
        {},
    ),
    (
        "unsupported.script-format",
        "m.bpmn",
        _task('<scriptTask id="t" scriptFormat="groovy"><script>x = 1</script></scriptTask>'),
        _task('<scriptTask id="t" scriptFormat="python"><script>x = 1</script></scriptTask>'),
        {},
    ),
    (
        "unsupported.element",
        "m.bpmn",
        _split('<complexGateway id="gw" default="f_no"/>'),
        _split(),
        {},
    ),
    ("dmn.hit-policy.unsupported", "m.dmn", _dmn("RULE ORDER"), _dmn("FIRST"), {}),
    (
        "dmn.rule.shape",
        "m.dmn",
        _dmn(extra='<inputEntry id="ie2"><text>-</text></inputEntry>'),
        _dmn(),
        {},
    ),
]


@pytest.mark.parametrize(("code", "name", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_code_is_raised_and_cleared(tmp_path, code, name, bad, good):
    assert code in codes(problems_of(tmp_path, name, bad))
    assert code not in codes(problems_of(tmp_path, name, good))


@pytest.mark.parametrize(
    ("code", "name", "bad", "good", "files"), MORE_CASES, ids=[c[0] for c in MORE_CASES]
)
def test_code_is_raised_and_cleared_in_a_project(tmp_path, code, name, bad, good, files):
    project = {other.replace(".", "__"): content for other, content in files.items()}
    raised = problems_of(tmp_path, name, bad, **project)
    assert code in codes(raised), raised
    cleared = problems_of(tmp_path, name, good, **project)
    assert code not in codes(cleared), cleared


def test_every_documented_code_is_raised_and_cleared_here():
    documented = set(
        re.findall(
            r"`((?:xml|model|cmmn|bpmn|dmn|expr|timer|unsupported|vendor)\.[a-z.\-]+)`",
            (REPO / "docs" / "validation.md").read_text(),
        )
    )
    assert len(documented) > 60
    paired = {case[0] for case in CASES} | {case[0] for case in MORE_CASES}
    assert sorted(documented - paired) == [], "documented codes without a raised/cleared pair"
    assert sorted(paired - documented) == [], "tested codes that docs/validation.md leaves out"


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
