"""The runtime host of live cases: deployed definitions run on the store, with their children.

What the scenario driver does in memory for tests, this does on the database for the runtime:
a command loads a case, runs the engine on it, saves the outcome (optimistically: a case changed
meanwhile is a conflict), then carries out the effects — starting the processes and sub-cases
tasks call (each a case row of its own, linked to its caller), terminating them with their task,
reporting their end to the task that waits, delivering messages and signals across cases.

Each case keeps running on the deployment it started on. Flask-free: the REST API, the command
line and the job executor all drive it.

`unit()` gives a host for one request: it reads each case once and keeps what it wrote (an
identity map), so checking who may see a case, aiming an action, running it and showing the result
cost one load, not five. A unit is not shared between requests; the shared host reads anew each
time.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from studio.editor.validation.compiled import CompiledProject, Definition, UnknownDefinition
from studio.expressions.errors import ExpressionError
from studio.host.links import CaseLinks, Link
from studio.host.work import task_id, work_item
from studio.messages import text
from studio.runtime.clock import Clock, WallClock
from studio.runtime.engine.casefile import check_nesting
from studio.runtime.engine.definition import CaseDefinition
from studio.runtime.engine.engine import CaseEngine, Command, Outcome, Refused, Runaway
from studio.runtime.engine.explain import explain_case, explain_item
from studio.runtime.engine.incidents import LOOP_BUDGET_EXCEEDED, TIMER_FAILED, Incident
from studio.runtime.engine.outcome import Publish, StartChild, StopChild
from studio.runtime.engine.process_definition import ProcessDefinition
from studio.runtime.engine.process_engine import ProcessEngine
from studio.runtime.engine.process_explain import explain_process
from studio.runtime.engine.state import CaseState, HistoryEvent
from studio.runtime.engine.wording import joined
from studio.runtime.services import ServiceRegistry
from studio.runtime.store.base import CaseNotFound, ConflictError, Save, Store
from studio.runtime.store.schema import cases
from studio.testing.driver import ItemView, UnusableScenario
from studio.testing.naming import resolve

ITEM_ACTIONS = frozenset(
    {"complete", "occur", "start", "disable", "reenable", "terminate", "suspend", "resume",
     "plan", "retry", "reactivate"}
)  # fmt: skip
CASE = "@case"
ENDED = frozenset({"completed", "terminated", "failed"})
FINISHED = ENDED | {"closed"}
"""Case states of a process or sub-case that a migration leaves where it is."""
MAX_CASCADE = 200
"""Cases one request may touch through children, messages and signals before it stops."""


class ActionError(Exception):
    """A request the host cannot carry out: `status` 404 (no such case or item), 422 (the
    engine refused it, or it is malformed)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status

    def __str__(self) -> str:
        return self.args[0]  # the message as given: an engine's Text stays translatable


class Deployments(Protocol):
    """What the host needs from the deployment store."""

    def newest_with(self, definition_id: str) -> Any: ...

    def project(self, deployment_id: int) -> CompiledProject: ...


@dataclass(frozen=True, slots=True)
class Loaded:
    """A case as read (or last written) by this host: its restored state and version, the
    deployment it runs on and the engine of its definition."""

    id: str
    state: CaseState
    version: int
    deployment: int
    engine: Any

    @property
    def definition(self) -> Definition:
        return self.engine.definition


@dataclass(frozen=True, slots=True)
class MigrationStep:
    """One case of a migration: as loaded, its plan (None: the target lacks its definition),
    the definition it moves to and its dry-run report."""

    loaded: Loaded
    plan: Any
    definition: Definition
    report: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CaseChange:
    """What listeners are told after a change is stored."""

    case_id: str
    state: CaseState
    history: tuple[HistoryEvent, ...]
    """The history the change appended."""
    definition: Definition
    top: str
    """The case that (through the processes and sub-cases it started) started this one."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a user name and their groups (None: the system itself)."""

    user: str | None = None
    groups: frozenset[str] = frozenset()


SYSTEM = Actor()


