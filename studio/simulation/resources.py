"""Resource pools: interchangeable case workers of one role, inside their working calendar, taking
work first come first served."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from studio.simulation.calendars import Calendar


@dataclass(slots=True, eq=False)
class WorkItem:
    """One piece of human work: ready at `ready`, `duration` seconds of working time."""

    instance: Any  # the running instance (simulator's) the task belongs to
    task: str  # the task's instance id
    activity: Any  # the simulator's Activity
    ready: float
    duration: float
    counted: bool  # its case arrived after the warm-up
    started: float = -1.0
    finish: float = -1.0
    cancelled: bool = False


@dataclass(slots=True)
class Pool:
    """`count` resources of one role working inside `calendar`, with their FCFS queue."""

    role: str
    count: int
    calendar: Calendar
    cost_per_hour: float
    free: int = 0
    queue: deque[WorkItem] = field(default_factory=deque)
    busy: float = 0.0
    """Working seconds spent on work inside the measured window."""
    wake_at: float | None = None
    """When a wake-up to take queued work at the next opening is scheduled."""

    def __post_init__(self) -> None:
        self.free = self.count

    def account(self, work: WorkItem, until: float, window_start: float) -> None:
        """Add the working time `work` took up to `until` (from the window's start on)."""
        begin = max(work.started, window_start)
        if until > begin:
            if work.started >= window_start and until >= work.finish:
                self.busy += work.duration
            else:
                self.busy += self.calendar.open_seconds(begin, until)

    def cost(self) -> float:
        return self.busy / 3600.0 * self.cost_per_hour
