"""Each CMMN validation rule: a model that triggers it and one that does not."""

from __future__ import annotations

import pytest

from tests.editor.validation_helpers import cmmn_case, codes, only, problems_of

TASK = '<planItem id="pi_a" name="A" definitionRef="ht_a"/><humanTask id="ht_a" name="A"/>'


def check(tmp_path, text, **files):
    return problems_of(tmp_path, "model.cmmn", text, **files)


def test_clean_model_has_no_problems(tmp_path):
    body = (
        '<planItem id="pi_a" name="A" definitionRef="ht_a"/>'
        '<planItem id="pi_b" name="B" definitionRef="ht_b">'
        '<entryCriterion id="ec_b" sentryRef="s_b"/></planItem>'
        '<sentry id="s_b"><planItemOnPart id="op_b" sourceRef="pi_a">'
        "<standardEvent>complete</standardEvent></planItemOnPart></sentry>"
        '<humanTask id="ht_a" name="A"/><humanTask id="ht_b" name="B"/>'
    )
    assert check(tmp_path, cmmn_case(body)) == []


def test_duplicate_id(tmp_path):
    body = TASK + '<humanTask id="ht_a" name="again"/>'
    found = only(check(tmp_path, cmmn_case(body)), "model.duplicate-id")
    assert found and found[0].severity == "error" and found[0].element == "ht_a"
    assert found[0].line is not None


def test_unknown_definition_ref(tmp_path):
    body = '<planItem id="pi_a" name="A" definitionRef="nothing"/>'
    problem = only(check(tmp_path, cmmn_case(body)), "cmmn.plan-item.unknown-definition")[0]
    assert problem.element == "pi_a" and "nothing" in problem.message
    assert "cmmn.plan-item.unknown-definition" not in codes(check(tmp_path, cmmn_case(TASK)))


def test_unknown_sentry_ref(tmp_path):
    body = (
        '<planItem id="pi_a" definitionRef="ht_a"><entryCriterion id="ec" sentryRef="nope"/>'
        '</planItem><humanTask id="ht_a"/>'
    )
    assert "cmmn.criterion.unknown-sentry" in codes(check(tmp_path, cmmn_case(body)))


def test_unknown_on_part_source(tmp_path):
    body = TASK + (
        '<planItem id="pi_b" definitionRef="ht_b"><entryCriterion id="ec" sentryRef="s"/>'
        '</planItem><sentry id="s"><planItemOnPart id="op" sourceRef="ghost">'
        "<standardEvent>complete</standardEvent></planItemOnPart></sentry>"
        '<humanTask id="ht_b"/>'
    )
    problem = only(check(tmp_path, cmmn_case(body)), "cmmn.sentry.unknown-source")[0]
    assert problem.element == "op" and problem.severity == "error"


def test_unknown_case_file_item_source(tmp_path):
    body = TASK + (
        '<planItem id="pi_b" definitionRef="ht_b"><entryCriterion id="ec" sentryRef="s"/>'
        '</planItem><sentry id="s"><caseFileItemOnPart id="op" sourceRef="ghost">'
        "<standardEvent>create</standardEvent></caseFileItemOnPart></sentry>"
        '<humanTask id="ht_b"/>'
    )
    assert "cmmn.sentry.unknown-case-file-item" in codes(check(tmp_path, cmmn_case(body)))
    good = cmmn_case(
        body.replace("ghost", "cfi"),
        case_extra='<caseFileModel id="cfm"><caseFileItem id="cfi" name="doc"/></caseFileModel>',
    )
    assert "cmmn.sentry.unknown-case-file-item" not in codes(check(tmp_path, good))


def test_unknown_performer(tmp_path):
    body = '<planItem id="pi_a" definitionRef="ht_a"/><humanTask id="ht_a" performerRef="r"/>'
    assert "cmmn.human-task.unknown-performer" in codes(check(tmp_path, cmmn_case(body)))
    roles = '<caseRoles id="roles"><role id="r" name="clerk"/></caseRoles>'
    text = cmmn_case(body).replace("</casePlanModel>", "</casePlanModel>" + roles)
    assert "cmmn.human-task.unknown-performer" not in codes(check(tmp_path, text))


