"""Each BPMN (and DMN) validation rule: a model that triggers it and one that does not."""

from __future__ import annotations

import pytest

from tests.editor.validation_helpers import bpmn_process, codes, only, problems_of


def check(tmp_path, text, **files):
    return problems_of(tmp_path, "model.bpmn", text, **files)


def flow(ident, source, target, condition=None):
    body = (
        f'<conditionExpression xsi:type="tFormalExpression">{condition}</conditionExpression>'
        if condition
        else ""
    )
    return f'<sequenceFlow id="{ident}" sourceRef="{source}" targetRef="{target}">{body}</sequenceFlow>'


SPLIT = (
    '<startEvent id="start"/>'
    + flow("f0", "start", "gw")
    + '<exclusiveGateway id="gw" name="Amount?" default="f_small"/>'
    + flow("f_big", "gw", "big", "amount &gt; 1000")
    + flow("f_small", "gw", "small")
    + '<userTask id="big" name="Big"/><userTask id="small" name="Small"/>'
    + flow("f1", "big", "end")
    + flow("f2", "small", "end")
    + '<endEvent id="end"/>'
)


def test_clean_process_has_no_problems(tmp_path):
    assert check(tmp_path, bpmn_process(SPLIT)) == []


def test_unknown_flow_target(tmp_path):
    text = bpmn_process(SPLIT.replace('targetRef="end"', 'targetRef="nowhere"', 1))
    problem = only(check(tmp_path, text), "bpmn.flow.unknown-node")[0]
    assert problem.element == "f1" and "nowhere" in problem.message


def test_default_flow_must_leave_the_gateway(tmp_path):
    text = bpmn_process(SPLIT.replace('default="f_small"', 'default="f1"'))
    assert "bpmn.default-flow.unknown" in codes(check(tmp_path, text))


def test_split_with_conditionless_non_default_flow(tmp_path):
    text = bpmn_process(SPLIT.replace(' default="f_small"', ""))
    problem = only(check(tmp_path, text), "bpmn.gateway.missing-condition")[0]
    assert problem.element == "gw" and "'f_small'" in problem.message
    assert problem.severity == "error"


def test_inclusive_split_needs_conditions_too(tmp_path):
    text = bpmn_process(
        SPLIT.replace("exclusiveGateway", "inclusiveGateway").replace(' default="f_small"', "")
    )
    assert "bpmn.gateway.missing-condition" in codes(check(tmp_path, text))


def test_gateway_with_one_way_in_and_out(tmp_path):
    body = (
        '<startEvent id="s"/>'
        + flow("a", "s", "gw")
        + '<parallelGateway id="gw"/>'
        + flow("b", "gw", "e")
        + '<endEvent id="e"/>'
    )
    problem = only(check(tmp_path, bpmn_process(body)), "bpmn.gateway.pass-through")[0]
    assert problem.severity == "warning" and problem.element == "gw"
    assert "bpmn.gateway.pass-through" not in codes(check(tmp_path, bpmn_process(SPLIT)))


def test_boundary_event_on_a_non_activity(tmp_path):
    body = SPLIT + (
        '<boundaryEvent id="b" attachedToRef="gw"><timerEventDefinition><timeDuration>PT1H'
        "</timeDuration></timerEventDefinition></boundaryEvent>"
    )
    assert "bpmn.boundary.not-on-activity" in codes(check(tmp_path, bpmn_process(body)))
    on_task = body.replace('attachedToRef="gw"', 'attachedToRef="big"')
    found = codes(check(tmp_path, bpmn_process(on_task)))
    assert "bpmn.boundary.not-on-activity" not in found
    assert "bpmn.boundary.unknown-host" not in found


def test_boundary_event_on_nothing(tmp_path):
    body = (
        SPLIT
        + '<boundaryEvent id="b" attachedToRef="ghost"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>'
    )
    assert "bpmn.boundary.unknown-host" in codes(check(tmp_path, bpmn_process(body)))


@pytest.mark.parametrize(("duration", "bad"), [("PT1H", False), ("PT1Q", True), ("soon!", True)])
def test_timer_event_expression(tmp_path, duration, bad):
    body = SPLIT.replace(
        '<userTask id="big" name="Big"/>',
        '<intermediateCatchEvent id="big" name="Wait"><timerEventDefinition>'
        f'<timeDuration xsi:type="tFormalExpression">{duration}</timeDuration>'
        "</timerEventDefinition></intermediateCatchEvent>",
    )
    assert ("timer.invalid" in codes(check(tmp_path, bpmn_process(body)))) is bad


def test_condition_that_does_not_compile(tmp_path):
    text = bpmn_process(SPLIT.replace("amount &gt; 1000", "amount &gt;&gt;&gt;"))
    problem = only(check(tmp_path, text), "expr.syntax")[0]
    assert problem.element == "f_big"


def test_feel_condition_gets_a_hint(tmp_path):
    text = bpmn_process(SPLIT.replace("amount &gt; 1000", '= some x in y satisfies x = "a"'))
    assert "FEEL" in only(check(tmp_path, text), "expr.syntax")[0].message


