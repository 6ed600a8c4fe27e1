"""The BPMN process engine: error and escalation events, send tasks and thrown messages, and
retrying the task of an incident."""

from __future__ import annotations

import pytest

from studio.runtime.engine.errors import Refused
from studio.runtime.engine.outcome import Command
from studio.runtime.engine.process_definition import compile_process
from studio.runtime.engine.process_engine import ProcessEngine
from studio.runtime.services import ServiceContext, ServiceRegistry
from tests.runtime.test_process_engine import T0, flow
from tests.runtime.test_process_engine import Process as BareProcess
from tests.runtime.test_process_engine_work import SERVICE, read_model
from tests.runtime.test_process_engine_work import process_xml as work_xml

ROOTS = (
    '<error id="err_late" errorCode="LATE"/><error id="err_other" errorCode="OTHER"/>'
    '<escalation id="esc_big" escalationCode="BIG"/><message id="m_go" name="go"/>'
)


class Process(BareProcess):
    """A process whose model declares errors LATE and OTHER, escalation BIG, message go."""

    def __init__(self, body: str, variables: dict | None = None) -> None:
        super().__init__(body, variables, roots=ROOTS)


def error_def(ref: str | None) -> str:
    return f'<errorEventDefinition errorRef="{ref}"/>' if ref else "<errorEventDefinition/>"


def escalation_def(ref: str) -> str:
    return f'<escalationEventDefinition escalationRef="{ref}"/>'


def sub_throwing(end: str, boundaries: str) -> str:
    """start -> sub (start -> split -> {work: user task, end `end`}) -> after; `boundaries` on
    sub lead to their own user tasks."""
    return (
        '<startEvent id="s"/>' + flow("f1", "s", "sub") + '<subProcess id="sub">'
        + '<startEvent id="ss"/>' + flow("g1", "ss", "split") + '<parallelGateway id="split"/>'
        + flow("g2", "split", "work") + flow("g3", "split", "boom") + '<userTask id="work"/>'
        + end + "</subProcess>" + flow("f2", "sub", "after") + '<userTask id="after"/>'
        + boundaries
    )  # fmt: skip


def boundary(bid: str, definition: str, cancel: bool = True) -> str:
    return (
        f'<boundaryEvent id="{bid}" attachedToRef="sub" cancelActivity="{str(cancel).lower()}">'
        f"{definition}</boundaryEvent>" + flow(f"to_{bid}", bid, f"on_{bid}")
        + f'<userTask id="on_{bid}"/>'
    )  # fmt: skip


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("caught_by", ["err_late", None])
def test_an_error_end_in_a_sub_process_is_caught_by_its_error_boundary(caught_by):
    end = f'<endEvent id="boom">{error_def("err_late")}</endEvent>'
    other = boundary("other", error_def("err_other"))
    process = Process(sub_throwing(end, other + boundary("caught", error_def(caught_by))))
    assert process.states("sub") == ["terminated"] and process.states("work") == ["terminated"]
    assert process.states("caught") == ["completed"] and process.states("on_caught") == ["active"]
    assert process.states("on_other") == [] and process.states("after") == []
    process.do("complete", "on_caught")
    assert process.state.state == "completed"


@pytest.mark.parametrize("where", ["sub", "top"])
def test_an_uncaught_error_fails_the_process(where):
    end = f'<endEvent id="boom">{error_def("err_late")}</endEvent>'
    if where == "sub":
        body = sub_throwing(end, boundary("other", error_def("err_other")))
    else:
        body = (
            '<startEvent id="s"/>' + flow("f1", "s", "split") + '<parallelGateway id="split"/>'
            + flow("g2", "split", "work") + flow("g3", "split", "boom") + '<userTask id="work"/>'
            + end
        )  # fmt: skip
    process = Process(body)
    assert process.state.state == "failed" and ("P", "fault") in process.events
    assert process.states("work") == ["terminated"]
    with pytest.raises(Refused, match="failed"):
        process.do("complete", "work")


# -- escalations --------------------------------------------------------------------------------


def test_an_escalation_interrupts_the_sub_process_through_an_interrupting_boundary():
    end = f'<endEvent id="boom">{escalation_def("esc_big")}</endEvent>'
    process = Process(sub_throwing(end, boundary("up", escalation_def("esc_big"))))
    assert process.states("sub") == ["terminated"] and process.states("on_up") == ["active"]


def test_a_non_interrupting_escalation_boundary_lets_the_thrower_go_on():
    throw = (
        f'<intermediateThrowEvent id="boom">{escalation_def("esc_big")}</intermediateThrowEvent>'
        + flow("g4", "boom", "more") + '<userTask id="more"/>'
    )  # fmt: skip
    process = Process(sub_throwing(throw, boundary("up", escalation_def("esc_big"), False)))
    assert process.states("sub") == ["active"] and process.states("on_up") == ["active"]
    assert process.states("more") == ["active"] and process.states("work") == ["active"]
    process.do("complete", "work").do("complete", "more")
    assert process.states("sub") == ["completed"] and process.states("after") == ["active"]


