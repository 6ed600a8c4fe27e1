"""A BPMN process compiled once into an immutable, indexed form the process engine runs.

Each flow node (sub-processes' contents included) becomes a `NodeDefinition` with its kind, its
outgoing flows (conditions compiled here, once), its incoming flows, its boundary events, its
trigger (timer, message or signal) and its script; `reach` says which nodes a token can still
get to.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from studio.expressions import (
    CompiledExpression,
    Script,
    TimerSpec,
    compile_script,
    default_engine,
    parse_timer,
)
from studio.expressions.errors import ExpressionError, TimerError
from studio.messages import text
from studio.notation.bpmn import BpmnIndex, local_ref
from studio.notation.bpmn_model import (
    BoundaryEvent,
    BpmnDefinitions,
    BusinessRuleTask,
    CallActivity,
    EndEvent,
    ErrorEventDefinition,
    EscalationEventDefinition,
    EventBasedGateway,
    ExclusiveGateway,
    FlowNode,
    InclusiveGateway,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    LinkEventDefinition,
    ManualTask,
    MessageEventDefinition,
    MultiInstanceLoopCharacteristics,
    ParallelGateway,
    ReceiveTask,
    ScriptTask,
    SendTask,
    ServiceTask,
    SignalEventDefinition,
    StandardLoopCharacteristics,
    StartEvent,
    SubProcess,
    Task,
    TimerEventDefinition,
    UserTask,
)
from studio.runtime.engine.definition import DecisionCall, DecisionLoader, DefinitionError, due_rule
from studio.runtime.engine.due_dates import DueRule
from studio.runtime.engine.process_tasks import compile_decision, compile_service

WAITING = frozenset({"user_task", "manual_task"})
"""Kinds that wait, active, for a `complete` command."""
GATEWAYS = frozenset({"exclusive", "parallel", "inclusive"})
TRIGGERS = ("timer", "message", "signal")
"""The triggers of catch and boundary events that can run."""
CAUGHT = ("error", "escalation")
"""Triggers only boundary events catch: thrown inside the activity they are attached to."""


@dataclass(frozen=True, slots=True)
class Flow:
    """One outgoing sequence flow."""

    id: str
    target: str
    condition: CompiledExpression | None
    is_default: bool


@dataclass(frozen=True, slots=True)
class Loop:
    """A multi-instance ("parallel", "sequential") or standard ("standard") loop of an activity.

    Instances: `cardinality`, or one per element of `collection` (each written to the variable
    `element`); `completion` ends them early. A standard loop repeats while `condition` holds
    (also before the first run when `test_before`), at most `maximum` times.
    """

    kind: str
    cardinality: CompiledExpression | None = None
    collection: CompiledExpression | None = None
    element: str | None = None
    completion: CompiledExpression | None = None
    condition: CompiledExpression | None = None
    test_before: bool = False
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class NodeDefinition:
    """One flow node.

    kind: start, end, terminate_end, error_end, throw, task, send_task, user_task, manual_task,
    script_task, rule_task, service_task, receive_task, subprocess, call_activity, exclusive,
    parallel, inclusive, event_gateway, catch, boundary.
    `trigger` (timer, message, signal, error, escalation) and `event_name` (the message or
    signal name) belong to catch, boundary, receive-task and throwing events (a send task's
    message too); an error or escalation event's `event_name` is its code (None: a catch-all
    boundary); `parent` is the enclosing sub-process (None: the process itself) and `starts` a
    sub-process's none start events.
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
    trigger: str | None = None
    event_name: str | None = None
    correlation: CompiledExpression | None = None  # an optional correlation key (messages)
    parent: str | None = None
    starts: tuple[str, ...] = ()
    called: str | None = None  # a call activity's calledElement
    loop: Loop | None = None
    decision: DecisionCall | None = None  # a business-rule task's table
    service: str | None = None  # a service task's handler name
    due: DueRule | None = None  # a user or manual task's due date (due_dates)

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
    reach: dict[str, frozenset[str]]
    """Per inclusive join, the nodes it can be reached from: a token there keeps it waiting."""
    event_starts: dict[str | None, tuple[str, ...]] = field(default_factory=dict)
    """Per scope (None: the process, else a sub-process id), its event sub-processes' starts."""
    started_by: dict[tuple[str, str], str] = field(default_factory=dict)
    """(message or signal, its name) -> the start event a message or signal starts it at."""
    timer_starts: tuple[str, ...] = ()
    """Timer start events: the runtime starts an instance at each of their due times."""
    inclusive_joins: tuple[str, ...] = ()
    """Inclusive gateways with several incoming flows (they wait for the live branches)."""

    @property
    def plan(self) -> str:
        return self.id