def test_script_task_lines_compile(tmp_path):
    good = SPLIT.replace(
        '<userTask id="big" name="Big"/>',
        '<scriptTask id="big" name="Score" scriptFormat="python"><script>score = amount * 2\n'
        'risk = "high" if score &gt; 10 else "low"</script></scriptTask>',
    )
    assert check(tmp_path, bpmn_process(good)) == []
    bad = good.replace("score = amount * 2", "import os")
    problem = only(check(tmp_path, bpmn_process(bad)), "expr.syntax") or only(
        check(tmp_path, bpmn_process(bad)), "expr.forbidden"
    )
    assert problem and "line 1" in problem[0].message


def test_script_in_another_language(tmp_path):
    text = SPLIT.replace(
        '<userTask id="big" name="Big"/>',
        '<scriptTask id="big" scriptFormat="groovy"><script>x = 1</script></scriptTask>',
    )
    assert "unsupported.script-format" in codes(check(tmp_path, bpmn_process(text)))


def test_unknown_name_against_process_schema(tmp_path):
    schema = '{"type": "object", "properties": {"amount": {"type": "number"}}}'
    text = bpmn_process(SPLIT.replace("amount &gt; 1000", "amont &gt; 1000"))
    problem = only(check(tmp_path, text, TheProcess__schema__json=schema), "expr.unknown-name")[0]
    assert "'amount'" in problem.message


def test_unsupported_elements_warn(tmp_path):
    body = SPLIT.replace(
        '<exclusiveGateway id="gw" name="Amount?" default="f_small"/>',
        '<complexGateway id="gw" name="Amount?" default="f_small"/>',
    )
    problem = only(check(tmp_path, bpmn_process(body)), "unsupported.element")[0]
    assert problem.severity == "warning" and "complex" in problem.message


def test_call_activity_must_name_a_process_of_the_project(tmp_path):
    body = SPLIT.replace(
        '<userTask id="big" name="Big"/>', '<callActivity id="big" calledElement="Other"/>'
    )
    assert "bpmn.call-activity.unknown-element" in codes(check(tmp_path, bpmn_process(body)))
    other = bpmn_process('<startEvent id="x"/>').replace("TheProcess", "Other")
    assert "bpmn.call-activity.unknown-element" not in codes(
        check(tmp_path, bpmn_process(body), other__bpmn=other)
    )


def test_unknown_message(tmp_path):
    body = SPLIT.replace(
        '<userTask id="big" name="Big"/>',
        '<intermediateCatchEvent id="big"><messageEventDefinition messageRef="m1"/></intermediateCatchEvent>',
    )
    assert "bpmn.unknown-message" in codes(check(tmp_path, bpmn_process(body)))
    declared = bpmn_process(body, extra='<message id="m1" name="Paid"/>')
    assert "bpmn.unknown-message" not in codes(check(tmp_path, declared))


def test_camunda_extensions(tmp_path):
    body = SPLIT.replace(
        '<userTask id="big" name="Big"/>',
        '<serviceTask id="big" camunda:class="com.acme.Pay" camunda:asyncBefore="true"/>',
    )
    problems = only(check(tmp_path, bpmn_process(body)), "vendor.unsupported")
    assert len(problems) == 1 and "camunda:class" in problems[0].message


DMN = """<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d"
  namespace="urn:t"><decision id="risk" name="Risk"><decisionTable id="t" hitPolicy="{policy}">
  <input id="i1"><inputExpression id="e1"><text>amount</text></inputExpression></input>
  <output id="o1" name="risk"/>
  <rule id="r1"><inputEntry id="ie1"><text>&gt; 1000</text></inputEntry>{extra}
  <outputEntry id="oe1"><text>"high"</text></outputEntry></rule>
  </decisionTable></decision></definitions>"""


def test_decision_table_rules(tmp_path):
    good = DMN.format(policy="FIRST", extra="")
    assert problems_of(tmp_path, "risk.dmn", good) == []
    bad = DMN.format(policy="FIRST", extra='<inputEntry id="ie2"><text>-</text></inputEntry>')
    assert "dmn.rule.shape" in codes(problems_of(tmp_path, "risk.dmn", bad))
    odd = DMN.format(policy="RULE ORDER", extra="")
    assert "dmn.hit-policy.unsupported" in codes(problems_of(tmp_path, "risk.dmn", odd))


def test_service_handlers_must_be_installed(tmp_path):
    def service(attributes):
        body = SPLIT.replace(
            '<userTask id="big" name="Big"/>', f'<serviceTask id="big" name="Pay" {attributes}/>'
        )
        return check(tmp_path, bpmn_process(body))

    (unknown,) = only(service('implementation="nope"'), "bpmn.service.unknown-handler")
    assert unknown.severity == "error" and unknown.element == "big"
    assert "no service handler 'nope'" in unknown.message and "echo" in unknown.message
    assert not codes(service('implementation="echo"'))
    (unnamed,) = only(service(""), "unsupported.element")
    assert "names no handler" in unnamed.message
