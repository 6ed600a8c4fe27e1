"""Clocks: the virtual one moves only forward, and only when told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studio.runtime.clock import VirtualClock, WallClock


def test_virtual_clock_moves_only_when_told_and_never_back():
    clock = VirtualClock(datetime(2026, 1, 5))
    assert clock.now() == datetime(2026, 1, 5, tzinfo=UTC)
    assert clock.advance(timedelta(hours=2)) == datetime(2026, 1, 5, 2, tzinfo=UTC)
    assert clock.move_to(datetime(2026, 1, 4, tzinfo=UTC)) == datetime(2026, 1, 5, 2, tzinfo=UTC)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))


def test_wall_clock_is_aware_utc():
    assert WallClock().now().tzinfo is UTC
