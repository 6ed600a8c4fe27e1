"""Case tasks start sub-cases of the model project (blocking and not), through the host."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.testing.case_driver import open_case_driver
from studio.testing.driver import UnusableScenario
from tests.runtime.engine_helpers import T0

MODEL = """<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
  <case id="Claim">
    <casePlanModel id="plan" autoComplete="true">
      <planItem id="pi_review" name="Review" definitionRef="ct_review"/>
      <planItem id="pi_pay" name="Pay" definitionRef="ht_pay"><entryCriterion id="ec" sentryRef="s"/></planItem>
      <sentry id="s"><planItemOnPart id="op" sourceRef="pi_review"><standardEvent>complete</standardEvent></planItemOnPart>
        <ifPart><condition>verdict == "ok"</condition></ifPart></sentry>
      <caseTask id="ct_review" name="Review" caseRef="Review" isBlocking="{blocking}"/>
      <humanTask id="ht_pay" name="Pay"/>
    </casePlanModel>
  </case>
  <case id="Review">
    <casePlanModel id="rplan" autoComplete="true">
      <planItem id="pi_check" name="Check claim" definitionRef="ht_check"/>
      <humanTask id="ht_check" name="Check claim"/>
    </casePlanModel>
  </case>
</definitions>"""


def driver(tmp_path: Path, blocking: bool = True):
    path = tmp_path / "claims.cmmn"
    path.write_text(MODEL.replace("{blocking}", "true" if blocking else "false"))
    claim = open_case_driver(path, "Claim")
    claim.start({"verdict": None}, T0)
    return claim


def state_of(claim, name: str) -> str:
    found = [i for i in claim.items() if i.name == name]
    return max(found, key=lambda i: i.created).state if found else "absent"


def key_of(claim, name: str) -> str:
    return next(i.key for i in claim.items() if i.name == name)


def test_blocking_case_task_waits_and_gets_the_changed_items_back(tmp_path):
    claim = driver(tmp_path)
    assert state_of(claim, "Review") == "active" and state_of(claim, "Check claim") == "active"
    assert next(i.level for i in claim.items() if i.name == "Check claim") == 1
    claim.perform("complete", key_of(claim, "Check claim"), {"verdict": "ok"})
    assert state_of(claim, "Review") == "completed"
    assert claim.data()["verdict"] == "ok" and state_of(claim, "Pay") == "active"


def test_non_blocking_case_task_completes_at_once_and_the_child_runs_detached(tmp_path):
    claim = driver(tmp_path, blocking=False)
    assert state_of(claim, "Review") == "completed"
    claim.perform("complete", key_of(claim, "Check claim"), {"verdict": "ok"})
    assert claim.data()["verdict"] is None  # no write-back from a detached child


def test_terminating_the_blocking_task_terminates_the_sub_case(tmp_path):
    claim = driver(tmp_path)
    claim.perform("terminate", "pi_review")
    assert state_of(claim, "Check claim") == "terminated"


def test_a_sub_case_that_ends_terminated_terminates_the_task(tmp_path):
    claim = driver(tmp_path)
    (review, _, _) = next(iter(claim.children.values()))
    review.perform("terminate", None)  # the sub-case itself is terminated
    claim._settle()
    assert review.case_state() == "terminated"
    assert state_of(claim, "Review") == "terminated"


def test_a_model_that_does_not_validate_is_unusable(tmp_path):
    path = tmp_path / "bad.cmmn"
    path.write_text(
        MODEL.replace('caseRef="Review"', 'caseRef="Nowhere"').replace("{blocking}", "true")
    )
    with pytest.raises(UnusableScenario) as info:
        open_case_driver(path, "Claim")
    assert "cmmn.case-task.unknown-case" in str(info.value)


LOOP = """<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
  <case id="Loop"><casePlanModel id="plan" autoComplete="true">
    <planItem id="keep" name="Keep" definitionRef="ht_keep"/><humanTask id="ht_keep"/>
    <planItem id="t" definitionRef="tl"/>
    <timerEventListener id="tl"><timerExpression>PT1H</timerExpression></timerEventListener>
    <planItem id="m1" definitionRef="ms1"><itemControl><repetitionRule/></itemControl>
      <entryCriterion id="e1" sentryRef="s1"/><entryCriterion id="e1t" sentryRef="st"/></planItem>
    <planItem id="m2" definitionRef="ms2"><itemControl><repetitionRule/></itemControl>
      <entryCriterion id="e2" sentryRef="s2"/></planItem>
    <sentry id="s1"><planItemOnPart id="o1" sourceRef="m2"><standardEvent>occur</standardEvent></planItemOnPart></sentry>
    <sentry id="s2"><planItemOnPart id="o2" sourceRef="m1"><standardEvent>occur</standardEvent></planItemOnPart></sentry>
    <sentry id="st"><planItemOnPart id="ot" sourceRef="t"><standardEvent>occur</standardEvent></planItemOnPart></sentry>
    <milestone id="ms1"/><milestone id="ms2"/>
  </casePlanModel></case></definitions>"""


def test_a_timer_that_sets_off_a_runaway_becomes_an_incident_and_is_parked(tmp_path):
    from datetime import timedelta

    path = tmp_path / "loop.cmmn"
    path.write_text(LOOP)
    case = open_case_driver(path, None)
    case.start({}, T0)
    case.advance(timedelta(hours=2))
    state = case._state()
    [incident] = state.incidents
    assert incident.code == "loop.budget" and "operations" in incident.message
    assert state.timers == []  # parked
    assert state_of(case, "Keep") == "active"
    assert {i.state for i in case.items() if i.plan_item_id in ("m1", "m2")} == {"available"}
    assert [i.state for i in case.items() if i.plan_item_id == "t"] == ["available"]
