"""The engine behind scenario tests: a synchronous driver of one case (or BPMN process) on a
virtual clock.

The driver is also the host of the case: it carries out the engine's effects, starting the
sub-cases and BPMN processes that case and process tasks call (from the same model project) and
reporting their end back to the calling task.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from studio.editor.validation import ModelProject, validate_file
from studio.notation import NotationError
from studio.runtime.clock import VirtualClock
from studio.runtime.engine.definition import CaseDefinition, DefinitionError, compile_case
from studio.runtime.engine.engine import (
    CaseEngine,
    Command,
    Outcome,
    Refused,
    Runaway,
    StartChild,
    StopChild,
)
from studio.runtime.engine.explain import explain_case, explain_item
from studio.runtime.engine.process_definition import ProcessDefinition, compile_process
from studio.runtime.engine.process_engine import ProcessEngine
from studio.runtime.engine.process_explain import explain_process
from studio.runtime.engine.state import TERMINAL, CaseState
from studio.runtime.services import ServiceRegistry
from studio.runtime.store import Store
from studio.testing.driver import ActionRefused, ItemView, UnusableScenario


def open_case_driver(model: Path, case: str | None, store: Store | None = None) -> EngineDriver:
    """A driver for case `case` of a CMMN model file, or process `case` of a BPMN one (raises
    UnusableScenario).

    With a `store`, every step's state is saved and read back before the next step, so scenarios
    also prove that what is stored is enough to go on.
    """
    project = ModelProject(model.parent)
    errors = [p for p in validate_file(model, project) if p.severity == "error"]
    if errors:
        first = errors[0]
        where = f" [{first.element}]" if first.element else ""
        raise UnusableScenario(
            f"{model.name}: the model does not validate ({len(errors)} error"
            f"{'s' if len(errors) > 1 else ''}): {first.code}{where}: {first.message}"
        )
    definitions = project.model(model)
    if isinstance(definitions, NotationError):  # pragma: no cover - validation reported it
        raise UnusableScenario(definitions.message)
    notation = type(definitions).notation
    if notation not in ("cmmn", "bpmn"):
        raise UnusableScenario(f"{model.name}: a scenario runs a CMMN case or a BPMN process")
    try:
        definition: Definition = (
            compile_case(definitions, case, project.json_schema, project.decision)
            if notation == "cmmn"
            else compile_process(definitions, case, project.decision)
        )
    except DefinitionError as exc:
        raise UnusableScenario(f"{model.name}: {exc}") from None
    return EngineDriver(definition, _Definitions(project), store=store)


Definition = CaseDefinition | ProcessDefinition


class _Definitions:
    """The compiled cases and processes of a model project, by id, compiled on first use."""

    def __init__(self, project: ModelProject) -> None:
        self.project = project
        self.compiled: dict[tuple[str, str], Definition] = {}

    def get(self, kind: str, ident: str) -> Definition:
        """The case (kind "case") or BPMN process (kind "process") `ident`; a call activity
        asks for a "process" that may be a case of the project."""
        if kind == "process" and not self._declares("process", ident):
            kind = "case" if self._declares("case", ident) else kind
        if (kind, ident) not in self.compiled:
            notation = "cmmn" if kind == "case" else "bpmn"
            for model in self.project.models(notation):
                roots = model.cases if kind == "case" else model.processes
                if any(r.id == ident for r in roots):
                    self.compiled[kind, ident] = (
                        compile_case(model, ident, self.project.json_schema, self.project.decision)
                        if kind == "case"
                        else compile_process(model, ident, self.project.decision)
                    )
                    break
            else:
                raise ActionRefused(f"no {kind} {ident!r} in the model project")
        return self.compiled[kind, ident]

    def _declares(self, kind: str, ident: str) -> bool:
        for model in self.project.models("cmmn" if kind == "case" else "bpmn"):
            roots = model.cases if kind == "case" else model.processes
            if any(r.id == ident for r in roots):
                return True
        return False

    def all(self) -> list[Definition]:
        """Every case and process of the project that compiles."""
        found: list[Definition] = []
        for kind, notation in (("case", "cmmn"), ("process", "bpmn")):
            for model in self.project.models(notation):
                roots = model.cases if kind == "case" else model.processes
                for ident in (r.id for r in roots if r.id):
                    try:
                        found.append(self.get(kind, ident))
                    except DefinitionError:
                        continue  # not runnable (yet): its names are unknown
        return found


class EngineDriver:
    """Runs one case (or process) of a compiled definition; the clock is virtual and moves only
    on advance."""

    def __init__(
        self, definition: Definition, cases: _Definitions | None = None, level: int = 0,
        prefix: str = "", store: Store | None = None,
    ) -> None:  # fmt: skip
        self.definition = definition
        self.store = store
        self.version = 0
        self.cases = cases
        self.level = level
        self.prefix = prefix
        self.engine: CaseEngine | ProcessEngine = (
            CaseEngine(definition)
            if isinstance(definition, CaseDefinition)
            else ProcessEngine(definition, services=ServiceRegistry.installed())
        )
        self.state: CaseState | None = None
        self.clock = VirtualClock(datetime(2026, 1, 5, tzinfo=UTC))
        self.children: dict[str, tuple[EngineDriver, dict[str, Any], bool]] = {}
        """Calling task instance -> (the child's driver, its starting data, blocking)."""

    # -- the case and its children --------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def start(self, data: dict[str, Any], at: datetime) -> None:
        self.clock = VirtualClock(at)
        case_id = f"{self.definition.id}-{next(_CASE_NUMBERS)}"
        try:
            self._apply(self.engine.start(case_id, data, at))
        except Refused as exc:
            raise ActionRefused(str(exc)) from None

    def _state(self) -> CaseState:
        if self.state is None:
            raise RuntimeError("the case has not started")
        return self.state

    def _apply(self, outcome: Outcome) -> None:
        self.state = outcome.state
        if self.store is not None:
            self._save_and_reload(outcome)
        for effect in outcome.effects:
            if isinstance(effect, StartChild):
                self._start_child(effect)
            elif isinstance(effect, StopChild) and effect.instance in self.children:
                child = self.children[effect.instance][0]
                if child.case_state() not in TERMINAL:
                    child.perform("terminate", None)
        self._settle()

    def _save_and_reload(self, outcome: Outcome) -> None:
        store, state = self.store, outcome.state
        assert store is not None
        if self.version == 0:
            self.version = store.create(state, self.definition.id, None, outcome.history)
        else:
            self.version = store.save(state.id, state, self.version, outcome.history)
        self.state = self.engine.restore(store.load(state.id).state)

    def _start_child(self, effect: StartChild) -> None:
        if self.cases is None:
            return
        child = EngineDriver(
            self.cases.get(effect.kind, effect.target), self.cases, self.level + 1,
            f"{self.prefix}{effect.instance}/", self.store,
        )  # fmt: skip
        try:
            child.start(dict(effect.data), self.now)
        except ActionRefused as exc:  # its automatic work failed before it could wait
            if effect.blocking:
                self._run(Command("child_failed", effect.instance, {"reason": str(exc)}))
            return
        child.clock = self.clock  # one clock for the case and its children
        self.children[effect.instance] = (child, dict(effect.data), effect.blocking)

    def _settle(self) -> None:
        """Report sub-cases that ended to the blocking tasks that wait for them."""
        for instance, (child, started_with, blocking) in list(self.children.items()):
            child._settle()
            ended = child.case_state()
            if not blocking or ended not in ("completed", "terminated", "failed"):
                continue
            task = self._state().items.get(instance)
            if task is None or task.state != "active":
                continue
            changed = {
                key: value
                for key, value in child.data().items()
                if started_with.get(key, _ABSENT) != value
            }
            action = {"completed": "child_completed", "terminated": "child_terminated"}.get(
                ended, "child_failed"
            )
            self._run(Command(action, instance, changed))

    def _run(self, command: Command) -> None:
        try:
            outcome = self.engine.execute(self._state(), command, self.now)
        except Refused as exc:
            raise ActionRefused(str(exc)) from None
        except Runaway as exc:
            self._apply(self.engine.record_incident(self._state(), str(exc), self.now))
            raise ActionRefused(f"incident: {exc}") from None
        self._apply(outcome)
        self._fire_timers(self.now)

    # -- the driver protocol --------------------------------------------------------------------

    def items(self) -> list[ItemView]:
        views = []
        for instance in self._state().items.values():
            if instance.item == self.definition.plan or "loop" in instance.memory:
                continue  # the process itself, or the body of a looping activity
            ident, name, definition_id, definition_name = _names(self.definition, instance.item)
            views.append(
                ItemView(
                    self.prefix + ident, ident, name, definition_id, definition_name,
                    instance.state, self.level, instance.seq,
                )
            )  # fmt: skip
        for child, _, _ in self.children.values():
            views.extend(child.items())
        return views

    def discretionary(self) -> list[ItemView]:
        """Discretionary items of the case's and its active stages' planning tables."""
        state = self._state()
        if isinstance(self.definition, ProcessDefinition):
            return []
        return [
            ItemView(self.prefix + item.id, item.id, item.name, item.definition_id,
                     item.definition_name, "discretionary", self.level, -1)
            for item in self.definition.items.values()
            if item.discretionary
            and any(i.state == "active" for i in state.instances_of(item.parent or ""))
        ]  # fmt: skip

    def known_names(self) -> set[str]:
        names: set[str] = set()
        definitions = [self.definition]
        if self.cases is not None:
            definitions.extend(self.cases.all())
        for definition in definitions:
            items = definition.items if isinstance(definition, CaseDefinition) else definition.nodes
            for item in items:
                names.update(n for n in _names(definition, item) if n)
        return names

    def case_state(self) -> str:
        return self._state().state

    def data(self) -> dict[str, Any]:
        return self._state().data

    def perform(self, action: str, key: str | None, data: dict[str, Any] | None = None) -> None:
        child, rest = self._route(key)
        if child is not None:
            child.perform(action, rest, data)
            self._settle()
            return
        self._run(Command(action, key, data))

    def _route(self, key: str | None) -> tuple[EngineDriver | None, str | None]:
        if key is None or "/" not in key:
            return None, key
        instance, _, rest = key.partition("/")
        if instance not in self.children:
            raise ActionRefused(f"no sub-case or process started by {instance!r}")
        return self.children[instance][0], rest

    def set(self, writes: dict[str, Any]) -> None:
        self._run(Command("set", None, writes))

    def advance(self, duration: timedelta) -> None:
        target = self.now + duration
        self._fire_due(target)
        self.clock.move_to(target)

    def _fire_due(self, until: datetime) -> None:
        """Fire the timers of this case and its sub-cases due until `until`, in due order."""
        while True:
            found = self._earliest_due()
            if found is None or found[0] > until:
                return
            due, driver = found
            driver._fire_timers(due)
            self._settle()

    def _earliest_due(self) -> tuple[datetime, EngineDriver] | None:
        state = self._state()
        candidates = []
        timer = state.next_timer()
        if state.state == "active" and timer is not None:
            candidates.append((timer.due, self))
        for child, _, _ in self.children.values():
            found = child._earliest_due()
            if found is not None:
                candidates.append(found)
        return min(candidates, key=lambda c: c[0]) if candidates else None

    def _fire_timers(self, until: datetime) -> None:
        while True:
            state = self._state()
            timer = state.next_timer(until)
            if timer is None or state.state != "active":
                return
            self.clock.move_to(timer.due)
            try:
                fired = self.engine.fire_due_timer(state, self.now)
            except Runaway as exc:
                self._apply(self.engine.record_incident(state, str(exc), self.now, timer))
                continue
            if fired is None:
                return
            self._apply(fired)

    def message(self, name: str, data: dict[str, Any] | None = None) -> None:
        """Deliver a message to the first process (depth first, this one and the children it
        started) with a token waiting for it."""
        target = self._waiting_for(name)
        if target is None:
            raise ActionRefused(f"no process waits for message {name!r}")
        target._run(Command("message", None, {"name": name, "data": data or {}}))
        self._settle()

    def _waiting_for(self, name: str) -> EngineDriver | None:
        engine = self.engine
        if isinstance(engine, ProcessEngine) and engine.waits_for_message(self._state(), name):
            return self
        for child, _, _ in self.children.values():
            found = child._waiting_for(name)
            if found is not None:
                return found
        return None

    def explain(self, key: str | None) -> str:
        child, rest = self._route(key) if key else (None, key)
        if child is not None:
            return child.explain(rest)
        if isinstance(self.definition, ProcessDefinition):
            return explain_process(self.definition, self._state(), key)
        if key is None:
            return explain_case(self.definition, self._state(), self.now)
        return explain_item(self.definition, self._state(), key, self.now)


def _names(definition: Definition, item: str) -> tuple[str, str | None, str | None, str | None]:
    """(plan item id, name, definition id, definition name) of a plan item or a flow node."""
    if isinstance(definition, CaseDefinition):
        found = definition.items[item]
        return found.id, found.name, found.definition_id, found.definition_name
    node = definition.nodes[item]
    return node.id, node.name, node.id, node.name


_ABSENT = object()
_CASE_NUMBERS = itertools.count(1)
