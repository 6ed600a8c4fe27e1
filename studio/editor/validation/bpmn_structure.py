"""BPMN structure: references resolve, gateways split and join sensibly, boundary events sit on
activities, and what cannot run is said."""

from __future__ import annotations

from studio.editor.validation.cmmn_references import local_name
from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.messages import Text, text
from studio.notation.bpmn_model import (
    Activity,
    AdHocSubProcess,
    BoundaryEvent,
    CallActivity,
    ComplexGateway,
    Event,
    ExclusiveGateway,
    FlowNode,
    Gateway,
    InclusiveGateway,
    ReceiveTask,
    SendTask,
    SequenceFlow,
    ServiceTask,
    SubProcess,
    Transaction,
)
from studio.runtime.engine.process_tasks import service_name
from studio.runtime.services import ServiceRegistry

_RUNNABLE_TRIGGERS = {
    "start": {"none", "timer", "message", "signal"},
    "end": {"none", "terminate", "error", "message", "signal", "escalation"},
    "intermediate": {"none", "timer", "message", "signal", "link"},
    "boundary": {"timer", "message", "signal", "error", "escalation"},
}


def _label(node) -> str:
    return repr(node.name or node.id)


def check_bpmn_references(ctx: ModelContext) -> None:
    """sourceRef/targetRef of flows, default flows, attachedToRef, calledElement, messageRef..."""
    index = ctx.bpmn_index
    for flow in index.sequence_flows.values():
        for attribute, ref in (("sourceRef", flow.source_ref), ("targetRef", flow.target_ref)):
            target = index.resolve(ref)
            if not ref or not isinstance(target, FlowNode):
                message = (
                    text("sequence flow {attribute} is missing", attribute=attribute)
                    if not ref
                    else text(
                        "sequence flow {attribute}={ref} names no flow node of this file",
                        attribute=attribute,
                        ref=repr(ref),
                    )
                )
                ctx.report("bpmn.flow.unknown-node", ERROR, message, flow)
            elif index.container_of.get(target.id) is not index.container_of.get(flow.id):
                ctx.report(
                    "bpmn.flow.crosses-boundary",
                    ERROR,
                    text(
                        "sequence flow {flow} connects {target} in another (sub-)process",
                        flow=repr(flow.id),
                        target=repr(target.id),
                    ),
                    flow,
                )
    for process in index.processes.values():
        for element in process.iter_flow_elements():
            _check_node_references(ctx, element)


def _check_node_references(ctx: ModelContext, element) -> None:
    index = ctx.bpmn_index
    default = getattr(element, "default", None)
    if default:
        flow = index.resolve(default)
        if not isinstance(flow, SequenceFlow) or local_name(flow.source_ref or "") != element.id:
            ctx.report(
                "bpmn.default-flow.unknown",
                ERROR,
                text(
                    "default={default} of {element} is not one of its outgoing flows",
                    default=repr(default),
                    element=_label(element),
                ),
                element,
            )
    if isinstance(element, BoundaryEvent):
        host = index.resolve(element.attached_to_ref)
        if host is None:
            ctx.report(
                "bpmn.boundary.unknown-host",
                ERROR,
                text(
                    "boundary event {event}: attachedToRef={ref} names nothing in this file",
                    event=_label(element),
                    ref=repr(element.attached_to_ref),
                ),
                element,
            )
        elif not isinstance(host, Activity):
            ctx.report(
                "bpmn.boundary.not-on-activity",
                ERROR,
                text(
                    "boundary event {event} is attached to a {kind}; boundary events belong on "
                    "tasks, sub-processes and call activities",
                    event=_label(element),
                    kind=type(host).__name__,
                ),
                element,
            )
    if isinstance(element, CallActivity):
        called = local_name(element.called_element or "")
        if not called:
            ctx.report(
                "bpmn.call-activity.missing-element",
                ERROR,
                text("call activity {activity} names no calledElement", activity=_label(element)),
                element,
            )
        elif called not in ctx.project.process_ids and called not in ctx.project.case_ids:
            ctx.report(
                "bpmn.call-activity.unknown-element",
                ERROR,
                text(
                    "call activity {activity}: calledElement={called} is not a process of the "
                    "project",
                    activity=_label(element),
                    called=repr(element.called_element),
                ),
                element,
            )
    if isinstance(element, ServiceTask):
        _check_service(ctx, element)
    if (
        isinstance(element, SendTask | ReceiveTask)
        and element.message_ref
        and local_name(element.message_ref) not in index.messages
    ):
        ctx.report(
            "bpmn.unknown-message",
            ERROR,
            text(
                "{element}: messageRef={ref} names no message",
                element=_label(element),
                ref=repr(element.message_ref),
            ),
            element,
        )
    if isinstance(element, Event):
        for definition in element.event_definitions:
            for attribute, table in (
                ("message_ref", index.messages),
                ("signal_ref", index.signals),
                ("error_ref", index.errors),
                ("escalation_ref", index.escalations),
            ):
                ref = getattr(definition, attribute, None)
                if ref and local_name(ref) not in table:
                    kind = attribute.removesuffix("_ref")
                    ctx.report(
                        f"bpmn.unknown-{kind}",
                        ERROR,
                        _unknown(kind, _label(element), repr(ref)),
                        element,
                    )


def _unknown(kind: str, event: str, ref: str) -> Text:
    """An event naming a message, signal, error or escalation that the file does not declare."""
    if kind == "message":
        return text("event {event} names no known message ({ref})", event=event, ref=ref)
    if kind == "signal":
        return text("event {event} names no known signal ({ref})", event=event, ref=ref)
    if kind == "error":
        return text("event {event} names no known error ({ref})", event=event, ref=ref)
    return text("event {event} names no known escalation ({ref})", event=event, ref=ref)


