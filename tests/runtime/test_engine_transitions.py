"""The rest of the CMMN 1.1 lifecycle tables, transition by transition, with the exact event each
emits: fault/reactivate, stages, milestones and event listeners, and the case instance itself
(suspend/resume, terminate, fault/reactivate, close). Commands the case's state does not accept
are refused and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studio.runtime.engine.engine import Refused
from tests.runtime.engine_helpers import Case, case_xml, on, task

MANUAL = "<itemControl><manualActivationRule/></itemControl>"
LISTENER = '<planItem id="u" definitionRef="ue"/><userEventListener id="ue"/>'
MILESTONE = (
    '<planItem id="m" definitionRef="ms"><entryCriterion id="ec_m" sentryRef="s_m"/></planItem>'
    '<milestone id="ms"/>'
)


def stage(inner: str, *, item: str = "", auto: bool = True) -> str:
    flag = "true" if auto else "false"
    return (
        f'<planItem id="st" definitionRef="stage">{item}</planItem>'
        f'<stage id="stage" autoComplete="{flag}">{inner}</stage>'
    )


def refused(case: Case, action: str, item: str | None = None, data: dict | None = None) -> str:
    """The refusal's words; the case is left exactly as it was."""
    state, events = case.state, list(case.events)
    with pytest.raises(Refused) as info:
        case.do(action, item, data)
    assert case.state is state and case.events == events
    return str(info.value)


# -- plan items: fault and reactivate -----------------------------------------------------------


def test_fault_fails_an_item_and_reactivate_makes_it_active_again():
    case = Case(case_xml(task("a") + task("b"))).do("fault", "a")
    assert case.events_of("a") == ["create", "start", "fault"] and case.latest("a") == "failed"
    case.do("complete", "b")
    assert case.case == "active"  # a failed item keeps its stage open
    assert "cannot complete 'a': it is failed" in refused(case, "complete", "a")
    case.do("reactivate", "a")
    assert case.events_of("a")[-1] == "reactivate" and case.latest("a") == "active"
    case.do("complete", "a")
    assert case.events_of("a")[-1] == "complete" and case.case == "completed"


def test_only_a_failed_item_is_reactivated_and_only_an_active_one_faults():
    case = Case(case_xml(task("a") + task("b", inner=MANUAL)))
    assert "it is active" in refused(case, "reactivate", "a")
    assert "it is enabled" in refused(case, "fault", "b")


def test_terminating_a_failed_item_ends_it_with_terminate():
    case = Case(case_xml(task("a") + task("b"))).do("fault", "a").do("terminate", "a")
    assert case.events_of("a")[-2:] == ["fault", "terminate"]
    assert case.latest("a") == "terminated"


# -- stages ---------------------------------------------------------------------------------------


def test_a_manual_stage_is_enabled_then_started_and_creates_its_children_then():
    case = Case(case_xml(stage(task("a"), item=MANUAL) + task("keep")))
    assert case.events_of("st") == ["create", "enable"]
    assert case.latest("a") == "absent"  # children of a stage that is not active do not exist
    case.do("start", "st")
    assert case.events_of("st") == ["create", "enable", "manualStart"]
    assert case.events_of("a") == ["create", "start"]
    case.do("complete", "a")
    assert case.events_of("st")[-1] == "complete" and case.latest("st") == "completed"


def test_disable_and_reenable_a_stage():
    case = Case(case_xml(stage(task("a"), item=MANUAL) + task("keep"))).do("disable", "st")
    assert case.events_of("st")[-1] == "disable" and case.latest("st") == "disabled"
    case.do("reenable", "st")
    assert case.events_of("st")[-1] == "reenable" and case.latest("st") == "enabled"


