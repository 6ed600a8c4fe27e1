"""The discrete-event simulation: the case and process engines driven in virtual time.

What is simulated is what runs: every case is a real engine instance, every step a real engine
command. The simulator only plays the world around the engine: cases arrive, case workers of a
role take ready work first come first served inside their calendar and complete it after a
drawn duration (writing drawn outputs), they start, plan or raise the items `choices` name,
gateways listed in `branches` take a drawn flow, timers fire when virtual time reaches them,
and called processes and sub-cases run as instances of their own.

Randomness comes from separate streams per purpose (arrivals, sample data, durations, outputs,
choices, branches), each seeded from the file's seed and the replication number, so the same
file gives the same result byte for byte and a what-if that changes one thing keeps the other
streams' draws.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from studio.runtime.engine.definition import CaseDefinition
from studio.runtime.engine.engine import CaseEngine, Command, Outcome, Refused, Runaway
from studio.runtime.engine.incidents import LOOP_BUDGET_EXCEEDED
from studio.runtime.engine.outcome import Publish, StartChild, StopChild
from studio.runtime.engine.process_engine import ProcessEngine
from studio.runtime.engine.state import CaseState
from studio.simulation.binding import Binding, Key, bind
from studio.simulation.calendars import ALWAYS
from studio.simulation.distributions import draw
from studio.simulation.kpis import Collector
from studio.simulation.replications import combine
from studio.simulation.resources import Pool, WorkItem
from studio.simulation.sampledata import Picker, load_records
from studio.simulation.services import NO_SERVICES
from studio.simulation.spec import SimulationSpec

Progress = Callable[[int, int], None]
"""progress(done, total): cases arrived so far (or seconds simulated, with a horizon)."""

ENDED = frozenset({"completed", "terminated", "failed"})
STREAMS = ("arrivals", "data", "durations", "outputs", "choices", "branches", "ties")


class Instance:
    """One running case or process instance and where it belongs."""

    __slots__ = (
        "blocking",
        "case",
        "children",
        "definition",
        "ended",
        "engine",
        "parent",
        "started_with",
        "state",
        "task",
        "timer_at",
        "work",
    )

    def __init__(self, engine: Any, case: CaseRun, parent: Instance | None = None) -> None:
        self.engine = engine
        self.definition = engine.definition
        self.case = case
        self.parent = parent
        self.task: str | None = None  # the parent's calling task instance
        self.started_with: dict[str, Any] = {}
        self.blocking = False
        self.state: CaseState | None = None
        self.timer_at: float | None = None
        self.ended = False
        case.instances.append(self)
        self.children: dict[str, Instance] = {}
        """Blocking children by the calling task's instance id."""
        self.work: dict[str, WorkItem] = {}
        """Work waiting or in progress, by task instance id."""


class CaseRun:
    """One arrived case: its arrival, whether it counts (after the warm-up), its path, and
    the instances it runs (the root, what it called, what its messages and signals started)."""

    __slots__ = ("arrived", "counted", "instances", "path", "root")

    def __init__(self, arrived: float, counted: bool) -> None:
        self.arrived = arrived
        self.counted = counted
        self.path: list[str] = []
        self.root: Instance | None = None
        self.instances: list[Instance] = []


def simulate(spec: SimulationSpec, progress: Progress | None = None) -> dict:
    """The DESIGN JSON result of the simulation (every replication run and combined)."""
    return run(spec, progress)[0]


def run(spec: SimulationSpec, progress: Progress | None = None) -> tuple[dict, dict]:
    """(result, extras for the HTML report); raises SpecError for unusable input."""
    binding = bind(spec)
    records = None
    if spec.data is not None:
        records = load_records(spec.data.file, binding.schema)
    results = []
    collector = Collector(spec, binding)
    for replication in range(spec.replications):
        collector.begin()
        Simulation(spec, binding, records, replication, collector, progress).run()
        results.append(collector.result())
    return combine(results), collector.extras()


