"""The BPMN process engine hosted by the scenario driver: call activities and messages."""

from __future__ import annotations

import pytest

from studio.testing.case_driver import open_case_driver
from studio.testing.driver import ActionRefused
from tests.runtime.test_process_engine import T0, flow, process_xml

ROOTS = '<message id="m_ok" name="approved"/>'

PARENT = (
    '<startEvent id="s"/>' + flow("f1", "s", "call")
    + '<callActivity id="call" name="Approve" calledElement="{called}"/>'
    + flow("f2", "call", "after") + '<userTask id="after" name="Ship"/>'
)  # fmt: skip

CHILD = (
    '<startEvent id="cs"/>' + flow("g1", "cs", "wait")
    + '<intermediateCatchEvent id="wait" name="Approval">'
    + '<messageEventDefinition messageRef="m_ok"/></intermediateCatchEvent>'
    + flow("g2", "wait", "calc")
    + '<scriptTask id="calc"><script>total = price * 2</script></scriptTask>'
    + flow("g3", "calc", "ce") + '<endEvent id="ce"/>'
)  # fmt: skip

CASE = """<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
  <case id="Review"><casePlanModel id="plan" autoComplete="true">
    <planItem id="look" name="Look" definitionRef="ht"/><humanTask id="ht"/>
  </casePlanModel></case>
</definitions>"""


def _driver(tmp_path, called: str = "Child"):
    parent = process_xml(PARENT.format(called=called), ROOTS).replace(b'id="P"', b'id="Parent"')
    child = process_xml(CHILD, ROOTS).replace(b'id="P"', b'id="Child"')
    (tmp_path / "parent.bpmn").write_bytes(parent)
    (tmp_path / "child.bpmn").write_bytes(child)
    (tmp_path / "review.cmmn").write_text(CASE)
    driver = open_case_driver(tmp_path / "parent.bpmn", "Parent")
    driver.start({"price": 4}, T0)
    return driver


def _states(driver) -> dict[str, str]:
    """Item states by key, the called element's items under `call/`."""
    (call,) = driver.children
    return {view.key.replace(call, "call"): view.state for view in driver.items()}


def test_a_call_activity_runs_its_process_and_a_message_reaches_the_child(tmp_path):
    driver = _driver(tmp_path)
    states = _states(driver)
    assert states["call"] == "active"
    assert states["call/wait"] == "active"
    with pytest.raises(ActionRefused, match="'other'"):
        driver.message("other")
    driver.message("approved", {"ok": True})
    states = _states(driver)
    assert states["call"] == "completed" and states["after"] == "active"
    assert driver.data() == {"price": 4, "ok": True, "total": 8}
    assert "call" in driver.known_names() and "Approval" in driver.known_names()
    driver.perform("complete", "after")
    assert driver.case_state() == "completed"


def test_a_call_activity_may_call_a_case_of_the_project(tmp_path):
    driver = _driver(tmp_path, called="Review")
    assert _states(driver)["call/look"] == "active"
    (call,) = driver.children
    driver.perform("complete", f"{call}/look", {"seen": True})
    assert _states(driver)["after"] == "active"
    assert driver.data() == {"price": 4, "seen": True}


def test_terminating_the_caller_terminates_the_called_process(tmp_path):
    driver = _driver(tmp_path)
    driver.perform("terminate", None)
    assert driver.case_state() == "terminated"
    ((child, _, _),) = driver.children.values()
    assert child.case_state() == "terminated"
