"""BPMN structure: references resolve, gateways split and join sensibly, boundary events sit on
activities, and what cannot run is said."""

from __future__ import annotations

from studio.editor.validation.cmmn_references import local_name
from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
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
                what = "is missing" if not ref else f"={ref!r} names no flow node of this file"
                ctx.report(
                    "bpmn.flow.unknown-node", ERROR, f"sequence flow {attribute} {what}", flow
                )
            elif index.container_of.get(target.id) is not index.container_of.get(flow.id):
                ctx.report(
                    "bpmn.flow.crosses-boundary",
                    ERROR,
                    f"sequence flow {flow.id!r} connects {target.id!r} in another (sub-)process",
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
                f"default={default!r} of {_label(element)} is not one of its outgoing flows",
                element,
            )
    if isinstance(element, BoundaryEvent):
        host = index.resolve(element.attached_to_ref)
        if host is None:
            ctx.report(
                "bpmn.boundary.unknown-host",
                ERROR,
                f"boundary event {_label(element)}: attachedToRef={element.attached_to_ref!r} "
                "names nothing in this file",
                element,
            )
        elif not isinstance(host, Activity):
            ctx.report(
                "bpmn.boundary.not-on-activity",
                ERROR,
                f"boundary event {_label(element)} is attached to a {type(host).__name__}; "
                "boundary events belong on tasks, sub-processes and call activities",
                element,
            )
    if isinstance(element, CallActivity):
        called = local_name(element.called_element or "")
        if not called:
            ctx.report(
                "bpmn.call-activity.missing-element",
                ERROR,
                f"call activity {_label(element)} names no calledElement",
                element,
            )
        elif called not in ctx.project.process_ids and called not in ctx.project.case_ids:
            ctx.report(
                "bpmn.call-activity.unknown-element",
                ERROR,
                f"call activity {_label(element)}: calledElement={element.called_element!r} is "
                "not a process of the project",
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
            f"{_label(element)}: messageRef={element.message_ref!r} names no message",
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
                        f"event {_label(element)} names no known {kind} ({ref!r})",
                        element,
                    )


def _check_service(ctx: ModelContext, element: ServiceTask) -> None:
    """A service task's handler must be installed (entry-point group `studio.services`)."""
    name = service_name(element)
    installed = ServiceRegistry.installed().names()
    if name is not None and name not in installed:
        ctx.report(
            "bpmn.service.unknown-handler",
            ERROR,
            f"service task {_label(element)}: no service handler {name!r} is installed "
            f"(installed: {', '.join(installed) or 'none'})",
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
                    f"gateway {_label(node)} has {len(incoming)} way in and {len(outgoing)} way "
                    "out: it neither splits nor joins",
                    node,
                )
            if isinstance(node, ExclusiveGateway | InclusiveGateway) and len(outgoing) >= 2:
                default = local_name(node.default or "")
                bare = [f.id for f in outgoing if f.id != default and not f.condition]
                if bare:
                    ctx.report(
                        "bpmn.gateway.missing-condition",
                        ERROR,
                        f"gateway {_label(node)} splits, but flow"
                        f"{'s' if len(bare) > 1 else ''} {', '.join(map(repr, bare))} "
                        "ha"
                        + ("ve" if len(bare) > 1 else "s")
                        + " no condition and "
                        + ("are not" if len(bare) > 1 else "is not")
                        + " the default flow",
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
                ctx.report("unsupported.element", WARNING, f"{_label(element)}: {reason}", element)


def _unsupported(element) -> str | None:
    if isinstance(element, ComplexGateway):
        return "complex gateways cannot run here; use an inclusive gateway with conditions"
    if isinstance(element, Transaction):
        return "transactions run as plain sub-processes: cancel and compensation are not supported"
    if isinstance(element, AdHocSubProcess):
        return "ad-hoc sub-processes cannot run here; model the optional work in CMMN"
    if isinstance(element, ServiceTask) and service_name(element) is None:
        return 'the service task names no handler (implementation="name" of studio.services)'
    if isinstance(element, SubProcess) or not isinstance(element, Event):
        if isinstance(element, Activity) and element.is_for_compensation:
            return "compensation handlers cannot run here"
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
        return f"{trigger} {kind} events cannot run here"
    return None


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
                f"process {process.name or process.id!r} is in no diagram of the file: a diagram "
                "editor will not show it; put the file's processes in pools of a collaboration",
                process,
            )  # fmt: skip
