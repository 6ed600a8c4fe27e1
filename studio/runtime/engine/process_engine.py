"""The BPMN process engine: token flow through a compiled process, on the case engine's state.

The process instance is the root item instance (as the case plan model is for a case), so
`state.state` is the process state and `state.data` holds the process variables. A token is an
instance of the flow node it waits in (`available` or `active`); an armed boundary event is an
`available` instance whose stage is its activity's instance. `state.blocking[root]` counts the
tokens left: the process completes once the agenda is stable and none is left.

IO-free like the case engine: a command runs on a copy; a refused command raises Refused.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from studio.expressions import CompiledExpression, TimerSpec, next_due, timer_from_value
from studio.expressions.errors import ExpressionError, TimerError
from studio.runtime.engine.casefile import apply_writes
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.outcome import Command, Outcome
from studio.runtime.engine.process_definition import (
    WAITING,
    Flow,
    NodeDefinition,
    ProcessDefinition,
)
from studio.runtime.engine.state import TERMINAL, CaseState, HistoryEvent, ItemInstance, Timer
from studio.runtime.engine.unit import UnitOfWork

TOKEN_STATES = frozenset({"available", "active"})


class ProcessEngine:
    """Runs commands of one compiled process definition (same shape as CaseEngine)."""

    def __init__(self, definition: ProcessDefinition, *, history: bool = True) -> None:
        self.definition = definition
        self.history = history

    def start(
        self, instance_id: str, variables: dict[str, Any], now: datetime, user: str | None = None
    ) -> Outcome:
        """A new process instance: active, with a token leaving each none start event."""
        state = CaseState(
            id=instance_id, definition=self.definition.id, data=copy.deepcopy(variables)
        )
        run = _Run(self, state, now, user)
        run.push(run.begin)
        run.drain()
        return Outcome(state, tuple(run.history))

    def execute(self, state: CaseState, command: Command, now: datetime) -> Outcome:
        """The state after `command`, computed on a copy; raises Refused or Runaway."""
        if state.state in TERMINAL:
            raise Refused(f"the process is {state.state}")
        if state.items and not state.by_item:
            self.restore(state)
        work = state.copy()
        run = _Run(self, work, now, command.user)
        run.command(command)
        run.drain()
        return Outcome(work, tuple(run.history))

    def fire_due_timer(self, state: CaseState, now: datetime) -> Outcome | None:
        """Fire the earliest timer due at or before `now` (None when none is due)."""
        due = [t for t in state.timers if t.due <= now]
        if state.state != "active" or not due:
            return None
        if state.items and not state.by_item:
            self.restore(state)
        timer = min(due, key=lambda t: (t.due, t.instance))
        work = state.copy()
        run = _Run(self, work, timer.due)
        run.fire_timer(timer)
        run.drain()
        return Outcome(work, tuple(run.history))

    def record_incident(
        self, state: CaseState, message: str, now: datetime, timer: Timer | None = None
    ) -> Outcome:
        """The process as it was, with an incident recorded (and the timer that caused it
        parked)."""
        work = state.copy()
        work.incidents = [*work.incidents, message]
        if timer is not None:
            work.timers = [t for t in work.timers if t is not timer]
        event = HistoryEvent(work.next_seq(), now, None, None, "incident", None, message)
        return Outcome(work, (event,) if self.history else ())

    def restore(self, state: CaseState) -> CaseState:
        """Rebuild a loaded state's indexes and its token count."""
        state.reindex()
        roots = state.by_item.get(self.definition.plan, ())
        if roots:
            nodes = self.definition.nodes
            state.blocking = {
                roots[0]: sum(
                    1
                    for i in state.items.values()
                    if i.item in nodes and _is_token(nodes[i.item]) and i.state in TOKEN_STATES
                )
            }
        return state


def _is_token(node: NodeDefinition) -> bool:
    return node.kind != "boundary_timer"


