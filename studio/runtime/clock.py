"""Clocks: the wall clock for live cases, a virtual one for scenario tests and simulation.

The engine never reads a clock itself: whoever drives it reads one and passes `now`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""


class WallClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """Time that moves only when told to: `advance` or `move_to`, never backwards."""

    def __init__(self, start: datetime) -> None:
        self._now = start if start.tzinfo else start.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, duration: timedelta) -> datetime:
        if duration < timedelta(0):
            raise ValueError("a virtual clock does not go back")
        self._now += duration
        return self._now

    def move_to(self, moment: datetime) -> datetime:
        """Move forward to `moment` (staying put if it is in the past)."""
        self._now = max(self._now, moment)
        return self._now
