"""What the engine takes and gives: commands, outcomes, and the effects its host carries out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.runtime.engine.state import CaseState, HistoryEvent


@dataclass(frozen=True, slots=True)
class Command:
    """One command: an action in the scenario vocabulary on a plan item (None: the case)."""

    action: str
    item: str | None = None
    data: dict[str, Any] | None = None
    user: str | None = None
    """Who acts; None is the system itself (timers, scenario tests, simulation)."""
    groups: frozenset[str] = frozenset()


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