def test_an_uncaught_escalation_is_ignored():
    throw = (
        f'<intermediateThrowEvent id="boom">{escalation_def("esc_big")}</intermediateThrowEvent>'
        + flow("g4", "boom", "more") + '<userTask id="more"/>'
    )  # fmt: skip
    process = Process(sub_throwing(throw, ""))
    assert process.states("more") == ["active"] and process.state.state == "active"


# -- send tasks and thrown messages -------------------------------------------------------------


@pytest.mark.parametrize(
    "sender",
    [
        '<sendTask id="send" messageRef="m_go"/>',
        '<intermediateThrowEvent id="send"><messageEventDefinition messageRef="m_go"/>'
        "</intermediateThrowEvent>",
    ],
)
def test_a_sent_message_reaches_a_catch_waiting_in_the_same_instance(sender):
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "split") + '<parallelGateway id="split"/>'
        + flow("f2", "split", "wait") + flow("f3", "split", "t")
        + '<intermediateCatchEvent id="wait"><messageEventDefinition messageRef="m_go"/>'
        + "</intermediateCatchEvent>" + flow("f4", "wait", "e1") + '<endEvent id="e1"/>'
        + '<userTask id="t"/>' + flow("f5", "t", "send") + sender + flow("f6", "send", "e2")
        + '<endEvent id="e2"/>'
    )  # fmt: skip
    process = Process(body)
    assert process.states("wait") == ["active"]
    process.do("complete", "t")
    assert process.states("send") == ["completed"] and process.states("wait") == ["completed"]
    assert process.state.state == "completed"


def test_a_send_task_with_nobody_waiting_passes_through():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "send") + '<sendTask id="send" messageRef="m_go"/>'
        + flow("f2", "send", "t") + '<userTask id="t"/>'
    )  # fmt: skip
    process = Process(body)
    assert process.states("send") == ["completed"] and process.states("t") == ["active"]


def test_a_message_end_event_delivers_to_a_receive_task_of_the_instance():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "split") + '<parallelGateway id="split"/>'
        + flow("f3", "split", "recv") + flow("f4", "split", "t")
        + '<receiveTask id="recv" messageRef="m_go"/>' + '<userTask id="t"/>'
        + flow("f5", "t", "e") + '<endEvent id="e"><messageEventDefinition messageRef="m_go"/>'
        + "</endEvent>"
    )  # fmt: skip
    process = Process(body)
    assert process.states("recv") == ["active"]
    process.do("complete", "t")
    assert process.states("recv") == ["completed"] and process.state.state == "completed"


# -- retrying incidents -------------------------------------------------------------------------


def test_retry_reruns_a_failed_script_and_clears_its_incident():
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "x")
        + '<scriptTask id="x" name="Divide"><script>r = 1 / zero</script></scriptTask>'
        + flow("f2", "x", "after") + '<userTask id="after"/>'
    )  # fmt: skip
    process = Process(body, {"zero": 0})
    assert len(process.state.incidents) == 1
    process.do("retry", "x")  # fails again: a new incident, the token still waits
    assert len(process.state.incidents) == 2 and process.states("x") == ["active"]
    process.do("set", None, {"zero": 2})
    process.do("retry", process.state.instances_of("x")[0].id)
    assert process.state.incidents == [] and process.states("x") == ["completed"]
    assert process.state.data["r"] == 0.5 and process.states("after") == ["active"]
    with pytest.raises(Refused, match="waits with an incident"):
        process.do("retry", "x")


def test_a_retried_task_clears_its_own_incidents_only():
    """Each task's incident names its element: retrying one task leaves the other's."""
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "split") + '<parallelGateway id="split"/>'
        + flow("f2", "split", "x") + flow("f3", "split", "y")
        + '<scriptTask id="x" name="Divide"><script>r = 1 / a</script></scriptTask>'
        + '<scriptTask id="y" name="Divide"><script>q = 1 / b</script></scriptTask>'
    )  # fmt: skip
    process = Process(body, {"a": 0, "b": 0})
    assert sorted((i.code, i.element) for i in process.state.incidents) == [
        ("task.failed", "x"),
        ("task.failed", "y"),
    ]
    process.do("set", None, {"a": 2})
    process.do("retry", "x")
    assert [(i.code, i.element) for i in process.state.incidents] == [("task.failed", "y")]
    assert process.states("x") == ["completed"] and process.states("y") == ["active"]


def test_retry_calls_a_service_again_and_is_refused_without_an_incident():
    up = {"ok": False}

    def pay(variables: dict, context: ServiceContext) -> dict:
        if not up["ok"]:
            raise ConnectionError("down")
        return {"paid": True}

    model = read_model(work_xml(SERVICE), "t.bpmn")
    engine = ProcessEngine(compile_process(model), services=ServiceRegistry({"pay": pay}))
    state = engine.start("p", {}, T0).state
    assert len(state.incidents) == 1
    up["ok"] = True
    outcome = engine.execute(state, Command("retry", "t"), T0)
    assert outcome.state.incidents == [] and outcome.state.data == {"paid": True}
    assert outcome.state.state == "completed"
    with pytest.raises(Refused, match="waits with an incident"):
        engine.execute(state, Command("retry", "nope"), T0)