def test_suspending_a_stage_suspends_its_children_with_parent_suspend_and_resume_restores():
    body = stage(task("a") + task("b", inner=MANUAL) + LISTENER, auto=False) + task("keep")
    case = Case(case_xml(body)).do("suspend", "st")
    assert case.events_of("st")[-1] == "suspend" and case.latest("st") == "suspended"
    for child in ("a", "b", "u"):
        assert case.events_of(child)[-1] == "parentSuspend" and case.latest(child) == "suspended"
    assert case.latest("keep") == "active"  # outside the stage nothing changes
    case.do("resume", "st")
    assert case.events_of("st")[-1] == "resume" and case.latest("st") == "active"
    assert [case.events_of(c)[-1] for c in ("a", "b", "u")] == ["parentResume"] * 3
    assert [case.latest(c) for c in ("a", "b", "u")] == ["active", "enabled", "available"]


def test_a_child_of_a_suspended_stage_resumes_only_with_its_stage():
    case = Case(case_xml(stage(task("a") + task("b")) + task("keep"))).do("suspend", "st")
    assert "its stage 'st' is suspended" in refused(case, "resume", "a")


def test_a_child_suspended_on_its_own_stays_suspended_when_its_stage_resumes():
    case = Case(case_xml(stage(task("a") + task("b")) + task("keep")))
    case.do("suspend", "a").do("suspend", "st").do("resume", "st")
    assert case.events_of("a") == ["create", "start", "suspend"]
    assert case.latest("a") == "suspended" and case.latest("b") == "active"
    case.do("resume", "a")
    assert case.latest("a") == "active"


def test_terminating_a_stage_exits_its_children():
    case = Case(case_xml(stage(task("a") + LISTENER) + task("keep"))).do("terminate", "st")
    assert case.events_of("st")[-1] == "terminate" and case.latest("st") == "terminated"
    assert case.events_of("a")[-1] == "exit" and case.events_of("u")[-1] == "exit"


def test_a_stage_exit_criterion_exits_the_stage_and_its_children():
    body = (
        stage(task("a"), item='<exitCriterion id="x_st" sentryRef="s_x"/>')
        + task("stop")
        + on("stop", "complete", "s_x")
    )
    case = Case(case_xml(body)).do("complete", "stop")
    assert case.events_of("st") == ["create", "start", "exit"]
    assert case.events_of("a") == ["create", "start", "exit"]


def test_a_stage_completed_by_hand_once_its_required_children_are_done():
    body = stage(task("a", inner=MANUAL) + task("b"), auto=False) + task("keep")
    case = Case(case_xml(body))
    assert "cannot complete yet" in refused(case, "complete", "st")  # b is active
    case.do("complete", "b")
    assert case.latest("st") == "active"  # a (enabled) keeps a non-auto-completing stage open
    case.do("complete", "st")
    assert case.events_of("st")[-1] == "complete"
    assert case.events_of("a")[-1] == "exit" and case.latest("a") == "terminated"


# -- milestones and event listeners ---------------------------------------------------------------


def test_a_waiting_milestone_is_suspended_resumed_and_terminated():
    body = MILESTONE + task("a") + task("go") + on("go", "complete", "s_m")
    case = Case(case_xml(body)).do("suspend", "m")
    assert case.events_of("m") == ["create", "suspend"] and case.latest("m") == "suspended"
    case.do("complete", "go")
    assert case.latest("m") == "suspended"  # a suspended milestone does not occur
    case.do("resume", "m")
    assert case.events_of("m")[-1] == "resume" and case.latest("m") == "available"
    case.do("terminate", "m")
    assert case.events_of("m")[-1] == "terminate" and case.latest("m") == "terminated"


def test_a_user_event_listener_is_suspended_resumed_and_terminated():
    case = Case(case_xml(LISTENER + task("a"))).do("suspend", "u")
    assert case.events_of("u") == ["create", "suspend"]
    assert "it is suspended" in refused(case, "occur", "u")
    case.do("resume", "u").do("terminate", "u")
    assert case.events_of("u") == ["create", "suspend", "resume", "terminate"]


