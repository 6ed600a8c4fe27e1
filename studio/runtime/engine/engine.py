"""The CMMN engine core: commands in, new state out, run on an agenda to quiescence.

IO-free: no clock reads (the caller passes `now`), no database, no Flask. A command runs on a
copy of the state; a refused command or a runaway raises and the caller keeps the old state.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studio.expressions import CompiledExpression, TimerSpec, next_due
from studio.expressions.errors import ExpressionError
from studio.runtime.engine.casefile import apply_writes, check_schema
from studio.runtime.engine.definition import TRUE, CaseDefinition, Criterion, ItemDefinition
from studio.runtime.engine.errors import Refused, Runaway
from studio.runtime.engine.state import TERMINAL, CaseState, HistoryEvent, ItemInstance, Timer

LOOP_BUDGET = 10_000
"""Operations one command may run before it is stopped as a runaway."""

WORK = frozenset({"human_task", "task", "process_task", "case_task", "decision_task", "stage"})
LISTENERS = frozenset({"user_event", "timer_event", "event_listener"})
CALLERS = frozenset({"case_task", "process_task"})


@dataclass(frozen=True, slots=True)
class StartChild:
    """Effect: start the process or sub-case a case/process task calls, with a copy of the data.

    When a blocking child completes, its host sends `child_completed` with the items it changed;
    `child_terminated` and `child_failed` when it ends otherwise."""

    instance: str  # the calling task's instance
    kind: str  # "case" or "process"
    target: str  # the case or process id
    data: dict[str, Any]
    blocking: bool


@dataclass(frozen=True, slots=True)
class StopChild:
    """Effect: terminate the child of a blocking task that was terminated or exited."""

    instance: str


Effect = StartChild | StopChild


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command produced: the new state, the history events it appended, and the effects
    its host must carry out (children to start or stop)."""

    state: CaseState
    history: tuple[HistoryEvent, ...]
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True, slots=True)
class Command:
    """One command: an action in the scenario vocabulary on a plan item (None: the case)."""

    action: str
    item: str | None = None
    data: dict[str, Any] | None = None
    user: str | None = None
    """Who acts; None is the system itself (timers, scenario tests, simulation)."""
    groups: frozenset[str] = frozenset()


class CaseEngine:
    """Runs commands of one compiled case definition."""

    def __init__(self, definition: CaseDefinition, *, history: bool = True) -> None:
        self.definition = definition
        self.history = history

    def start(
        self, case_id: str, data: dict[str, Any], now: datetime, user: str | None = None
    ) -> Outcome:
        """A new case: its plan model active, its first items created and activated."""
        state = CaseState(id=case_id, definition=self.definition.id, data=copy.deepcopy(data))
        run = _Run(self, state, now, user)
        run.push(lambda: run.create(self.definition.plan, None))
        run.drain()
        return Outcome(state, tuple(run.history), tuple(run.effects))

    def execute(self, state: CaseState, command: Command, now: datetime) -> Outcome:
        """The state after `command`, computed on a copy; raises Refused or Runaway."""
        if (state.state in TERMINAL and command.action != "close") or state.state == "closed":
            raise Refused(f"the case is {state.state}")
        if state.items and not state.by_item:
            self.restore(state)  # loaded from a store: rebuild the derived indexes
        work = state.copy()
        run = _Run(self, work, now, command.user)
        run.command(command)
        run.drain()
        return Outcome(work, tuple(run.history), tuple(run.effects))

    def record_incident(
        self, state: CaseState, message: str, now: datetime, timer: Timer | None = None
    ) -> Outcome:
        """The case as it was, with an incident recorded (and the timer that caused it parked:
        taken off the schedule until an admin retries it)."""
        work = state.copy()
        work.incidents = [*work.incidents, message]
        if timer is not None:
            work.timers = [t for t in work.timers if t is not timer]
        event = HistoryEvent(work.next_seq(), now, None, None, "incident", None, message)
        return Outcome(work, (event,) if self.history else ())

    def restore(self, state: CaseState) -> CaseState:
        """Rebuild a loaded state's derived indexes."""
        state.reindex()
        run = _Run(self, state, datetime.min)
        state.blocking = {}
        for instance in state.items.values():
            if instance.stage is not None and run.blocks(instance):
                state.blocking[instance.stage] = state.blocking.get(instance.stage, 0) + 1
        return state

    def fire_due_timer(self, state: CaseState, now: datetime) -> Outcome | None:
        """Fire the earliest timer due at or before `now` (None when none is due)."""
        if state.state != "active":
            return None
        due = [
            t for t in state.timers if t.due <= now and state.items[t.instance].state != "suspended"
        ]  # the timers of suspended listeners wait for their resume
        if not due:
            return None
        if state.items and not state.by_item:
            self.restore(state)
        timer = min(due, key=lambda t: (t.due, t.instance))
        work = state.copy()
        run = _Run(self, work, timer.due)
        run.fire_timer(timer)
        run.drain()
        return Outcome(work, tuple(run.history), tuple(run.effects))