class CaseHost:
    """Starts cases, runs their commands and keeps their children in step."""

    def __init__(
        self,
        store: Store,
        engine: sa.Engine,
        deployments: Deployments,
        clock: Clock | None = None,
        services: ServiceRegistry | None = None,
    ) -> None:
        self.store = store
        self.db = engine
        self.deployments = deployments
        self.links = CaseLinks(engine)
        self.clock = clock or WallClock()
        self.services = services if services is not None else ServiceRegistry.installed()
        self._engines: dict[tuple[int, str], Any] = {}
        self._starters: dict[int, bool] = {}
        """By the id of an engine of `_engines` (kept for good): whether it starts children."""
        self.listeners: list[Callable[[CaseChange], None]] = []
        """Told of every stored change — live updates subscribe here. A listener's failure
        never undoes the change."""
        self._read: dict[str, Loaded] | None = None
        self._children: dict[str, list[Link]] | None = None
        self._parents: dict[str, Link | None] | None = None

    def unit(self) -> CaseHost:
        """A host for one request (or one job): the same services, its own identity map."""
        unit = copy.copy(self)
        unit._read, unit._children, unit._parents = {}, {}, {}
        return unit

    # -- reading one case -----------------------------------------------------------------------

    def load(self, case_id: str) -> Loaded:
        """The case (from this unit's identity map when it read or wrote it already); 404."""
        if self._read is not None and case_id in self._read:
            return self._read[case_id]
        try:
            stored = self.store.load(case_id)
        except CaseNotFound:
            raise ActionError(f"no case {case_id!r}", 404) from None
        deployment = int(stored.definition_version or 0)
        engine = self.engine_for(deployment, "case_or_process", stored.definition_key or "")
        loaded = Loaded(case_id, engine.restore(stored.state), stored.version, deployment, engine)
        if self._read is not None:
            self._read[case_id] = loaded
        return loaded

    def _wrote(self, loaded: Loaded, state: CaseState, version: int) -> None:
        if self._read is not None:
            self._read[loaded.id] = Loaded(
                loaded.id, loaded.engine.restore(state), version, loaded.deployment, loaded.engine
            )

    def _unread(self, case_id: str) -> None:
        if self._read is not None:
            self._read.pop(case_id, None)

    def children_of(self, case_id: str, engine: Any | None = None) -> list[Link]:
        """The processes and sub-cases the case started (none asked for when its definition
        starts none)."""
        engine = engine or self.load(case_id).engine
        if not self._starters.get(id(engine), True):
            return []
        if self._children is not None and case_id in self._children:
            return self._children[case_id]
        found = self.links.children_of(case_id)
        if self._children is not None:
            self._children[case_id] = found
        return found

    def parent_of(self, case_id: str) -> Link | None:
        """The link to the case that started this one, if any."""
        if self._parents is not None and case_id in self._parents:
            return self._parents[case_id]
        found = self.links.parent_of(case_id)
        if self._parents is not None:
            self._parents[case_id] = found
        return found

    def top_of(self, case_id: str) -> str:
        """The case that (through the processes and sub-cases it started) started this one."""
        seen = {case_id}
        while (link := self.parent_of(case_id)) is not None and link.parent not in seen:
            case_id = link.parent
            seen.add(case_id)
        return case_id

    # -- definitions ----------------------------------------------------------------------------

    def engine_for(self, deployment: int, kind: str, ident: str) -> Any:
        """The engine of case or process `ident` (kind "case", "process" or "case_or_process")
        of a deployment (compiled once)."""
        found = self._engines.get((deployment, ident))
        if found is None:
            try:
                project = self.deployments.project(deployment)
            except LookupError:
                raise ActionError(f"no deployment {deployment}", 404) from None
            if kind == "case_or_process":
                kind = "case" if project.declares("case", ident) else "process"
            try:
                definition = project.get(kind, ident)
            except UnknownDefinition as exc:
                raise ActionError(str(exc), 404) from None
            found = (
                CaseEngine(definition)
                if isinstance(definition, CaseDefinition)
                else ProcessEngine(definition, services=self.services)
            )
            self._engines[deployment, ident] = found
            self._starters[id(found)] = _starts_children(definition)
        return found

    def deployment_of(self, case_id: str) -> tuple[int, str]:
        """(deployment id, definition id) a case runs on."""
        if self._read is not None and case_id in self._read:
            loaded = self._read[case_id]
            return loaded.deployment, loaded.definition.id
        with self.db.connect() as connection:
            row = connection.execute(
                sa.select(cases.c.definition_version, cases.c.definition_key).where(
                    cases.c.id == case_id
                )
            ).first()
        if row is None:
            raise ActionError(f"no case {case_id!r}", 404)
        return int(row[0]), row[1]

    # -- starting -------------------------------------------------------------------------------

    def start(self, definition_id: str, data: dict[str, Any], actor: Actor = SYSTEM) -> str:
        """Start a case (or BPMN process) of the newest deployment declaring it; its id."""
        deployment = self.deployments.newest_with(definition_id)
        if deployment is None:
            raise ActionError(f"no deployed case or process {definition_id!r}", 404)
        if not isinstance(data, dict):
            raise ActionError('"data" must be a JSON object')
        try:
            check_nesting(data, "data")
        except Refused as exc:
            raise ActionError(str(exc)) from None
        return self._start(deployment.id, "case_or_process", definition_id, data, actor)

    def _start(
        self,
        deployment: int,
        kind: str,
        ident: str,
        data: dict[str, Any],
        actor: Actor,
        link: Link | None = None,
        at: str | None = None,
    ) -> str:
        engine = self.engine_for(deployment, kind, ident)
        case_id = f"{ident}-{uuid.uuid4().hex[:12]}"
        now = self.clock.now()
        try:
            if at is not None:
                outcome = engine.start(case_id, data, now, actor.user, at=at)
            else:
                outcome = engine.start(case_id, data, now, actor.user)
        except (Refused, Runaway, ExpressionError) as exc:
            raise ActionError(
                text("{case} could not start: {reason}", case=ident, reason=str(exc))
            ) from None
        self.store.create(outcome.state, ident, str(deployment), outcome.history)
        self._wrote(Loaded(case_id, outcome.state, 1, deployment, engine), outcome.state, 1)
        if link is not None:
            made = Link(
                case_id, link.parent, link.task, link.blocking, link.started_with, deployment
            )
            self.links.add(made)
            if self._children is not None:
                self._children.pop(link.parent, None)
                self._parents[case_id] = made  # type: ignore[index]
        elif self._parents is not None:
            self._parents[case_id] = None
        self._changed(case_id, outcome.state, outcome.history, engine.definition)
        self._follow(case_id, deployment, outcome, budget=[MAX_CASCADE])
        return case_id

    # -- acting ---------------------------------------------------------------------------------

    def act(self, case_id: str, action: dict[str, Any], actor: Actor = SYSTEM) -> None:
        """One action in the scenario vocabulary (`{"complete": "Check invoice", "data": ...}`),
        aimed at the case or at the processes and sub-cases it started. Raises ActionError
        (404, 422) or the store's ConflictError (409)."""
        verb, target = _verb(action)
        data = action.get("data")
        if data is not None and not isinstance(data, dict):
            raise ActionError('"data" must be a JSON object')
        if verb == "set":
            if not isinstance(target, dict):
                raise ActionError('"set" takes an object of dotted paths and values')
            self.command(case_id, Command("set", None, target, actor.user, actor.groups))
        elif verb in ("message", "signal"):
            self.publish(verb, str(target), data or {}, action.get("correlation"), actor)
        elif verb in ("bind", "close"):
            self.command(case_id, Command(verb, None, data, actor.user, actor.groups))
        elif verb in ITEM_ACTIONS:
            if target == CASE:
                self.command(case_id, Command(verb, None, data, actor.user, actor.groups))
                return
            refused: ActionError | None = None
            for owner, item in self._aim(case_id, str(target), verb):
                try:
                    self.command(owner, Command(verb, item, data, actor.user, actor.groups))
                    return
                except ActionError as exc:  # another started instance may accept it
                    refused = refused or exc
            assert refused is not None
            raise refused
        else:
            raise ActionError(f"unknown action {verb!r}")

    def _aim(self, case_id: str, name: str, verb: str) -> list[tuple[str, str]]:
        """(case id, plan item or element id) a name designates, case first, then children
        (one pair per started instance of a process or sub-case, oldest first)."""
        views = self.items(case_id)
        if verb == "plan":
            views = [*views, *self._discretionary(case_id)]
        try:
            found = resolve(name, views)
        except UnusableScenario as exc:
            raise ActionError(str(exc)) from None
        if found is None:
            raise ActionError(f'there is no item "{name}" in case {case_id!r}', 404)
        aimed = []
        for key in found.all_keys:
            owner, _, item = key.rpartition("/")
            aimed.append((owner or case_id, item))
        return aimed

    def command(self, case_id: str, command: Command, budget: list[int] | None = None) -> None:
        """Run one engine command on a stored case and carry out what follows."""
        if budget is None:
            budget = [MAX_CASCADE]
        else:  # a command that follows from another: on the case as it is now
            self._unread(case_id)
        loaded = self.load(case_id)
        engine, state = loaded.engine, loaded.state
        try:
            outcome = engine.execute(state, command, self.clock.now())
        except Refused as exc:
            raise ActionError(str(exc)) from None
        except ExpressionError as exc:  # an expression failed on this data: nothing changes
            raise ActionError(f"the {command.action} could not be carried out: {exc}") from None
        except Runaway as exc:
            incident = engine.record_incident(
                state, LOOP_BUDGET_EXCEEDED, str(exc), self.clock.now()
            )
            self._save(loaded, incident)
            raise ActionError(text("incident: {reason}", reason=str(exc))) from None
        self._save(loaded, outcome)
        self._follow(case_id, loaded.deployment, outcome, budget)

    def record_incident(
        self, case_id: str, message: str, now: datetime, code: str = TIMER_FAILED
    ) -> None:
        """Record an incident on the case, parking its next due timer (the one that fails);
        `code` names its kind (see `studio.runtime.engine.incidents`)."""
        loaded = self.load(case_id)
        timer = loaded.state.next_timer(now)
        outcome = loaded.engine.record_incident(loaded.state, code, message, now, timer)
        self._save(loaded, outcome)

    def _save(self, loaded: Loaded, outcome: Outcome) -> None:
        """Store an outcome on the version `loaded` was read at (ConflictError when the case
        moved on), remember it and tell the listeners."""
        try:
            version = self.store.save(loaded.id, outcome.state, loaded.version, outcome.history)
        except BaseException:
            self._unread(loaded.id)
            raise
        self._wrote(loaded, outcome.state, version)
        self._changed(loaded.id, outcome.state, outcome.history, loaded.definition)

    def fire_timers(self, case_id: str, now: datetime | None = None) -> int:
        """Fire the case's timers due by `now`, each in its own unit of work; how many fired."""
        fired = 0
        while True:
            loaded = self.load(case_id)
            engine, state = loaded.engine, loaded.state
            moment = now or self.clock.now()
            timer = state.next_timer(moment)
            try:
                outcome = engine.fire_due_timer(state, moment)
            except Runaway as exc:
                outcome = engine.record_incident(
                    state, LOOP_BUDGET_EXCEEDED, str(exc), moment, timer
                )
            if outcome is None:
                return fired
            self._save(loaded, outcome)
            self._follow(case_id, loaded.deployment, outcome, [MAX_CASCADE])
            fired += 1

    def _changed(
        self,
        case_id: str,
        state: CaseState,
        history: Iterable[HistoryEvent],
        definition: Definition,
    ) -> None:
        if not self.listeners:
            return
        change = CaseChange(case_id, state, tuple(history), definition, self.top_of(case_id))
        for listener in self.listeners:
            try:
                listener(change)
            except Exception:  # a listener (a push to browsers) must not break the case
                continue

    # -- migration ------------------------------------------------------------------------------

    def migrate(
        self, case_id: str, deployment: int, dry_run: bool, actor: Actor = SYSTEM
    ) -> dict[str, Any]:
        """Move a running case to another deployment of its definition (plan items mapped by
        id), with the running processes and sub-cases it started on the same deployment
        (`started`: one report each). A dry run only says what would happen; a refused
        migration (anything in the family that does not map) changes nothing. The family is
        saved in one transaction: when another request changed one of its cases since it was
        read, ConflictError names that case and nothing moves."""
        from studio.deploy.case_migration import MigrationError, apply_migration
        from studio.runtime import audit

        top = self._migration_step(case_id, deployment)
        family = [top, *self._started_steps(case_id, top.loaded.deployment, deployment)]
        ok = all(step.report["ok"] for step in family)
        report = {**top.report, "ok": ok, "started": [step.report for step in family[1:]]}
        if dry_run:
            return {**report, "migrated": False}
        if not ok:
            refused = [f"{s.loaded.id}: {p}" for s in family for p in s.report["problems"]]
            unmapped = [
                f"{s.loaded.id}: {i['instance']} {i['reason']}"
                for s in family
                for i in s.report["items"]
                if i["status"] == "unmapped"
            ]
            raise ActionError(f"case {case_id} cannot migrate: {'; '.join(refused + unmapped)}")
        try:
            moved = [(step, apply_migration(step.loaded.state, step.plan)) for step in family]
        except MigrationError as exc:
            raise ActionError(str(exc)) from None
        saves = [
            Save(step.loaded.id, migrated, step.loaded.version, (), str(deployment))
            for step, migrated in moved
        ]
        details = {"from": top.loaded.deployment, "to": deployment,
                   "started": [step.loaded.id for step in family[1:]]}  # fmt: skip
        try:
            self.store.save_all(  # a SqlStore: the audit entry commits with the family
                saves,
                also=lambda db: audit.record(db, actor.user, "case.migrate", case_id, details),
            )
        except ConflictError as exc:
            changed = exc.case_id or case_id
            raise ConflictError(
                f"case {changed} was changed by another request first, so nothing moved: "
                "run the dry run again",
                changed,
            ) from None
        finally:
            for step in family:
                self._unread(step.loaded.id)
        for step, migrated in moved:
            self._changed(step.loaded.id, migrated, (), step.definition)
        return {**report, "migrated": True}

    def _migration_step(self, case_id: str, deployment: int) -> MigrationStep:
        """The plan of moving one case to `deployment`. When the deployment lacks the case's
        definition: ActionError (404) for the case migrated; a problem in the report of a
        process or sub-case it started."""
        from studio.deploy.case_migration import plan_migration

        self._unread(case_id)
        loaded = self.load(case_id)
        ident, old = loaded.definition.id, loaded.engine
        report = {"case": case_id, "from": loaded.deployment, "to": deployment}
        try:
            new = self.engine_for(deployment, "case_or_process", ident)
        except ActionError as exc:
            if self.parent_of(case_id) is None:
                raise
            report |= {"source": ident, "target": None, "version": str(deployment), "ok": False,
                       "problems": [str(exc)], "items": [], "added": []}  # fmt: skip
            return MigrationStep(loaded, None, loaded.definition, report)
        plan = plan_migration(loaded.state, old.definition, new.definition, version=str(deployment))
        return MigrationStep(loaded, plan, new.definition, {**report, **plan.as_json()})

    def _started_steps(self, case_id: str, source: int, target: int) -> list[MigrationStep]:
        """Plans for the processes and sub-cases the case started (and those they started)
        that still run on deployment `source`, each before the ones it started."""
        found = []
        for link in self.children_of(case_id):
            if self.deployment_of(link.child)[0] != source or self._state(link.child) in FINISHED:
                continue
            found.append(self._migration_step(link.child, target))
            found.extend(self._started_steps(link.child, source, target))
        return found

    # -- effects --------------------------------------------------------------------------------

    def _follow(self, case_id: str, deployment: int, outcome: Outcome, budget: list[int]) -> None:
        """Carry out an outcome's effects, then report the case's end to its caller."""
        budget[0] -= 1
        if budget[0] < 0:
            raise ActionError(
                "too many cases touched by one action (processes, sub-cases, messages or "
                "signals that keep starting each other)"
            )
        for effect in outcome.effects:
            if isinstance(effect, StartChild):
                link = Link("", case_id, effect.instance, effect.blocking, effect.data, deployment)
                try:
                    self._start(
                        deployment, effect.kind, effect.target, copy.deepcopy(effect.data),
                        SYSTEM, link,
                    )  # fmt: skip
                except ActionError as exc:
                    if effect.blocking:
                        body = {"reason": str(exc)}
                        self.command(
                            case_id, Command("child_failed", effect.instance, body), budget
                        )
            elif isinstance(effect, StopChild):
                for child in self.children_of(case_id):
                    if child.task == effect.instance and self._state(child.child) not in ENDED:
                        self.command(child.child, Command("terminate"), budget)
            elif isinstance(effect, Publish):
                self._deliver(effect, budget)
        if outcome.state.state in ENDED:
            self._report_end(case_id, outcome.state, budget)

    def _report_end(self, child: str, state: CaseState, budget: list[int]) -> None:
        link = self.parent_of(child)
        if link is None or not link.blocking or link.task is None:
            return
        parent = self.load(link.parent).state
        task = parent.items.get(link.task)
        if task is None or task.state != "active":
            return
        if state.state == "completed":
            changed = {
                key: value
                for key, value in state.data.items()
                if link.started_with.get(key, _ABSENT) != value
            }
            command = Command("child_completed", link.task, changed)
        elif state.state == "terminated":
            command = Command("child_terminated", link.task, {})
        else:
            reason = f"{state.definition} failed"
            command = Command("child_failed", link.task, {"reason": reason, "error": state.error})
        self.command(link.parent, command, budget)

    def _state(self, case_id: str) -> str:
        return self.load(case_id).state.state

    # -- messages and signals -------------------------------------------------------------------

    def publish(
        self, kind: str, name: str, data: dict[str, Any], correlation: Any, actor: Actor
    ) -> str | None:
        """A message (to the oldest case waiting for it, else starting the process whose message
        start event names it; refused when neither) or a signal (to every waiting case and
        every process it starts; refused when nothing). The case it reached or started."""
        budget = [MAX_CASCADE]
        waiting = self._waiting(kind, name, correlation)
        if kind == "message":
            if waiting:
                body = {"name": name, "data": data, "correlation": correlation}
                self.command(waiting[0], Command("message", None, body, actor.user), budget)
                return waiting[0]
            started = self._start_by(kind, name, data, actor, first=True)
            if not started:
                raise ActionError(f"no process waits for message {name!r} or starts with it")
            return started[0]
        for case_id in waiting:
            self.command(case_id, Command("signal", None, {"name": name}, actor.user), budget)
        started = self._start_by(kind, name, {}, actor, first=False)
        if not waiting and not started:
            raise ActionError(f"no process waits for signal {name!r} or starts with it")
        return (waiting or started)[0]

    def _deliver(self, effect: Publish, budget: list[int]) -> None:
        """A message or signal a case threw (nobody receiving a message: it is dropped)."""
        waiting = [
            c for c in self._waiting(effect.kind, effect.name, effect.correlation)
            if c != effect.sender
        ]  # fmt: skip
        if effect.kind == "message":
            if waiting:
                body = {"name": effect.name, "correlation": effect.correlation}
                self.command(waiting[0], Command("message", None, body), budget)
            else:
                self._start_by("message", effect.name, {}, SYSTEM, first=True)
            return
        for case_id in waiting:
            self.command(case_id, Command("signal", None, {"name": effect.name}), budget)
        self._start_by("signal", effect.name, {}, SYSTEM, first=False)

    def _waiting(self, kind: str, name: str, correlation: Any) -> list[str]:
        """Active process cases with a token waiting for the message or signal, oldest first."""
        found = []
        now = self.clock.now()
        for summary in self.store.list_cases(state="active"):
            try:
                engine = self.engine_for(
                    int(summary.definition_version or 0), "case_or_process", summary.definition_key
                )
            except ActionError:
                continue
            if not isinstance(engine, ProcessEngine) or not _catches(engine.definition, kind, name):
                continue
            state = engine.restore(self.store.load(summary.id).state)
            if engine.waits_for(state, kind, name, now, correlation):
                found.append(summary.id)
        return found

    def _start_by(
        self, kind: str, name: str, data: dict[str, Any], actor: Actor, first: bool
    ) -> list[str]:
        """Start the deployed processes a message or signal starts (newest deployment each)."""
        started = []
        for deployment, definition, start in self._started_by(kind, name):
            started.append(
                self._start(deployment, "process", definition.id, dict(data), actor, at=start)
            )
            if first:
                break
        return started

    def _started_by(self, kind: str, name: str) -> list[tuple[int, ProcessDefinition, str]]:
        seen: set[str] = set()
        found = []
        for deployment in _newest_first(self.deployments):
            for definition, start in self.deployments.project(deployment.id).started_by(kind, name):
                if definition.id not in seen:
                    seen.add(definition.id)
                    found.append((deployment.id, definition, start))
        return found

    # -- reading --------------------------------------------------------------------------------

    def view(self, case_id: str) -> dict[str, Any]:
        """`{"id", "state", "definition", "data", "incidents", "incident_details", "items"}`:
        items of the processes and sub-cases it started included; `incidents` are the incidents'
        messages, `incident_details` the same incidents with their code, time and element."""
        loaded = self.load(case_id)
        state = loaded.state
        return {
            "id": case_id,
            "definition": loaded.definition.id,
            "deployment": loaded.deployment,
            "state": state.state,
            "version": loaded.version,
            "data": state.data,
            "incidents": [incident.message for incident in state.incidents],
            "incident_details": [_incident_json(incident) for incident in state.incidents],
            "team": {role: list(m) for role, m in state.team.items()},
            "items": [self._item_json(case_id, view) for view in self.items(case_id)],
        }

    def _item_json(self, case_id: str, view: ItemView) -> dict[str, Any]:
        owner = view.key.rpartition("/")[0] or case_id
        found = {
            "id": view.plan_item_id,
            "instance": view.key,
            "name": view.name,
            "definition": view.definition_id,
            "state": view.state,
            "case": owner,
        }
        if view.state == "active":
            loaded = self.load(owner)
            if work_item(loaded.definition, view.plan_item_id) is not None:
                instance = next(
                    i for i in loaded.state.instances_of(view.plan_item_id) if i.seq == view.created
                )
                found["task"] = task_id(owner, instance.id)
                if instance.due is not None:
                    found["due"] = instance.due.isoformat().replace("+00:00", "Z")
        return found

    def items(self, case_id: str, level: int = 0) -> list[ItemView]:
        """Item instances of the case and of the cases it started (keys `child id/item`)."""
        loaded = self.load(case_id)
        definition = loaded.definition
        prefix = "" if level == 0 else f"{case_id}/"
        found = []
        for instance in loaded.state.items.values():
            if instance.item == definition.plan or "loop" in instance.memory:
                continue
            ident, name, definition_id, definition_name = _names(definition, instance.item)
            found.append(
                ItemView(
                    prefix + ident, ident, name, definition_id, definition_name, instance.state,
                    level, instance.seq,
                )
            )  # fmt: skip
        for link in self.children_of(case_id, loaded.engine):
            if link.task is not None:
                found.extend(self.items(link.child, level + 1))
        return found

    def family(self, case_id: str) -> list[tuple[str, Definition, CaseState]]:
        """(id, definition, restored state) of the case and of the processes and sub-cases it
        started, depth first."""
        loaded = self.load(case_id)
        found = [(case_id, loaded.definition, loaded.state)]
        for link in self.children_of(case_id, loaded.engine):
            found.extend(self.family(link.child))
        return found

    def _discretionary(self, case_id: str) -> list[ItemView]:
        loaded = self.load(case_id)
        definition, state = loaded.definition, loaded.state
        if not isinstance(definition, CaseDefinition):
            return []
        return [
            ItemView(item.id, item.id, item.name, item.definition_id, item.definition_name,
                     "discretionary", 0, -1)
            for item in definition.items.values()
            if item.discretionary
            and any(i.state == "active" for i in state.instances_of(item.parent or ""))
        ]  # fmt: skip

    def history(self, case_id: str) -> list[dict[str, Any]]:
        """The audit trail of the case and of the cases it started, in time order (an
        `incident` event with its `code` and `element`, None for other events)."""
        events: list[tuple[datetime, int, str, HistoryEvent]] = []
        for order, (owner, event) in enumerate(self._history(case_id)):
            events.append((event.at, order, owner, event))
        events.sort(key=lambda e: (e[0], e[1]))
        return [
            {
                "case": owner,
                "seq": event.seq,
                "at": event.at.isoformat().replace("+00:00", "Z"),
                "instance": event.instance,
                "item": event.item,
                "event": event.event,
                "state": event.state,
                "cause": event.cause,
                "user": event.user,
                "code": event.code,
                "element": event.element,
            }
            for _, _, owner, event in events
        ]

    def _history(self, case_id: str) -> Iterable[tuple[str, HistoryEvent]]:
        try:
            own = self.store.history(case_id)
        except CaseNotFound:
            raise ActionError(f"no case {case_id!r}", 404) from None
        yield from ((case_id, event) for event in own)
        for link in self.children_of(case_id):
            yield from self._history(link.child)

    def explain(self, case_id: str, item: str | None = None) -> str:
        """Why an item is not active, or what keeps the case from completing (and what the
        processes and sub-cases it waits for wait for)."""
        loaded = self.load(case_id)
        state, definition, now = loaded.state, loaded.definition, self.clock.now()
        if isinstance(definition, ProcessDefinition):
            own = explain_process(definition, state, item)
        elif item is None:
            own = explain_case(definition, state, now)
        else:
            own = explain_item(definition, state, item, now)
        parts = [own]
        for link in self.children_of(case_id, loaded.engine):
            task = state.items.get(link.task or "")
            waited = link.blocking and task is not None and task.state == "active"
            if waited and (item is None or task.item == item):
                why = self.explain(link.child)
                parts.append(
                    text("{item} waits for {case}: {why}", item=task.item, case=link.child, why=why)
                )
        return joined(parts, "\n")