def test_a_timer_event_listener_occurs_when_due_and_exits_with_its_stage():
    timer = (
        '<planItem id="t" definitionRef="tl"/>'
        '<timerEventListener id="tl"><timerExpression>PT1H</timerExpression></timerEventListener>'
    )
    case = Case(case_xml(timer + task("a"), auto_complete=False)).advance(timedelta(hours=2))
    assert case.events_of("t") == ["create", "occur"] and case.latest("t") == "completed"
    case = Case(case_xml(timer + task("a"))).do("complete", "a")
    assert case.events_of("t") == ["create", "exit"]
    assert case.state.timers == []  # its timer was cancelled


# -- the case instance ----------------------------------------------------------------------------


def test_suspend_and_resume_the_case_emit_suspend_and_resume_on_the_case_plan():
    case = Case(case_xml(task("a"))).do("suspend", None)
    assert case.events_of("plan")[-1] == "suspend" and case.case == "suspended"
    case.do("resume", None)
    assert case.events_of("plan")[-1] == "resume" and case.case == "active"


def test_nothing_changes_in_a_suspended_case_but_its_own_lifecycle():
    body = task("a") + task("b", inner='<entryCriterion id="e" sentryRef="s"/>')
    body += '<sentry id="s"><ifPart><condition>x == 1</condition></ifPart></sentry>'
    case = Case(case_xml(body)).do("suspend", None)
    assert refused(case, "set", None, {"x": 1}) == "the case is suspended"
    assert refused(case, "resume", "a") == "the case is suspended"
    assert refused(case, "terminate", "a") == "the case is suspended"
    assert refused(case, "suspend", None) == "cannot suspend the case: it is suspended"
    assert refused(case, "complete", None) == "cannot complete the case: it is suspended"


def test_resume_and_reactivate_are_refused_for_an_active_case():
    case = Case(case_xml(task("a")))
    assert refused(case, "resume", None) == "cannot resume the case: it is active"
    assert refused(case, "reactivate", None) == "cannot reactivate the case: it is active"


def test_a_user_terminates_the_case_and_its_items_exit():
    case = Case(case_xml(task("a") + LISTENER)).do("terminate", None)
    assert case.events_of("plan")[-1] == "terminate" and case.case == "terminated"
    assert case.events_of("a")[-1] == "exit" and case.events_of("u")[-1] == "exit"


def test_a_suspended_case_can_be_terminated():
    case = Case(case_xml(task("a"))).do("suspend", None).do("terminate", None)
    assert case.events_of("plan")[-2:] == ["suspend", "terminate"]
    assert case.events_of("a")[-1] == "exit" and case.latest("a") == "terminated"


def test_the_case_faults_then_only_reactivate_or_close_is_accepted():
    case = Case(case_xml(task("a") + task("b"))).do("fault", None)
    assert case.events_of("plan")[-1] == "fault" and case.case == "failed"
    assert case.latest("a") == "active"  # its items keep their states
    assert refused(case, "complete", "a") == "the case is failed"
    assert refused(case, "suspend", None) == "cannot suspend the case: it is failed"
    case.do("reactivate", None)
    assert case.events_of("plan")[-1] == "reactivate" and case.case == "active"
    case.do("complete", "a")
    assert case.latest("a") == "completed"


@pytest.mark.parametrize("ending", ["complete", "terminate", "fault"])
def test_close_a_completed_terminated_or_failed_case(ending):
    case = Case(case_xml(task("a")))
    case.do(*(("complete", "a") if ending == "complete" else (ending, None)))
    assert case.case == {"complete": "completed", "terminate": "terminated"}.get(ending, "failed")
    case.do("close", None)
    assert case.events_of("plan")[-1] == "close" and case.case == "closed"
    assert refused(case, "close", None) == "the case is closed"
    assert refused(case, "reactivate", None) == "the case is closed"


def test_an_active_or_suspended_case_is_not_closed():
    case = Case(case_xml(task("a")))
    assert refused(case, "close", None) == "cannot close the case: it is active"
    case.do("suspend", None)
    assert refused(case, "close", None) == "cannot close the case: it is suspended"
