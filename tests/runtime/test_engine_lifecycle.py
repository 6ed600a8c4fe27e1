"""Every lifecycle transition emits exactly its standard event (CMMN 1.1 lifecycle tables)."""

from __future__ import annotations

import pytest

from studio.runtime.engine.engine import Refused
from tests.runtime.engine_helpers import Case, case_xml, on, task

MANUAL = "<itemControl><manualActivationRule/></itemControl>"


def test_start_creates_and_starts_the_plan_and_its_items():
    case = Case(case_xml(task("a")))
    assert case.case == "active"
    assert case.events_of("plan") == ["create", "start"]
    assert case.events_of("a") == ["create", "start"]
    assert case.latest("a") == "active"


def test_complete_emits_complete_and_the_case_completes():
    case = Case(case_xml(task("a"))).do("complete", "a")
    assert case.events_of("a") == ["create", "start", "complete"]
    assert case.events_of("plan")[-1] == "complete"
    assert case.case == "completed"


def test_manual_activation_enables_then_manual_start():
    case = Case(case_xml(task("a", inner=MANUAL) + task("b")))
    assert case.events_of("a") == ["create", "enable"]
    case.do("start", "a")
    assert case.events_of("a") == ["create", "enable", "manualStart"]
    assert case.latest("a") == "active"


def test_disable_and_reenable():
    case = Case(case_xml(task("a", inner=MANUAL) + task("b")))
    case.do("disable", "a")
    assert case.events_of("a")[-1] == "disable" and case.latest("a") == "disabled"
    case.do("reenable", "a")
    assert case.events_of("a")[-1] == "reenable" and case.latest("a") == "enabled"


def test_a_disabled_item_does_not_keep_the_case_open():
    case = Case(case_xml(task("a", inner=MANUAL) + task("b"), auto_complete=False))
    case.do("disable", "a").do("complete", "b")
    assert case.case == "completed"


def test_terminate_by_a_user():
    case = Case(case_xml(task("a") + task("b"))).do("terminate", "a")
    assert case.events_of("a")[-1] == "terminate" and case.latest("a") == "terminated"


def test_an_enabled_item_does_not_keep_an_auto_completing_case_open():
    case = Case(case_xml(task("a", inner=MANUAL)))
    assert case.case == "completed"
    assert case.events_of("a") == ["create", "enable", "exit"]


def test_suspend_and_resume_an_item():
    case = Case(case_xml(task("a"))).do("suspend", "a")
    assert case.events_of("a")[-1] == "suspend" and case.latest("a") == "suspended"
    case.do("resume", "a")
    assert case.events_of("a")[-1] == "resume" and case.latest("a") == "active"


def test_suspending_the_case_suspends_children_with_parent_suspend():
    case = Case(case_xml(task("a", inner=MANUAL) + task("b"))).do("suspend", None)
    assert case.case == "suspended"
    assert case.events_of("a")[-1] == "parentSuspend"
    assert case.events_of("b")[-1] == "parentSuspend"
    case.do("resume", None)
    assert case.case == "active"
    assert case.events_of("a")[-1] == "parentResume" and case.latest("a") == "enabled"
    assert case.latest("b") == "active"


def test_nothing_changes_in_a_suspended_case():
    case = Case(case_xml(task("a"))).do("suspend", None)
    with pytest.raises(Refused):
        case.do("complete", "a")


def test_milestone_occurs_then_completes():
    body = task("a") + (
        '<planItem id="m" definitionRef="ms"><entryCriterion id="ec_m" sentryRef="s"/></planItem>'
        + on("a", "complete", "s")
        + '<milestone id="ms"/>'
    )
    case = Case(case_xml(body, auto_complete=False)).do("complete", "a")
    assert case.events_of("m") == ["create", "occur"]
    assert case.latest("m") == "completed"


def test_user_event_listener_occurs():
    body = '<planItem id="u" definitionRef="ue"/><userEventListener id="ue"/>' + task("a")
    case = Case(case_xml(body)).do("occur", "u")
    assert case.events_of("u") == ["create", "occur"]
    assert case.latest("u") == "completed"


def test_exit_criterion_emits_exit():
    body = (
        task("a", inner='<exitCriterion id="x" sentryRef="s"/>')
        + task("b")
        + on("b", "complete", "s")
    )
    case = Case(case_xml(body)).do("complete", "b")
    assert case.events_of("a")[-1] == "exit" and case.latest("a") == "terminated"


def test_children_of_a_completed_stage_end_with_exit():
    body = (
        '<planItem id="st" definitionRef="stage"/>'
        '<stage id="stage" autoComplete="false">'
        + task("a")
        + '<planItem id="u" definitionRef="ue"/><userEventListener id="ue"/>'
        + "</stage>"
    )
    case = Case(case_xml(body)).do("complete", "a")
    assert case.latest("st") == "completed"
    assert case.events_of("u")[-1] == "exit" and case.latest("u") == "terminated"


def test_case_plan_exit_criterion_terminates_the_case():
    body = (
        task("a")
        + '<planItem id="u" definitionRef="ue"/><userEventListener id="ue"/>'
        + on("u", "occur", "s_cancel")
        + '<exitCriterion id="x_case" sentryRef="s_cancel"/>'
    )
    case = Case(case_xml(body)).do("occur", "u")
    assert case.case == "terminated"
    assert case.events_of("plan")[-1] == "exit"
    assert case.latest("a") == "terminated"


def test_refused_command_changes_nothing():
    case = Case(case_xml(task("a") + task("b")))
    before = (case.state.items.copy(), list(case.events))
    with pytest.raises(Refused):
        case.do("occur", "a")
    assert case.state.items == before[0] and case.events == before[1]


def test_a_command_never_changes_the_state_it_started_from():
    case = Case(
        case_xml(
            task("a")
            + task("b", inner='<entryCriterion id="e" sentryRef="s"/>')
            + on("a", "complete", "s")
        )
    )
    before = case.state
    snapshot = {
        iid: (i.state, {k: set(v) for k, v in i.memory.items()}) for iid, i in before.items.items()
    }
    data = dict(before.data)
    case.do("complete", "a", {"note": "x"})
    assert case.latest("b") == "active"
    assert {iid: (i.state, i.memory) for iid, i in before.items.items()} == snapshot
    assert before.data == data and before.state == "active"
