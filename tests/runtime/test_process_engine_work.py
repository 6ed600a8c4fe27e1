"""The BPMN process engine: business-rule tasks (DMN) and service tasks (handlers)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from studio.notation import read_model
from studio.runtime.engine.definition import DefinitionError
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.outcome import Command
from studio.runtime.engine.process_definition import compile_process
from studio.runtime.engine.process_engine import ProcessEngine
from studio.runtime.services import ServiceContext, ServiceRegistry, echo
from studio.testing.case_driver import open_case_driver
from tests.runtime.test_decisions import RATING, dmn
from tests.runtime.test_process_engine import T0, flow, process_xml


def around(task: str) -> str:
    """start -> `task` (id "t") -> end."""
    return (
        '<startEvent id="s"/>'
        + flow("f1", "s", "t")
        + task
        + flow("f2", "t", "e")
        + ('<endEvent id="e"/>')
    )


def risk(key: str) -> Any:
    model = read_model(dmn(["amount"], ["level"], RATING).encode(), "r.dmn")
    return model.decisions[0] if key in ("risk", "Risk") else None


def run(body: str, variables: dict, services: ServiceRegistry | None = None, decisions=risk):
    model = read_model(process_xml(body), "t.bpmn")
    engine = ProcessEngine(compile_process(model, decisions=decisions), services=services)
    return engine, engine.start("p", variables, T0)


# -- business-rule tasks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "task",
    [
        '<businessRuleTask id="t" implementation="risk"/>',
        '<businessRuleTask id="t" xmlns:flowable="http://flowable.org/bpmn" '
        'flowable:decisionTableReferenceKey="risk"/>',
        '<businessRuleTask id="t" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'camunda:decisionRef="Risk"/>',
    ],
)
def test_a_business_rule_task_writes_the_decision_outputs(task):
    _, outcome = run(around(task), {"amount": 500})
    assert outcome.state.data == {"amount": 500, "level": "medium"}
    assert outcome.state.state == "completed"


def test_an_unknown_decision_is_refused_naming_the_task():
    with pytest.raises(DefinitionError, match=r"t: no DMN decision 'nope'"):
        run(around('<businessRuleTask id="t" implementation="nope"/>'), {})
    with pytest.raises(DefinitionError, match=r"t: business-rule task 't' names no decision"):
        run(around('<businessRuleTask id="t"/>'), {})


def test_a_failing_decision_is_an_incident_and_the_token_waits():
    def broken(key: str) -> Any:
        rules = [(["> 0"], ['"a"']), (["> 1"], ['"b"'])]
        return read_model(dmn(["amount"], ["level"], rules).encode(), "r.dmn").decisions[0]

    body = around('<businessRuleTask id="t" implementation="risk"/>')
    _, outcome = run(body, {"amount": 5}, decisions=broken)
    assert [i.state for i in outcome.state.instances_of("t")] == ["active"]
    [incident] = outcome.state.incidents
    assert (incident.code, incident.element) == ("task.failed", "t")
    assert "business-rule task 't' (t) failed" in incident.message
    assert any(e.event == "incident" for e in outcome.history)


def test_the_scenario_driver_gives_business_rule_tasks_the_project_decisions(tmp_path):
    (tmp_path / "risk.dmn").write_text(dmn(["amount"], ["level"], RATING))
    path = tmp_path / "p.bpmn"
    path.write_bytes(process_xml(around('<businessRuleTask id="t" implementation="risk"/>')))
    driver = open_case_driver(path, "P")
    driver.start({"amount": 5000}, T0)
    assert driver.data()["level"] == "high"


# -- service tasks ------------------------------------------------------------------------------


SERVICE = around('<serviceTask id="t" name="Pay" implementation="pay"/>')


def test_a_service_task_calls_its_handler_and_writes_the_result():
    calls: list[ServiceContext] = []

    def pay(variables: dict, context: ServiceContext) -> dict:
        calls.append(context)
        variables["amount"] = -1  # a copy: the process variables do not change
        return {"paid": True}

    _, outcome = run(SERVICE, {"amount": 5}, ServiceRegistry({"pay": pay}))
    assert outcome.state.data == {"amount": 5, "paid": True}
    assert outcome.state.state == "completed"
    (context,) = calls
    assert context.attempt == 1 and context.node_id == "t"
    assert context.idempotency_key.startswith("p:t:")


def test_a_failing_handler_is_retried_with_the_same_key_then_succeeds():
    calls: list[ServiceContext] = []

    def flaky(variables: dict, context: ServiceContext) -> None:
        calls.append(context)
        if context.attempt < 3:
            raise ConnectionError("down")

    _, outcome = run(SERVICE, {}, ServiceRegistry({"pay": flaky}))
    assert [c.attempt for c in calls] == [1, 2, 3]
    assert len({c.idempotency_key for c in calls}) == 1
    assert outcome.state.state == "completed" and not outcome.state.incidents


def test_exhausted_retries_and_timeouts_are_incidents():
    def down(variables: dict, context: ServiceContext) -> None:
        raise ConnectionError("down")

    _, outcome = run(SERVICE, {}, ServiceRegistry({"pay": down}, retries=2))
    assert [i.state for i in outcome.state.instances_of("t")] == ["active"]
    assert [(i.code, i.message, i.element, i.at) for i in outcome.state.incidents] == [
        ("task.failed", "service task 'Pay' (t) failed after 2 attempts: ConnectionError: down",
         "t", T0)
    ]  # fmt: skip

    def slow(variables: dict, context: ServiceContext) -> None:
        time.sleep(0.5)

    _, late = run(SERVICE, {}, ServiceRegistry({"pay": slow}, timeout=0.05, retries=1))
    assert "failed after 1 attempt: timed out after 0.05 s" in late.state.incidents[0].message


def test_a_handler_must_return_a_dict_or_none():
    registry = ServiceRegistry({"pay": lambda variables, context: 42}, retries=1)
    _, outcome = run(SERVICE, {}, registry)
    assert "returned a int, not a dict or None" in outcome.state.incidents[0].message


def test_the_default_registry_is_empty_and_an_unknown_handler_is_an_incident():
    engine, outcome = run(SERVICE, {})
    assert engine.services.names() == []
    assert "no service handler 'pay' is installed" in outcome.state.incidents[0].message
    with pytest.raises(Refused, match="is not a user or manual task"):
        engine.execute(outcome.state, Command("complete", "t"), T0)


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ('<serviceTask id="t"/>', "names no handler"),
        (
            '<serviceTask id="t" xmlns:flowable="http://flowable.org/bpmn" '
            'flowable:class="com.acme.Pay"/>',
            r"a vendor class \('com.acme.Pay'\) cannot run here",
        ),
        (
            '<serviceTask id="t" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
            'camunda:delegateExpression="${pay}"/>',
            "a vendor delegateExpression",
        ),
    ],
)
def test_vendor_delegates_and_unnamed_handlers_are_refused(task, message):
    with pytest.raises(DefinitionError, match=message):
        run(around(task), {})


def test_the_built_in_echo_handler_is_installed():
    installed = ServiceRegistry.installed()
    assert "echo" in installed.names() and installed.get("echo") is echo
    _, outcome = run(
        around('<serviceTask id="t" implementation="echo"/>'), {"message": "hi"}, installed
    )
    assert outcome.state.data["echo"] == "hi"
