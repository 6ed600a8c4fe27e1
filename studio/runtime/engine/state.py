"""The state of one case: plain, copyable data the engine transforms command by command."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from studio.runtime.engine.incidents import Incident
from studio.runtime.engine.layered_map import LayeredMap

TERMINAL = frozenset({"completed", "terminated", "closed"})
"""States an item or case never leaves (a failed item can be reactivated)."""


@dataclass(slots=True)
class ItemInstance:
    """One instance of a plan item (the case plan model's instance is the case itself)."""

    id: str
    item: str  # plan item id
    stage: str | None  # instance id of the stage instance it belongs to
    state: str
    seq: int
    required: bool = False
    resume_to: str | None = None  # the state to go back to on resume
    memory: dict[str, set[int]] = field(default_factory=dict)  # criterion -> on-parts occurred
    occurrences: int = 0  # timer occurrences so far
    due: datetime | None = None  # when a person's task is due (its model's due date)
    suspended_by_parent: bool = False  # suspended with parentSuspend: resumes with parentResume

    def clone(self) -> ItemInstance:
        return ItemInstance(
            self.id, self.item, self.stage, self.state, self.seq, self.required, self.resume_to,
            {k: set(v) for k, v in self.memory.items()} if self.memory else {},
            self.occurrences, self.due, self.suspended_by_parent,
        )  # fmt: skip


@dataclass(slots=True)
class Timer:
    instance: str
    due: datetime
    occurrence: int
    started: datetime  # when the timer started: occurrences are counted from here
    cycle: str | None = None
    """The repeating interval an expression gave when the timer started (read once, like the
    timer's first due time); None when the model writes the timer itself."""


@dataclass(slots=True)
class HistoryEvent:
    seq: int
    at: datetime
    instance: str | None
    item: str | None
    event: str
    state: str | None
    cause: str | None = None
    user: str | None = None
    code: str | None = None
    """An `incident` event's code (see `incidents`); None for other events."""
    element: str | None = None
    """The BPMN element an `incident` event concerns, if any (as `Incident.element`)."""


CONTAINERS = ("items", "timers", "incidents", "by_item", "by_stage", "blocking")
"""The fields holding lists and dicts, shared between copies until one changes them."""


LAYERED_FROM = 256
"""From this many entries on, the item instances and the index by plan item are kept in a
`LayeredMap` (copied in time independent of size) instead of a plain dict (copied entry by
entry, which is faster for a small case)."""


def copy_container(value: Any) -> Any:
    """A shallow copy of a list or dict; a big dict becomes a `LayeredMap`."""
    kind = type(value)  # not isinstance: a check against an abstract base class is slow
    if kind is LayeredMap:
        return value.copy()
    if kind is dict and len(value) >= LAYERED_FROM:
        return LayeredMap(dict(value))  # the last full copy: later ones share it
    return value.copy()


DERIVED = {"derived": True}
"""Field metadata: an index rebuilt from the other fields (`CaseState.reindex`), never stored."""


@dataclass(slots=True)
class CaseState:
    """Everything that changes while a case runs.

    Commands run on a `copy()`; item instances are shared between the copy and the original
    until the engine edits one (it clones it first), and the case file is copied on write, so the
    cost of a command does not grow with the size of the case.
    """

    id: str
    definition: str
    state: str = "active"
    data: dict[str, Any] = field(default_factory=dict)
    items: dict[str, ItemInstance] = field(default_factory=dict)
    """Item instances by id: a dict, or a `LayeredMap` once the case is big (`copy_container`)."""
    timers: list[Timer] = field(default_factory=list)
    seq: int = 0
    incidents: list[Incident] = field(default_factory=list)
    """What went wrong in the case's automatic work, oldest first, until an admin acts."""
    team: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The case team: case role name -> users and groups bound to it."""
    error: str | None = None
    """The code of the BPMN error that failed the process ("" for an error without one)."""
    parked: list[Timer] = field(default_factory=list)
    """Timers taken off the schedule by an incident (they failed), until an admin retries."""
    by_item: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=DERIVED)
    by_stage: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=DERIVED)
    blocking: dict[str, int] = field(default_factory=dict, metadata=DERIVED)
    """Per stage instance: how many children keep it from completing automatically."""
    owned: set[str] = field(default_factory=lambda: set(CONTAINERS), metadata=DERIVED)
    """The containers this state may change in place; the others are shared with the state it
    was copied from and are copied on their first change (`own`)."""

    def copy(self) -> CaseState:
        """A copy to run a command on (discarded when the command is refused). It shares every
        container with this state until it changes one, so copying costs the same for any case."""
        return CaseState(
            self.id, self.definition, self.state, self.data, self.items, self.timers, self.seq,
            self.incidents, self.team, self.error, self.parked, self.by_item, self.by_stage,
            self.blocking, set(),
        )  # fmt: skip

    def own(self, name: str) -> Any:
        """The container `name`, copied first if it is still shared."""
        if name not in self.owned:
            setattr(self, name, copy_container(getattr(self, name)))
            self.owned.add(name)
        return getattr(self, name)

    def put(self, instance: ItemInstance) -> None:
        """Store a changed (cloned) instance."""
        (self.items if "items" in self.owned else self.own("items"))[instance.id] = instance

    def count_blocking(self, stage: str, change: int) -> None:
        counts = self.blocking if "blocking" in self.owned else self.own("blocking")
        counts[stage] = counts.get(stage, 0) + change

    def reindex(self) -> None:
        """Rebuild the item indexes (after loading a stored state; the engine then recounts
        `blocking`, see CaseEngine.restore)."""
        by_item: dict[str, list[str]] = {}
        by_stage: dict[str, list[str]] = {}
        for instance in sorted(self.items.values(), key=lambda i: i.seq):
            by_item.setdefault(instance.item, []).append(instance.id)
            if instance.stage is not None:
                by_stage.setdefault(instance.stage, []).append(instance.id)
        self.by_item = {k: tuple(v) for k, v in by_item.items()}
        self.by_stage = {k: tuple(v) for k, v in by_stage.items()}

    def add(self, instance: ItemInstance) -> None:
        """Add a new instance, keeping the indexes."""
        owned = self.owned
        (self.items if "items" in owned else self.own("items"))[instance.id] = instance
        by_item = self.by_item if "by_item" in owned else self.own("by_item")
        by_item[instance.item] = (*by_item.get(instance.item, ()), instance.id)
        if instance.stage is not None:
            by_stage = self.by_stage if "by_stage" in owned else self.own("by_stage")
            by_stage[instance.stage] = (*by_stage.get(instance.stage, ()), instance.id)

    def next_timer(self, until: datetime | None = None) -> Timer | None:
        """The timer to fire next (due first, by instance to break ties), if it is due by
        `until`; the timers of suspended listeners wait for their resume."""
        waiting = [
            t
            for t in self.timers
            if (until is None or t.due <= until) and self.items[t.instance].state != "suspended"
        ]
        return min(waiting, key=lambda t: (t.due, t.instance)) if waiting else None

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def instances_of(self, item: str) -> list[ItemInstance]:
        """Instances of a plan item, oldest first."""
        return [self.items[i] for i in self.by_item.get(item, ())]

    def children(self, stage_instance: str) -> list[ItemInstance]:
        """Instances whose stage instance is `stage_instance`, oldest first."""
        return [self.items[i] for i in self.by_stage.get(stage_instance, ())]
