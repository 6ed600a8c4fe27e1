"""Events a process waits for: timers, messages and signals, on catch events, receive tasks and
boundary events."""

from __future__ import annotations

from typing import Any

from studio.expressions import (
    CompiledExpression,
    TimerSpec,
    next_due,
    parse_timer,
    timer_from_value,
)
from studio.expressions.errors import ExpressionError, TimerError
from studio.messages import text
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.outcome import Publish
from studio.runtime.engine.process_definition import ProcessDefinition
from studio.runtime.engine.process_tokens import ARMED, Tokens
from studio.runtime.engine.state import TERMINAL, CaseState, Timer

CATCHING = frozenset({"catch", "receive_task"})
"""Kinds whose token waits, active, for its trigger."""


def waiting(definition: ProcessDefinition, state: CaseState, trigger: str, name: str) -> list[str]:
    """Instances waiting for message or signal `name`, oldest first."""
    found = []
    for node in definition.nodes.values():
        if node.trigger != trigger or node.event_name != name:
            continue
        wanted = "available" if node.kind in ARMED else "active"
        if node.kind in CATCHING or node.kind in ARMED:
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

    def enter(self, iid: str) -> None:  # pragma: no cover - token flow implements it
        raise NotImplementedError

    def race(self, gateway: str) -> None:
        """An event-based gateway: its token moves on to every following catch event (or
        receive task) at once; the first to occur wins and cancels the others (`trigger`)."""
        self.emit(gateway, "start", "active")
        scope = self.scope_of(gateway)
        for flow in self.node(gateway).outgoing:
            iid = self.create(flow.target, scope)
            self.edit(iid).memory["race"] = {self.get(gateway).seq}
            self.enter(iid)
        self.emit(gateway, "complete", "completed")

    def cancel_race(self, winner: str) -> None:
        """The other events of the winner's event-based gateway are cancelled."""
        gateway = self.get(winner).memory.get("race")
        if not gateway:
            return
        for instance in self.state.children(self.get(winner).stage or self.root):
            if (
                instance.id != winner
                and instance.memory.get("race") == gateway
                and instance.state == "active"
            ):
                self.emit(instance.id, "terminate", "terminated", f"{winner} occurred first")

    def arm(self, iid: str) -> None:
        """Create the boundary events of an activity that became active, their timers started."""
        for boundary in self.node(iid).boundary:
            event = self.create(boundary, iid)
            if self.node(event).trigger == "timer":
                self.start_timer(event)

    # -- event sub-processes ------------------------------------------------------------------

    def arm_event_subs(self, scope: str) -> None:
        """Arm the start events of a scope's event sub-processes (their timers started)."""
        node = None if scope == self.root else self.get(scope).item
        for start in self.definition.event_starts.get(node, ()):
            iid = self.create(start, scope)
            if self.node(iid).trigger == "timer":
                self.start_timer(iid)

    def disarm(self, scope: str) -> None:
        """A scope ends: its armed event sub-process starts wait no more."""
        for inner in self.state.children(scope):
            if inner.state == "available" and self.node(inner.id).kind == "event_start":
                self.emit(inner.id, "terminate", "terminated", "its scope ended")

    def start_event_sub(self, iid: str, again: bool) -> bool:
        """An armed start occurred: an interrupting one ends everything else in its scope; then
        the event sub-process runs in that scope (a non-interrupting start stays armed when
        `again`)."""
        instance, node = self.get(iid), self.node(iid)
        if instance.state != "available" or instance.stage is None:
            return False
        scope = instance.stage
        if node.interrupting:
            self.emit(iid, "occur", "completed")
            for inner in self.state.children(scope):
                if inner.state not in TERMINAL:
                    self.emit(inner.id, "terminate", "terminated", f"event {node.id} interrupted")
        else:
            self.emit(iid, "occur", "available" if again else "completed")
        assert node.parent is not None
        sub = self.create(node.parent, scope)
        self.emit(sub, "start", "active")
        self.state.count_blocking(sub, 0)
        self.arm_event_subs(sub)
        start = self.create(node.id, sub)
        self.emit(start, "occur", "completed")
        self.push(lambda: self.leave(start))
        return True

    # -- timers ---------------------------------------------------------------------------------

    def start_timer(self, iid: str) -> None:
        node = self.node(iid)
        spec = node.timer
        try:
            if isinstance(spec, CompiledExpression):
                spec = timer_from_value(spec.evaluate(self.state.data, now=self.now))
        except (ExpressionError, TimerError) as exc:
            raise Refused(
                text(
                    "the timer of {item!r} ({element}) failed: {reason}",
                    item=node.label,
                    element=node.id,
                    reason=str(exc),
                )
            ) from None
        due = next_due(spec, self.now, 1) if isinstance(spec, TimerSpec) else None
        cycle = None
        if isinstance(spec, TimerSpec) and spec.kind == "cycle" and spec is not node.timer:
            cycle = spec.text  # an expression gave it: kept for the following occurrences
        if due is not None:
            self.state.timers = [*self.state.timers, Timer(iid, due, 1, self.now, cycle)]

    def fire_timer(self, timer: Timer) -> None:
        iid = timer.instance
        self.state.timers = [t for t in self.state.timers if t.instance != iid]
        node = self.node(iid)
        self.edit(iid).occurrences = timer.occurrence
        if node.kind not in ARMED:
            self.trigger(iid)
            return
        following = None
        spec = parse_timer(timer.cycle) if timer.cycle else node.timer
        if not node.interrupting and isinstance(spec, TimerSpec) and spec.kind == "cycle":
            following = next_due(spec, timer.started, timer.occurrence + 1)
        if self.trigger(iid, again=following is not None) and following is not None:
            following_timer = Timer(
                iid, following, timer.occurrence + 1, timer.started, timer.cycle
            )
            self.state.timers = [*self.state.timers, following_timer]

    # -- triggers -------------------------------------------------------------------------------

    def trigger(self, iid: str, again: bool = False) -> bool:
        """The event an instance waits for happened; False if it no longer waited.

        A catch event occurs, a receive task completes, a boundary event occurs and, when
        interrupting, terminates its activity (`again`: a non-interrupting one stays armed)."""
        instance, node = self.get(iid), self.node(iid)
        if node.kind == "event_start":
            return self.start_event_sub(iid, again)
        if node.kind != "boundary":
            if instance.state != "active":
                return False
            event = "complete" if node.kind == "receive_task" else "occur"
            self.emit(iid, event, "completed")
            self.cancel_race(iid)
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

    # -- thrown inside the process ------------------------------------------------------------

    def fail(self, cause: str) -> None:  # pragma: no cover - token flow implements it
        raise NotImplementedError

    def catcher(
        self, iid: str, trigger: str, code: str | None, within: str | None = None
    ) -> str | None:
        """The armed error or escalation boundary event that catches `code` thrown at `iid`: on
        the innermost enclosing activity that has one (from activity `within` outwards when
        given), one naming the code before a catch-all."""
        scope = within or self.get(iid).stage
        while scope is not None and scope != self.root:
            armed = [
                i.id
                for i in self.state.children(scope)
                if i.state == "available"
                and self.node(i.id).kind == "boundary"
                and self.node(i.id).trigger == trigger
            ]
            for wanted in (code, None):
                for event in armed:
                    if self.node(event).event_name == wanted:
                        return event
            scope = self.get(scope).stage
        return None

    def throw_error(self, iid: str) -> None:
        """An error end event: an error boundary event of an enclosing activity catches it
        (interrupting); uncaught, the process fails."""
        node = self.node(iid)
        caught = self.catcher(iid, "error", node.event_name)
        if caught is not None:
            self.trigger(caught)
            return
        code = f" {node.event_name!r}" if node.event_name else ""
        self.state.error = node.event_name or ""
        self.fail(f"error{code} thrown by {node.label!r} ({node.id}) was not caught")

    def rethrow(self, activity: str, code: str) -> None:
        """An error a called process ended with reaches its call activity: an error boundary
        event of the activity or of an enclosing one catches it; uncaught, this process fails
        too (as an error end event here would)."""
        caught = self.catcher(activity, "error", code or None, within=activity)
        if caught is not None:
            self.trigger(caught)
            return
        node = self.node(activity)
        shown = f" {code!r}" if code else ""
        self.state.error = code
        self.fail(f"error{shown} from the process {node.label!r} ({node.id}) calls was not caught")

    def escalate(self, iid: str) -> None:
        """An escalation reaches the escalation boundary event of an enclosing activity
        (interrupting or not); uncaught, it is ignored."""
        caught = self.catcher(iid, "escalation", self.node(iid).event_name)
        if caught is not None:
            self.trigger(caught, again=not self.node(caught).interrupting)

    def send(self, thrower: str) -> None:
        """A message thrown inside the process reaches the oldest catch of the instance waiting
        for it; when none waits, it leaves the instance for the host to deliver (`Publish`,
        with the thrower's correlation key when it has one)."""
        node = self.node(thrower)
        name = node.event_name or ""
        for iid in waiting(self.definition, self.state, "message", name):
            self.trigger(iid, again=not self.node(iid).interrupting)
            return
        key = None
        if node.correlation is not None:
            try:
                key = node.correlation.evaluate(self.state.data, now=self.now)
            except ExpressionError as exc:
                raise Refused(
                    text(
                        "the correlation key of {item!r} ({element}) failed: {reason}",
                        item=node.label,
                        element=node.id,
                        reason=exc.message,
                    )
                ) from None
        self.effects.append(Publish("message", name, self.state.id, key))
        self.log(thrower, node.id, "send", None, f"message {name!r} leaves the process")

    def deliver(self, name: str, data: dict[str, Any], key: Any = None) -> None:
        """Deliver message `name` to the oldest instance waiting for it (data written first)."""
        for iid in waiting(self.definition, self.state, "message", name):
            if key is not None and not self.correlates(iid, key):
                continue
            if data:
                self.write(data, paths=False)
            self.trigger(iid, again=not self.node(iid).interrupting)
            return
        raise Refused(
            text(
                "no token of process {process!r} waits for message {message!r}",
                process=self.definition.id,
                message=name,
            )
        )

    def correlates(self, iid: str, key: Any) -> bool:
        correlation = self.node(iid).correlation
        if correlation is None:
            return True
        try:
            return bool(correlation.evaluate(self.state.data, now=self.now) == key)
        except ExpressionError:
            return False

    def broadcast(self, name: str, thrower: str | None = None) -> None:
        """A signal reaches every catch waiting for it: those of this instance now, those of
        other instances through the host (`Publish`) when thrown here (`thrower`)."""
        for iid in waiting(self.definition, self.state, "signal", name):
            self.trigger(iid, again=not self.node(iid).interrupting)
        if thrower is not None:
            self.effects.append(Publish("signal", name, self.state.id))
            self.log(thrower, self.node(thrower).id, "send", None, f"signal {name!r} thrown")

    def write(self, writes: dict[str, Any], *, paths: bool) -> None:  # pragma: no cover
        raise NotImplementedError
