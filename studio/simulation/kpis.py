"""What a simulation measures, streamed: cases, cycle time, waiting and processing per activity,
utilization and cost per role, counts per element, outcomes, paths. Memory stays bounded
whatever the number of cases (tallies are sketches, paths are capped)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studio.runtime.engine.definition import CaseDefinition
from studio.simulation.binding import Binding, Key
from studio.simulation.resources import WorkItem
from studio.simulation.spec import SimulationSpec
from studio.simulation.statistics import Tally

if TYPE_CHECKING:
    from studio.simulation.simulator import CaseRun, Instance, Simulation

CASE_TASKS = frozenset({"human_task", "task", "process_task", "case_task", "decision_task"})
PROCESS_TASKS = frozenset(
    {
        "task",
        "user_task",
        "manual_task",
        "script_task",
        "rule_task",
        "service_task",
        "send_task",
        "receive_task",
        "subprocess",
        "call_activity",
    }
)
ENDS = frozenset({"end", "terminate_end", "error_end"})
MAX_PATHS = 1000
"""Distinct paths kept; later new ones are counted together as one "other" path."""
OTHER = ("(other paths)",)


class Collector:
    """Statistics of the current replication, and histograms over all of them."""

    def __init__(self, spec: SimulationSpec, binding: Binding) -> None:
        self.spec = spec
        self.binding = binding
        self.kinds: dict[Key, tuple[str, str]] = {}
        self.roles: dict[Key, tuple[bool, str | None, str | None]] = {}
        """Per item: what its completion counts as (see `_role`)."""
        self.planned: dict[tuple[str, str], tuple[str, ...]] = {}
        self.all_cycle = Tally()
        self.all_waiting: dict[str, Tally] = {}
        self.paths: dict[tuple[str, ...], int] = {}
        self.replications = 0
        self.begin()
        self.replications = 0

    def begin(self) -> None:
        """Start a replication."""
        self.arrivals = 0
        self.ends = {"completed": 0, "terminated": 0, "failed": 0}
        self.cycle = Tally()
        self.shared = self.spec.replications == 1
        """One replication: the histograms over all replications are this one's."""
        if self.shared:
            self.all_cycle = self.cycle
        self.waiting: dict[str, Tally] = {}
        self.processing: dict[str, list[float]] = {}
        self.elements: dict[str, int] = {}
        self.outcomes: dict[str, int] = {}
        self.resources: dict[str, dict[str, float]] = {}
        self.replications += 1

    # -- what the simulator reports -------------------------------------------------------------

    def arrived(self, case: CaseRun) -> None:
        if case.counted:
            self.arrivals += 1

    def case_ended(self, case: CaseRun, state: str, now: float) -> None:
        if not case.counted:
            return
        self.ends[state if state in self.ends else "failed"] += 1
        if state in ("completed", "terminated"):
            self.cycle.add(now - case.arrived)
            if not self.shared:
                self.all_cycle.add(now - case.arrived)
            path = tuple(case.path)
            if path in self.paths or len(self.paths) < MAX_PATHS:
                self.paths[path] = self.paths.get(path, 0) + 1
            else:
                self.paths[OTHER] = self.paths.get(OTHER, 0) + 1
        case.path = []

    def failed_start(self, instance: Instance, reason: str) -> None:
        key = f"failed to start: {instance.definition.id}"
        if instance.case.counted:
            self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def completed(self, instance: Instance, definition: str, item: str | None) -> None:
        """An item or element instance completed: its count, the case's path, an outcome."""
        case = instance.case
        if not case.counted or item is None:
            return
        found = self.roles.get((definition, item))
        if found is None:
            found = self.roles[definition, item] = self._role(definition, item)
        counted, step, outcome = found
        if not counted:
            return
        self.elements[item] = self.elements.get(item, 0) + 1
        if step is not None:
            case.path.append(step)
        elif outcome is not None:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def _role(self, definition: str, item: str) -> tuple[bool, str | None, str | None]:
        """Whether an item counts as an element (the case or process itself does not: it is
        counted in `cases`), its label in paths (a task), its label as an outcome (a milestone,
        an end event)."""
        if item == self._definition(definition).plan:
            return False, None, None
        kind, label = self.kind_and_label((definition, item))
        step = label if kind in CASE_TASKS or kind in PROCESS_TASKS else None
        outcome = label if kind == "milestone" or kind in ENDS else None
        return True, step, outcome

    def worked(self, work: WorkItem) -> None:
        if not work.counted:
            return
        label = work.activity.label
        waiting = work.started - work.ready
        tally = self.waiting.get(label)
        if tally is None:
            tally = self.waiting[label] = Tally()
            self.processing[label] = [0.0, 0]
            if self.shared:
                self.all_waiting[label] = tally
        tally.add(waiting)
        processing = self.processing[label]  # only its mean is reported: a sum and a count
        processing[0] += work.finish - work.started
        processing[1] += 1
        if not self.shared:
            everything = self.all_waiting.get(label)
            if everything is None:
                everything = self.all_waiting[label] = Tally()
            everything.add(waiting)

    def finish(self, simulation: Simulation, end: float) -> None:
        """The replication ended at `end`: resources' utilization and cost."""
        window = simulation.window
        for role, pool in simulation.pools.items():
            for work in _in_progress(simulation, role):
                pool.account(work, end, window)
            available = pool.count * pool.calendar.open_seconds(window, end) if end > window else 0
            self.resources[role] = {
                "utilization": round(pool.busy / available, 6) if available > 0 else 0.0,
                "cost": round(pool.cost(), 2),
            }

    # -- lookups ------------------------------------------------------------------------------

    def kind_and_label(self, key: Key) -> tuple[str, str]:
        found = self.kinds.get(key)
        if found is None:
            definition = self._definition(key[0])
            if isinstance(definition, CaseDefinition):
                item = definition.items.get(key[1])
                found = (item.kind, item.label) if item is not None else ("case", key[1])
            else:
                node = definition.nodes.get(key[1])
                found = (node.kind, node.label) if node is not None else ("process", key[1])
            self.kinds[key] = found
        return found

    def kind(self, key: Key) -> str:
        return self.kind_and_label(key)[0]

    def discretionary(self, definition: CaseDefinition, stage: str) -> tuple[str, ...]:
        """The discretionary items a stage (or the case plan) offers for planning."""
        found = self.planned.get((definition.id, stage))
        if found is None:
            found = tuple(
                item.id
                for item in definition.items.values()
                if item.discretionary and item.parent == stage
            )
            self.planned[definition.id, stage] = found
        return found

    def _definition(self, ident: str) -> Any:
        if ident == self.binding.root.id:
            return self.binding.root
        for definition in self.binding.project.compiled.values():
            if definition.id == ident:
                return definition
        raise KeyError(ident)

    # -- results ------------------------------------------------------------------------------

    def result(self) -> dict:
        """This replication's result in the DESIGN JSON shape (times in seconds)."""
        ended = self.ends["completed"] + self.ends["terminated"]
        cases: dict[str, int] = {
            "arrived": self.arrivals,
            "completed": self.ends["completed"],
            "terminated": self.ends["terminated"],
            "open": self.arrivals - ended - self.ends["failed"],
        }
        if self.ends["failed"]:
            cases["failed"] = self.ends["failed"]
        return {
            "cases": cases,
            "cycle_time": _rounded(self.cycle.summary("mean", "p50", "p90", "p95", "max"))
            if self.cycle.count
            else {"mean": 0.0, "p50": 0.0, "p90": 0.0, "p95": 0.0, "max": 0.0},
            "activities": {
                label: {
                    "count": self.waiting[label].count,
                    "waiting": _rounded(self.waiting[label].summary("mean", "p90")),
                    "processing": {
                        "mean": round(self.processing[label][0] / self.processing[label][1], 3)
                    },
                }
                for label in sorted(self.waiting)
            },
            "resources": {role: self.resources[role] for role in sorted(self.resources)},
            "elements": {e: {"count": self.elements[e]} for e in sorted(self.elements)},
            "outcomes": {name: self.outcomes[name] for name in sorted(self.outcomes)},
        }

    def extras(self) -> dict:
        """What the HTML report draws besides the result: histograms and paths."""
        ranked = sorted(self.paths.items(), key=lambda p: (-p[1], p[0]))
        return {
            "histograms": {
                "cycle_time": [list(b) for b in self.all_cycle.histogram()],
                "waiting": {
                    label: [list(b) for b in tally.histogram()]
                    for label, tally in sorted(self.all_waiting.items())
                },
            },
            "paths": [[list(path), count] for path, count in ranked[:50]],
            "replications": self.replications,
            "seed": self.spec.seed,
            "spec": self.spec.raw,
        }


def _rounded(figures: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 3) for key, value in figures.items()}


def _in_progress(simulation: Simulation, role: str) -> list[WorkItem]:
    """Work of `role` still running when the replication ended (its time so far counts)."""
    return [
        work
        for work in simulation.running
        if work.activity.role == role and work.started >= 0 and not work.cancelled
    ]