class Simulation:
    """One replication."""

    def __init__(
        self,
        spec: SimulationSpec,
        binding: Binding,
        records: list[dict] | None,
        replication: int,
        collector: Collector,
        progress: Progress | None,
    ) -> None:
        self.spec = spec
        self.binding = binding
        self.stats = collector
        self.progress = progress
        self.rng = {name: random.Random(f"{spec.seed}/{replication}/{name}") for name in STREAMS}
        self.picker = (
            Picker(records, spec.data.pick, self.rng["data"])
            if records is not None and spec.data is not None
            else None
        )
        self.heap: list[tuple[float, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.now = spec.start
        self.window = spec.start + spec.warmup
        self.until = spec.start + spec.horizon if spec.horizon is not None else None
        self.arrived = 0
        self.numbers = itertools.count(1)
        self.pools = {
            role: Pool(
                role,
                resource.count,
                spec.calendars[resource.calendar] if resource.calendar else ALWAYS,
                resource.cost_per_hour,
            )
            for role, resource in spec.resources.items()
        }
        self.arrival_calendar = (
            spec.calendars[spec.arrivals.calendar] if spec.arrivals.calendar else ALWAYS
        )
        self.engines: dict[str, Any] = {}
        self.clock_at, self.clock_value = spec.start, datetime.fromtimestamp(spec.start, UTC)
        self.readied: list[WorkItem] = []
        """Work the current command made ready, handed out once the command is taken."""
        self.running: set[WorkItem] = set()
        """Work a resource has started and not finished."""
        self.last_completion = spec.start

    # -- the event loop -----------------------------------------------------------------------

    def at(self, time: float, action: Callable[[], None]) -> None:
        heapq.heappush(self.heap, (time, next(self.order), action))

    def run(self) -> None:
        first = self.arrival_calendar.next_open(self.spec.start)
        if first > self.spec.start:  # closed at the start: one interval, then the opening
            drawn = self.spec.start + self.spec.arrivals.interval.sample(self.rng["arrivals"])
            first = self.arrival_calendar.next_open(drawn)
        self.at(first, self.arrive)
        heap, until = self.heap, self.until
        while heap:
            time, _, action = heapq.heappop(heap)
            if until is not None and time > until:
                break
            self.now = time
            action()
        end = self.until if self.until is not None else self.last_completion
        self.stats.finish(self, end)

    def arrive(self) -> None:
        """A case arrives; the next arrival is scheduled from this one."""
        self.arrived += 1
        spec = self.spec
        case = CaseRun(self.now, self.now >= self.window)
        data = self.picker.next() if self.picker is not None else {}
        self.stats.arrived(case)
        instance = Instance(self.engine_of(self.binding.root), case)
        case.root = instance
        self.start(instance, data)
        if self.progress is not None and (self.arrived % 500 == 0 or self.arrived == spec.cases):
            if spec.cases is not None:
                self.progress(self.arrived, spec.cases)
            elif self.until is not None:
                self.progress(int(self.now - spec.start), int(self.until - spec.start))
        if spec.cases is not None and self.arrived >= spec.cases:
            return
        following = self.now + spec.arrivals.interval.sample(self.rng["arrivals"])
        following = self.arrival_calendar.next_open(following)
        if self.until is None or following <= self.until:
            self.at(following, self.arrive)

    # -- instances ----------------------------------------------------------------------------

    def engine_of(self, definition: Any) -> Any:
        found = self.engines.get(definition.id)
        if found is None:
            if isinstance(definition, CaseDefinition):
                found = CaseEngine(definition, history="transitions")
            else:
                found = ProcessEngine(
                    definition,
                    history="transitions",
                    services=NO_SERVICES,
                    held=self.binding.held.get(definition.id, frozenset()),
                    branches={
                        gateway: self.brancher(flows)
                        for gateway, flows in self.binding.branches.items()
                        if gateway in definition.nodes
                    },
                )
            self.engines[definition.id] = found
        return found

    def brancher(self, flows: tuple[tuple[str, float], ...]) -> Callable[[], tuple[str]]:
        rng = self.rng["branches"]
        return lambda: (draw(flows, rng),)

    def start(self, instance: Instance, data: dict[str, Any], at: str | None = None) -> None:
        number = next(self.numbers)
        try:
            ident = f"{instance.definition.id}-{number}"
            if at is not None:
                outcome = instance.engine.start(ident, data, self.clock(), at=at)
            else:
                outcome = instance.engine.start(ident, data, self.clock())
        except (Refused, Runaway) as exc:
            self.stats.failed_start(instance, str(exc))
            instance.ended = True
            if instance.parent is not None and instance.blocking:
                self.command(instance.parent, Command("child_failed", instance.task, {}))
            elif instance.case.root is instance:
                self.stats.case_ended(instance.case, "failed", self.now)
            return
        self.apply(instance, outcome)

    def clock(self) -> datetime:
        """The engine's clock: virtual time as a date-time."""
        if self.now != self.clock_at:
            self.clock_at, self.clock_value = self.now, datetime.fromtimestamp(self.now, UTC)
        return self.clock_value

    def command(self, instance: Instance, command: Command) -> bool:
        """Run one command on an instance; False when the engine refused it."""
        if instance.ended or instance.state is None:
            return False
        try:
            outcome = instance.engine.execute(instance.state, command, self.clock())
        except Refused:
            return False
        except Runaway as exc:
            incident = instance.engine.record_incident(
                instance.state, LOOP_BUDGET_EXCEEDED, str(exc), self.clock()
            )
            self.apply(instance, incident)
            return False
        self.apply(instance, outcome)
        return True

    def apply(self, instance: Instance, outcome: Outcome) -> None:
        """Take an outcome: observe its transitions, carry out its effects, schedule its next
        timer, and report the instance's end."""
        instance.state = outcome.state
        observe, completed = self.observe, self.stats.completed
        ident, quiet = instance.definition.id, not self.binding.choices
        for iid, item, event, state in outcome.transitions:
            if state == "completed":
                completed(instance, ident, item)
            elif state is not None and item is not None and not (quiet and state == "available"):
                observe(instance, iid or "", item, event, state)
        if self.readied:
            self.dispatch()
        for effect in outcome.effects:
            if isinstance(effect, StartChild):
                self.start_child(instance, effect)
            elif isinstance(effect, StopChild):
                self.stop_child(instance, effect.instance)
            elif isinstance(effect, Publish):
                self.publish(instance.case, effect)
        state = instance.state
        if state.state in ENDED:
            if not instance.ended:
                instance.ended = True
                self.ended(instance)
            return
        timer = state.next_timer() if state.timers else None
        if timer is not None:
            due = timer.due.timestamp()
            if instance.timer_at is None or due < instance.timer_at:
                instance.timer_at = due
                self.at(due, lambda: self.fire_timers(instance, due))

    def fire_timers(self, instance: Instance, due: float) -> None:
        if instance.timer_at != due or instance.ended or instance.state is None:
            return  # superseded by an earlier timer, or the instance ended
        instance.timer_at = None
        while not instance.ended:
            try:
                fired = instance.engine.fire_due_timer(instance.state, self.clock())
            except Runaway as exc:
                timer = instance.state.next_timer(self.clock())
                self.apply(
                    instance,
                    instance.engine.record_incident(
                        instance.state, LOOP_BUDGET_EXCEEDED, str(exc), self.clock(), timer
                    ),
                )
                continue
            if fired is None:
                break
            self.apply(instance, fired)
        if not instance.ended and instance.timer_at is None:
            timer = instance.state.next_timer()
            if timer is not None:
                due = timer.due.timestamp()
                instance.timer_at = due
                self.at(max(due, self.now), lambda: self.fire_timers(instance, due))

    def start_child(self, parent: Instance, effect: StartChild) -> None:
        definition = self.binding.project.get(effect.kind, effect.target)
        child = Instance(self.engine_of(definition), parent.case, parent)
        child.task = effect.instance
        child.blocking = effect.blocking
        child.started_with = effect.data
        if effect.blocking:
            parent.children[effect.instance] = child
        self.start(child, dict(effect.data))

    def publish(self, case: CaseRun, effect: Publish) -> None:
        """A message or signal left an instance: it reaches the case's other instances that
        wait for it and starts the processes of the project its start events name (as the
        runtime does, within one simulated case)."""
        now, name = self.clock(), effect.name
        waiting = [
            other
            for other in case.instances
            if not other.ended
            and other.state is not None
            and other.state.id != effect.sender
            and isinstance(other.engine, ProcessEngine)
            and other.engine.waits_for(other.state, effect.kind, name, now, effect.correlation)
        ]
        if effect.kind == "message":
            body = {"name": name, "correlation": effect.correlation}
            if waiting:
                self.command(waiting[0], Command("message", None, body))
                return
        else:
            for other in waiting:
                self.command(other, Command("signal", None, {"name": name}))
        for definition, start in self.binding.project.started_by(effect.kind, name):
            spawned = Instance(self.engine_of(definition), case)
            self.start(spawned, {}, start)
            if effect.kind == "message":
                return

    def stop_child(self, parent: Instance, task: str) -> None:
        child = parent.children.pop(task, None)
        if child is not None and not child.ended:
            self.command(child, Command("terminate"))

    def ended(self, instance: Instance) -> None:
        """An instance ended: a case's statistics, or its calling task goes on."""
        state = instance.state
        assert state is not None
        for task in list(instance.work):
            self.withdraw(instance, task)
        if instance.case.root is instance:
            self.stats.case_ended(instance.case, state.state, self.now)
            return
        parent = instance.parent
        if parent is None:
            return  # started by a message or signal: nobody waits for it
        parent.children.pop(instance.task or "", None)
        if not instance.blocking or parent.ended:
            return
        if state.state == "completed":
            changed = {
                key: value
                for key, value in state.data.items()
                if instance.started_with.get(key, _ABSENT) != value
            }
            self.command(parent, Command("child_completed", instance.task, changed))
        elif state.state == "terminated":
            self.command(parent, Command("child_terminated", instance.task, {}))
        else:
            body = {"reason": f"{instance.definition.id} failed", "error": state.error}
            self.command(parent, Command("child_failed", instance.task, body))

    # -- what the engine did ------------------------------------------------------------------

    def observe(self, instance: Instance, iid: str, item: str, event: str, state: str) -> None:
        """React to one transition: work becomes ready, a choice is drawn, work stops."""
        if state == "active":
            key: Key = (instance.definition.id, item)
            activity = self.binding.activities.get(key)
            if activity is not None and event in ("start", "manualStart", "reactivate"):
                self.ready(instance, iid, activity)
            elif event == "start" and self.binding.choices:
                self.offer_discretionary(instance, key)
        elif state == "available":
            if event == "create" and self.binding.choices:
                key = (instance.definition.id, item)
                choice = self.binding.choices.get(key)
                if choice is not None and self.stats.kind(key) == "user_event":
                    self.choose(instance, choice, "occur", iid)
        elif state == "enabled":
            choice = self.binding.choices.get((instance.definition.id, item))
            if choice is not None:
                self.choose(instance, choice, "start", iid)
        elif state in ("terminated", "failed", "suspended") and instance.work:
            self.withdraw(instance, iid)

    def offer_discretionary(self, instance: Instance, key: Key) -> None:
        """A stage (or the case) became active: case workers may plan its discretionary items."""
        definition = instance.definition
        if not isinstance(definition, CaseDefinition):
            return
        for item in self.stats.discretionary(definition, key[1]):
            choice = self.binding.choices.get((definition.id, item))
            if choice is not None:
                self.choose(instance, choice, "plan", item)

    def choose(self, instance: Instance, choice: Any, action: str, target: str) -> None:
        rng = self.rng["choices"]
        if rng.random() >= choice.probability:
            return
        delay = choice.after.sample(rng) if choice.after is not None else 0.0
        command = Command(action, target)
        if delay <= 0:
            self.at(self.now, lambda: self.command(instance, command))
        else:
            self.at(self.now + delay, lambda: self.command(instance, command))

    # -- human work ---------------------------------------------------------------------------

    def ready(self, instance: Instance, task: str, activity: Any) -> None:
        """A task became active: its work waits for a resource of its role."""
        work_spec = activity.work
        duration = 0.0
        if work_spec is not None and work_spec.duration is not None:
            duration = work_spec.duration.sample(self.rng["durations"])
        work = WorkItem(instance, task, activity, self.now, duration, instance.case.counted)
        instance.work[task] = work
        self.readied.append(work)

    def dispatch(self) -> None:
        """Hand the work one command made ready to its resources; work that became ready at
        the same instant is queued in random order (a tie in first come, first served)."""
        readied = self.readied
        if len(readied) > 1:
            self.rng["ties"].shuffle(readied)
        self.readied = []
        for work in readied:
            if not work.cancelled:
                self.assign(work)

    def assign(self, work: WorkItem) -> None:
        """A resource of the work's role starts it now, or it waits in the role's queue."""
        activity = work.activity
        pool = self.pools.get(activity.role) if activity.role is not None else None
        if pool is None:
            self.begin(work, None, self.now)
        elif pool.free > 0 and pool.calendar.is_open(self.now):
            self.begin(work, pool, self.now)
        else:
            pool.queue.append(work)
            self.wake(pool)

    def begin(self, work: WorkItem, pool: Pool | None, time: float) -> None:
        work.started = time
        self.running.add(work)
        if pool is None:
            work.finish = time + work.duration
        else:
            pool.free -= 1
            work.finish = pool.calendar.finish(time, work.duration)
        self.at(work.finish, lambda: self.finish(work, pool))

    def finish(self, work: WorkItem, pool: Pool | None) -> None:
        if work.cancelled:
            return
        self.running.discard(work)
        instance = work.instance
        instance.work.pop(work.task, None)
        if pool is not None:  # the resource takes the oldest queued work before new work
            pool.free += 1
            pool.account(work, self.now, self.window)
            self.take(pool)
        self.stats.worked(work)
        self.last_completion = self.now
        outputs = None
        if work.activity.work is not None and work.activity.work.output:
            rng = self.rng["outputs"]
            outputs = {name: out.draw(rng) for name, out in work.activity.work.output.items()}
        self.command(instance, Command("complete", work.task, outputs))

    def take(self, pool: Pool) -> None:
        """Free resources take queued work, first come first served, while the pool is open."""
        queue = pool.queue
        while pool.free > 0 and queue:
            if not pool.calendar.is_open(self.now):
                self.wake(pool)
                return
            work = queue.popleft()
            if not work.cancelled:
                self.begin(work, pool, self.now)

    def wake(self, pool: Pool) -> None:
        """Make sure queued work is looked at when the pool next has a free resource open."""
        if pool.free == 0:
            return  # a finishing resource will take it
        opening = pool.calendar.next_open(self.now)
        if pool.wake_at is not None and pool.wake_at <= opening:
            return
        pool.wake_at = opening

        def wake_up() -> None:
            if pool.wake_at == opening:
                pool.wake_at = None
                self.take(pool)

        self.at(opening, wake_up)

    def withdraw(self, instance: Instance, task: str) -> None:
        """A task whose work waits or runs was terminated (or suspended): the work stops."""
        work = instance.work.pop(task, None)
        if work is None:
            return
        work.cancelled = True
        self.running.discard(work)
        pool = self.pools.get(work.activity.role) if work.activity.role else None
        if work.started >= 0 and pool is not None:
            pool.free += 1
            pool.account(work, self.now, self.window)
            self.last_completion = max(self.last_completion, self.now)  # the work ended here
            self.take(pool)


_ABSENT = object()