def test_process_task_must_name_a_bpmn_process_of_the_project(tmp_path):
    body = '<planItem id="pi_p" definitionRef="pt"/><processTask id="pt" processRef="proc"/>'
    text = cmmn_case(body).replace(
        "</case>", '</case><process id="proc" externalRef="CheckInvoice"/>'
    )
    assert "cmmn.process-task.unknown-process" in codes(check(tmp_path, text))
    bpmn = (
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">'
        '<process id="CheckInvoice"><startEvent id="s"/></process></definitions>'
    )
    assert "cmmn.process-task.unknown-process" not in codes(check(tmp_path, text, check__bpmn=bpmn))


def test_case_task_must_name_a_case_of_the_project(tmp_path):
    body = '<planItem id="pi_c" definitionRef="ct"/><caseTask id="ct" caseRef="Other"/>'
    assert "cmmn.case-task.unknown-case" in codes(check(tmp_path, cmmn_case(body)))
    other = cmmn_case("").replace("TheCase", "Other")
    assert "cmmn.case-task.unknown-case" not in codes(
        check(tmp_path, cmmn_case(body), other__cmmn=other)
    )


def test_sentry_without_on_part_or_if_part(tmp_path):
    body = (
        '<planItem id="pi_a" definitionRef="ht_a"><entryCriterion id="ec" sentryRef="s"/>'
        '</planItem><sentry id="s"/><humanTask id="ht_a"/>'
    )
    problem = only(check(tmp_path, cmmn_case(body)), "cmmn.sentry.empty")[0]
    assert problem.element == "s" and problem.severity == "warning"
    with_if = body.replace(
        '<sentry id="s"/>', '<sentry id="s"><ifPart><condition>true</condition></ifPart></sentry>'
    )
    assert "cmmn.sentry.empty" not in codes(check(tmp_path, cmmn_case(with_if)))


@pytest.mark.parametrize(
    ("source_definition", "event", "bad"),
    [
        ('<milestone id="def_src"/>', "complete", True),
        ('<milestone id="def_src"/>', "occur", False),
        ('<userEventListener id="def_src"/>', "start", True),
        ('<humanTask id="def_src"/>', "occur", True),
        ('<humanTask id="def_src"/>', "complete", False),
        ('<humanTask id="def_src"/>', "close", True),
        ('<humanTask id="def_src"/>', "finish", True),
    ],
)
def test_on_part_event_the_source_cannot_emit(tmp_path, source_definition, event, bad):
    body = (
        '<planItem id="pi_src" definitionRef="def_src"/>'
        '<planItem id="pi_a" definitionRef="ht_a"><entryCriterion id="ec" sentryRef="s"/></planItem>'
        f'<sentry id="s"><planItemOnPart id="op" sourceRef="pi_src"><standardEvent>{event}'
        "</standardEvent></planItemOnPart></sentry>"
        f'{source_definition}<humanTask id="ht_a"/>'
    )
    found = "cmmn.sentry.impossible-event" in codes(check(tmp_path, cmmn_case(body)))
    assert found is bad


