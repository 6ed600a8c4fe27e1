"""One unit of work of a BPMN process: token flow through activities, gateways and scopes, and
the commands a process takes."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from studio.expressions.errors import ExpressionError
from studio.messages import text
from studio.runtime.engine.casefile import apply_writes
from studio.runtime.engine.due_dates import due_at
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.incidents import CHILD_FAILED, TASK_FAILED, Incident
from studio.runtime.engine.outcome import Command, StartChild
from studio.runtime.engine.process_definition import WAITING, Flow, NodeDefinition
from studio.runtime.engine.process_events import waiting
from studio.runtime.engine.process_loops import is_body
from studio.runtime.engine.process_tokens import TOKEN_STATES, is_token
from studio.runtime.engine.process_work import Work
from studio.runtime.engine.state import TERMINAL
from studio.runtime.engine.team import may_act
from studio.runtime.engine.wording import cannot, state_word, state_words, verb

CHILD_ENDS = frozenset({"child_completed", "child_terminated", "child_failed"})
RETRIED = frozenset({"script_task", "rule_task", "service_task"})
"""Kinds whose failures are incidents a `retry` command runs again."""


class ProcessRun(Work):
    """The agenda of one command, run on a copy of the state."""

    held: frozenset[str] = frozenset()
    """Plain tasks that wait to be completed (see ProcessEngine)."""
    branches: Mapping[str, Callable[[], Iterable[str]]] = MappingProxyType({})
    """Gateways the host decides (see ProcessEngine)."""

    def settle(self) -> bool:
        """Once the agenda is stable: fire inclusive joins no live token can still reach, complete
        sub-processes and then the process once no token is left in them."""
        if self.state.state != "active":
            return False
        if self.fire_inclusive_join():
            return True
        for scope, count in list(self.state.blocking.items()):
            if count == 0 and scope != self.root and self.live_in(scope):
                self.complete(scope)
                return True
        if self.state.blocking.get(self.root, 0):
            return False
        self.disarm(self.root)
        self.emit(self.root, "complete", "completed", "no token left")
        return True

    # -- token flow -----------------------------------------------------------------------------

    def begin(self, at: str | None = None) -> None:
        """Start the process: the root instance active, a token on each none start event (or
        on the start event `at` a message or signal triggered)."""
        root = self.create(self.definition.plan, None)
        self.emit(root, "start", "active")
        self.arm_event_subs(root)
        self.start_tokens((at,) if at else self.definition.starts, root)

    def start_tokens(self, starts: tuple[str, ...], scope: str) -> None:
        for start in starts:
            iid = self.create(start, scope)
            self.emit(iid, "occur", "completed")
            self.push(lambda iid=iid: self.leave(iid))

    def arrive(self, flow: Flow, scope: str) -> None:
        """A token arrives at a flow's target: a join collects it, any other node gets a new
        instance (nothing happens in a scope that ended meanwhile)."""
        if not self.live_in(scope):
            return
        node = self.definition.nodes[flow.target]
        if node.kind in ("parallel", "inclusive") and len(node.incoming) > 1:
            self.join(node, flow, scope)
            return
        self.enter(self.create(node.id, scope))

    def join(self, node: NodeDefinition, flow: Flow, scope: str) -> None:
        """Keep the arrival in the waiting join instance's memory; a parallel join goes on once
        every incoming flow has brought a token (an inclusive one: see `fire_inclusive_join`)."""
        position = node.incoming.index(flow.id)
        for instance in self.state.instances_of(node.id):
            if (
                instance.stage == scope
                and instance.state == "available"
                and position not in instance.memory.get("in", ())
            ):
                iid = instance.id
                break
        else:
            iid = self.create(node.id, scope)
        arrived = self.edit(iid).memory.setdefault("in", set())
        arrived.add(position)
        if node.kind == "parallel" and len(arrived) == len(node.incoming):
            self.enter(iid)

    def fire_inclusive_join(self) -> bool:
        """Enter the oldest waiting inclusive join that no live token can reach any more."""
        for join in self.definition.inclusive_joins:
            for instance in self.state.instances_of(join):
                if instance.state == "available" and not self.reachable(instance.id):
                    self.enter(instance.id)
                    return True
        return False

    def reachable(self, join: str) -> bool:
        """Whether a live token (or the activity holding it) in the join's scope can get to it."""
        target, scope = self.get(join).item, self.get(join).stage
        sources = self.definition.reach.get(target, frozenset())
        for instance in self.state.items.values():
            if instance.state not in TOKEN_STATES or instance.item == target:
                continue
            if instance.stage is None or not is_token(self.definition.nodes[instance.item]):
                continue
            outer = instance
            while outer.stage is not None and outer.stage != scope:
                outer = self.get(outer.stage)
            if outer.stage == scope and outer.item in sources:
                return True
        return False

    def enter(self, iid: str) -> None:
        """What a node does when a token enters it."""
        node = self.node(iid)
        kind = node.kind
        if kind in ("end", "throw", "start"):
            self.emit(iid, "occur", "completed")
            name = node.event_name
            if node.trigger == "signal" and name:
                self.push(lambda: self.broadcast(name, iid))
            elif node.trigger == "message" and name:
                self.push(lambda: self.send(iid))
            elif node.trigger == "escalation":
                self.escalate(iid)
            if kind != "end":
                self.push(lambda: self.leave(iid))
        elif kind == "terminate_end":
            self.emit(iid, "occur", "completed")
            self.push(lambda: self.terminate_scope(self.get(iid).stage or self.root, node.id))
        elif kind == "error_end":
            self.emit(iid, "occur", "completed")
            self.throw_error(iid)
        elif kind == "event_gateway":
            self.race(iid)
        elif kind == "catch":
            self.emit(iid, "start", "active")
            if node.trigger == "timer":
                self.start_timer(iid)
        else:  # activities and gateways
            self.emit(iid, "start", "active")
            if node.boundary:
                self.arm(iid)
            if node.loop is not None:
                self.start_loop(iid)
            else:
                self.act(iid, node)

    def act(self, iid: str, node: NodeDefinition | None = None) -> None:
        """What an active activity (or gateway) does: run, start its inside, or wait."""
        node = node or self.node(iid)
        kind = node.kind
        if node.due is not None:
            self.edit(iid).due = due_at(node.due, self.state.data, self.now)
        if node.id in self.held:
            return  # the host works it and completes it
        if kind == "script_task":
            self.push(lambda: self.run_script(iid))
        elif kind == "rule_task":
            self.push(lambda: self.run_decision(iid))
        elif kind == "service_task":
            self.push(lambda: self.run_service(iid))
        elif kind == "subprocess":
            self.state.count_blocking(iid, 0)
            self.arm_event_subs(iid)
            self.start_tokens(node.starts, iid)
        elif kind == "call_activity":
            self.call(iid)
        elif kind == "send_task" and node.event_name:
            self.push(lambda: self.send(iid))
            self.push(lambda: self.complete(iid))
        elif kind not in WAITING and kind != "receive_task":
            self.push(lambda: self.complete(iid))

    def complete(self, iid: str) -> None:
        if self.state.items[iid].state != "active":
            return
        self.emit(iid, "complete", "completed")
        self.push(lambda: self.leave(iid))

    def leave(self, iid: str) -> None:
        """Follow the outgoing flows (a loop's run goes back to its body instead)."""
        items = self.state.items
        instance = items[iid]
        stage, node = instance.stage, self.definition.nodes[instance.item]
        assert stage is not None
        if node.kind == "boundary":
            scope = items[stage].stage or self.root
        elif is_body(items[stage]):
            self.push(lambda: self.next_run(stage))
            return
        else:
            scope = stage
        for flow in self.choose(node):
            self.push(lambda flow=flow: self.arrive(flow, scope))

    def choose(self, node: NodeDefinition) -> list[Flow]:
        """The flows a token leaving `node` takes."""
        outgoing = node.outgoing
        if node.kind == "parallel" or not outgoing:
            return list(outgoing)
        if len(outgoing) == 1 and outgoing[0].condition is None and node.id not in self.branches:
            return [outgoing[0]]  # one unconditional flow: the token simply goes on
        pick = self.branches.get(node.id)
        if pick is not None:  # a host that decides this gateway (simulation's branches)
            chosen = set(pick())
            return [f for f in node.outgoing if f.id in chosen]
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
            text(
                "no outgoing flow of {item!r} ({element}) can be taken: no condition holds and "
                "there is no default flow",
                item=node.label,
                element=node.id,
            )
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
                text(
                    "the condition of sequence flow {flow!r} failed: {reason}",
                    flow=flow.id,
                    reason=exc.message,
                )
            ) from None

    def run_script(self, iid: str) -> None:
        """Run a script task's assignments into the process variables, then complete it; a
        failing script records an incident and the token waits in the task."""
        if self.get(iid).state != "active":
            return
        node = self.node(iid)
        assert node.script is not None
        try:
            writes = node.script.run(self.state.data, now=self.now)
        except ExpressionError as exc:  # an incident: the token waits in the script task
            line = f" at line {exc.line}" if exc.line else ""
            message = f"script task {node.label!r} ({node.id}) failed{line}: {exc.message}"
            self.incident(TASK_FAILED, message, iid)
            return
        self.write(writes, paths=False)
        self.push(lambda: self.complete(iid))

    def call(self, iid: str) -> None:
        """A call activity asks its host to start the process or case it calls."""
        node = self.node(iid)
        assert node.called is not None
        data = copy.deepcopy(self.state.data)
        self.effects.append(StartChild(iid, "process", node.called, data, True))

    def terminate_scope(self, scope: str, cause: str) -> None:
        """A terminate end event: in a sub-process it ends the sub-process's tokens and the
        sub-process completes; at the top the whole process completes (as Flowable does)."""
        if scope == self.root:
            self.terminate_all(cause, ending="completed")
            return
        for inner in self.state.children(scope):
            if inner.state not in TERMINAL and self.counts(inner):
                self.emit(inner.id, "terminate", "terminated", cause)
        self.complete(scope)

    def terminate_all(self, cause: str, ending: str = "terminated") -> None:
        """End every token, then the process itself: `terminated` when a user terminates it,
        `completed` when a terminate end event is reached (as Flowable does)."""
        for instance in sorted(self.state.items.values(), key=lambda i: i.seq):
            if instance.id != self.root and self.get(instance.id).state not in TERMINAL:
                self.emit(instance.id, "terminate", "terminated", cause)
        event = {"completed": "complete", "failed": "fault"}.get(ending, "terminate")
        self.emit(self.root, event, ending, cause)
        self.agenda.clear()  # the process ended: what was still to do is dropped

    def fail(self, cause: str) -> None:
        """An uncaught error: every token ends and the process fails."""
        self.terminate_all(cause, ending="failed")

    # -- commands -------------------------------------------------------------------------------

    def command(self, command: Command) -> None:
        action = command.action
        if action == "set":
            self.write(command.data or {}, paths=True)
        elif action == "terminate":
            if command.item is not None:
                raise Refused(text("only the whole process can be terminated (aim at @case)"))
            self.terminate_all("by a user")
        elif action == "complete":
            if command.item is None:
                raise Refused(text("a process completes by itself once no token is left"))
            iid = self.target(command.item)
            self.authorize(self.node(iid), command)
            if command.data:
                self.write(command.data, paths=False)
            self.push(lambda: self.complete(iid))
        elif action == "bind":
            self.bind(command.data or {})
        elif action == "message":
            body = command.data or {}
            name = body.get("name")
            if not isinstance(name, str) or not name:
                raise Refused(text("a message needs a name"))
            self.deliver(name, body.get("data") or {}, body.get("correlation"))
        elif action == "signal":
            name = (command.data or {}).get("name")
            if not isinstance(name, str) or not name:
                raise Refused(text("a signal needs a name"))
            if not waiting(self.definition, self.state, "signal", name):
                raise Refused(
                    text(
                        "no token of process {process!r} waits for signal {signal!r}",
                        process=self.definition.id,
                        signal=name,
                    )
                )
            self.broadcast(name)
        elif action == "retry":
            if command.item is None:
                raise Refused(
                    text(
                        "process {process!r} has no incident to retry (a task's incident: retry "
                        "names the task)",
                        process=self.state.id,
                    )
                )
            self.retry(self.incident_of(command.item))
        elif action in CHILD_ENDS and command.item is not None:
            self.child_ended(action, command.item, command.data or {})
        else:
            raise Refused(text("a BPMN process does not take {action!r}", action=action))

    def bind(self, data: dict[str, Any]) -> None:
        """Bind a performer role (a lane's name) to users and groups, as a case does:
        {"role": name, "members": [...]}."""
        role, members = data.get("role"), data.get("members")
        if not isinstance(role, str) or not isinstance(members, list):
            raise Refused(text('bind takes {{"role": name, "members": [users or groups]}}'))
        self.state.team = {**self.state.team, role: tuple(str(m) for m in members)}

    def authorize(self, node: NodeDefinition, command: Command) -> None:
        """A task in a lane may be completed only by the case team's members of the lane's role
        (the system, user None, may act)."""
        if command.user is None or node.lane is None:
            return
        if may_act(self.state.team, (node.lane,), command.user, command.groups):
            return
        raise Refused(
            text(
                "{user} may not {action} {item!r}: only the case team's {roles} may",
                user=command.user,
                action=verb("complete"),
                item=node.label,
                roles=node.lane,
            )
        )

    def child_ended(self, action: str, iid: str, data: dict[str, Any]) -> None:
        """The process or case a call activity started ended: write back what it changed and
        go on; a terminated child terminates the activity, a failed one records an incident."""
        instance = self.state.items.get(iid)
        if instance is None or instance.state != "active":
            raise Refused(text("no active call activity {instance!r}", instance=iid))
        if action == "child_completed":
            if data:
                self.write(data, paths=False)
            self.push(lambda: self.complete(iid))
        elif action == "child_terminated":
            self.emit(iid, "terminate", "terminated", "its called element was terminated")
            if not self.state.blocking.get(self.root, 0):  # nothing else goes on: it ends too
                self.terminate_all(f"what {self.node(iid).label!r} called was terminated")
        elif isinstance(data.get("error"), str):
            self.rethrow(iid, data["error"])
        else:
            reason = data.get("reason", "it failed")
            message = f"call activity {self.node(iid).label!r} ({iid}): {reason}"
            self.incident(CHILD_FAILED, message, iid, waits=False)

    def incident_of(self, item: str) -> str:
        """The oldest script, service or business-rule task instance (`item`: it or its node)
        whose token waits with an incident."""
        found = self.state.items.get(item)
        candidates = [found] if found is not None else self.state.instances_of(item)
        for instance in candidates:
            if (
                instance.state == "active"
                and instance.memory.get("incident")
                and self.node(instance.id).kind in RETRIED
            ):
                return instance.id
        raise Refused(
            text(
                "no script, service or business-rule task {item!r} waits with an incident",
                item=item,
            )
        )

    def retry(self, iid: str) -> None:
        """Run the task again: its incidents are cleared when it succeeds; a new failure records
        a new incident and the token keeps waiting."""
        node = self.node(iid)
        self.log(iid, node.id, "retry", "active", None)
        before = len(self.state.incidents)
        {"script_task": self.run_script, "rule_task": self.run_decision}.get(
            node.kind, self.run_service
        )(iid)
        if len(self.state.incidents) > before:
            return
        left = max(self.edit(iid).memory.pop("incident"))
        kept: list[Incident] = []
        for incident in reversed(self.state.incidents):
            if left and incident.code == TASK_FAILED and incident.element == node.id:
                left -= 1
            else:
                kept.append(incident)
        self.state.incidents = kept[::-1]

    def target(self, item: str) -> str:
        """The oldest active instance of a user or manual task (an instance id: that one)."""
        exact = self.state.items.get(item)
        if exact is not None and item not in self.definition.nodes:
            node = self.definition.nodes[exact.item]
            if node.kind not in WAITING and node.id not in self.held:
                raise Refused(text("{item!r} is not a user or manual task", item=node.label))
            if exact.state != "active" or is_body(exact):
                raise Refused(cannot("complete", node.label, state_word(exact.state)))
            return item
        node = self.definition.nodes.get(item)
        if node is None:
            raise Refused(
                text(
                    "no element {item!r} in process {process!r}",
                    item=item,
                    process=self.definition.id,
                )
            )
        if node.kind not in WAITING and node.id not in self.held:
            raise Refused(text("{item!r} is not a user or manual task", item=node.label))
        instances = self.state.instances_of(item)
        for instance in instances:
            if instance.state == "active" and not is_body(instance):
                return instance.id
        states = sorted({i.state for i in instances}) or ["absent"]
        raise Refused(cannot("complete", node.label, state_words(states)))

    def write(self, writes: dict[str, Any], *, paths: bool) -> None:
        """Write the process variables; each variable written is recorded."""
        data, events = apply_writes(self.state.data, writes, paths=paths)
        self.state.data = data
        for name, event, _ in events:
            self.log(None, name, event, None, "process variables")