def _check_service(ctx: ModelContext, element: ServiceTask) -> None:
    """A service task's handler must be installed (entry-point group `studio.services`)."""
    name = service_name(element)
    installed = ServiceRegistry.installed().names()
    if name is not None and name not in installed:
        ctx.report(
            "bpmn.service.unknown-handler",
            ERROR,
            text(
                "service task {task}: no service handler {handler} is installed "
                "(installed: {installed})",
                task=_label(element),
                handler=repr(name),
                installed=", ".join(installed) or text("none"),
            ),
            element,
        )


def check_bpmn_gateways(ctx: ModelContext) -> None:
    """Pass-through gateways; splits whose conditionless flows make the choice arbitrary."""
    index = ctx.bpmn_index
    for process in index.processes.values():
        for node in process.iter_flow_elements():
            if not isinstance(node, Gateway):
                continue
            incoming, outgoing = index.incoming(node.id), index.outgoing(node.id)
            if len(incoming) <= 1 and len(outgoing) <= 1:
                ctx.report(
                    "bpmn.gateway.pass-through",
                    WARNING,
                    text(
                        "gateway {gateway} has {incoming} way in and {outgoing} way out: it "
                        "neither splits nor joins",
                        gateway=_label(node),
                        incoming=len(incoming),
                        outgoing=len(outgoing),
                    ),
                    node,
                )
            if isinstance(node, ExclusiveGateway | InclusiveGateway) and len(outgoing) >= 2:
                default = local_name(node.default or "")
                bare = [f.id for f in outgoing if f.id != default and not f.condition]
                if bare:
                    ctx.report(
                        "bpmn.gateway.missing-condition",
                        ERROR,
                        text(
                            "gateway {gateway} splits, but flows {flows} have no condition and "
                            "are not the default flow",
                            gateway=_label(node),
                            flows=", ".join(map(repr, bare)),
                        )
                        if len(bare) > 1
                        else text(
                            "gateway {gateway} splits, but flow {flow} has no condition and is "
                            "not the default flow",
                            gateway=_label(node),
                            flow=repr(bare[0]),
                        ),
                        node,
                    )


def check_bpmn_unsupported(ctx: ModelContext) -> None:
    """Elements the engine does not execute: a warning, never silently ignored."""
    index = ctx.bpmn_index
    for process in index.processes.values():
        if process.is_executable is False:
            continue
        for element in process.iter_flow_elements():
            reason = _unsupported(element)
            if reason:
                ctx.report(
                    "unsupported.element",
                    WARNING,
                    text("{element}: {reason}", element=_label(element), reason=reason),
                    element,
                )


def _unsupported(element) -> str | None:
    if isinstance(element, ComplexGateway):
        return text("complex gateways cannot run here; use an inclusive gateway with conditions")
    if isinstance(element, Transaction):
        return text(
            "transactions run as plain sub-processes: cancel and compensation are not supported"
        )
    if isinstance(element, AdHocSubProcess):
        return text("ad-hoc sub-processes cannot run here; model the optional work in CMMN")
    if isinstance(element, ServiceTask) and service_name(element) is None:
        return text('the service task names no handler (implementation="name" of studio.services)')
    if isinstance(element, SubProcess) or not isinstance(element, Event):
        if isinstance(element, Activity) and element.is_for_compensation:
            return text("compensation handlers cannot run here")
        return None
    kind = (
        "start"
        if type(element).__name__ == "StartEvent"
        else "end"
        if type(element).__name__ == "EndEvent"
        else "boundary"
        if isinstance(element, BoundaryEvent)
        else "intermediate"
    )
    trigger = element.trigger
    if trigger == "escalation" and type(element).__name__ == "IntermediateThrowEvent":
        return None
    if trigger not in _RUNNABLE_TRIGGERS[kind]:
        return _cannot_run(kind, trigger)
    return None


def _cannot_run(kind: str, trigger: str) -> Text:
    if kind == "start":
        return text("{trigger} start events cannot run here", trigger=trigger)
    if kind == "end":
        return text("{trigger} end events cannot run here", trigger=trigger)
    if kind == "boundary":
        return text("{trigger} boundary events cannot run here", trigger=trigger)
    return text("{trigger} intermediate events cannot run here", trigger=trigger)


def check_bpmn_diagrams(ctx: ModelContext) -> None:
    """A process no diagram of the file shows: diagram editors (bpmn-js) draw one plane, so the
    process would be invisible there — a file with several processes draws them as pools."""
    model = ctx.model
    if not model.diagrams or len(model.processes) < 2:
        return
    shown: set[str] = set()
    pools = {
        c.id: {local_name(p.process_ref) for p in c.participants if p.process_ref}
        for c in model.collaborations
    }
    for diagram in model.diagrams:
        drawn = local_name(diagram.plane.bpmn_element) if diagram.plane else None
        if drawn:
            shown |= pools.get(drawn, {drawn})
    for process in model.processes:
        if process.id not in shown and any(True for _ in process.iter_flow_elements()):
            ctx.report(
                "bpmn.diagram.hidden-process", WARNING,
                text(
                    "process {process} is in no diagram of the file: a diagram editor will not "
                    "show it; put the file's processes in pools of a collaboration",
                    process=repr(process.name or process.id),
                ),
                process,
            )  # fmt: skip
