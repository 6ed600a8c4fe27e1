"""The BPMN process engine: token flow, gateways, scripts, timers, and refused commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from studio.notation import read_model
from studio.runtime.engine.definition import DefinitionError
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.outcome import Command
from studio.runtime.engine.process_definition import compile_process
from studio.runtime.engine.process_engine import ProcessEngine
from studio.runtime.engine.state import CaseState

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def process_xml(body: str, roots: str = "") -> bytes:
    """A model with process P holding `body`, and root elements (messages, signals) `roots`."""
    return (
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" targetNamespace="t">'
        f'{roots}<process id="P" isExecutable="true">{body}</process></definitions>'
    ).encode()


def flow(fid: str, source: str, target: str, condition: str | None = None) -> str:
    inner = (
        f'<conditionExpression xsi:type="tFormalExpression">{condition}</conditionExpression>'
        if condition
        else ""
    )
    return (
        f'<sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}">{inner}</sequenceFlow>'
    )


def timer(duration: str) -> str:
    return f"<timerEventDefinition><timeDuration>{duration}</timeDuration></timerEventDefinition>"


class Process:
    """One running process: commands, timers and the events emitted so far."""

    def __init__(self, body: str, variables: dict[str, Any] | None = None, roots: str = "") -> None:
        model = read_model(process_xml(body, roots), "t.bpmn")
        self.engine = ProcessEngine(compile_process(model))
        self.now = T0
        outcome = self.engine.start("p", variables or {}, T0)
        self.state: CaseState = outcome.state
        self.events = [(e.item, e.event) for e in outcome.history]
        self.effects = list(outcome.effects)
        """The effects of the last command."""

    def do(self, action: str, item: str | None = None, data: dict | None = None) -> Process:
        outcome = self.engine.execute(self.state, Command(action, item, data), self.now)
        self.state = outcome.state
        self.events += [(e.item, e.event) for e in outcome.history]
        self.effects = list(outcome.effects)
        return self

    def advance(self, duration: timedelta) -> Process:
        target = self.now + duration
        while (fired := self.engine.fire_due_timer(self.state, target)) is not None:
            self.state = fired.state
            self.events += [(e.item, e.event) for e in fired.history]
        self.now = target
        return self

    def states(self, node: str) -> list[str]:
        return [i.state for i in self.state.instances_of(node)]


START_TASK_END = (
    '<startEvent id="s"/>' + flow("f1", "s", "t") + '<userTask id="t" name="Do it"/>'
    + flow("f2", "t", "e") + '<endEvent id="e"/>'
)  # fmt: skip


def test_a_user_task_waits_and_the_process_completes_after_it():
    process = Process(START_TASK_END)
    assert process.state.state == "active"
    assert process.states("t") == ["active"]
    process.do("complete", "t", {"done": True})
    assert process.states("t") == ["completed"]
    assert process.states("e") == ["completed"]
    assert process.state.state == "completed"
    assert process.state.data == {"done": True}
    assert ("P", "complete") in process.events and ("t", "start") in process.events


EXCLUSIVE = (
    '<startEvent id="s"/>' + flow("f1", "s", "x") + '<exclusiveGateway id="x" default="f_low"/>'
    + flow("f_high", "x", "high", "amount &gt; 100") + flow("f_low", "x", "low")
    + '<userTask id="high"/><userTask id="low"/>'
)  # fmt: skip


@pytest.mark.parametrize(("amount", "taken", "skipped"), [(500, "high", "low"), (5, "low", "high")])
def test_an_exclusive_gateway_takes_the_first_true_condition_else_the_default(
    amount, taken, skipped
):
    process = Process(EXCLUSIVE, {"amount": amount})
    assert process.states(taken) == ["active"]
    assert process.states(skipped) == []
    assert process.states("x") == ["completed"]


def test_an_exclusive_gateway_with_no_way_out_is_refused_naming_it():
    body = EXCLUSIVE.replace(' default="f_low"', "").replace(flow("f_low", "x", "low"), "")
    engine = ProcessEngine(compile_process(read_model(process_xml(body), "t.bpmn")))
    with pytest.raises(Refused, match="'x'"):
        engine.start("p", {"amount": 1}, T0)


PARALLEL = (
    '<startEvent id="s"/>' + flow("f1", "s", "split") + '<parallelGateway id="split"/>'
    + flow("f2", "split", "a") + flow("f3", "split", "b") + '<userTask id="a"/><userTask id="b"/>'
    + flow("f4", "a", "join") + flow("f5", "b", "join") + '<parallelGateway id="join"/>'
    + flow("f6", "join", "after") + '<userTask id="after"/>'
)  # fmt: skip


def test_a_parallel_join_waits_for_a_token_on_every_incoming_flow():
    process = Process(PARALLEL)
    assert process.states("a") == ["active"] and process.states("b") == ["active"]
    process.do("complete", "a")
    assert process.states("join") == ["available"]
    assert process.state.instances_of("join")[0].memory == {"in": {0}}
    assert process.states("after") == []
    process.do("complete", "b")
    assert process.states("join") == ["completed"]
    assert process.states("after") == ["active"]


def test_a_script_task_assigns_process_variables_inside_the_command():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "calc")
        + '<scriptTask id="calc" scriptFormat="python"><script>total = price * 2\n'
        'label = "big" if total &gt; 10 else "small"</script></scriptTask>'
        + flow("f2", "calc", "e") + '<endEvent id="e"/>'
    )  # fmt: skip
    process = Process(body, {"price": 7})
    assert process.state.data == {"price": 7, "total": 14, "label": "big"}
    assert process.states("calc") == ["completed"]
    assert process.state.state == "completed"


def test_a_failing_script_records_an_incident_and_its_token_waits():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "t") + '<userTask id="t"/>' + flow("f2", "t", "x")
        + '<scriptTask id="x" name="Divide"><script>r = 1 / zero</script></scriptTask>'
    )  # fmt: skip
    process = Process(body, {"zero": 0}).do("complete", "t")
    assert process.states("t") == ["completed"] and process.states("x") == ["active"]
    [incident] = process.state.incidents
    assert (incident.code, incident.element) == ("task.failed", "x")
    assert "'Divide' (x)" in incident.message
    assert ("P", "incident") in process.events
    assert process.state.state == "active" and "r" not in process.state.data


def test_an_intermediate_timer_is_active_until_it_fires():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "wait")
        + f'<intermediateCatchEvent id="wait">{timer("PT1H")}</intermediateCatchEvent>'
        + flow("f2", "wait", "t") + '<userTask id="t"/>'
    )  # fmt: skip
    process = Process(body)
    assert process.states("wait") == ["active"]
    process.advance(timedelta(minutes=59))
    assert process.states("wait") == ["active"] and process.states("t") == []
    process.advance(timedelta(minutes=1))
    assert process.states("wait") == ["completed"] and process.states("t") == ["active"]
    assert process.state.timers == []


def boundary(interrupting: bool) -> str:
    cancel = "true" if interrupting else "false"
    return (
        START_TASK_END
        + f'<boundaryEvent id="late" attachedToRef="t" cancelActivity="{cancel}">'
        + timer("P1D") + "</boundaryEvent>" + flow("f3", "late", "remind")
        + '<userTask id="remind"/>'
    )  # fmt: skip


def test_an_interrupting_boundary_timer_terminates_its_activity_and_continues():
    process = Process(boundary(True)).advance(timedelta(days=1))
    assert process.states("t") == ["terminated"]
    assert process.states("late") == ["completed"]
    assert process.states("remind") == ["active"]
    with pytest.raises(Refused, match="terminated"):
        process.do("complete", "t")
    process.do("complete", "remind")
    assert process.state.state == "completed"


def test_a_non_interrupting_boundary_timer_keeps_its_activity():
    process = Process(boundary(False)).advance(timedelta(days=1))
    assert process.states("t") == ["active"]
    assert process.states("remind") == ["active"]
    process.do("complete", "remind")
    assert process.state.state == "active"
    process.do("complete", "t")
    assert process.state.state == "completed"


def test_completing_the_activity_cancels_its_boundary_timer():
    process = Process(boundary(True)).do("complete", "t")
    assert process.state.timers == []
    assert process.states("late") == ["terminated"]
    process.advance(timedelta(days=3))
    assert process.states("remind") == []
    assert process.state.state == "completed"


def test_a_terminate_end_event_terminates_every_token_and_the_process_completes():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "split") + '<parallelGateway id="split"/>'
        + flow("f2", "split", "a") + flow("f3", "split", "b")
        + '<userTask id="a"/><userTask id="b"/>' + flow("f4", "a", "stop")
        + '<endEvent id="stop"><terminateEventDefinition/></endEvent>'
    )  # fmt: skip
    process = Process(body).do("complete", "a")
    assert process.states("b") == ["terminated"]
    assert process.states("stop") == ["completed"]
    assert process.state.state == "completed"  # Flowable: the process ends normally


@pytest.mark.parametrize(
    ("action", "item"),
    [("complete", "e"), ("complete", "nothing"), ("occur", "t"), ("terminate", "t"),
     ("complete", None)],
)  # fmt: skip
def test_refused_actions_change_nothing(action, item):
    process = Process(START_TASK_END)
    before = process.state
    snapshot = (before.state, {k: v.state for k, v in before.items.items()}, dict(before.data))
    with pytest.raises(Refused):
        process.do(action, item)
    assert process.state is before
    after = (before.state, {k: v.state for k, v in before.items.items()}, dict(before.data))
    assert after == snapshot


def test_terminating_the_process_ends_its_tokens_and_timers():
    process = Process(boundary(True)).do("terminate")
    assert process.state.state == "terminated"
    assert process.states("t") == ["terminated"] and process.state.timers == []
    with pytest.raises(Refused, match="terminated"):
        process.do("complete", "t")


CASE_CALLING = """<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
  <case id="C"><casePlanModel id="plan" autoComplete="true">
    <planItem id="pi" name="Run it" definitionRef="pt"/>
    <processTask id="pt" processRef="proc" isBlocking="true"/>
  </casePlanModel></case>
  <process id="proc" externalRef="P"/>
