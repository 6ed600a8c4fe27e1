"""The state of one case: plain, copyable data the engine transforms command by command."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TERMINAL = frozenset({"completed", "terminated", "failed", "closed"})


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


@dataclass(slots=True)
class Timer:
    instance: str
    due: datetime
    occurrence: int
    started: datetime  # when the timer started: occurrences are counted from here


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


@dataclass(slots=True)
class CaseState:
    """Everything that changes while a case runs."""

    id: str
    definition: str
    state: str = "active"
    data: dict[str, Any] = field(default_factory=dict)
    items: dict[str, ItemInstance] = field(default_factory=dict)
    timers: list[Timer] = field(default_factory=list)
    seq: int = 0
    incidents: list[str] = field(default_factory=list)

    def copy(self) -> CaseState:
        """A deep copy to run a command on (discarded when the command is refused)."""
        return copy.deepcopy(self)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def instances_of(self, item: str) -> list[ItemInstance]:
        return [i for i in self.items.values() if i.item == item]

    def children(self, stage_instance: str) -> list[ItemInstance]:
        return [i for i in self.items.values() if i.stage == stage_instance]
