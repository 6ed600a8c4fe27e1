"""Incidents: what went wrong in a case's automatic work, kept on the case until an admin acts.

Each incident carries a stable code naming its kind, so that pages, the API and metrics never
read the kind out of its (English, translatable, rewordable) message:

- `timer.failed`: a timer job failed on every attempt; the timer is parked.
- `loop.budget`: a command ran past the loop budget and was rolled back.
- `task.failed`: a BPMN script, service or business-rule task failed; its token waits in it.
- `child.failed`: the process or case a call activity started failed.
- `unknown`: recorded before incidents had codes, by a message none of the above matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

TIMER_FAILED = "timer.failed"
LOOP_BUDGET_EXCEEDED = "loop.budget"
TASK_FAILED = "task.failed"
CHILD_FAILED = "child.failed"
UNKNOWN = "unknown"
CODES = (TIMER_FAILED, LOOP_BUDGET_EXCEEDED, TASK_FAILED, CHILD_FAILED, UNKNOWN)


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident: its code, its message for people, when, and the element it concerns."""

    code: str
    message: str
    """English; a `studio.messages.Text` (stored with its template and values) translates."""
    at: datetime | None = None
    """When it was recorded (None: recorded before incidents kept their time)."""
    element: str | None = None
    """The id of the BPMN element whose failure it is (a task, a call activity), if any."""


_LOOP = re.compile(r"^more than \d+ operations in one command")
_TASK = re.compile(r"^(?:script|service|business-rule) task .*?\((?P<element>[^()\s]+)\) failed")
_CHILD = re.compile(r"^call activity .*?\((?P<element>[^()\s]+)\): ")


def legacy_incident(message: str) -> Incident:
    """The incident a message recorded before codes existed stands for: its code and element
    read, once, from the English wording the engine and the host used then (by how the message
    begins: what follows may quote anything, another incident's words included)."""
    if message.startswith("timer failed"):
        return Incident(TIMER_FAILED, message)
    if _LOOP.match(message):
        return Incident(LOOP_BUDGET_EXCEEDED, message)
    child = _CHILD.match(message)
    if child is not None:
        return Incident(CHILD_FAILED, message, element=child["element"].partition("#")[0])
    task = _TASK.match(message)
    if task is not None:
        return Incident(TASK_FAILED, message, element=task["element"])
    return Incident(UNKNOWN, message)