def compile_process(
    model: BpmnDefinitions,
    process_id: str | None = None,
    decisions: DecisionLoader | None = None,
) -> ProcessDefinition:
    """Compile one process of a BPMN model (the only executable one when `process_id` is None);
    `decisions` finds the DMN decisions business-rule tasks name."""
    index = BpmnIndex(model)
    if process_id is None:
        candidates = [p for p in model.processes if p.is_executable is not False and p.id]
        if len(candidates) != 1:
            raise DefinitionError(
                text(
                    "{file} holds {count} executable processes: name one",
                    file=model.source,
                    count=len(candidates),
                )
            )
        process = candidates[0]
    elif process_id in index.processes:
        process = index.processes[process_id]
    else:
        raise DefinitionError(
            text("no process {process!r} in {file}", process=process_id, file=model.source)
        )
    assert process.id is not None
    nodes: dict[str, NodeDefinition] = {}
    _collect(process.id, None, index, nodes, decisions)
    tops = [n for n in nodes.values() if n.kind == "start" and n.parent is None and not n.incoming]
    starts = tuple(n.id for n in tops if n.trigger is None) or tuple(n.id for n in tops[:1])
    if not starts:
        raise DefinitionError(text("process {process!r} has no start event", process=process.id))
    started_by = {
        (n.trigger, n.event_name): n.id
        for n in tops
        if n.trigger in ("message", "signal") and n.event_name
    }
    timer_starts = tuple(n.id for n in tops if n.trigger == "timer")
    _link(nodes)
    _check_event_gateways(nodes)
    event_starts: dict[str | None, tuple[str, ...]] = {}
    for node in nodes.values():
        if node.kind == "event_subprocess":
            event_starts[node.parent] = (*event_starts.get(node.parent, ()), *node.starts)
    joins = tuple(n.id for n in nodes.values() if n.kind == "inclusive" and len(n.incoming) > 1)
    return ProcessDefinition(
        process.id, process.name, nodes, starts, _reach(nodes), event_starts, started_by,
        timer_starts, joins,
    )  # fmt: skip


def _link(nodes: dict[str, NodeDefinition]) -> None:
    """Link events: a throw link jumps to the catch link of the same name in its (sub-)process,
    modelled as a flow between them; both pass the token straight through."""
    catches: dict[tuple[str | None, str], str] = {}
    for node in nodes.values():
        if node.kind == "link_catch" and node.event_name:
            catches[(node.parent, node.event_name)] = node.id
    for node in list(nodes.values()):
        if node.kind == "link_catch":
            nodes[node.id] = dataclasses.replace(node, kind="throw", trigger=None)
        elif node.kind == "link_throw":
            target = catches.get((node.parent, node.event_name or ""))
            if target is None:
                raise DefinitionError(
                    text(
                        "{element}: no catching link event named {name!r} in its process",
                        element=node.id,
                        name=node.event_name,
                    )
                )
            jump = Flow(f"{node.id}->{target}", target, None, False)
            nodes[node.id] = dataclasses.replace(node, kind="throw", trigger=None, outgoing=(jump,))


