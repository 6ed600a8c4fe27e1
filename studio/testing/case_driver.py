"""The engine behind scenario tests: a synchronous driver of one case on a virtual clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from studio.notation import NotationError, read_model_file
from studio.runtime.engine.definition import CaseDefinition, DefinitionError, compile_case
from studio.runtime.engine.engine import CaseEngine, Command, Refused, Runaway
from studio.runtime.engine.explain import explain_case, explain_item
from studio.runtime.engine.state import CaseState
from studio.testing.driver import ActionRefused, ItemView, UnusableScenario


def open_case_driver(model: Path, case: str | None) -> EngineDriver:
    """A driver for case `case` of a CMMN model file (raises UnusableScenario)."""
    try:
        definitions = read_model_file(model)
    except NotationError as exc:
        raise UnusableScenario(exc.message) from None
    if type(definitions).notation != "cmmn":
        raise UnusableScenario(
            f"{model.name}: running BPMN models arrives with the BPMN fragments part of the engine"
        )
    try:
        definition = compile_case(definitions, case)
    except DefinitionError as exc:
        raise UnusableScenario(f"{model.name}: {exc}") from None
    return EngineDriver(definition)


class EngineDriver:
    """Runs one case of a compiled definition; the clock is virtual and moves only on advance."""

    def __init__(self, definition: CaseDefinition) -> None:
        self.definition = definition
        self.engine = CaseEngine(definition)
        self.state: CaseState | None = None
        self.now = datetime(2026, 1, 5, tzinfo=None)

    def start(self, data: dict[str, Any], at: datetime) -> None:
        self.now = at
        self.state = self.engine.start("case-1", data, at).state

    def _state(self) -> CaseState:
        if self.state is None:
            raise RuntimeError("the case has not started")
        return self.state

    def items(self) -> list[ItemView]:
        views = []
        for instance in self._state().items.values():
            if instance.item == self.definition.plan:
                continue
            item = self.definition.items[instance.item]
            views.append(
                ItemView(
                    key=item.id,
                    plan_item_id=item.id,
                    name=item.name,
                    definition_id=item.definition_id,
                    definition_name=item.definition_name,
                    state=instance.state,
                    level=0,
                    created=instance.seq,
                )
            )
        return views

    def discretionary(self) -> list[ItemView]:
        """Discretionary items of the case's and its active stages' planning tables."""
        state = self._state()
        return [
            ItemView(item.id, item.id, item.name, item.definition_id, item.definition_name,
                     "discretionary", 0, -1)
            for item in self.definition.items.values()
            if item.discretionary
            and any(i.state == "active" for i in state.instances_of(item.parent or ""))
        ]  # fmt: skip

    def known_names(self) -> set[str]:
        names: set[str] = set()
        for item in self.definition.items.values():
            names.update(
                n for n in (item.id, item.name, item.definition_id, item.definition_name) if n
            )
        return names

    def case_state(self) -> str:
        return self._state().state

    def data(self) -> dict[str, Any]:
        return self._state().data

    def _run(self, command: Command) -> None:
        try:
            self.state = self.engine.execute(self._state(), command, self.now).state
        except Refused as exc:
            raise ActionRefused(str(exc)) from None
        except Runaway as exc:
            self._state().incidents.append(str(exc))
            raise ActionRefused(f"incident: {exc}") from None
        self._fire_timers(self.now)

    def perform(self, action: str, key: str | None, data: dict[str, Any] | None = None) -> None:
        self._run(Command(action, key, data))

    def set(self, writes: dict[str, Any]) -> None:
        self._run(Command("set", None, writes))

    def advance(self, duration: timedelta) -> None:
        target = self.now + duration
        self._fire_timers(target)
        self.now = target

    def _fire_timers(self, until: datetime) -> None:
        while True:
            state = self._state()
            due = [t.due for t in state.timers if t.due <= until]
            if not due or state.state != "active":
                return
            self.now = max(self.now, min(due))
            try:
                fired = self.engine.fire_due_timer(state, self.now)
            except Runaway as exc:
                state.incidents.append(str(exc))
                state.timers = [t for t in state.timers if t.due > self.now]
                continue
            if fired is None:
                return
            self.state = fired.state

    def message(self, name: str, data: dict[str, Any] | None = None) -> None:
        raise ActionRefused(f"no process waits for message {name!r} (BPMN fragments come later)")

    def explain(self, key: str | None) -> str:
        if key is None:
            return explain_case(self.definition, self._state(), self.now)
        return explain_item(self.definition, self._state(), key, self.now)
