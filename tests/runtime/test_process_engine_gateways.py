"""The BPMN process engine: event-based gateways (the first event to occur wins)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studio.runtime.engine.definition import DefinitionError
from studio.runtime.engine.errors import Refused
from tests.runtime.test_process_engine import flow, timer
from tests.runtime.test_process_engine_events import Process, message_def, signal_def

RACE = (
    '<startEvent id="s"/>' + flow("f0", "s", "gw") + '<eventBasedGateway id="gw"/>'
    + flow("f1", "gw", "paid") + flow("f2", "gw", "late") + flow("f3", "gw", "stop")
    + flow("f4", "gw", "answer")
    + f'<intermediateCatchEvent id="paid">{message_def("m_paid")}</intermediateCatchEvent>'
    + f'<intermediateCatchEvent id="late">{timer("PT1H")}</intermediateCatchEvent>'
    + f'<intermediateCatchEvent id="stop">{signal_def("s_stop")}</intermediateCatchEvent>'
    + '<receiveTask id="answer" messageRef="m_answer"/>'
    + flow("f5", "paid", "ship") + flow("f6", "late", "remind") + flow("f7", "stop", "e")
    + flow("f8", "answer", "e")
    + '<userTask id="ship"/><userTask id="remind"/><endEvent id="e"/>'
)  # fmt: skip
WAITS = ("paid", "late", "stop", "answer")


class Race(Process):
    def __init__(self) -> None:
        super().__init__(RACE)

    def waiting(self) -> dict[str, list[str]]:
        return {node: self.states(node) for node in WAITS}


def test_every_following_event_waits_after_the_gateway():
    race = Race()
    assert race.states("gw") == ["completed"]
    assert race.waiting() == {node: ["active"] for node in WAITS}
    assert len(race.state.timers) == 1


def test_a_message_wins_and_cancels_the_timer_and_the_others():
    race = Race()
    race.do("message", None, {"name": "paid"})
    assert race.waiting() == {
        "paid": ["completed"], "late": ["terminated"], "stop": ["terminated"],
        "answer": ["terminated"],
    }  # fmt: skip
    assert race.states("ship") == ["active"] and race.state.timers == []
    race.advance(timedelta(hours=2))
    assert race.states("remind") == []
    with pytest.raises(Refused):
        race.do("message", None, {"name": "answer"})


def test_the_timer_wins_when_nothing_else_happens_first():
    race = Race().advance(timedelta(hours=1))
    assert race.states("late") == ["completed"] and race.states("paid") == ["terminated"]
    assert race.states("remind") == ["active"]
    assert not race.engine.waits_for(race.state, "message", "paid", race.now)


def test_a_receive_task_can_win_and_the_process_completes():
    race = Race()
    race.do("message", None, {"name": "answer"})
    assert race.states("answer") == ["completed"] and race.states("stop") == ["terminated"]
    assert race.state.state == "completed"


def test_an_event_based_gateway_must_lead_to_catch_events():
    body = (
        RACE.replace('<userTask id="ship"/>', "")
        .replace(flow("f5", "paid", "ship"), "")
        .replace(flow("f1", "gw", "paid"), flow("f1", "gw", "remind"))
    )
    with pytest.raises(DefinitionError, match="gw: an event-based gateway must lead"):
        Process(body)


# -- event sub-processes ------------------------------------------------------------------------


def event_sub(start: str, interrupting: bool) -> str:
    """Process: s -> work (user task) -> e, with an event sub-process started by `start`."""
    flag = "true" if interrupting else "false"
    return (
        '<startEvent id="s"/>' + flow("f1", "s", "work") + '<userTask id="work"/>'
        + flow("f2", "work", "e") + '<endEvent id="e"/>'
        + '<subProcess id="esp" triggeredByEvent="true">'
        + f'<startEvent id="es" isInterrupting="{flag}">{start}</startEvent>'
        + flow("f3", "es", "handle") + '<userTask id="handle"/>'
        + flow("f4", "handle", "ee") + '<endEvent id="ee"/></subProcess>'
    )  # fmt: skip


def test_an_interrupting_timer_event_sub_process_cancels_the_process_tokens():
    process = Process(event_sub(timer("PT1H"), interrupting=True))
    assert process.states("es") == ["available"] and process.states("work") == ["active"]
    process.advance(timedelta(hours=1))
    assert process.states("work") == ["terminated"]
    assert process.states("esp") == ["active"] and process.states("handle") == ["active"]
    process.do("complete", "handle")
    assert process.states("esp") == ["completed"] and process.states("e") == []
    assert process.state.state == "completed"


def test_a_non_interrupting_message_event_sub_process_runs_beside_the_tokens():
    process = Process(event_sub(message_def("m_paid"), interrupting=False))
    process.do("message", None, {"name": "paid", "data": {"amount": 3}})
    process.do("message", None, {"name": "paid"})  # it stays armed
    assert process.states("work") == ["active"]
    assert process.states("handle") == ["active", "active"] and process.state.data["amount"] == 3
    process.do("complete", "work")
    assert process.state.state == "active"  # the event sub-processes still run
    process.do("complete", "handle").do("complete", "handle")
    assert process.state.state == "completed"
    assert process.states("es")[0] == "terminated"  # disarmed once the process ended


def test_an_event_sub_process_waits_only_while_its_scope_runs():
    process = Process(event_sub(timer("PT1H"), interrupting=True))
    process.do("complete", "work")
    assert process.state.state == "completed" and process.state.timers == []
    assert process.states("es") == ["terminated"]


def test_an_event_sub_process_inside_a_sub_process_interrupts_only_its_scope():
    inner = event_sub(message_def("m_paid"), interrupting=True)
    body = (
        '<startEvent id="top"/>' + flow("g1", "top", "sub") + f'<subProcess id="sub">{inner}'
        + '</subProcess>' + flow("g2", "sub", "after") + '<userTask id="after"/>'
    )  # fmt: skip
    process = Process(body)
    process.do("message", None, {"name": "paid"})
    assert process.states("work") == ["terminated"] and process.states("handle") == ["active"]
    process.do("complete", "handle")
    assert process.states("sub") == ["completed"] and process.states("after") == ["active"]


def test_a_signal_starts_an_event_sub_process_and_a_non_interrupting_one_stays_armed():
    process = Process(event_sub(signal_def("s_stop"), interrupting=False))
    process.do("signal", None, {"name": "stop"})
    assert process.states("work") == ["active"] and process.states("handle") == ["active"]
    process.do("signal", None, {"name": "stop"})
    assert process.states("handle") == ["active", "active"]
    with pytest.raises(Refused, match="waits for signal 'go'"):
        process.do("signal", None, {"name": "go"})