</definitions>"""


def _project(tmp_path, script: str):
    from studio.testing.case_driver import open_case_driver

    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "calc")
        + f'<scriptTask id="calc" name="Calc"><script>{script}</script></scriptTask>'
        + flow("f2", "calc", "t") + '<userTask id="t" name="Look"/>' + flow("f3", "t", "e")
        + '<endEvent id="e"/>'
    )  # fmt: skip
    (tmp_path / "p.bpmn").write_bytes(process_xml(body))
    (tmp_path / "c.cmmn").write_text(CASE_CALLING)
    return open_case_driver(tmp_path / "c.cmmn", None)


def _states(driver) -> dict[str, str]:
    return {view.key: view.state for view in driver.items()}


def test_a_process_task_runs_its_bpmn_process_and_gets_the_changed_variables_back(tmp_path):
    driver = _project(tmp_path, "total = price * 2")
    driver.start({"price": 3}, T0)
    assert _states(driver) == {
        "pi": "active", "pi#4/s": "completed", "pi#4/calc": "completed", "pi#4/t": "active"
    }  # fmt: skip
    assert [v.level for v in driver.items()] == [0, 1, 1, 1]
    driver.perform("complete", "pi#4/t", {"seen": True})
    assert _states(driver)["pi"] == "completed"
    assert driver.data() == {"price": 3, "total": 6, "seen": True}
    assert driver.case_state() == "completed"


def test_a_process_whose_script_fails_at_once_waits_with_an_incident(tmp_path):
    driver = _project(tmp_path, "total = 1 / price")
    driver.start({"price": 0}, T0)
    assert _states(driver) == {"pi": "active", "pi#4/s": "completed", "pi#4/calc": "active"}
    (child, _, _) = next(iter(driver.children.values()))
    [incident] = child.state.incidents
    assert incident.code == "task.failed" and "'Calc' (calc)" in incident.message


def test_a_link_event_jumps_to_the_catching_link_of_the_same_name():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "go")
        + '<intermediateThrowEvent id="go"><linkEventDefinition name="page2"/></intermediateThrowEvent>'
        + '<intermediateCatchEvent id="land"><linkEventDefinition name="page2"/></intermediateCatchEvent>'
        + flow("f2", "land", "t") + '<userTask id="t"/>' + flow("f3", "t", "e") + '<endEvent id="e"/>'
    )  # fmt: skip
    process = Process(body)
    assert process.states("go") == ["completed"] and process.states("land") == ["completed"]
    assert process.states("t") == ["active"]
    process.do("complete", "t")
    assert process.state.state == "completed"


def test_a_link_without_its_catching_link_cannot_run():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "go")
        + '<intermediateThrowEvent id="go"><linkEventDefinition name="nowhere"/></intermediateThrowEvent>'
    )  # fmt: skip
    with pytest.raises(DefinitionError, match="nowhere"):
        Process(body)
