"""A BPMN process compiled once into an immutable, indexed form the process engine runs.

Each flow node becomes a `NodeDefinition` with its kind, its outgoing flows (conditions compiled
here, once), its incoming flow count, its boundary events, its timer and its script.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.expressions import (
    CompiledExpression,
    Script,
    TimerSpec,
    compile_script,
    default_engine,
    parse_timer,
)
from studio.expressions.errors import ExpressionError, TimerError
from studio.notation.bpmn import BpmnIndex, local_ref
from studio.notation.bpmn_model import (
    BoundaryEvent,
    BpmnDefinitions,
    EndEvent,
    ExclusiveGateway,
    FlowNode,
    InclusiveGateway,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    ManualTask,
    ParallelGateway,
    ScriptTask,
    StartEvent,
    Task,
    TimerEventDefinition,
    UserTask,
)
from studio.runtime.engine.definition import DefinitionError

WAITING = frozenset({"user_task", "manual_task"})
"""Kinds that wait, active, for a `complete` command."""
GATEWAYS = frozenset({"exclusive", "parallel", "inclusive"})


@dataclass(frozen=True, slots=True)
class Flow:
    """One outgoing sequence flow."""

    id: str
    target: str
    condition: CompiledExpression | None
    is_default: bool


@dataclass(frozen=True, slots=True)
class NodeDefinition:
    """One flow node.

    kind: start, end, terminate_end, throw, task, user_task, manual_task, script_task,
    exclusive, parallel, inclusive, timer_catch, boundary_timer.
    """

    id: str
    name: str | None
    kind: str
    outgoing: tuple[Flow, ...]
    incoming: tuple[str, ...]  # ids of the incoming sequence flows, in document order
    boundary: tuple[str, ...] = ()  # boundary events attached to this activity
    timer: TimerSpec | CompiledExpression | None = None
    script: Script | None = None
    attached_to: str | None = None
    interrupting: bool = True
    lane: str | None = None  # the lane's name: the performer role

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class ProcessDefinition:
    """A compiled process; `plan` is the item id of the process instance itself."""

    id: str
    name: str | None
    nodes: dict[str, NodeDefinition]
    starts: tuple[str, ...]

    @property
    def plan(self) -> str:
        return self.id


def compile_process(model: BpmnDefinitions, process_id: str | None = None) -> ProcessDefinition:
    """Compile one process of a BPMN model (the only executable one when `process_id` is None)."""
    index = BpmnIndex(model)
    if process_id is None:
        candidates = [p for p in model.processes if p.is_executable is not False and p.id]
        if len(candidates) != 1:
            raise DefinitionError(
                f"{model.source} holds {len(candidates)} executable processes: name one"
            )
        process = candidates[0]
    elif process_id in index.processes:
        process = index.processes[process_id]
    else:
        raise DefinitionError(f"no process {process_id!r} in {model.source}")
    assert process.id is not None
    nodes = {}
    for node in index.flow_nodes_of(process.id):
        if node.id:
            nodes[node.id] = _node(node, index)
    starts = tuple(n.id for n in nodes.values() if n.kind == "start" and not n.incoming)
    if not starts:
        raise DefinitionError(f"process {process.id!r} has no none start event")
    return ProcessDefinition(process.id, process.name, nodes, starts)


def _node(node: FlowNode, index: BpmnIndex) -> NodeDefinition:
    assert node.id is not None
    kind = _kind(node)
    default = getattr(node, "default", None)
    outgoing = tuple(
        Flow(
            flow.id or "",
            local_ref(flow.target_ref or ""),
            _compile(flow.condition, flow.id) if flow.condition else None,
            bool(default) and local_ref(default) == flow.id,
        )
        for flow in index.outgoing(node.id)
    )
    lane = index.lane_of.get(node.id)
    attached = node.attached_to_ref if isinstance(node, BoundaryEvent) else None
    return NodeDefinition(
        id=node.id,
        name=node.name,
        kind=kind,
        outgoing=outgoing,
        incoming=tuple(f.id or "" for f in index.incoming(node.id)),
        boundary=tuple(e.id for e in index.boundary_events_of(node.id) if e.id),
        timer=_timer(node) if kind in ("timer_catch", "boundary_timer") else None,
        script=_script(node) if isinstance(node, ScriptTask) else None,
        attached_to=local_ref(attached) if attached else None,
        interrupting=node.interrupting if isinstance(node, BoundaryEvent) else True,
        lane=(lane.name or lane.id) if lane is not None else None,
    )


def _kind(node: FlowNode) -> str:
    trigger = getattr(node, "trigger", None)
    if isinstance(node, StartEvent) and trigger == "none":
        return "start"
    if isinstance(node, EndEvent) and trigger in ("none", "terminate"):
        return "end" if trigger == "none" else "terminate_end"
    if isinstance(node, IntermediateThrowEvent) and trigger == "none":
        return "throw"
    if isinstance(node, IntermediateCatchEvent) and trigger == "timer":
        return "timer_catch"
    if isinstance(node, BoundaryEvent) and trigger == "timer":
        return "boundary_timer"
    kinds = (
        (UserTask, "user_task"),
        (ManualTask, "manual_task"),
        (ScriptTask, "script_task"),
        (ExclusiveGateway, "exclusive"),
        (ParallelGateway, "parallel"),
        (InclusiveGateway, "inclusive"),
    )
    for cls, kind in kinds:
        if isinstance(node, cls):
            return kind
    if type(node) is Task:
        return "task"
    what = type(node).__name__ + (f" ({trigger})" if trigger else "")
    raise DefinitionError(f"{node.id}: cannot run a {what} yet")


def _timer(node: FlowNode) -> TimerSpec | CompiledExpression:
    definition = node.definition(TimerEventDefinition)  # type: ignore[attr-defined]
    timer = definition.timer if definition is not None else None
    if timer is None or not timer[1].strip():
        raise DefinitionError(f"{node.id}: the timer has no date, duration or cycle")
    try:
        return parse_timer(timer[1])
    except TimerError:
        return _compile(timer[1], node.id)


def _compile(source: str, element: str | None) -> CompiledExpression:
    try:
        return default_engine().compile(source)
    except ExpressionError as exc:
        raise DefinitionError(f"{element}: {exc.message}") from None


def _script(node: ScriptTask) -> Script:
    if node.script_format not in (None, "", "python"):
        raise DefinitionError(f"{node.id}: cannot run scripts in {node.script_format!r}")
    try:
        return compile_script(node.script_source)
    except ExpressionError as exc:
        line = f" line {exc.line}" if getattr(exc, "line", None) else ""
        raise DefinitionError(f"{node.id}:{line} {exc.message}") from None
