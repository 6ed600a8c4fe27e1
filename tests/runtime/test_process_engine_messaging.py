"""Messages and signals that leave an instance, processes started by them, and errors that come
back from a called process."""

from __future__ import annotations

import pytest

from studio.notation import read_model
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.outcome import Publish, StartChild
from studio.runtime.engine.process_definition import compile_process
from studio.runtime.engine.process_engine import ProcessEngine
from tests.runtime.test_process_engine import T0, flow, process_xml
from tests.runtime.test_process_engine_events import MESSAGES, Process, message_def, signal_def


def test_a_thrown_signal_is_caught_inside_and_also_published_for_other_instances():
    body = (
        '<startEvent id="s"/>' + flow("f0", "s", "fork") + '<parallelGateway id="fork"/>'
        + flow("f1", "fork", "wait") + flow("f2", "fork", "t")
        + f'<intermediateCatchEvent id="wait">{signal_def("s_stop")}</intermediateCatchEvent>'
        + '<userTask id="t"/>' + flow("f3", "t", "throw")
        + f'<intermediateThrowEvent id="throw">{signal_def("s_stop")}</intermediateThrowEvent>'
    )  # fmt: skip
    process = Process(body)
    assert process.effects == []
    process.do("complete", "t")
    assert process.states("wait") == ["completed"]
    assert process.effects == [Publish("signal", "stop", "p")]
    assert ("throw", "send") in process.events


def test_a_message_nothing_inside_waits_for_leaves_with_the_senders_correlation_key():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "t") + '<userTask id="t"/>' + flow("f2", "t", "e")
        + '<endEvent xmlns:x="urn:studio" x:correlationKey="order" id="e">'
        + message_def("m_paid") + "</endEvent>"
    )  # fmt: skip
    process = Process(body, {"order": "A-1"})
    process.do("complete", "t")
    assert process.state.state == "completed"
    assert process.effects == [Publish("message", "paid", "p", "A-1")]


def test_a_message_caught_inside_the_instance_does_not_leave_it():
    body = (
        '<startEvent id="s"/>' + flow("f0", "s", "fork") + '<parallelGateway id="fork"/>'
        + flow("f1", "fork", "wait") + flow("f2", "fork", "send")
        + f'<intermediateCatchEvent id="wait">{message_def("m_paid")}</intermediateCatchEvent>'
        + '<sendTask id="send" messageRef="m_paid"/>'
    )  # fmt: skip
    process = Process(body)
    assert process.states("wait") == ["completed"] and process.effects == []


START_EVENTS = (
    '<startEvent id="plain"/>' + flow("f1", "plain", "a") + '<userTask id="a"/>'
    + f'<startEvent id="by_msg">{message_def("m_paid")}</startEvent>'
    + flow("f2", "by_msg", "b") + '<userTask id="b"/>'
    + f'<startEvent id="by_sig">{signal_def("s_stop")}</startEvent>'
    + flow("f3", "by_sig", "c") + '<userTask id="c"/>'
)  # fmt: skip


def engine_of(body: str) -> ProcessEngine:
    return ProcessEngine(compile_process(read_model(process_xml(body, MESSAGES), "t.bpmn")))


def test_a_process_starts_at_the_start_event_its_message_or_signal_names():
    engine = engine_of(START_EVENTS)
    assert engine.start_event_for("message", "paid") == "by_msg"
    assert engine.start_event_for("signal", "stop") == "by_sig"
    assert engine.start_event_for("message", "stop") is None
    started = engine.start("p", {}, T0, at="by_msg").state
    assert [i.item for i in started.items.values() if i.state == "active"] == ["P", "b"]
    plain = engine.start("q", {}, T0).state  # by hand: the none start event only
    assert [i.item for i in plain.items.values() if i.state == "active"] == ["P", "a"]


def test_by_hand_a_process_without_a_none_start_starts_at_its_first_start_event_only():
    engine = engine_of(START_EVENTS.replace('<startEvent id="plain"/>', '<task id="plain"/>'))
    started = engine.start("p", {}, T0).state
    assert [i.item for i in started.items.values() if i.state == "active"] == ["P", "b"]


CALLER = (
    '<startEvent id="s"/>' + flow("f1", "s", "call") + '<callActivity id="call" calledElement="x"/>'
    + flow("f2", "call", "ok") + '<userTask id="ok"/>'
    + '<boundaryEvent id="caught" attachedToRef="call"><errorEventDefinition errorRef="err"/>'
    + "</boundaryEvent>" + flow("f3", "caught", "handle") + '<userTask id="handle"/>'
)  # fmt: skip
ERRORS = MESSAGES + '<error id="err" errorCode="BAD"/>'


def caller(body: str = CALLER) -> Process:
    process = Process.__new__(Process)
    engine = ProcessEngine(compile_process(read_model(process_xml(body, ERRORS), "t.bpmn")))
    process.engine, process.now = engine, T0
    outcome = engine.start("p", {}, T0)
    process.state, process.events = outcome.state, []
    process.effects = list(outcome.effects)
    return process


def test_an_error_a_called_process_ended_with_is_caught_on_the_call_activity():
    process = caller()
    (start,) = process.effects
    assert isinstance(start, StartChild)
    process.do("child_failed", start.instance, {"reason": "x failed", "error": "BAD"})
    assert process.states("call") == ["terminated"] and process.states("handle") == ["active"]


def test_an_uncaught_error_from_a_called_process_fails_the_caller_with_the_same_code():
    process = caller()
    (start,) = process.effects
    process.do("child_failed", start.instance, {"reason": "x failed", "error": "OTHER"})
    assert process.state.state == "failed" and process.state.error == "OTHER"


def test_a_called_process_that_failed_without_an_error_is_an_incident_on_the_activity():
    process = caller()
    (start,) = process.effects
    process.do("child_failed", start.instance, {"reason": "x failed"})
    assert process.state.state == "active" and process.states("call") == ["active"]
    [incident] = process.state.incidents
    assert (incident.code, incident.element) == ("child.failed", "call")
    assert "x failed" in incident.message


def test_a_signal_command_with_no_name_is_refused():
    with pytest.raises(Refused, match="a signal needs a name"):
        Process(START_EVENTS).do("signal", None, {})


def test_a_called_element_terminated_ends_the_process_terminated_when_nothing_else_goes_on():
    process = caller()
    (start,) = process.effects
    process.do("child_terminated", start.instance, {})
    assert process.states("call") == ["terminated"]
    assert process.state.state == "terminated"