def _check_event_gateways(nodes: dict[str, NodeDefinition]) -> None:
    """An event-based gateway leads only to catch events and receive tasks."""
    for node in nodes.values():
        if node.kind != "event_gateway":
            continue
        for flow in node.outgoing:
            target = nodes.get(flow.target)
            if target is None or target.kind not in ("catch", "receive_task"):
                raise DefinitionError(
                    text(
                        "{element}: an event-based gateway must lead to catch events or receive "
                        "tasks, not to {target!r}",
                        element=node.id,
                        target=flow.target,
                    )
                )


def _collect(
    container: str,
    parent: str | None,
    index: BpmnIndex,
    nodes: dict[str, NodeDefinition],
    decisions: DecisionLoader | None,
    event_sub: bool = False,
) -> None:
    """Compile the flow nodes of a process or sub-process, nested ones included (the start
    events of an event sub-process wait, armed, for their timer or message)."""
    for node in index.flow_nodes_of(container):
        if not node.id:
            continue
        if isinstance(node, SubProcess):
            _collect(node.id, node.id, index, nodes, decisions, node.is_event_sub_process)
        if isinstance(node, StartEvent) and event_sub:
            nodes[node.id] = _event_start(node, index, parent)
        else:
            nodes[node.id] = _node(node, index, parent, decisions)
        if isinstance(node, SubProcess):
            inner = [n for n in index.flow_nodes_of(node.id) if isinstance(n, StartEvent)]
            starts = tuple(n.id for n in inner if n.id and not index.incoming(n.id))
            kind = "event_subprocess" if node.is_event_sub_process else "subprocess"
            if kind == "event_subprocess" and (node.loop_characteristics or not starts):
                raise DefinitionError(
                    text("{element}: an event sub-process needs one start event", element=node.id)
                )
            nodes[node.id] = dataclasses.replace(nodes[node.id], starts=starts, kind=kind)


def _event_start(node: StartEvent, index: BpmnIndex, parent: str | None) -> NodeDefinition:
    """The timer, message or signal start event of an event sub-process (kind `event_start`)."""
    if node.trigger not in ("timer", "message", "signal"):
        raise DefinitionError(
            text(
                "{element}: cannot run a {trigger} start event of an event sub-process yet",
                element=node.id,
                trigger=node.trigger,
            )
        )
    base = _node(dataclasses.replace(node, event_definitions=()), index, parent, None)
    trigger = node.trigger
    return dataclasses.replace(
        base,
        kind="event_start",
        trigger=trigger,
        timer=_timer(node) if trigger == "timer" else None,
        event_name=_event_name(node, trigger, index),
        correlation=_correlation(node) if trigger == "message" else None,
        interrupting=node.interrupting,
    )


def _reach(nodes: dict[str, NodeDefinition]) -> dict[str, frozenset[str]]:
    """For each inclusive join, the nodes it can be reached from (through sequence flows and
    boundary events): what the join must wait for while a token sits there."""
    preceding: dict[str, set[str]] = {n: set() for n in nodes}
    for node in nodes.values():
        for target in {f.target for f in node.outgoing} | set(node.boundary):
            if target in preceding:
                preceding[target].add(node.id)
    reach: dict[str, frozenset[str]] = {}
    for join in nodes.values():
        if join.kind != "inclusive" or len(join.incoming) < 2:
            continue
        seen: set[str] = set()
        todo = list(preceding[join.id])
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(preceding[current])
        reach[join.id] = frozenset(seen)
    return reach


def _node(
    node: FlowNode, index: BpmnIndex, parent: str | None, decisions: DecisionLoader | None
) -> NodeDefinition:
    assert node.id is not None
    kind, trigger = _kind(node)
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
        timer=_timer(node) if trigger == "timer" else None,
        script=_script(node) if isinstance(node, ScriptTask) else None,
        attached_to=local_ref(attached) if attached else None,
        interrupting=(
            node.interrupting if isinstance(node, BoundaryEvent) and trigger != "error" else True
        ),  # an error boundary event always interrupts
        lane=(lane.name or lane.id) if lane is not None else None,
        due=due_rule(node) if kind in WAITING else None,
        trigger=trigger,
        event_name=_event_name(node, "message" if kind == "send_task" else trigger, index),
        correlation=_correlation(node) if trigger == "message" else None,
        parent=parent,
        called=local_ref(node.called_element or "") if isinstance(node, CallActivity) else None,
        loop=_loop(node),
        decision=compile_decision(node, decisions) if isinstance(node, BusinessRuleTask) else None,
        service=compile_service(node) if isinstance(node, ServiceTask) else None,
    )


