"""Tokens of a running BPMN process: creating them, moving them between states, and counting
them per scope (the process itself or a sub-process instance)."""

from __future__ import annotations

from datetime import datetime

from studio.runtime.engine.incidents import Incident
from studio.runtime.engine.outcome import StopChild
from studio.runtime.engine.process_definition import NodeDefinition, ProcessDefinition
from studio.runtime.engine.state import TERMINAL, CaseState, ItemInstance
from studio.runtime.engine.unit import UnitOfWork

TOKEN_STATES = frozenset({"available", "active"})
ARMED = frozenset({"boundary", "event_start"})
"""Kinds whose instances wait, `available`, for their trigger without being tokens."""


def is_token(node: NodeDefinition) -> bool:
    """Boundary events wait on their activity, event sub-processes' starts on their scope;
    they are not tokens of their own."""
    return node.kind not in ARMED


def count_tokens(definition: ProcessDefinition, state: CaseState) -> dict[str, int]:
    """Per scope instance (the process, sub-processes), the tokens still in it."""
    roots = state.by_item.get(definition.plan, ())
    counts = {roots[0]: 0} if roots else {}
    for instance in state.items.values():
        node = definition.nodes.get(instance.item)
        if instance.stage is None or node is None or not is_token(node):
            continue
        if instance.state in TOKEN_STATES:
            counts[instance.stage] = counts.get(instance.stage, 0) + 1
    return counts


class Tokens(UnitOfWork):
    """Instances of flow nodes: a token's stage is its scope, a boundary event's its activity."""

    definition: ProcessDefinition

    def __init__(
        self, definition: ProcessDefinition, state: CaseState, now: datetime,
        user: str | None, record: bool,
    ) -> None:  # fmt: skip
        super().__init__(definition, state, now, user, record)
        self.root = state.by_item.get(definition.plan, ("",))[0]

    def node(self, iid: str) -> NodeDefinition:
        return self.definition.nodes[self.state.items[iid].item]

    def counts(self, instance: ItemInstance) -> bool:
        """Whether the instance is a token (the process itself and boundary events are not)."""
        return instance.stage is not None and self.definition.nodes[instance.item].kind not in ARMED

    def scope_of(self, iid: str) -> str:
        """The scope a token leaving `iid` flows in (a boundary event: its activity's scope)."""
        instance = self.get(iid)
        assert instance.stage is not None
        if self.node(iid).kind == "boundary":
            return self.get(instance.stage).stage or self.root
        return instance.stage

    def create(self, item: str, stage: str | None) -> str:
        """A new instance in `available` (`create`)."""
        seq = self.state.next_seq()
        iid = f"{item}#{seq}"
        instance = ItemInstance(iid, item, stage, "available", seq)
        self.state.add(instance)
        self.owned.add(iid)
        if stage is None:
            self.root = iid
            self.state.count_blocking(iid, 0)
        elif self.definition.nodes[item].kind not in ARMED:
            self.state.count_blocking(stage, 1)
        self.log(iid, item, "create", "available", None)
        return iid

    def emit(self, iid: str, event: str, new_state: str, cause: str | None = None) -> None:
        """Move an instance to `new_state` with `event`; an ended instance loses its timers, its
        boundary events and (a sub-process) its tokens, and a call activity its child."""
        instance = self.edit(iid)
        if instance.stage is not None and self.definition.nodes[instance.item].kind not in ARMED:
            change = (new_state in TOKEN_STATES) - (instance.state in TOKEN_STATES)
            if change:
                self.state.count_blocking(instance.stage or "", change)
        instance.state = new_state
        self.log(iid, instance.item, event, new_state, cause)
        if iid == self.root:
            self.state.state = new_state
            return
        if new_state not in TERMINAL:
            return
        if self.state.timers and any(t.instance == iid for t in self.state.timers):
            self.state.timers = [t for t in self.state.timers if t.instance != iid]
        if iid in self.state.by_stage:
            for inner in self.state.children(iid):
                if inner.state not in TERMINAL:
                    self.emit(inner.id, "terminate", "terminated", f"{instance.item} ended")
        if new_state == "terminated" and self.node(iid).kind == "call_activity":
            self.effects.append(StopChild(iid))

    def incident(self, code: str, message: str, iid: str, *, waits: bool = True) -> None:
        """Record an incident of `code` on the process about the element of instance `iid`;
        when its token `waits` there for a `retry`, it counts its incidents in its memory."""
        element = self.node(iid).id
        incident = Incident(code, message, self.now, element)
        self.state.incidents = [*self.state.incidents, incident]
        if waits:
            memory = self.edit(iid).memory
            memory["incident"] = {max(memory.get("incident", ()), default=0) + 1}
        self.log(None, self.definition.id, "incident", None, message, code=code, element=element)

    def live_in(self, scope: str) -> bool:
        """Whether a scope (the process or a sub-process instance) still runs."""
        return self.get(scope).state == "active"
