"""What the engine takes and gives: commands, outcomes, and the effects its host carries out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studio.messages import text
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.incidents import Incident
from studio.runtime.engine.state import CaseState, HistoryEvent, Timer


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


@dataclass(frozen=True, slots=True)
class Publish:
    """Effect: a message or signal leaves the instance for its host to deliver.

    A signal reaches every other instance waiting for it and starts every process of the project
    with a signal start event of that name; a message reaches the oldest instance waiting for it
    (with `correlation`, only one whose key matches), or else starts a process of the project
    with a message start event of that name. Thrown messages and signals carry no data."""

    kind: str  # "message" or "signal"
    name: str
    sender: str  # the id of the instance that threw it
    correlation: Any = None


Effect = StartChild | StopChild | Publish


Transition = tuple[str | None, str | None, str, str | None]
"""(instance, item, event, new state): what a watching host sees of a command."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command produced: the new state, the history events it appended, the effects
    its host must carry out (children to start or stop), and — for an engine made with
    `history="transitions"` — its transitions as bare tuples instead of history events."""

    state: CaseState
    history: tuple[HistoryEvent, ...]
    effects: tuple[Effect, ...] = ()
    transitions: tuple[Transition, ...] = ()


def with_incident(
    state: CaseState,
    code: str,
    message: str,
    now: datetime,
    timer: Timer | None,
    record: bool | str,
) -> Outcome:
    """The state as it was, with an incident (`code`, see `incidents`) recorded and the timer
    that caused it (if any) parked: taken off the schedule until an admin retries it."""
    work = state.copy()
    incident = Incident(code, message, now)
    work.incidents = [*work.incidents, incident]  # a new list: the old one stays shared
    if timer is not None:
        work.timers = [t for t in work.timers if t is not timer]
        work.parked = [*work.parked, timer]
    event = HistoryEvent(work.next_seq(), now, None, None, "incident", None, message, code=code)
    return Outcome(work, (event,) if record is True else ())


def retry_incidents(
    state: CaseState, now: datetime, user: str | None, record: bool | str
) -> Outcome:
    """An admin's retry: the parked timers back on the schedule (at their own due time, so the
    overdue ones fire at once) and the incidents cleared. Refused when there is none."""
    if not state.incidents and not state.parked:
        raise Refused(text("case {case!r} has no incident to retry", case=state.id))
    work = state.copy()
    work.timers = sorted([*work.timers, *work.parked], key=lambda t: t.due)
    cleared = "; ".join(incident.message for incident in work.incidents) or None
    work.parked, work.incidents = [], []
    event = HistoryEvent(work.next_seq(), now, None, None, "retry", None, cleared, user)
    return Outcome(work, (event,) if record is True else ())