def _kind(node: FlowNode) -> tuple[str, str | None]:
    """The node's kind and its trigger (None for a none event or an activity)."""
    trigger = getattr(node, "trigger", None)
    if isinstance(node, StartEvent) and trigger in ("none", "message", "signal", "timer"):
        return "start", None if trigger == "none" else trigger
    if isinstance(node, EndEvent) and trigger == "error":
        return "error_end", trigger
    if isinstance(node, EndEvent) and trigger in ("none", "message", "signal", "escalation"):
        return "end", None if trigger == "none" else trigger
    if isinstance(node, EndEvent) and trigger == "terminate":
        return "terminate_end", None
    if isinstance(node, IntermediateThrowEvent) and trigger == "link":
        return "link_throw", trigger
    if isinstance(node, IntermediateCatchEvent) and trigger == "link":
        return "link_catch", trigger
    if isinstance(node, IntermediateThrowEvent) and trigger in THROWN:
        return "throw", None if trigger == "none" else trigger
    if isinstance(node, IntermediateCatchEvent) and trigger in TRIGGERS:
        return "catch", trigger
    if isinstance(node, BoundaryEvent) and trigger in (*TRIGGERS, *CAUGHT):
        return "boundary", trigger
    kinds = (
        (UserTask, "user_task"),
        (ManualTask, "manual_task"),
        (ScriptTask, "script_task"),
        (BusinessRuleTask, "rule_task"),
        (ServiceTask, "service_task"),
        (ReceiveTask, "receive_task"),
        (SendTask, "send_task"),
        (CallActivity, "call_activity"),
        (ExclusiveGateway, "exclusive"),
        (ParallelGateway, "parallel"),
        (InclusiveGateway, "inclusive"),
        (EventBasedGateway, "event_gateway"),
    )
    for cls, kind in kinds:
        if isinstance(node, cls):
            return kind, "message" if kind == "receive_task" else None
    if isinstance(node, EventBasedGateway) and node.instantiate:
        raise DefinitionError(
            text("{element}: cannot run an instantiating event-based gateway yet", element=node.id)
        )
    if type(node) is Task:
        return "task", None
    if type(node) is SubProcess:
        return "subprocess", None
    what = type(node).__name__ + (f" ({trigger})" if trigger else "")
    raise DefinitionError(text("{element}: cannot run a {kind} yet", element=node.id, kind=what))


THROWN = ("none", "message", "signal", "escalation")


def _loop(node: FlowNode) -> Loop | None:
    """The loop of an activity: its multi-instance or standard loop characteristics."""
    found = getattr(node, "loop_characteristics", None)

    def expression(source: str | None) -> CompiledExpression | None:
        return _compile(source, node.id) if source and source.strip() else None

    if isinstance(found, StandardLoopCharacteristics):
        condition = found.loop_condition.source if found.loop_condition else None
        return Loop(
            "standard",
            condition=expression(condition),
            test_before=bool(found.test_before),
            maximum=found.loop_maximum,
        )
    if not isinstance(found, MultiInstanceLoopCharacteristics):
        return None
    extra = {key.rpartition("}")[2]: value for key, value in found.extra_attributes}
    item = found.input_data_item
    element = (item.name or item.id) if item is not None else extra.get("elementVariable")
    collection = found.loop_data_input_ref or extra.get("collection")
    cardinality = found.loop_cardinality.source if found.loop_cardinality else None
    if not cardinality and not collection:
        raise DefinitionError(
            text(
                "{element}: the multi-instance loop has no cardinality or collection",
                element=node.id,
            )
        )
    completion = found.completion_condition.source if found.completion_condition else None
    return Loop(
        "sequential" if found.sequential else "parallel",
        cardinality=expression(cardinality),
        collection=expression(collection),
        element=element,
        completion=expression(completion),
    )