def test_item_no_sentry_can_activate(tmp_path):
    # A waits for B, B waits for A: neither can ever start.
    body = (
        '<planItem id="pi_a" name="A" definitionRef="ht_a"><entryCriterion id="ec_a" sentryRef="s_a"/></planItem>'
        '<planItem id="pi_b" name="B" definitionRef="ht_b"><entryCriterion id="ec_b" sentryRef="s_b"/></planItem>'
        '<sentry id="s_a"><planItemOnPart id="op_a" sourceRef="pi_b"><standardEvent>complete</standardEvent></planItemOnPart></sentry>'
        '<sentry id="s_b"><planItemOnPart id="op_b" sourceRef="pi_a"><standardEvent>complete</standardEvent></planItemOnPart></sentry>'
        '<humanTask id="ht_a"/><humanTask id="ht_b"/>'
    )
    found = only(check(tmp_path, cmmn_case(body)), "cmmn.item.unreachable")
    assert {p.element for p in found} == {"pi_a", "pi_b"}
    # Giving A a second way in (a user event) makes both reachable.
    fixed = body.replace(
        '<entryCriterion id="ec_a" sentryRef="s_a"/>',
        '<entryCriterion id="ec_a" sentryRef="s_a"/><entryCriterion id="ec_a2" sentryRef="s_go"/>',
    ).replace(
        '<humanTask id="ht_a"/>',
        '<sentry id="s_go"><planItemOnPart id="op_go" sourceRef="pi_go"><standardEvent>occur</standardEvent></planItemOnPart></sentry>'
        '<planItem id="pi_go" definitionRef="ue_go"/><userEventListener id="ue_go"/><humanTask id="ht_a"/>',
    )
    assert "cmmn.item.unreachable" not in codes(check(tmp_path, cmmn_case(fixed)))


def test_required_item_nothing_can_activate_means_case_never_completes(tmp_path):
    body = (
        '<planItem id="pi_a" name="A" definitionRef="ht_a">'
        '<itemControl id="ic"><requiredRule id="rr"/></itemControl>'
        '<entryCriterion id="ec" sentryRef="s"/></planItem>'
        '<sentry id="s"><ifPart id="if"><condition>false</condition></ifPart></sentry>'
        '<humanTask id="ht_a"/>'
    )
    problem = only(check(tmp_path, cmmn_case(body)), "cmmn.case.cannot-complete")[0]
    assert problem.severity == "error" and problem.element == "pi_a"
    assert "never complete" in problem.message
    reachable = body.replace("<condition>false</condition>", "<condition>true</condition>")
    assert "cmmn.case.cannot-complete" not in codes(check(tmp_path, cmmn_case(reachable)))


def test_endless_repetition_warns(tmp_path):
    body = (
        '<planItem id="pi_a" definitionRef="ht_a"><itemControl id="ic"><repetitionRule id="rr"/>'
        '</itemControl></planItem><humanTask id="ht_a"/>'
    )
    assert "cmmn.repetition.endless" in codes(check(tmp_path, cmmn_case(body)))
    bounded = body.replace(
        '<repetitionRule id="rr"/>',
        '<repetitionRule id="rr"><condition>count &lt; 3</condition></repetitionRule>',
    )
    assert "cmmn.repetition.endless" not in codes(check(tmp_path, cmmn_case(bounded)))


def _if_part(condition: str) -> str:
    return (
        '<planItem id="pi_a" definitionRef="ht_a"><entryCriterion id="ec" sentryRef="s"/></planItem>'
        f'<sentry id="s"><ifPart id="if"><condition>{condition}</condition></ifPart></sentry>'
        '<humanTask id="ht_a"/>'
    )


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ("amount &gt;", "expr.syntax"),
        ("__import__('os')", "expr.forbidden"),
        ("(lambda: 1)()", "expr.forbidden"),
        ("2 ** 8", "expr.forbidden"),
        ("[x for x in items]", "expr.forbidden"),
    ],
)
def test_expression_that_does_not_compile(tmp_path, condition, code):
    problems = only(check(tmp_path, cmmn_case(_if_part(condition))), code)
    assert problems and problems[0].severity == "error" and problems[0].element == "if"


def test_juel_expression_that_translates_is_fine(tmp_path):
    found = codes(check(tmp_path, cmmn_case(_if_part("${amount &gt; 5 &amp;&amp; !rejected}"))))
    assert not {c for c in found if c.startswith("expr.")}


def test_juel_method_call_is_a_warning(tmp_path):
    problems = check(tmp_path, cmmn_case(_if_part("${caseInstance.getVariable('x') == 1}")))
    expr = [p for p in problems if p.code.startswith("expr.")]
    assert expr and all(p.severity == "warning" for p in expr)


