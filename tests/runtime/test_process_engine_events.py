"""The BPMN process engine: inclusive gateways, messages, signals and embedded sub-processes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studio.runtime.engine.errors import Refused
from studio.runtime.engine.process_explain import explain_process
from tests.runtime.test_process_engine import Process as BareProcess
from tests.runtime.test_process_engine import flow, timer

MESSAGES = (
    '<message id="m_paid" name="paid"/><signal id="s_stop" name="stop"/>'
    '<message id="m_answer" name="answer"/>'
)


class Process(BareProcess):
    """A process whose model declares message 'paid' (m_paid) and signal 'stop' (s_stop)."""

    def __init__(self, body: str, variables: dict | None = None) -> None:
        super().__init__(body, variables, roots=MESSAGES)


def message_def(ref: str) -> str:
    return f'<messageEventDefinition messageRef="{ref}"/>'


def signal_def(ref: str) -> str:
    return f'<signalEventDefinition signalRef="{ref}"/>'


INCLUSIVE = (
    '<startEvent id="s"/>' + flow("f1", "s", "split") + '<inclusiveGateway id="split" default="fc"/>'
    + flow("fa", "split", "a", "x &gt; 1") + flow("fb", "split", "b", "x &gt; 2")
    + flow("fc", "split", "c") + '<userTask id="a"/><userTask id="b"/><userTask id="c"/>'
    + flow("ga", "a", "join") + flow("gb", "b", "join") + flow("gc", "c", "join")
    + '<inclusiveGateway id="join"/>' + flow("f9", "join", "after") + '<userTask id="after"/>'
)  # fmt: skip


def test_an_inclusive_split_takes_every_true_flow_and_the_join_waits_for_both():
    process = Process(INCLUSIVE, {"x": 5})
    assert process.states("a") == ["active"] and process.states("b") == ["active"]
    assert process.states("c") == []
    process.do("complete", "a")
    assert process.states("join") == ["available"] and process.states("after") == []
    assert "live branches" in explain_process(process.engine.definition, process.state, "join")
    process.do("complete", "b")
    assert process.states("join") == ["completed"] and process.states("after") == ["active"]


def test_an_inclusive_join_waits_only_for_the_branches_taken():
    process = Process(INCLUSIVE, {"x": 2})
    assert process.states("a") == ["active"] and process.states("b") == []
    process.do("complete", "a")
    assert process.states("join") == ["completed"] and process.states("after") == ["active"]


def test_an_inclusive_split_takes_the_default_only_when_no_condition_holds():
    process = Process(INCLUSIVE, {"x": 0})
    assert process.states("c") == ["active"] and process.states("a") == []
    process.do("complete", "c")
    assert process.states("after") == ["active"]


def test_an_inclusive_join_right_after_its_split_waits_for_tokens_in_flight():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "split") + '<inclusiveGateway id="split"/>'
        + flow("fa", "split", "join", "True") + flow("fb", "split", "join", "True")
        + '<inclusiveGateway id="join"/>' + flow("f9", "join", "after") + '<userTask id="after"/>'
    )  # fmt: skip
    process = Process(body)
    assert process.states("join") == ["completed"] and process.states("after") == ["active"]


def catch_message(kind: str = "intermediateCatchEvent") -> str:
    inner = message_def("m_paid") if kind == "intermediateCatchEvent" else ""
    attrs = ' messageRef="m_paid"' if kind == "receiveTask" else ""
    return (
        '<startEvent id="s"/>' + flow("f1", "s", "wait")
        + f'<{kind} id="wait" name="Payment"{attrs}>{inner}</{kind}>'
        + flow("f2", "wait", "t") + '<userTask id="t"/>'
    )  # fmt: skip


def message(process: Process, name: str, data: dict | None = None) -> Process:
    return process.do("message", None, {"name": name, "data": data or {}})


@pytest.mark.parametrize("kind", ["intermediateCatchEvent", "receiveTask"])
def test_a_message_catch_is_active_until_its_message_arrives_with_data(kind):
    process = Process(catch_message(kind))
    assert process.states("wait") == ["active"]
    assert "message 'paid'" in explain_process(process.engine.definition, process.state, "wait")
    assert process.engine.waits_for(process.state, "message", "paid", process.now)
    message(process, "paid", {"amount": 10})
    assert process.states("wait") == ["completed"] and process.states("t") == ["active"]
    assert process.state.data == {"amount": 10}
    assert not process.engine.waits_for(process.state, "message", "paid", process.now)


@pytest.mark.parametrize("name", ["other", "paid"])
def test_a_message_nobody_waits_for_is_refused_and_changes_nothing(name):
    process = Process(catch_message())
    if name == "paid":
        message(process, "paid")
    before = process.state
    with pytest.raises(Refused, match=repr(name)):
        message(process, name, {"x": 1})
    assert process.state is before and "x" not in before.data


def test_a_message_start_event_starts_the_process_like_a_none_start():
    body = (
        f'<startEvent id="s">{message_def("m_paid")}</startEvent>'
        + flow("f1", "s", "t") + '<userTask id="t"/>'
    )  # fmt: skip
    assert Process(body).states("t") == ["active"]


def test_a_correlation_key_picks_the_waiting_instance():
    body = catch_message().replace(
        '<intermediateCatchEvent id="wait"',
        '<intermediateCatchEvent xmlns:s="urn:studio" s:correlationKey="order" id="wait"',
    )
    process = Process(body, {"order": 7})
    with pytest.raises(Refused):
        process.do("message", None, {"name": "paid", "correlation": 8})
    process.do("message", None, {"name": "paid", "correlation": 7})
    assert process.states("t") == ["active"]


def message_boundary(interrupting: bool) -> str:
    cancel = "true" if interrupting else "false"
    return (
        '<startEvent id="s"/>' + flow("f1", "s", "t") + '<userTask id="t"/>'
        + flow("f2", "t", "e") + '<endEvent id="e"/>'
        + f'<boundaryEvent id="paid" attachedToRef="t" cancelActivity="{cancel}">'
        + message_def("m_paid") + "</boundaryEvent>" + flow("f3", "paid", "thank")
        + '<userTask id="thank"/>'
    )  # fmt: skip


def test_an_interrupting_message_boundary_terminates_its_activity():
    process = message(Process(message_boundary(True)), "paid")
    assert process.states("t") == ["terminated"] and process.states("thank") == ["active"]
    with pytest.raises(Refused):
        message(process, "paid")


def test_a_non_interrupting_message_boundary_fires_while_its_activity_runs():
    process = message(message(Process(message_boundary(False)), "paid"), "paid")
    assert process.states("t") == ["active"] and process.states("thank") == ["active", "active"]
    process.do("complete", "t")
    assert process.states("paid") == ["terminated"]
    with pytest.raises(Refused):
        message(process, "paid")


def test_a_thrown_signal_reaches_every_waiting_catch_and_boundary_of_the_instance():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "split") + '<parallelGateway id="split"/>'
        + flow("f2", "split", "t") + flow("f3", "split", "wait") + flow("f4", "split", "go")
        + '<userTask id="t"/><userTask id="go"/>'
        + f'<intermediateCatchEvent id="wait">{signal_def("s_stop")}</intermediateCatchEvent>'
        + f'<boundaryEvent id="halt" attachedToRef="t">{signal_def("s_stop")}</boundaryEvent>'
        + flow("f5", "go", "throw")
        + f'<intermediateThrowEvent id="throw">{signal_def("s_stop")}</intermediateThrowEvent>'
        + flow("f6", "throw", "e") + flow("f7", "wait", "e2") + flow("f8", "halt", "e3")
        + '<endEvent id="e"/><endEvent id="e2"/><endEvent id="e3"/>'
    )  # fmt: skip
    process = Process(body)
    assert process.states("wait") == ["active"]
    process.do("complete", "go")
    assert process.states("wait") == ["completed"] and process.states("halt") == ["completed"]
    assert process.states("t") == ["terminated"]
    assert process.state.state == "completed"


SUB = (
    '<startEvent id="s"/>' + flow("f1", "s", "sub") + '<subProcess id="sub" name="Review">'
    + '<startEvent id="ss"/>' + flow("g1", "ss", "inner") + '<userTask id="inner"/>'
    + flow("g2", "inner", "se") + '<endEvent id="se"/></subProcess>'
    + flow("f2", "sub", "after") + '<userTask id="after"/>'
)  # fmt: skip


def test_an_embedded_sub_process_runs_its_tokens_and_completes_when_none_is_left():
    process = Process(SUB)
    assert process.states("sub") == ["active"] and process.states("inner") == ["active"]
    inner = process.state.instances_of("inner")[0]
    assert inner.stage == process.state.instances_of("sub")[0].id
    process.do("complete", "inner")
    assert process.states("sub") == ["completed"] and process.states("after") == ["active"]
    process.do("complete", "after")
    assert process.state.state == "completed"


def test_a_boundary_timer_on_a_sub_process_ends_the_tokens_inside():
    body = SUB + (
        f'<boundaryEvent id="late" attachedToRef="sub">{timer("P1D")}</boundaryEvent>'
        + flow("f3", "late", "chase") + '<userTask id="chase"/>'
    )  # fmt: skip
    process = Process(body).advance(timedelta(days=1))
    assert process.states("sub") == ["terminated"] and process.states("inner") == ["terminated"]
    assert process.states("chase") == ["active"] and process.states("after") == []
    process.do("complete", "chase")
    assert process.state.state == "completed"


def test_a_terminate_end_inside_a_sub_process_ends_only_the_sub_process():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "sub") + '<subProcess id="sub">'
        + '<startEvent id="ss"/>' + flow("g1", "ss", "split") + '<parallelGateway id="split"/>'
        + flow("g2", "split", "a") + flow("g3", "split", "b") + '<userTask id="a"/>'
        + '<userTask id="b"/>' + flow("g4", "a", "stop")
        + '<endEvent id="stop"><terminateEventDefinition/></endEvent></subProcess>'
        + flow("f2", "sub", "after") + '<userTask id="after"/>'
    )  # fmt: skip
    process = Process(body).do("complete", "a")
    assert process.states("b") == ["terminated"] and process.states("sub") == ["completed"]
    assert process.states("after") == ["active"] and process.state.state == "active"


def test_restoring_a_state_recounts_the_tokens_per_scope():
    process = Process(SUB)
    expected = dict(process.state.blocking)
    process.state.blocking = {}
    process.engine.restore(process.state)
    assert process.state.blocking == expected