def _verb(action: dict[str, Any]) -> tuple[str, Any]:
    if not isinstance(action, dict):
        raise ActionError('an action is a JSON object such as {"complete": "Check invoice"}')
    verbs = [key for key in action if key not in ("data", "correlation")]
    if len(verbs) != 1:
        raise ActionError(
            'an action names exactly one verb, e.g. {"complete": "Check invoice", "data": {...}}'
        )
    return verbs[0], action[verbs[0]]


def _incident_json(incident: Incident) -> dict[str, Any]:
    """`{"code", "message", "at", "element"}`: an incident as a case view shows it (`at` is
    ISO-8601 UTC text, None for an incident stored before times were kept)."""
    at = None if incident.at is None else incident.at.isoformat().replace("+00:00", "Z")
    return {
        "code": incident.code,
        "message": incident.message,
        "at": at,
        "element": incident.element,
    }


def _names(definition: Definition, item: str) -> tuple[str, str | None, str | None, str | None]:
    if isinstance(definition, CaseDefinition):
        found = definition.items[item]
        return found.id, found.name, found.definition_id, found.definition_name
    node = definition.nodes[item]
    return node.id, node.name, node.id, node.name


CHILD_STARTERS = frozenset({"process_task", "case_task", "call_activity"})


def _starts_children(definition: Definition) -> bool:
    """Whether any element of the definition starts a process or sub-case."""
    elements = definition.items if isinstance(definition, CaseDefinition) else definition.nodes
    return any(element.kind in CHILD_STARTERS for element in elements.values())


def _catches(definition: ProcessDefinition, kind: str, name: str) -> bool:
    return any(n.trigger == kind and n.event_name == name for n in definition.nodes.values())


def _newest_first(deployments: Any) -> list[Any]:
    listed = deployments.list() if hasattr(deployments, "list") else []
    return sorted(listed, key=lambda d: d.id, reverse=True)


_ABSENT = object()