def _event_name(node: FlowNode, trigger: str | None, index: BpmnIndex) -> str | None:
    """The name of the message or signal an event or receive / send task names (else its id);
    the code of an error or escalation (else its id; None when it names none)."""
    if trigger in CAUGHT:
        return _code(node, trigger, index)
    if trigger == "link":
        definition = node.definition(LinkEventDefinition)  # type: ignore[attr-defined]
        return (definition.name if definition is not None else None) or node.name
    if trigger == "message":
        if isinstance(node, ReceiveTask | SendTask):
            ref = node.message_ref
        else:
            definition = node.definition(MessageEventDefinition)  # type: ignore[attr-defined]
            ref = definition.message_ref if definition is not None else None
        table: dict = index.messages
    elif trigger == "signal":
        definition = node.definition(SignalEventDefinition)  # type: ignore[attr-defined]
        ref = definition.signal_ref if definition is not None else None
        table = index.signals
    else:
        return None
    thrown = EndEvent | IntermediateThrowEvent | SendTask
    if not ref and isinstance(node, thrown) and trigger == "message":
        return None  # a message thrown nowhere in particular: nothing is sent yet
    if not ref:
        raise DefinitionError(
            text(
                "{element}: the {trigger} event names no {trigger}",
                element=node.id,
                trigger=trigger,
            )
        )
    found = table.get(local_ref(ref))
    return (found.name or found.id) if found is not None else local_ref(ref)


def _code(node: FlowNode, trigger: str, index: BpmnIndex) -> str | None:
    """The code of the error or escalation an event names (its id when it has no code)."""
    if trigger == "error":
        definition = node.definition(ErrorEventDefinition)  # type: ignore[attr-defined]
        ref = definition.error_ref if definition is not None else None
        error = index.errors.get(local_ref(ref)) if ref else None
        return (error.error_code or error.id) if error is not None else ref and local_ref(ref)
    definition = node.definition(EscalationEventDefinition)  # type: ignore[attr-defined]
    ref = definition.escalation_ref if definition is not None else None
    escalation = index.escalations.get(local_ref(ref)) if ref else None
    if escalation is not None:
        return escalation.escalation_code or escalation.id
    return local_ref(ref) if ref else None


def _correlation(node: FlowNode) -> CompiledExpression | None:
    """An optional `correlationKey` attribute (any namespace): an expression on the variables."""
    for key, value in node.extra_attributes:
        if key.rpartition("}")[2] == "correlationKey" and value.strip():
            return _compile(value, node.id)
    return None


def _timer(node: FlowNode) -> TimerSpec | CompiledExpression:
    definition = node.definition(TimerEventDefinition)  # type: ignore[attr-defined]
    timer = definition.timer if definition is not None else None
    if timer is None or not timer[1].strip():
        raise DefinitionError(
            text("{element}: the timer has no date, duration or cycle", element=node.id)
        )
    try:
        return parse_timer(timer[1])
    except TimerError:
        return _compile(timer[1], node.id)


def _compile(source: str, element: str | None) -> CompiledExpression:
    try:
        return default_engine().compile(source)
    except ExpressionError as exc:
        raise DefinitionError(
            text("{element}: {reason}", element=element, reason=exc.message)
        ) from None


def _script(node: ScriptTask) -> Script:
    if node.script_format not in (None, "", "python"):
        raise DefinitionError(
            text(
                "{element}: cannot run scripts in {language!r}",
                element=node.id,
                language=node.script_format,
            )
        )
    try:
        return compile_script(node.script_source)
    except ExpressionError as exc:
        line = getattr(exc, "line", None)
        raise DefinitionError(
            text("{element}: line {line} {reason}", element=node.id, line=line, reason=exc.message)
            if line
            else text("{element}: {reason}", element=node.id, reason=exc.message)
        ) from None
