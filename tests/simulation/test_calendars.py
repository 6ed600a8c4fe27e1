"""Working calendars: openings, work paused outside them, holidays and daylight-saving time."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from studio.simulation.calendars import ALWAYS, Calendar
from studio.simulation.errors import SpecError

PARIS = ZoneInfo("Europe/Paris")
HOUR = 3600.0
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
WHERE = "calendars.office"


def saturdays(count: int) -> list[str]:
    """``count`` Saturdays in a row from 2026-01-03, as holidays."""
    return [(date(2026, 1, 3) + timedelta(weeks=n)).isoformat() for n in range(count)]


def paris(*parts: int) -> float:
    """Epoch seconds of a Paris wall-clock time."""
    return datetime(*parts, tzinfo=PARIS).timestamp()


def office(**extra: object) -> Calendar:
    spec = {"timezone": "Europe/Paris", "days": WEEKDAYS, "hours": [["08:00", "18:00"]], **extra}
    return Calendar.from_spec(spec, WHERE)


def test_a_case_arriving_friday_evening_waits_for_monday_morning() -> None:
    calendar = office()
    assert calendar.next_open(paris(2026, 1, 9, 19)) == paris(2026, 1, 12, 8)
    assert calendar.next_open(paris(2026, 1, 10, 12)) == paris(2026, 1, 12, 8)
    assert calendar.next_open(paris(2026, 1, 12, 7, 59)) == paris(2026, 1, 12, 8)


def test_an_open_time_is_its_own_next_opening() -> None:
    calendar = office()
    assert calendar.next_open(paris(2026, 1, 7, 10, 17)) == paris(2026, 1, 7, 10, 17)
    assert calendar.is_open(paris(2026, 1, 7, 8))
    assert not calendar.is_open(paris(2026, 1, 7, 18))
    assert calendar.next_open(paris(2026, 1, 7, 18)) == paris(2026, 1, 8, 8)


def test_work_pauses_over_the_lunch_break() -> None:
    calendar = office(hours=[["08:00", "12:00"], ["13:00", "17:00"]])
    assert calendar.finish(paris(2026, 1, 7, 11, 30), HOUR) == paris(2026, 1, 7, 13, 30)
    assert calendar.open_until(paris(2026, 1, 7, 11, 30)) == paris(2026, 1, 7, 12)
    assert not calendar.is_open(paris(2026, 1, 7, 12, 30))


def test_work_spanning_the_weekend_resumes_on_monday() -> None:
    calendar = office()
    assert calendar.finish(paris(2026, 1, 9, 17), 3 * HOUR) == paris(2026, 1, 12, 10)


def test_work_begun_outside_hours_starts_at_the_next_opening() -> None:
    calendar = office()
    assert calendar.finish(paris(2026, 1, 10, 9), 2 * HOUR) == paris(2026, 1, 12, 10)
    assert calendar.finish(paris(2026, 1, 10, 9), 0) == paris(2026, 1, 12, 8)


def test_a_whole_working_week_of_work_ends_friday_evening() -> None:
    assert office().finish(paris(2026, 1, 5, 8), 50 * HOUR) == paris(2026, 1, 9, 18)


def test_holidays_are_skipped() -> None:
    calendar = office(holidays=["2026-12-25"])  # a Friday
    assert calendar.finish(paris(2026, 12, 24, 17), 2 * HOUR) == paris(2026, 12, 28, 9)
    assert calendar.next_open(paris(2026, 12, 25, 9)) == paris(2026, 12, 28, 8)
    assert not calendar.is_open(paris(2026, 12, 25, 9))


def test_a_working_week_has_fifty_open_hours_also_across_clock_changes() -> None:
    calendar = office()
    assert calendar.open_seconds(paris(2026, 1, 5), paris(2026, 1, 12)) == 50 * HOUR
    assert calendar.open_seconds(paris(2026, 3, 23), paris(2026, 3, 30)) == 50 * HOUR
    assert calendar.open_seconds(paris(2026, 10, 19), paris(2026, 10, 26)) == 50 * HOUR
    assert calendar.open_seconds(paris(2026, 1, 7, 17), paris(2026, 1, 8, 9)) == 2 * HOUR
    assert calendar.open_seconds(paris(2026, 1, 8), paris(2026, 1, 7)) == 0


@pytest.mark.parametrize("day", [29, 25])
def test_office_hours_are_local_hours_on_clock_change_sundays(day: int) -> None:
    month = 3 if day == 29 else 10  # the last Sundays of March and October 2026
    calendar = Calendar.from_spec({"timezone": "Europe/Paris", "hours": [["08:00", "18:00"]]}, "c")
    assert calendar.next_open(paris(2026, month, day, 0)) == paris(2026, month, day, 8)
    assert calendar.open_until(paris(2026, month, day, 9)) == paris(2026, month, day, 18)
    assert calendar.open_seconds(paris(2026, month, day), paris(2026, month, day + 1)) == 10 * HOUR
    assert calendar.finish(paris(2026, month, day, 17), 2 * HOUR) == paris(2026, month, day + 1, 9)


def test_clock_changes_inside_the_hours_shorten_or_lengthen_them() -> None:
    night = Calendar.from_spec({"timezone": "Europe/Paris", "hours": [["00:00", "06:00"]]}, "c")
    spring, autumn = paris(2026, 3, 29), paris(2026, 10, 25)
    assert night.open_seconds(spring, spring + 12 * HOUR) == 5 * HOUR
    assert night.open_seconds(autumn, autumn + 12 * HOUR) == 7 * HOUR
    assert night.finish(spring + HOUR, 2 * HOUR) == paris(2026, 3, 29, 4)


def test_hours_ending_in_a_skipped_or_repeated_hour() -> None:
    late = Calendar.from_spec({"timezone": "Europe/Paris", "hours": [["01:00", "02:30"]]}, "c")
    spring, autumn = paris(2026, 3, 29), paris(2026, 10, 25)
    # 02:30 never happens on the spring night: work stops when the clocks jump to 03:00
    assert late.open_until(paris(2026, 3, 29, 1, 30)) == paris(2026, 3, 29, 3)
    assert late.open_seconds(spring, spring + 12 * HOUR) == HOUR
    # 02:30 happens twice on the autumn night: work stops at the first one
    assert late.open_seconds(autumn, autumn + 12 * HOUR) == 1.5 * HOUR


def test_a_night_shift_runs_on_across_midnight() -> None:
    calendar = Calendar.from_spec(
        {"timezone": "Europe/Paris", "hours": [["22:00", "24:00"], ["00:00", "06:00"]]}, "c"
    )
    assert calendar.open_until(paris(2026, 1, 7, 23)) == paris(2026, 1, 8, 6)
    assert calendar.open_until(paris(2026, 1, 8, 1)) == paris(2026, 1, 8, 6)
    assert calendar.finish(paris(2026, 1, 7, 23), 8 * HOUR) == paris(2026, 1, 8, 23)
    # the night the clocks go forward is an hour shorter
    assert calendar.open_until(paris(2026, 3, 28, 23)) - paris(2026, 3, 28, 23) == 6 * HOUR


def test_a_calendar_in_another_timezone_follows_its_own_clock() -> None:
    tokyo = Calendar.from_spec({"timezone": "Asia/Tokyo", "hours": [["09:00", "17:00"]]}, "c")
    nine = datetime(2026, 1, 7, 9, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()
    assert tokyo.next_open(nine - 1) == nine
    assert tokyo.open_seconds(nine - 12 * HOUR, nine + 12 * HOUR) == 8 * HOUR


def test_finishing_takes_exactly_the_working_time_asked_for() -> None:
    calendar = office(hours=[["08:00", "12:00"], ["13:00", "18:00"]], holidays=["2026-05-01"])
    rng = random.Random(2)
    for _ in range(500):
        start = paris(2026, 1, 1) + rng.uniform(0, 365 * 24 * HOUR)
        work = rng.expovariate(1 / (6 * HOUR))
        end = calendar.finish(start, work)
        assert calendar.open_seconds(start, end) == pytest.approx(work, abs=1e-6)
        assert calendar.is_open(end - 1e-3)


def test_a_round_the_clock_calendar_with_a_holiday_closes_only_that_day() -> None:
    calendar = Calendar.from_spec({"timezone": "Europe/Paris", "holidays": ["2026-12-25"]}, "c")
    assert calendar.open_until(paris(2026, 12, 20)) == paris(2026, 12, 25)
    assert calendar.next_open(paris(2026, 12, 25, 12)) == paris(2026, 12, 26)
    assert calendar.open_until(paris(2026, 12, 27)) == math.inf


def test_no_calendar_is_always_open() -> None:
    t = paris(2026, 1, 10, 3)  # a Saturday night
    assert Calendar.from_spec({}, "c") is ALWAYS
    assert (
        Calendar.from_spec({"timezone": "Europe/Paris", "days": [*WEEKDAYS, "sat", "sun"]}, "c")
        is ALWAYS
    )
    assert ALWAYS.is_open(t)
    assert ALWAYS.next_open(t) == t
    assert ALWAYS.finish(t, 5 * HOUR) == t + 5 * HOUR
    assert ALWAYS.open_until(t) == math.inf
    assert ALWAYS.open_seconds(t, t + 7 * 24 * HOUR) == 7 * 24 * HOUR


def test_a_calendar_with_days_written_out_in_full() -> None:
    calendar = Calendar.from_spec({"days": ["Monday", "TUE"], "hours": [["9:00", "17:00"]]}, "c")
    monday = datetime(2026, 1, 5, 9, tzinfo=ZoneInfo("UTC")).timestamp()
    assert calendar.open_seconds(monday, monday + 7 * 24 * HOUR) == 16 * HOUR


@pytest.mark.parametrize(
    ("spec", "where", "reason"),
    [
        ({"days": []}, f"{WHERE}.days", "never open"),
        ({"hours": []}, f"{WHERE}.hours", "never open"),
        ({"days": ["sat"], "holidays": saturdays(52)}, f"{WHERE}.holidays", "never open"),
        ({"timezone": "Mars/Olympus"}, f"{WHERE}.timezone", "Europe/Paris"),
        ({"timezone": 1}, f"{WHERE}.timezone", "timezone"),
        ({"days": ["mon", "funday"]}, f"{WHERE}.days[1]", "mon, tue"),
        ({"days": "mon"}, f"{WHERE}.days", "list of days"),
        ({"hours": [["08:00", "25:00"]]}, f"{WHERE}.hours[0]", "HH:MM"),
        ({"hours": [["24:00", "24:00"]]}, f"{WHERE}.hours[0]", "00:00 to 23:59"),
        ({"hours": [["8h", "18h"]]}, f"{WHERE}.hours[0]", "HH:MM"),
        ({"hours": [["18:00", "08:00"]]}, f"{WHERE}.hours[0]", "not before"),
        ({"hours": ["08:00-18:00"]}, f"{WHERE}.hours[0]", "[start, end]"),
        ({"hours": [["08:00", "12:00"], ["11:00", "14:00"]]}, f"{WHERE}.hours", "overlap"),
        ({"holidays": ["2026-13-01"]}, f"{WHERE}.holidays[0]", "YYYY-MM-DD"),
        ({"holidays": "2026-12-25"}, f"{WHERE}.holidays", "list of dates"),
        ({"weekdays": ["mon"]}, f"{WHERE}.weekdays", "timezone, days, hours, holidays"),
        (["mon"], WHERE, "timezone"),
    ],
)
def test_a_bad_calendar_is_refused_naming_the_place(spec: object, where: str, reason: str) -> None:
    with pytest.raises(SpecError) as caught:
        Calendar.from_spec(spec, WHERE)
    assert caught.value.where == where
    assert reason in caught.value.reason


def test_a_calendar_closed_almost_a_year_opens_again() -> None:
    calendar = Calendar.from_spec({"days": ["sat"], "holidays": saturdays(51)}, WHERE)
    reopening = datetime(2026, 1, 3, tzinfo=UTC) + timedelta(weeks=51)
    assert calendar.next_open(paris(2026, 1, 1)) == reopening.timestamp()
