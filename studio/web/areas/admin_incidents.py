"""Reading the incidents of the runtime for /admin/incidents: every case (or process a case
started) with an incident, each incident with its kind, when it happened and what a retry does.

Incidents live on the case state (`CaseState.incidents`, each with a stable code, see
`studio.runtime.engine.incidents`) with an `incident` event in its history. The page's kinds,
read from the code, never from the message:

- `timer` (`timer.failed`): a timer job failed on every attempt; the timer is parked until an
  admin retries.
- `loop` (`loop.budget`): a command ran past the loop budget and was rolled back. On a user's
  action nothing is parked, so a retry would do nothing: the admin dismisses it once the model is
  fixed. On a timer, the timer is parked and a retry fires it again.
- `task` (`task.failed`): a BPMN script, service or business-rule task failed; its token waits in
  the task and a retry runs the task again.
- `child` (`child.failed`): the process a call activity calls failed or, in practice, could not
  start (a started process that fails throws its error to the call activity instead). Nothing
  waits to run again and the call activity keeps waiting: the page says what the admin can do.
- `other`: anything else (a task whose token no longer waits; `unknown`): nothing to run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from studio.host.cases import ActionError
from studio.runtime.engine.incidents import (
    CHILD_FAILED,
    LOOP_BUDGET_EXCEEDED,
    TASK_FAILED,
    TIMER_FAILED,
)
from studio.runtime.store.schema import case_history
from studio.runtime.store.sql import SqlStore

RETRIED_TASKS = frozenset({"script_task", "rule_task", "service_task"})


@dataclass(frozen=True)
class Incident:
    """One incident of a case: its kind on this page, its code, message, when, and the action
    that retries it."""

    kind: str
    code: str
    message: str
    at: datetime | None
    retry: dict[str, str] | None = None
    """The case action that runs it again (None: nothing to run again)."""
    on_timer: bool = False
    """A loop budget exceeded while a timer fired (the timer is parked)."""


@dataclass
class CaseIncidents:
    """The open incidents of one case, and whether a case-level retry puts a timer back."""

    case: str
    top: str
    definition: str | None
    deployment: int | None
    state: str
    incidents: list[Incident] = field(default_factory=list)
    parked: int = 0
    attempts: int | None = None

    @property
    def retries_timers(self) -> bool:
        """Whether Retry on the case puts parked timers back on the schedule."""
        return self.parked > 0

    @property
    def dismissable(self) -> bool:
        """Nothing is parked and no task waits to run again: the incidents can only be cleared."""
        return not self.parked and all(i.retry is None for i in self.incidents)


def cases_with_incidents(
    store: SqlStore, host: Any, failed_jobs: list[dict]
) -> list[CaseIncidents]:
    """The cases that still have incidents, the most recent incident first."""
    attempts = {job["case_id"]: job["attempts"] for job in failed_jobs}
    found = []
    for case_id, times in _incident_times(store).items():
        try:
            loaded = host.load(case_id)
        except (ActionError, LookupError):
            continue
        state = loaded.state
        if not state.incidents:
            continue  # retried or dismissed
        found.append(
            CaseIncidents(
                case=case_id,
                top=host.top_of(case_id),
                definition=loaded.definition.id,
                deployment=loaded.deployment,
                state=state.state,
                incidents=_classify(loaded, times),
                parked=len(state.parked),
                attempts=attempts.get(case_id),
            )
        )
    newest = datetime.min.replace(tzinfo=None)
    return sorted(
        found,
        key=lambda c: max((i.at.replace(tzinfo=None) for i in c.incidents if i.at), default=newest),
        reverse=True,
    )


def _incident_times(store: SqlStore) -> dict[str, dict[str, datetime]]:
    """Per case whose history holds an incident: when each incident message was recorded (the
    latest time for a message recorded twice), for incidents stored before they kept their
    time. One query."""
    query = (
        sa.select(case_history.c.case_id, case_history.c.cause, case_history.c.at)
        .where(case_history.c.event == "incident")
        .order_by(case_history.c.case_id, case_history.c.seq)
    )
    found: dict[str, dict[str, datetime]] = {}
    with store.engine.connect() as connection:
        for case_id, cause, at in connection.execute(query):
            found.setdefault(case_id, {})[cause or ""] = at
    return found


def _classify(loaded: Any, times: dict[str, datetime]) -> list[Incident]:
    """The case's open incidents, each with its kind, time and retry action."""
    state = loaded.state
    waiting = _waiting_tasks(loaded)
    timer_failures = sum(1 for i in state.incidents if i.code == TIMER_FAILED)
    loops_on_timers = len(state.parked) - timer_failures
    found = []
    for incident in state.incidents:
        code, message = incident.code, incident.message
        at = incident.at or times.get(message)
        if code == TASK_FAILED and incident.element in waiting:
            found.append(Incident("task", code, message, at, {"retry": incident.element}))
        elif code == TIMER_FAILED:
            found.append(Incident("timer", code, message, at))
        elif code == LOOP_BUDGET_EXCEEDED:
            on_timer = loops_on_timers > 0
            loops_on_timers -= 1 if on_timer else 0
            found.append(Incident("loop", code, message, at, on_timer=on_timer))
        elif code == CHILD_FAILED:
            found.append(Incident("child", code, message, at))
        else:
            found.append(Incident("other", code, message, at))
    return found


def _waiting_tasks(loaded: Any) -> list[str]:
    """Element ids of the BPMN tasks whose token waits with an incident (a retry runs them)."""
    nodes = getattr(loaded.definition, "nodes", None)
    if not nodes:
        return []
    found = []
    for instance in loaded.state.items.values():
        node = nodes.get(instance.item) if isinstance(nodes, dict) else None
        kind = getattr(node, "kind", None)
        if instance.state == "active" and instance.memory.get("incident") and kind in RETRIED_TASKS:
            found.append(instance.item)
    return found