class _Run:
    """One unit of work: the agenda of operations of one command.

    Operations name item instances by id and read them through `get`; an instance is cloned the
    first time this run changes it (`edit`), so the state the command started from never changes.
    """

    def __init__(
        self, engine: CaseEngine, state: CaseState, now: datetime, user: str | None = None
    ):
        self.definition = engine.definition
        self.record = engine.history
        self.state = state
        self.now = now
        self.user = user
        self.agenda: deque[Callable[[], None]] = deque()
        self.budget = LOOP_BUDGET
        self.history: list[HistoryEvent] = []
        self.effects: list[Effect] = []
        self.owned: set[str] = set()
        self.unsettled: set[str] = set()  # stage instances whose children changed state

    # -- agenda ---------------------------------------------------------------------------------

    def push(self, operation: Callable[[], None]) -> None:
        self.agenda.append(operation)

    def drain(self) -> None:
        """Run operations until none is left and no stage or the case can complete."""
        while True:
            while self.agenda:
                self.budget -= 1
                if self.budget < 0:
                    raise Runaway(
                        f"more than {LOOP_BUDGET} operations in one command: a repetition rule or "
                        "sentries that keep triggering each other"
                    )
                self.agenda.popleft()()
            if not self.check_completion():
                return

    # -- instances ------------------------------------------------------------------------------

    def get(self, iid: str) -> ItemInstance:
        return self.state.items[iid]

    def edit(self, iid: str) -> ItemInstance:
        """The instance, cloned first if this run has not changed it yet."""
        if iid in self.owned:
            return self.state.items[iid]
        clone = self.state.items[iid].clone()
        self.state.items[iid] = clone
        self.owned.add(iid)
        return clone

    def item(self, iid: str) -> ItemDefinition:
        return self.definition.items[self.state.items[iid].item]

    def evaluate(self, rule: CompiledExpression | str | None, default: bool = False) -> bool:
        if rule is None:
            return default
        if rule == TRUE:
            return True
        try:
            return bool(rule.evaluate(self.state.data, now=self.now))  # type: ignore[union-attr]
        except ExpressionError as exc:
            if exc.code == "expr.unknown-name":
                return False  # reading an item not in the case file yet: the condition is false
            raise

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
                counts = self.state.blocking
                counts[instance.stage] = counts.get(instance.stage, 0) + change
        instance.state = new_state
        if self.record:
            self.history.append(
                HistoryEvent(
                    self.state.next_seq(), self.now, iid, instance.item, event, new_state, cause,
                    self.user,
                )
            )  # fmt: skip
        if instance.item == self.definition.plan:
            self.state.state = new_state
        if instance.stage is not None:
            self.unsettled.add(instance.stage)
        self.push(lambda: self.hear(iid, event))

    # -- creation and activation ---------------------------------------------------------------

    def create(self, item_id: str, stage: str | None) -> str:
        definition = self.definition.items[item_id]
        seq = self.state.next_seq()
        iid = f"{item_id}#{seq}"
        instance = ItemInstance(iid, item_id, stage, "available", seq)
        instance.required = self.evaluate(definition.required)
        self.state.add(instance)
        if stage is not None and self.blocks(instance):
            self.state.blocking[stage] = self.state.blocking.get(stage, 0) + 1
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
        if definition.kind == "stage":
            self.unsettled.add(iid)
            for child in definition.children:
                if not self.definition.items[child].discretionary:
                    self.push(lambda child=child: self.create(child, iid))
        elif definition.kind in CALLERS and definition.called:
            kind = "case" if definition.kind == "case_task" else "process"
            self.effects.append(
                StartChild(iid, kind, definition.called, dict(self.state.data), definition.blocking)
            )
            if not definition.blocking:
                self.push(lambda: self.complete(iid))
        elif definition.kind in ("human_task", "task") and not definition.blocking:
            self.push(lambda: self.complete(iid))

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

    # -- sentries -------------------------------------------------------------------------------

    def hear(self, source: str, event: str) -> None:
        """An event of a plan item: record it in the on-part memory of the waiting criteria."""
        instance = self.get(source)
        for criterion, part in self.definition.listeners.get((instance.item, event), ()):
            for waiting in self.waiting_on(criterion, instance):
                self.edit(waiting).memory.setdefault(criterion.id, set()).add(part)
                self.push(lambda w=waiting, c=criterion: self.try_criterion(w, c))
        self.trigger_timers(self.definition.start_triggers.get((instance.item, event), ()))

    def trigger_timers(self, item_ids: tuple[str, ...]) -> None:
        """Start the timers of waiting timer event listeners whose start trigger occurred."""
        for item_id in item_ids:
            for timer in self.state.instances_of(item_id):
                if timer.state == "available" and not any(
                    t.instance == timer.id for t in self.state.timers
                ):
                    self.push(lambda t=timer.id: self.start_timer(t))

    def hear_file(self, name: str, event: str, whole: bool) -> None:
        events = [event] + (["replace"] if whole and event == "update" else [])
        for name_event in events:
            self.trigger_timers(self.definition.file_start_triggers.get((name, name_event), ()))
            for criterion, part in self.definition.file_listeners.get((name, name_event), ()):
                for waiting in self.waiting_on(criterion, None):
                    self.edit(waiting).memory.setdefault(criterion.id, set()).add(part)
                    self.push(lambda w=waiting, c=criterion: self.try_criterion(w, c))

    def waiting_on(self, criterion: Criterion, source: ItemInstance | None) -> list[str]:
        """Ids of the criterion owner's instances that wait on it, within the source's stage."""
        found = []
        source_def = self.definition.items.get(source.item) if source else None
        for instance in self.state.instances_of(criterion.owner):
            if criterion.is_exit:
                if instance.state in TERMINAL:
                    continue
            elif instance.state != "available":
                continue
            if source is not None and source_def is not None:
                sentry_stage = (
                    instance.id if instance.item == criterion.sentry.stage else (instance.stage)
                )
                if source_def.parent == criterion.sentry.stage and source.stage != sentry_stage:
                    continue  # an event of another instance of the sentry's stage
            found.append(instance.id)
        return found

    def satisfied(self, instance: ItemInstance, criterion: Criterion) -> bool:
        sentry = criterion.sentry
        seen = instance.memory.get(criterion.id, set())
        if any(part.index not in seen for part in sentry.on_parts):
            return False
        return sentry.if_part is None or self.evaluate(sentry.if_part)

    def try_criterion(self, iid: str, criterion: Criterion) -> None:
        instance = self.get(iid)
        if instance.state in TERMINAL or (not criterion.is_exit and instance.state != "available"):
            return
        if not self.satisfied(instance, criterion):
            return
        self.edit(iid).memory.pop(criterion.id, None)
        if criterion.is_exit:
            self.exit(iid, cause=criterion.id)
            self.push(lambda: self.repeat(iid))  # its own exit criterion: it may repeat
        else:
            self.enter(iid, criterion.id)

    def enter(self, iid: str, cause: str) -> None:
        """An entry criterion fired: activate, and prepare the next instance if it repeats."""
        definition = self.item(iid)
        if definition.repetition is not None and self.evaluate(definition.repetition):
            self.create(definition.id, self.get(iid).stage)
        self.activate(iid, cause)

    def check_data_criteria(self, iid: str) -> None:
        """Sentries with an if-part and nothing left to wait for: read the data again."""
        definition = self.item(iid)
        for criterion in (*definition.entry, *definition.exit):
            if criterion.sentry.if_part is not None:
                self.try_criterion(iid, criterion)

    def data_changed(self) -> None:
        for criterion in self.definition.data_criteria:
            for waiting in self.waiting_on(criterion, None):
                self.push(lambda w=waiting, c=criterion: self.try_criterion(w, c))

    # -- timers ---------------------------------------------------------------------------------

    def start_timer(self, iid: str) -> None:
        spec = self.item(iid).timer
        if isinstance(spec, CompiledExpression):
            from studio.expressions import timer_from_value

            spec = timer_from_value(spec.evaluate(self.state.data, now=self.now))
        if spec is None or self.get(iid).state != "available":
            return
        due = next_due(spec, self.now, 1)
        if due is not None:
            self.state.timers.append(Timer(iid, due, 1, self.now))

    def fire_timer(self, timer: Timer) -> None:
        self.state.timers = [t for t in self.state.timers if t.instance != timer.instance]
        iid = timer.instance
        if self.get(iid).state != "available":
            return
        spec = self.item(iid).timer
        self.edit(iid).occurrences = timer.occurrence
        following = None
        if isinstance(spec, TimerSpec) and spec.kind == "cycle":
            following = next_due(spec, timer.started, timer.occurrence + 1)
        if following is not None:
            self.emit(iid, "occur", "available")
            self.state.timers.append(Timer(iid, following, timer.occurrence + 1, timer.started))
        else:
            self.emit(iid, "occur", "completed")

    # -- completion -----------------------------------------------------------------------------

    def check_completion(self) -> bool:
        """Complete stages whose children changed (deepest first) and the case when their rules
        say so; True when one did."""
        if self.state.state != "active" or not self.unsettled:
            return False
        stages = sorted(
            (
                self.get(i)
                for i in self.unsettled
                if self.get(i).state == "active" and self.item(i).kind == "stage"
            ),
            key=lambda i: -i.seq,
        )
        self.unsettled.clear()
        for stage in stages:
            if not self.state.blocking.get(stage.id, 0):
                self.complete(stage.id)
                return True
        return False

    def blocks(self, child: ItemInstance) -> bool:
        """Whether a child keeps its stage from completing automatically."""
        return self.blocks_after(child, child.state)

    def blocks_after(self, child: ItemInstance, state: str) -> bool:
        if state in ("active", "suspended", "failed"):
            return True
        if state in TERMINAL or state == "disabled":
            return False
        if child.required:
            return True
        stage = self.definition.items[self.get(child.stage).item] if child.stage else None
        if stage is None or stage.auto_complete:
            return False
        return not self.may_wait(child, state)

    def blockers(self, stage: str, *, manual: bool = False) -> list[ItemInstance]:
        """Children that keep a stage from completing (automatically, or by hand)."""
        definition = self.item(stage)
        found = []
        for child in self.state.children(stage):
            if child.state in ("active", "suspended", "failed"):
                found.append(child)
                continue
            if child.state in ("completed", "terminated", "disabled"):
                continue
            waits = not manual and not definition.auto_complete and not self.may_wait(child)
            if child.required or waits:
                found.append(child)
        return found

    def may_wait(self, child: ItemInstance, state: str | None = None) -> bool:
        """Without autoComplete: listeners, milestones and waiting repetitions do not count."""
        kind = self.definition.items[child.item].kind
        if (state or child.state) != "available":
            return False
        if kind in LISTENERS or kind == "milestone":
            return True
        return self.state.by_item.get(child.item, (child.id,))[0] != child.id

    # -- commands -------------------------------------------------------------------------------

    def command(self, command: Command) -> None:
        action = command.action
        if action == "set":
            self.write(command.data or {}, paths=True)
            return
        if command.item is None:
            target = self.state.by_item[self.definition.plan][0]
        elif action.startswith("child_"):
            target = command.item  # the host names the calling task's instance
            if self.state.items.get(target) is None or self.get(target).state != "active":
                raise Refused(f"no active task instance {target!r} waits for a child")
        else:
            target = self.target(command.item, action)
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            raise Refused(f"unknown action {action!r}")
        self.authorize(target, command)
        handler(target, command)

    def authorize(self, target: str, command: Command) -> None:
        """Items bound to case roles refuse users outside the case team."""
        if command.user is None:
            return
        item = (
            self.definition.items[target] if target in self.definition.items else self.item(target)
        )
        roles = (item.performer,) if item.performer else item.authorized_roles
        if not roles:
            return
        acting = {command.user, *command.groups}
        for role in roles:
            if acting & set(self.state.team.get(role, ())):
                return
        raise Refused(
            f"{command.user} may not {command.action} {item.label!r}: only the case team's "
            f"{' / '.join(roles)} may"
        )

    def do_bind(self, iid: str, command: Command) -> None:
        """Bind a case role to users and groups: {"role": name, "members": [...]}."""
        data = command.data or {}
        role, members = data.get("role"), data.get("members")
        if not isinstance(role, str) or not isinstance(members, list):
            raise Refused('bind takes {"role": name, "members": [users or groups]}')
        self.state.team = {**self.state.team, role: tuple(str(m) for m in members)}

    def do_close(self, iid: str, command: Command) -> None:
        if self.state.state not in ("completed", "terminated"):
            raise Refused(
                f"only a completed or terminated case can be closed, not a {self.state.state} one"
            )
        self.emit(iid, "close", "closed")

    def do_child_completed(self, iid: str, command: Command) -> None:
        """The child of a blocking task completed: write back what it changed, then complete."""
        if command.data:
            self.write(command.data, paths=False)
        self.push(lambda: self.complete(iid))

    def do_child_terminated(self, iid: str, command: Command) -> None:
        self.emit(iid, "terminate", "terminated", "its child ended terminated")
        self.push(lambda: self.repeat(iid))

    def do_child_failed(self, iid: str, command: Command) -> None:
        self.emit(iid, "fault", "failed", "its child failed")

    def do_fault(self, iid: str, command: Command) -> None:
        """An item's work failed (a called process or sub-case failed, a script raised)."""
        self.emit(iid, "fault", "failed", (command.data or {}).get("reason"))

    def do_reactivate(self, iid: str, command: Command) -> None:
        self.emit(iid, "reactivate", "active")

    ACCEPTS = {
        "complete": ("active",),
        "occur": ("available",),
        "start": ("enabled",),
        "disable": ("enabled",),
        "reenable": ("disabled",),
        "terminate": ("available", "enabled", "disabled", "active", "suspended"),
        "suspend": ("available", "enabled", "disabled", "active"),
        "resume": ("suspended",),
        "fault": ("active",),
        "reactivate": ("failed",),
    }

    def target(self, item_id: str, action: str) -> str:
        """The oldest instance of the item in a state the action accepts ('' to plan one)."""
        if item_id not in self.definition.items:
            raise Refused(f"no item {item_id!r} in case {self.definition.id!r}")
        if action == "plan":
            return item_id
        accepted = self.ACCEPTS.get(action, ())
        for instance in self.state.instances_of(item_id):
            if instance.state in accepted:
                return instance.id
        states = sorted({i.state for i in self.state.instances_of(item_id)}) or ["absent"]
        raise Refused(
            f"cannot {action} {self.definition.items[item_id].label!r}: it is {' / '.join(states)}"
        )

    def write(self, writes: dict[str, Any], *, paths: bool) -> None:
        """Write the case file (refused when it names undeclared items or breaks the schema);
        each item written is recorded and emits its event."""
        declared = self.definition.case_file_items
        if declared:
            unknown = sorted({key.split(".")[0] for key in writes} - set(declared))
            if unknown:
                raise Refused(
                    f"the case file has no item {unknown[0]!r} (declared: {', '.join(declared)})"
                )
        data, events = apply_writes(self.state.data, writes, paths=paths)
        if self.definition.schema is not None:
            check_schema(self.definition.schema, data)
        self.state.data = data
        for name, event, whole in events:
            if self.record:
                self.history.append(
                    HistoryEvent(
                        self.state.next_seq(), self.now, None, name, event, None, "case file",
                        self.user,
                    )
                )  # fmt: skip
            self.push(lambda n=name, e=event, w=whole: self.hear_file(n, e, w))
        if events:
            self.push(self.data_changed)

    def do_complete(self, iid: str, command: Command) -> None:
        definition = self.item(iid)
        if definition.kind == "stage":
            left = self.blockers(iid, manual=True)
            if left:
                names = ", ".join(self.definition.items[b.item].label for b in left)
                raise Refused(f"{definition.label!r} cannot complete yet: {names} not done")
        elif definition.kind not in WORK:
            raise Refused(f"{definition.label!r} is not a task or stage")
        if command.data:
            self.write(command.data, paths=False)
        self.push(lambda: self.complete(iid))

    def do_occur(self, iid: str, command: Command) -> None:
        definition = self.item(iid)
        if definition.kind not in ("user_event", "event_listener"):
            raise Refused(f"{definition.label!r} is not a user event listener")
        self.emit(iid, "occur", "completed")
        self.push(lambda: self.repeat(iid))

    def do_start(self, iid: str, command: Command) -> None:
        self.begin(iid, "manualStart")

    def do_disable(self, iid: str, command: Command) -> None:
        self.emit(iid, "disable", "disabled")

    def do_reenable(self, iid: str, command: Command) -> None:
        self.emit(iid, "reenable", "enabled")

    def do_terminate(self, iid: str, command: Command) -> None:
        self.emit(iid, "terminate", "terminated", "by a user")
        self.push(lambda: self.end_children(iid))
        self.push(lambda: self.repeat(iid))

    def do_suspend(self, iid: str, command: Command) -> None:
        self.edit(iid).resume_to = self.get(iid).state
        self.emit(iid, "suspend", "suspended")
        self.suspend_children(iid)

    def suspend_children(self, stage: str) -> None:
        for child in self.state.children(stage):
            if child.state not in TERMINAL and child.state != "suspended":
                self.edit(child.id).resume_to = child.state
                self.emit(child.id, "parentSuspend", "suspended")
                self.suspend_children(child.id)

    def do_resume(self, iid: str, command: Command) -> None:
        instance = self.edit(iid)
        back, instance.resume_to = instance.resume_to or "active", None
        self.emit(iid, "resume", back)
        self.resume_children(iid)

    def resume_children(self, stage: str) -> None:
        for child in self.state.children(stage):
            if child.state == "suspended" and child.resume_to is not None:
                instance = self.edit(child.id)
                back, instance.resume_to = instance.resume_to, None
                self.emit(child.id, "parentResume", back)
                self.resume_children(child.id)

    def do_plan(self, item_id: str, command: Command) -> None:
        definition = self.definition.items[item_id]
        if not definition.discretionary:
            raise Refused(f"{definition.label!r} is not a discretionary item")
        stages = [
            i for i in self.state.instances_of(definition.parent or "") if i.state == "active"
        ]
        if not stages:
            raise Refused(f"{definition.label!r} can be planned only while its stage is active")
        if definition.applicability and not all(self.evaluate(r) for r in definition.applicability):
            raise Refused(f"{definition.label!r} is not applicable now (applicability rule)")
        self.create(definition.id, stages[0].id)
