"""CMMN lifecycle operations: create, activate, start, complete, repeat, exit."""

from __future__ import annotations

import copy
from typing import Any

from studio.expressions import to_json_value
from studio.expressions.errors import ExpressionError
from studio.messages import text
from studio.runtime.decisions import DecisionError
from studio.runtime.engine.definition import CaseDefinition, ItemDefinition
from studio.runtime.engine.due_dates import due_at
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.outcome import StartChild, StopChild
from studio.runtime.engine.state import TERMINAL, ItemInstance
from studio.runtime.engine.unit import UnitOfWork

WORK = frozenset({"human_task", "task", "process_task", "case_task", "decision_task", "stage"})
LISTENERS = frozenset({"user_event", "timer_event", "event_listener"})
CALLERS = frozenset({"case_task", "process_task"})


class Lifecycle(UnitOfWork):
    """One operation per transition of the CMMN 1.1 lifecycle tables, each emitting its event."""

    definition: CaseDefinition

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unsettled: set[str] = set()
        """Stage instances whose children changed state: completion is checked for these."""

    def item(self, iid: str) -> ItemDefinition:
        return self.definition.items[self.state.items[iid].item]

    def emit(self, iid: str, event: str, new_state: str, cause: str | None = None) -> None:
        """Move an instance to `new_state` with the standard `event`, then let sentries hear it."""
        instance = self.edit(iid)
        if new_state == "terminated" and instance.state in ("active", "suspended", "failed"):
            definition = self.definition.items[instance.item]
            if definition.kind in CALLERS and definition.blocking:
                self.effects.append(StopChild(iid))
        if instance.stage is not None:
            change = self.blocks_after(instance, new_state) - self.blocks(instance)
            if change:
                self.state.count_blocking(instance.stage, change)
        instance.state = new_state
        self.log(iid, instance.item, event, new_state, cause)
        if instance.item == self.definition.plan:
            self.state.state = new_state
        if instance.stage is not None:
            self.unsettled.add(instance.stage)
        self.push(lambda: self.hear(iid, event))

    def create(self, item_id: str, stage: str | None) -> str:
        definition = self.definition.items[item_id]
        seq = self.state.next_seq()
        iid = f"{item_id}#{seq}"
        instance = ItemInstance(iid, item_id, stage, "available", seq)
        instance.required = self.evaluate(definition.required)
        self.state.add(instance)
        if stage is not None and self.blocks(instance):
            self.state.count_blocking(stage, 1)
        self.owned.add(iid)
        self.emit(iid, "create", "available")
        if definition.kind == "timer_event" and definition.start_trigger is None:
            self.push(lambda: self.start_timer(iid))
        elif definition.kind not in LISTENERS:
            if not definition.entry:
                self.push(lambda: self.activate(iid))
            else:
                self.push(lambda: self.check_data_criteria(iid))
        return iid

    def activate(self, iid: str, cause: str | None = None) -> None:
        """An item ready to go: a milestone occurs; work is enabled or starts. `cause`: the entry
        criterion that fired, for the history."""
        if self.get(iid).state != "available":
            return
        definition = self.item(iid)
        if definition.kind == "milestone":
            self.emit(iid, "occur", "completed", cause)
            self.push(lambda: self.repeat(iid))
            return
        if definition.kind in LISTENERS:
            return
        if self.evaluate(definition.manual_activation):
            self.emit(iid, "enable", "enabled", cause)
        else:
            self.begin(iid, "start", cause)

    def begin(self, iid: str, event: str, cause: str | None = None) -> None:
        """available/enabled -> active (start or manualStart) and what the kind does then."""
        definition = self.item(iid)
        self.emit(iid, event, "active", cause)
        if definition.due is not None:
            self.edit(iid).due = due_at(definition.due, self.state.data, self.now)
        if definition.kind == "stage":
            self.unsettled.add(iid)
            for child in definition.children:
                if not self.definition.items[child].discretionary:
                    self.push(lambda child=child: self.create(child, iid))
        elif definition.kind in CALLERS and definition.called:
            kind = "case" if definition.kind == "case_task" else "process"
            data = (
                dict(self.state.data)
                if definition.inputs is None
                else self.mapped(definition.inputs, self.state.data, definition.label)
            )
            self.effects.append(StartChild(iid, kind, definition.called, data, definition.blocking))
            if not definition.blocking:
                self.push(lambda: self.complete(iid))
        elif definition.kind in ("human_task", "task") and not definition.blocking:
            self.push(lambda: self.complete(iid))
        elif definition.kind == "decision_task" and definition.decision is not None:
            self.push(lambda: self.decide(iid))

    def mapped(self, mappings: Any, source: dict[str, Any], label: str) -> dict[str, Any]:
        """The values parameter mappings give (a source that is absent gives nothing)."""
        values: dict[str, Any] = {}
        for mapping in mappings:
            if mapping.transformation is not None:
                try:
                    values[mapping.target] = to_json_value(
                        mapping.transformation.evaluate(source, now=self.now)
                    )
                except ExpressionError as exc:
                    raise Refused(
                        text(
                            "the parameter mapping of {item!r} to {target!r} failed: {reason}",
                            item=label,
                            target=mapping.target,
                            reason=exc.message,
                        )
                    ) from None
            elif mapping.source in source:
                values[mapping.target] = copy.deepcopy(source[mapping.source])
        return values

    def decide(self, iid: str) -> None:
        """Evaluate a decision task's table, write its outputs, complete it (automatic work);
        an evaluation error refuses the command."""
        if self.get(iid).state != "active":
            return
        definition = self.item(iid)
        call = definition.decision
        assert call is not None
        try:
            outputs = call.table.evaluate(self.state.data, now=self.now)
        except DecisionError as exc:
            raise Refused(
                text("decision task {item!r}: {reason}", item=definition.label, reason=exc.message)
            ) from None
        self.write({key: to_json_value(outputs[name]) for name, key in call.writes}, paths=False)
        self.push(lambda: self.complete(iid))

    def write(self, writes: dict[str, Any], *, paths: bool) -> None:
        """Write the case file (see `commands.CaseRun.write`)."""
        raise NotImplementedError

    def complete(self, iid: str) -> None:
        if self.get(iid).state != "active":
            return
        self.emit(iid, "complete", "completed")
        self.push(lambda: self.end_children(iid))
        self.push(lambda: self.repeat(iid))

    def repeat(self, iid: str) -> None:
        """Without entry criteria: a new instance when one ends and the repetition rule holds."""
        instance = self.get(iid)
        definition = self.item(iid)
        if definition.entry or definition.repetition is None or instance.stage is None:
            return
        if self.get(instance.stage).state != "active":
            return
        if self.evaluate(definition.repetition):
            self.create(definition.id, instance.stage)

    def end_children(self, stage: str) -> None:
        """Children of an ended stage that are not terminal end terminated with `exit`."""
        for child in self.state.children(stage):
            if child.state not in TERMINAL:
                self.exit(child.id, cause=f"{self.get(stage).item} ended")
        if self.state.timers:
            self.state.timers = [
                t for t in self.state.timers if self.get(t.instance).state not in TERMINAL
            ]

    def exit(self, iid: str, cause: str | None = None) -> None:
        if self.get(iid).state in TERMINAL:
            return
        self.emit(iid, "exit", "terminated", cause)
        self.end_children(iid)
