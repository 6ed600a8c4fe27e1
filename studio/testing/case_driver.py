"""The engine behind scenario tests: a synchronous driver of one case (or BPMN process) on a
virtual clock.

The driver is also the host of the case: it carries out the engine's effects, starting the
sub-cases and BPMN processes that case and process tasks call (from the same model project) and
reporting their end back to the calling task.
"""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from studio.editor.validation import ModelProject, validate_file
from studio.editor.validation.compiled import CompiledProject, Definition, UnknownDefinition
from studio.messages import text
from studio.notation import NotationError
from studio.runtime.clock import VirtualClock
from studio.runtime.engine.definition import CaseDefinition, DefinitionError, compile_case
from studio.runtime.engine.engine import (
    CaseEngine,
    Command,
    Outcome,
    Publish,
    Refused,
    Runaway,
    StartChild,
    StopChild,
)
from studio.runtime.engine.explain import explain_case, explain_item
from studio.runtime.engine.incidents import LOOP_BUDGET_EXCEEDED
from studio.runtime.engine.process_definition import ProcessDefinition, compile_process
from studio.runtime.engine.process_engine import ProcessEngine
from studio.runtime.engine.process_explain import explain_process
from studio.runtime.engine.state import TERMINAL, CaseState, HistoryEvent
from studio.runtime.engine.wording import joined, state_word
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
        line = f":{first.line}" if first.line else ""
        raise UnusableScenario(
            f"{model.name}{line}: the model does not validate ({len(errors)} error"
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


class _Definitions(CompiledProject):
    """The project's compiled definitions; an unknown one refuses the action that needs it."""

    def get(self, kind: str, ident: str) -> Definition:
        try:
            return super().get(kind, ident)
        except UnknownDefinition as exc:
            raise ActionRefused(str(exc)) from None


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
        """Calling task instance -> (the child's driver, its starting data, blocking); also the
        processes a message or signal started (keyed `@message:NAME#n`, not blocking)."""
        self.root: EngineDriver = self
        """The driver of the scenario's case: the host that delivers messages and signals."""
        self.outbox: list[Publish] = []
        self.delivering = False
        self.spawned = 0
        self.events: list[tuple[int, HistoryEvent]] = []
        """This instance's history events, numbered in the order of the whole run."""

    # -- the case and its children --------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def start(self, data: dict[str, Any], at: datetime, start_event: str | None = None) -> None:
        """Start the case or process (a process at `start_event` when a message or signal
        starts it)."""
        self.clock = VirtualClock(at)
        case_id = f"{self.definition.id}-{next(_CASE_NUMBERS)}"
        try:
            if start_event is not None:
                assert isinstance(self.engine, ProcessEngine)
                self._apply(self.engine.start(case_id, data, at, at=start_event))
            else:
                self._apply(self.engine.start(case_id, data, at))
        except Refused as exc:
            raise ActionRefused(str(exc)) from None

    def _state(self) -> CaseState:
        if self.state is None:
            raise RuntimeError("the case has not started")
        return self.state

    def _apply(self, outcome: Outcome) -> None:
        self.state = outcome.state
        self.events.extend((next(_HISTORY_ORDER), event) for event in outcome.history)
        if self.store is not None:
            self._save_and_reload(outcome)
        for effect in outcome.effects:
            if isinstance(effect, StartChild):
                self._start_child(effect)
            elif isinstance(effect, StopChild) and effect.instance in self.children:
                child = self.children[effect.instance][0]
                if child.case_state() not in TERMINAL and child.case_state() != "failed":
                    child.perform("terminate", None)
            elif isinstance(effect, Publish):
                self.root.outbox.append(effect)
        self._settle()
        self.root._deliver_outbox()

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
        child.root = self.root
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
            if ended == "failed":
                error = child._state().error
                reason = f"{child.definition.id} failed" + (
                    f" with error {error!r}" if error else ""
                )
                self._run(Command("child_failed", instance, {"reason": reason, "error": error}))
                continue
            changed = {
                key: value
                for key, value in child.data().items()
                if started_with.get(key, _ABSENT) != value
            }
            action = "child_completed" if ended == "completed" else "child_terminated"
            self._run(Command(action, instance, changed))

    def _run(self, command: Command) -> None:
        try:
            outcome = self.engine.execute(self._state(), command, self.now)
        except Refused as exc:
            raise ActionRefused(str(exc)) from None
        except Runaway as exc:
            self._apply(
                self.engine.record_incident(self._state(), LOOP_BUDGET_EXCEEDED, str(exc), self.now)
            )
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
        """Discretionary items of the case's and its active stages' planning tables, and of the
        sub-cases it (or the processes it started) started."""
        state = self._state()
        found = []
        if isinstance(self.definition, CaseDefinition):
            found = [
                ItemView(self.prefix + item.id, item.id, item.name, item.definition_id,
                         item.definition_name, "discretionary", self.level, -1)
                for item in self.definition.items.values()
                if item.discretionary
                and any(i.state == "active" for i in state.instances_of(item.parent or ""))
            ]  # fmt: skip
        for child, _, _ in self.children.values():
            found.extend(child.discretionary())
        return found

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
                self._apply(
                    self.engine.record_incident(
                        state, LOOP_BUDGET_EXCEEDED, str(exc), self.now, timer
                    )
                )
                continue
            if fired is None:
                return
            self._apply(fired)

    # -- messages and signals -------------------------------------------------------------------

    def message(
        self, name: str, data: dict[str, Any] | None = None, correlation: Any = None
    ) -> None:
        """Deliver a message to the first process (this one, then the ones it started, depth
        first) with a token waiting for it (and, given a `correlation` key, whose key matches);
        when none waits, start the processes of the project with a message start event of that
        name, with `data` as their variables. Refused when neither exists."""
        target = self._waiting_for("message", name, correlation)
        if target is not None:
            body = {"name": name, "data": data or {}, "correlation": correlation}
            target._run(Command("message", None, body))
        elif not self.root._start_by("message", name, data or {}):
            raise ActionRefused(f"no process waits for message {name!r} or starts with it")
        self.root._settle()

    def signal(self, name: str) -> None:
        """Broadcast a signal: every process waiting for it catches it, and every process of the
        project with a signal start event of that name starts. Refused when nothing does."""
        waiting = [d for d in self._drivers() if d._waits("signal", name)]
        for driver in waiting:
            driver._run(Command("signal", None, {"name": name}))
        started = self.root._start_by("signal", name, {})
        if not waiting and not started:
            raise ActionRefused(f"no process waits for signal {name!r} or starts with it")
        self.root._settle()

    def _drivers(self) -> list[EngineDriver]:
        """This driver and every driver below it, depth first."""
        found = [self]
        for child, _, _ in self.children.values():
            found.extend(child._drivers())
        return found

    def _waits(self, trigger: str, name: str, correlation: Any = None) -> bool:
        engine = self.engine
        return isinstance(engine, ProcessEngine) and engine.waits_for(
            self._state(), trigger, name, self.now, correlation
        )

    def _waiting_for(self, trigger: str, name: str, correlation: Any = None) -> EngineDriver | None:
        for driver in self._drivers():
            if driver._waits(trigger, name, correlation):
                return driver
        return None

    def _start_by(self, trigger: str, name: str, data: dict[str, Any]) -> int:
        """Start (as detached children of this root) the processes of the project that a
        message or signal `name` starts: every one for a signal, the first for a message.
        Returns how many started."""
        if self.cases is None:
            return 0
        started = 0
        for definition, start_event in self.cases.started_by(trigger, name):
            self.spawned += 1
            if self.spawned > SPAWN_LIMIT:
                raise ActionRefused(
                    f"more than {SPAWN_LIMIT} processes started by messages and signals: "
                    "processes that keep starting each other"
                )
            key = f"@{trigger}:{name}#{self.spawned}"
            child = EngineDriver(definition, self.cases, 1, f"{key}/", self.store)
            child.root = self
            child.start(copy.deepcopy(data), self.now, start_event)
            child.clock = self.clock
            self.children[key] = (child, {}, False)
            started += 1
            if trigger == "message":
                break
        return started

    def _deliver_outbox(self) -> None:
        """Deliver the messages and signals instances threw, in the order they were thrown (a
        message nothing waits for and nothing starts with is dropped: the sender's history
        says it left)."""
        if self.delivering:
            return
        self.delivering = True
        try:
            while self.outbox:
                effect = self.outbox.pop(0)
                if effect.kind == "signal":
                    for driver in self._drivers():
                        if driver._state().id != effect.sender and driver._waits(
                            "signal", effect.name
                        ):
                            driver._run(Command("signal", None, {"name": effect.name}))
                    self._start_by("signal", effect.name, {})
                else:
                    target = self._waiting_for("message", effect.name, effect.correlation)
                    if target is not None:
                        body = {"name": effect.name, "correlation": effect.correlation}
                        target._run(Command("message", None, body))
                    else:
                        self._start_by("message", effect.name, {})
                self._settle()
        finally:
            self.delivering = False

    def explain(self, key: str | None) -> str:
        """Why an item is not active, or what keeps the case from completing; for the case, and
        for a task that started a process or sub-case, what that child waits for too."""
        child, rest = self._route(key) if key else (None, key)
        if child is not None:
            return child.explain(rest)
        if isinstance(self.definition, ProcessDefinition):
            own = explain_process(self.definition, self._state(), key)
        elif key is None:
            own = explain_case(self.definition, self._state(), self.now)
        else:
            own = explain_item(self.definition, self._state(), key, self.now)
        parts = [own]
        for instance, (driver, _, blocking) in self.children.items():
            task = self._state().items.get(instance)
            if not blocking or task is None or task.state != "active":
                continue
            if key is None or task.item == key:
                label = _names(self.definition, task.item)[1] or task.item
                parts.append(
                    text(
                        "{label} waits for {child} ({state}): {why}",
                        label=repr(label),
                        child=driver.definition.id,
                        state=state_word(driver.case_state()),
                        why=driver.explain(None),
                    )
                )
        return parts[0] if len(parts) == 1 else joined(parts, " ")

    def history(self) -> list[tuple[str, HistoryEvent]]:
        """The audit trail of the case and of every process and sub-case it started, in the
        order things happened; each event with the key prefix of the instance it belongs to
        ("" for the case itself)."""
        return [entry for _, entry in sorted(self._numbered(), key=lambda found: found[0])]

    def _numbered(self) -> list[tuple[int, tuple[str, HistoryEvent]]]:
        found = [(n, (self.prefix, event)) for n, event in self.events]
        for child, _, _ in self.children.values():
            found.extend(child._numbered())
        return found


def _names(definition: Definition, item: str) -> tuple[str, str | None, str | None, str | None]:
    """(plan item id, name, definition id, definition name) of a plan item or a flow node."""
    if isinstance(definition, CaseDefinition):
        found = definition.items[item]
        return found.id, found.name, found.definition_id, found.definition_name
    node = definition.nodes[item]
    return node.id, node.name, node.id, node.name


_ABSENT = object()
SPAWN_LIMIT = 1000
"""Processes messages and signals may start in one scenario before it is stopped as a runaway."""
_CASE_NUMBERS = itertools.count(1)
_HISTORY_ORDER = itertools.count(1)
