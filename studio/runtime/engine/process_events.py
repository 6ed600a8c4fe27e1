"""Events a process waits for: timers, messages and signals, on catch events, receive tasks and
boundary events."""

from __future__ import annotations

from typing import Any

from studio.expressions import CompiledExpression, TimerSpec, next_due, timer_from_value
from studio.expressions.errors import ExpressionError, TimerError
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.process_definition import ProcessDefinition
from studio.runtime.engine.process_tokens import Tokens
from studio.runtime.engine.state import CaseState, Timer

CATCHING = frozenset({"catch", "receive_task"})
"""Kinds whose token waits, active, for its trigger."""


def waiting(definition: ProcessDefinition, state: CaseState, trigger: str, name: str) -> list[str]:
    """Instances waiting for message or signal `name`, oldest first."""
    found = []
    for node in definition.nodes.values():
        if node.trigger != trigger or node.event_name != name:
            continue
        wanted = "available" if node.kind == "boundary" else "active"
        if node.kind in CATCHING or node.kind == "boundary":
            found.extend(
                i
                for i in state.instances_of(node.id)
                if i.state == wanted and "loop" not in i.memory
            )
    return [i.id for i in sorted(found, key=lambda i: i.seq)]


class Events(Tokens):
    """Arming, firing and correlating the events tokens wait for."""

    def leave(self, iid: str) -> None:  # pragma: no cover - token flow implements it
        raise NotImplementedError

    def arm(self, iid: str) -> None:
        """Create the boundary events of an activity that became active, their timers started."""
        for boundary in self.node(iid).boundary:
            event = self.create(boundary, iid)
            if self.node(event).trigger == "timer":
                self.start_timer(event)

    # -- timers ---------------------------------------------------------------------------------

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
        node = self.node(iid)
        self.edit(iid).occurrences = timer.occurrence
        if node.kind != "boundary":
            self.trigger(iid)
            return
        following, spec = None, node.timer
        if not node.interrupting and isinstance(spec, TimerSpec) and spec.kind == "cycle":
            following = next_due(node.timer, timer.started, timer.occurrence + 1)
        if self.trigger(iid, again=following is not None) and following is not None:
            following_timer = Timer(iid, following, timer.occurrence + 1, timer.started)
            self.state.timers = [*self.state.timers, following_timer]

    # -- triggers -------------------------------------------------------------------------------

    def trigger(self, iid: str, again: bool = False) -> bool:
        """The event an instance waits for happened; False if it no longer waited.

        A catch event occurs, a receive task completes, a boundary event occurs and, when
        interrupting, terminates its activity (`again`: a non-interrupting one stays armed)."""
        instance, node = self.get(iid), self.node(iid)
        if node.kind != "boundary":
            if instance.state != "active":
                return False
            event = "complete" if node.kind == "receive_task" else "occur"
            self.emit(iid, event, "completed")
        else:
            if instance.state != "available" or instance.stage is None:
                return False
            if node.interrupting:
                self.emit(iid, "occur", "completed")
                self.emit(instance.stage, "terminate", "terminated", f"boundary event {node.id}")
            else:
                self.emit(iid, "occur", "available" if again else "completed")
        self.push(lambda: self.leave(iid))
        return True

    def deliver(self, name: str, data: dict[str, Any], key: Any = None) -> None:
        """Deliver message `name` to the oldest instance waiting for it (data written first)."""
        for iid in waiting(self.definition, self.state, "message", name):
            if key is not None and not self.correlates(iid, key):
                continue
            if data:
                self.write(data, paths=False)
            self.trigger(iid, again=not self.node(iid).interrupting)
            return
        raise Refused(f"no token of process {self.definition.id!r} waits for message {name!r}")

    def correlates(self, iid: str, key: Any) -> bool:
        correlation = self.node(iid).correlation
        if correlation is None:
            return True
        try:
            return bool(correlation.evaluate(self.state.data, now=self.now) == key)
        except ExpressionError:
            return False

    def broadcast(self, name: str) -> None:
        """A signal thrown inside the process reaches every catch waiting for it."""
        for iid in waiting(self.definition, self.state, "signal", name):
            self.trigger(iid, again=not self.node(iid).interrupting)

    def write(self, writes: dict[str, Any], *, paths: bool) -> None:  # pragma: no cover
        raise NotImplementedError
