"""Start triggers on case file items, sentry loops, the history's causes, and explanations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studio.runtime.engine.engine import Command, Runaway
from studio.runtime.engine.explain import explain_case, explain_item
from tests.runtime.engine_helpers import T0, Case, case_xml, on, task

CASE_FILE = '<caseFileModel id="cfm"><caseFileItem id="cfi" name="doc"/></caseFileModel>'


def test_timer_started_by_a_case_file_item_event():
    body = (
        task("keep")
        + task("late", inner='<entryCriterion id="e" sentryRef="s"/>')
        + (
            '<planItem id="t" definitionRef="tl"/><timerEventListener id="tl">'
            "<timerExpression>PT1H</timerExpression>"
            '<caseFileItemStartTrigger sourceRef="cfi"><standardEvent>create</standardEvent>'
            "</caseFileItemStartTrigger></timerEventListener>"
        )
        + on("t", "occur", "s")
    )
    case = Case(case_xml(body, case_extra=CASE_FILE)).advance(timedelta(hours=2))
    assert case.latest("late") == "available"
    case.do("set", None, {"doc": {"x": 1}}).advance(timedelta(hours=1))
    assert case.latest("late") == "active"


def test_sentries_that_trigger_each_other_end_as_a_runaway():
    rep = "<itemControl><repetitionRule/></itemControl>"
    body = (
        task("go")
        + (
            f'<planItem id="m1" definitionRef="ms1">{rep}<entryCriterion id="e1" sentryRef="s1"/>'
            f'<entryCriterion id="e1b" sentryRef="s_go"/></planItem>'
            f'<planItem id="m2" definitionRef="ms2">{rep}<entryCriterion id="e2" sentryRef="s2"/></planItem>'
            '<milestone id="ms1"/><milestone id="ms2"/>'
        )
        + on("m2", "occur", "s1")
        + on("m1", "occur", "s2")
        + on("go", "complete", "s_go")
    )
    case = Case(case_xml(body))
    before = case.state
    with pytest.raises(Runaway):
        case.do("complete", "go")
    assert case.state is before and case.latest("go") == "active"


def test_history_names_the_criterion_that_started_an_item():
    body = (
        task("a")
        + task("b", inner='<entryCriterion id="ec_b" sentryRef="s"/>')
        + on("a", "complete", "s")
    )
    case = Case(case_xml(body))
    outcome = case.engine.execute(case.state, Command("complete", "a"), T0)
    started = [e for e in outcome.history if e.item == "b" and e.event == "start"]
    assert started and started[0].cause == "ec_b"


def test_explanations_name_the_missing_part():
    body = (
        task("a")
        + task("b", inner='<entryCriterion id="ec_b" sentryRef="s"/>')
        + on("a", "complete", "s", "amount &gt; 10")
        + '<planItem id="st" name="Review" definitionRef="stage"/><stage id="stage">'
        + task("c", name="Check")
        + "</stage>"
    )
    case = Case(case_xml(body), {"amount": 1})
    why = explain_item(case.engine.definition, case.state, "b", T0)
    assert "'complete' of 'a'" in why and "amount > 10" in why
    case.do("complete", "a")
    why = explain_item(case.engine.definition, case.state, "b", T0)
    assert "'complete'" not in why and "amount > 10" in why and "false" in why
    stage = explain_item(case.engine.definition, case.state, "st", T0)
    assert "'Check' is active" in stage
    assert "'Review' is active" in explain_case(case.engine.definition, case.state, T0)
