"""A process started by a case shows in the case's history and explanation, not only its items
(issue 4, "Integration")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from studio.testing.case_driver import open_case_driver
from tests.conftest import shared_path

MISMATCH = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


@pytest.fixture
def case():
    model = shared_path("acceptance/mixed/invoice_case.cmmn")
    driver = open_case_driver(model, "InvoiceCase")
    driver.start(MISMATCH, datetime(2026, 1, 5, 9, tzinfo=UTC))
    return driver


def test_the_case_history_holds_the_process_it_started_in_the_order_things_happened(case):
    entries = [(prefix, event.item, event.event) for prefix, event in case.history()]
    started = entries.index(("", "pi_check", "start"))
    child = [i for i, (prefix, _, _) in enumerate(entries) if prefix]
    assert child and child[0] > started  # the process runs after its task started
    assert any(item == "manual" and event == "start" for _, item, event in entries)
    case.perform("complete", next(p for p, _, _ in entries if p) + "manual", {"approved": False})
    entries = [(prefix, event.item, event.event) for prefix, event in case.history()]
    completed = entries.index(("", "pi_check", "complete"))
    assert entries.index((entries[child[0]][0], "manual", "complete")) < completed


def test_the_case_and_its_process_task_explain_what_the_process_waits_for(case):
    why = case.explain(None)
    assert "'Check invoice' waits for InvoiceCheck (active)" in why
    assert "Check mismatch" in why
    assert "Check mismatch" in case.explain("pi_check")
    assert "InvoiceCheck" not in case.explain("pi_pay")


CALLER = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="Caller" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
    <callActivity id="call" name="Handle the case" calledElement="Called"/>
    <sequenceFlow id="f2" sourceRef="call" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>
"""
CALLED = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="c" targetNamespace="t">
  <case id="Called">
    <casePlanModel id="plan" autoComplete="false">
      <planItem id="pi_work" name="Work" definitionRef="ht_work"/>
      <planningTable id="pt">
        <discretionaryItem id="di_extra" name="Extra check" definitionRef="ht_extra"/>
      </planningTable>
      <humanTask id="ht_work" name="Work"/>
      <humanTask id="ht_extra" name="Extra check"/>
    </casePlanModel>
  </case>
</definitions>
"""


def test_a_scenario_plans_a_discretionary_item_of_a_case_a_process_called(tmp_path):
    from studio.testing.runner import run_scenario
    from studio.testing.scenario_file import load_scenario

    (tmp_path / "caller.bpmn").write_text(CALLER)
    (tmp_path / "called.cmmn").write_text(CALLED)
    scenario = tmp_path / "plan.scenario.json"
    scenario.write_text(
        '{"name": "plan in the called case", "model": "caller.bpmn", "steps": ['
        '{"plan": "Extra check"}, {"expect": {"items": {"Extra check": "active"}}}]}'
    )
    result = run_scenario(load_scenario(scenario), open_case_driver)
    assert result.passed, result.failures


MAPPED_CASE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="m" targetNamespace="t">
  <case id="Claim">
    <caseFileModel id="cfm">
      <caseFileItem id="cfi_claim" name="claim" definitionRef="def"/>
      <caseFileItem id="cfi_decision" name="decision" definitionRef="def"/>
      <caseFileItem id="cfi_secret" name="secret" definitionRef="def"/>
    </caseFileModel>
    <casePlanModel id="plan" autoComplete="true">
      <planItem id="pi_check" name="Check" definitionRef="pt_check"/>
      <processTask id="pt_check" name="Check" processRef="proc">
        <input id="in_claim" name="claim" bindingRef="cfi_claim"/>
        <output id="out_decision" name="decision" bindingRef="cfi_decision"/>
        <parameterMapping id="pm_in" sourceRef="in_claim" targetRef="p_amount">
          <transformation>claim.amount</transformation>
        </parameterMapping>
        <parameterMapping id="pm_out" sourceRef="p_ok" targetRef="out_decision">
          <transformation>"approve" if ok else "refuse"</transformation>
        </parameterMapping>
      </processTask>
    </casePlanModel>
  </case>
  <process id="proc" externalRef="Check">
    <input id="p_amount" name="amount"/>
    <output id="p_ok" name="ok"/>
  </process>
  <caseFileItemDefinition id="def" definitionType="http://www.omg.org/spec/CMMN/DefinitionType/Unspecified"/>
</definitions>
"""
MAPPED_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="Check" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="look"/>
    <userTask id="look" name="Look at the amount"/>
    <sequenceFlow id="f2" sourceRef="look" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>
"""


def test_parameter_mappings_narrow_what_goes_into_the_process_and_what_comes_back(tmp_path):
    (tmp_path / "claim.cmmn").write_text(MAPPED_CASE)
    (tmp_path / "check.bpmn").write_text(MAPPED_PROCESS)
    case = open_case_driver(tmp_path / "claim.cmmn", "Claim")
    case.start({"claim": {"amount": 900}, "secret": "s3"}, datetime(2026, 1, 5, tzinfo=UTC))
    process = next(iter(case.children.values()))[0]
    assert process.data() == {"amount": 900}  # only what the input mapping gives
    key = next(i.key for i in case.items() if i.plan_item_id == "look")
    case.perform("complete", key, {"ok": True, "noise": 1})
    assert case.case_state() == "completed"
    assert case.data() == {"claim": {"amount": 900}, "secret": "s3", "decision": "approve"}