def test_unknown_name_against_the_case_file_with_did_you_mean(tmp_path):
    case_file = (
        '<caseFileModel id="cfm"><caseFileItem id="cfi" name="claim" definitionRef="def"/>'
        "</caseFileModel>"
    )
    text = cmmn_case(_if_part("claim.amout &gt; 500"), case_extra=case_file).replace(
        "<case ", '<caseFileItemDefinition id="def" structureRef="claim.schema.json"/><case ', 1
    )
    schema = '{"type": "object", "properties": {"amount": {"type": "number"}}}'
    problem = only(check(tmp_path, text, claim__schema__json=schema), "expr.unknown-name")[0]
    assert problem.severity == "warning"
    assert "claim.amout" in problem.message and "'amount'" in problem.message
    fixed = text.replace("amout", "amount")
    assert "expr.unknown-name" not in codes(check(tmp_path, fixed, claim__schema__json=schema))


def test_unknown_root_name_with_case_schema_file(tmp_path):
    schema = '{"type": "object", "properties": {"invoice": {"type": "object"}}}'
    problems = check(
        tmp_path, cmmn_case(_if_part("invoce.amount &gt; 1")), TheCase__schema__json=schema
    )
    problem = only(problems, "expr.unknown-name")[0]
    assert "'invoice'" in problem.message


@pytest.mark.parametrize(
    ("timer", "bad"),
    [
        ("PT2H", False),
        ("R3/PT1H", False),
        ("2026-03-01T09:00:00Z", False),
        ("P2X", True),
        ("in two days", True),
        ("${dueDate}", False),
    ],
)
def test_timer_expressions(tmp_path, timer, bad):
    body = (
        '<planItem id="pi_t" definitionRef="tl"/><timerEventListener id="tl" name="Wait">'
        f"<timerExpression>{timer}</timerExpression></timerEventListener>"
    )
    found = "timer.invalid" in codes(check(tmp_path, cmmn_case(body)))
    assert found is bad


def test_vendor_attributes(tmp_path):
    body = (
        '<planItem id="pi_a" definitionRef="ht_a"/>'
        '<humanTask id="ht_a" flowable:assignee="kermit" flowable:candidateGroups="managers" '
        'flowable:candidateUsers="fozzie"/>'
    )
    problems = only(check(tmp_path, cmmn_case(body)), "vendor.unsupported")
    assert len(problems) == 1 and "candidateUsers" in problems[0].message


def test_unreadable_file_is_an_error_problem_not_a_crash(tmp_path):
    problems = check(tmp_path, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    assert [p.code for p in problems] == ["xml.doctype"]
    assert problems[0].severity == "error"


def test_decision_task_must_name_a_dmn_decision_of_the_project(tmp_path):
    body = '<planItem id="pi_d" definitionRef="dt"/><decisionTask id="dt" decisionRef="risk"/>'
    assert "cmmn.decision-task.unknown-decision" in codes(check(tmp_path, cmmn_case(body)))
    dmn = (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" '
        'namespace="urn:t"><decision id="risk" name="Risk"><decisionTable id="t">'
        '<output id="o" name="risk"/></decisionTable></decision></definitions>'
    )
    assert "cmmn.decision-task.unknown-decision" not in codes(
        check(tmp_path, cmmn_case(body), risk__dmn=dmn)
    )


def test_computed_process_reference_is_unsupported_but_a_literal_one_resolves(tmp_path):
    computed = '<planItem id="pi_p" definitionRef="pt"/><processTask id="pt"><processRefExpression>${key}</processRefExpression></processTask>'
    assert "unsupported.dynamic-reference" in codes(check(tmp_path, cmmn_case(computed)))
    literal = computed.replace("${key}", "CheckInvoice")
    found = codes(check(tmp_path, cmmn_case(literal)))
    assert "cmmn.process-task.unknown-process" in found
    assert "unsupported.dynamic-reference" not in found