class _Run(UnitOfWork):
    """One unit of work: the agenda of one command, run on a copy of the state."""

    definition: ProcessDefinition

    def __init__(
        self, engine: ProcessEngine, state: CaseState, now: datetime, user: str | None = None
    ) -> None:
        super().__init__(engine.definition, state, now, user, engine.history)
        self.root = state.by_item.get(self.definition.plan, ("",))[0]

    def settle(self) -> bool:
        """Complete the process once no token is left."""
        if self.state.state != "active" or self.state.blocking.get(self.root, 0):
            return False
        self.emit(self.root, "complete", "completed", "no token left")
        return True

    # -- instances ------------------------------------------------------------------------------

    def node(self, iid: str) -> NodeDefinition:
        return self.definition.nodes[self.get(iid).item]

    def counts(self, instance: ItemInstance) -> bool:
        """Whether the instance is a token (the process itself and boundary events are not)."""
        return instance.id != self.root and _is_token(self.definition.nodes[instance.item])

    def create(self, item: str, stage: str | None) -> str:
        """A new instance in `available` (`create`)."""
        seq = self.state.next_seq()
        iid = f"{item}#{seq}"
        self.state.add(ItemInstance(iid, item, stage, "available", seq))
        self.owned.add(iid)
        if stage is None:
            self.root = iid
        elif self.counts(self.get(iid)):
            self.state.count_blocking(self.root, 1)
        self.log(iid, item, "create", "available", None)
        return iid

    def emit(self, iid: str, event: str, new_state: str, cause: str | None = None) -> None:
        """Move an instance to `new_state` with `event`; an ended instance loses its timers and
        disarms its boundary events."""
        instance = self.edit(iid)
        if self.counts(instance):
            change = (new_state in TOKEN_STATES) - (instance.state in TOKEN_STATES)
            if change:
                self.state.count_blocking(self.root, change)
        instance.state = new_state
        self.log(iid, instance.item, event, new_state, cause)
        if iid == self.root:
            self.state.state = new_state
        if new_state in TERMINAL:
            if any(t.instance == iid for t in self.state.timers):
                self.state.timers = [t for t in self.state.timers if t.instance != iid]
            for attached in self.state.children(iid) if iid != self.root else ():
                if attached.state not in TERMINAL:
                    self.emit(attached.id, "terminate", "terminated", "its activity ended")

    def log(
        self, iid: str | None, item: str, event: str, state: str | None, cause: str | None
    ) -> None:
        if self.record:
            self.history.append(
                HistoryEvent(
                    self.state.next_seq(), self.now, iid, item, event, state, cause, self.user
                )
            )

    # -- token flow -----------------------------------------------------------------------------

    def begin(self) -> None:
        """Start the process: the root instance active, a token on each none start event."""
        root = self.create(self.definition.plan, None)
        self.emit(root, "start", "active")
        for start in self.definition.starts:
            iid = self.create(start, root)
            self.emit(iid, "occur", "completed")
            self.push(lambda iid=iid: self.leave(iid))

    def arrive(self, flow: Flow) -> None:
        """A token arrives at a flow's target: a join collects it, any other node gets a new
        instance."""
        node = self.definition.nodes[flow.target]
        if node.kind == "parallel" and len(node.incoming) > 1:
            self.join(node, flow)
            return
        self.enter(self.create(node.id, self.root))

    def join(self, node: NodeDefinition, flow: Flow) -> None:
        """Keep the arrival in the waiting join instance's memory; go on once every incoming flow
        has brought a token."""
        position = node.incoming.index(flow.id)
        for instance in self.state.instances_of(node.id):
            if instance.state == "available" and position not in instance.memory.get("in", ()):
                iid = instance.id
                break
        else:
            iid = self.create(node.id, self.root)
        arrived = self.edit(iid).memory.setdefault("in", set())
        arrived.add(position)
        if len(arrived) == len(node.incoming):
            self.enter(iid)

    def enter(self, iid: str) -> None:
        """What a node does when a token enters it."""
        kind = self.node(iid).kind
        if kind in ("end", "throw", "start"):
            self.emit(iid, "occur", "completed")
            if kind != "end":
                self.push(lambda: self.leave(iid))
        elif kind == "terminate_end":
            self.emit(iid, "occur", "completed")
            self.push(lambda: self.terminate_all(self.node(iid).id, ending="completed"))
        elif kind == "timer_catch":
            self.emit(iid, "start", "active")
            self.start_timer(iid)
        else:  # activities and gateways
            self.emit(iid, "start", "active")
            self.arm(iid)
            if kind == "script_task":
                self.push(lambda: self.run_script(iid))
            elif kind not in WAITING:
                self.push(lambda: self.complete(iid))

    def complete(self, iid: str) -> None:
        if self.get(iid).state != "active":
            return
        self.emit(iid, "complete", "completed")
        self.push(lambda: self.leave(iid))

    def leave(self, iid: str) -> None:
        for flow in self.choose(self.node(iid)):
            self.push(lambda flow=flow: self.arrive(flow))

    def choose(self, node: NodeDefinition) -> list[Flow]:
        """The flows a token leaving `node` takes."""
        if node.kind == "parallel" or not node.outgoing:
            return list(node.outgoing)
        default = [f for f in node.outgoing if f.is_default]
        taken = []
        for flow in node.outgoing:
            if not flow.is_default and self.holds(flow):
                taken.append(flow)
                if node.kind == "exclusive":
                    break
        if taken or default:
            return taken or default
        raise Refused(
            f"no outgoing flow of {node.label!r} ({node.id}) can be taken: no condition holds "
            "and there is no default flow"
        )

    def holds(self, flow: Flow) -> bool:
        if flow.condition is None:
            return True
        try:
            return bool(flow.condition.evaluate(self.state.data, now=self.now))
        except ExpressionError as exc:
            if exc.code == "expr.unknown-name":
                return False  # a variable not set yet: the condition is false
            raise Refused(
                f"the condition of sequence flow {flow.id!r} failed: {exc.message}"
            ) from None

    def run_script(self, iid: str) -> None:
        """Run a script task's assignments into the process variables, then complete it."""
        node = self.node(iid)
        assert node.script is not None
        try:
            writes = node.script.run(self.state.data, now=self.now)
        except ExpressionError as exc:
            line = f" at line {exc.line}" if exc.line else ""
            raise Refused(
                f"script task {node.label!r} ({node.id}) failed{line}: {exc.message}"
            ) from None
        self.write(writes, paths=False)
        self.push(lambda: self.complete(iid))

    def terminate_all(self, cause: str, ending: str = "terminated") -> None:
        """End every token, then the process itself: `terminated` when a user terminates it,
        `completed` when a terminate end event is reached (as Flowable does)."""
        for instance in sorted(self.state.items.values(), key=lambda i: i.seq):
            if instance.id != self.root and self.get(instance.id).state not in TERMINAL:
                self.emit(instance.id, "terminate", "terminated", cause)
        event = "complete" if ending == "completed" else "terminate"
        self.emit(self.root, event, ending, cause)
        self.agenda.clear()  # the process ended: what was still to do is dropped

    # -- timers ---------------------------------------------------------------------------------

    def arm(self, iid: str) -> None:
        """Create the boundary events of an activity that became active, their timers started."""
        for boundary in self.node(iid).boundary:
            self.start_timer(self.create(boundary, iid))

    def start_timer(self, iid: str) -> None:
        node = self.node(iid)
        spec = node.timer
        try:
            if isinstance(spec, CompiledExpression):
                spec = timer_from_value(spec.evaluate(self.state.data, now=self.now))
        except (ExpressionError, TimerError) as exc:
            raise Refused(f"the timer of {node.label!r} ({node.id}) failed: {exc}") from None
        due = next_due(spec, self.now, 1) if isinstance(spec, TimerSpec) else None
        if due is not None:
            self.state.timers = [*self.state.timers, Timer(iid, due, 1, self.now)]

    def fire_timer(self, timer: Timer) -> None:
        iid = timer.instance
        self.state.timers = [t for t in self.state.timers if t.instance != iid]
        instance, node = self.get(iid), self.node(iid)
        self.edit(iid).occurrences = timer.occurrence
        if node.kind == "timer_catch":
            if instance.state == "active":
                self.emit(iid, "occur", "completed")
                self.push(lambda: self.leave(iid))
            return
        if instance.state != "available" or instance.stage is None:
            return
        if node.interrupting:
            self.emit(iid, "occur", "completed")
            self.emit(instance.stage, "terminate", "terminated", f"boundary event {node.id}")
        else:
            following = None
            if isinstance(node.timer, TimerSpec) and node.timer.kind == "cycle":
                following = next_due(node.timer, timer.started, timer.occurrence + 1)
            if following is None:
                self.emit(iid, "occur", "completed")
            else:
                self.emit(iid, "occur", "available")
                following_timer = Timer(iid, following, timer.occurrence + 1, timer.started)
                self.state.timers = [*self.state.timers, following_timer]
        self.push(lambda: self.leave(iid))

    # -- commands -------------------------------------------------------------------------------

    def command(self, command: Command) -> None:
        action = command.action
        if action == "set":
            self.write(command.data or {}, paths=True)
        elif action == "terminate":
            if command.item is not None:
                raise Refused("only the whole process can be terminated (aim at @case)")
            self.terminate_all("by a user")
        elif action == "complete":
            if command.item is None:
                raise Refused("a process completes by itself once no token is left")
            iid = self.target(command.item)
            if command.data:
                self.write(command.data, paths=False)
            self.push(lambda: self.complete(iid))
        else:
            raise Refused(f"a BPMN process does not take {action!r}")

    def target(self, item: str) -> str:
        """The oldest active instance of a user or manual task."""
        node = self.definition.nodes.get(item)
        if node is None:
            raise Refused(f"no element {item!r} in process {self.definition.id!r}")
        if node.kind not in WAITING:
            raise Refused(f"{node.label!r} is not a user or manual task")
        instances = self.state.instances_of(item)
        for instance in instances:
            if instance.state == "active":
                return instance.id
        states = sorted({i.state for i in instances}) or ["absent"]
        raise Refused(f"cannot complete {node.label!r}: it is {' / '.join(states)}")

    def write(self, writes: dict[str, Any], *, paths: bool) -> None:
        """Write the process variables; each variable written is recorded."""
        data, events = apply_writes(self.state.data, writes, paths=paths)
        self.state.data = data
        for name, event, _ in events:
            self.log(None, name, event, None, "process variables")
