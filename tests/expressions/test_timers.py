"""ISO-8601 timers and durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from studio.expressions import (
    TimerError,
    TimerSpec,
    format_duration,
    is_iso_timer,
    next_due,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_timer,
    timer_from_value,
)

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "kind", "fields"),
    [
        ("PT5M", "duration", {"duration": timedelta(minutes=5)}),
        ("P2D", "duration", {"duration": timedelta(days=2)}),
        ("PT72H", "duration", {"duration": timedelta(hours=72)}),
        ("P1Y2M", "duration", {"years": 1, "months": 2, "duration": timedelta(0)}),
        ("P1M2DT3H", "duration", {"months": 1, "duration": timedelta(days=2, hours=3)}),
        ("  P7D ", "duration", {"duration": timedelta(days=7)}),
        ("2026-03-01T09:00:00Z", "date", {"date": datetime(2026, 3, 1, 9, tzinfo=UTC)}),
        ("2026-03-01T09:00:00", "date", {"date": datetime(2026, 3, 1, 9, tzinfo=UTC)}),
        ("2026-03-01T10:00:00+01:00", "date", {"date": datetime(2026, 3, 1, 9, tzinfo=UTC)}),
        ("2026-03-01", "date", {"date": datetime(2026, 3, 1, tzinfo=UTC)}),
        ("R3/PT1H", "cycle", {"repetitions": 3, "duration": timedelta(hours=1), "start": None}),
        ("R/PT1H", "cycle", {"repetitions": None, "duration": timedelta(hours=1)}),
        ("R/P1M", "cycle", {"repetitions": None, "months": 1}),
        (
            "R3/2026-01-01T00:00:00Z/PT1H",
            "cycle",
            {"repetitions": 3, "start": datetime(2026, 1, 1, tzinfo=UTC)},
        ),
        (
            "R2/2026-01-01T00:00:00Z/2026-01-01T06:00:00Z",
            "cycle",
            {"repetitions": 2, "duration": timedelta(hours=6)},
        ),
    ],
)
def test_parse_timer(text, kind, fields):
    spec = parse_timer(text)
    assert isinstance(spec, TimerSpec)
    assert spec.kind == kind
    assert spec.text == text.strip()
    for name, value in fields.items():
        assert getattr(spec, name) == value, name


@pytest.mark.parametrize(
    "text",
    [
        "",
        "P",
        "PT",
        "P1DT",
        "5 minutes",
        "PT5X",
        "-PT5M",
        "P0.5M",
        "R3/",
        "R3/PT0S",
        "Rx/PT1H",
        "R3/PT1H/2026-01-01T00:00:00Z",
        "R3/2026-01-01T00:00:00Z/2025-01-01T00:00:00Z",
        "R3/a/b/c",
        "2026-13-01",
        "2026-02-30T00:00:00Z",
        "tomorrow",
        "P" + "9" * 100 + "D",
        "R9999999999/PT1H",
    ],
)
def test_bad_timers(text):
    with pytest.raises(TimerError) as info:
        parse_timer(text)
    assert info.value.code in {"timer.syntax", "timer.range"}
    assert str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT5M", True),
        ("P2D", True),
        ("R3/PT1H", True),
        ("R/P1D", True),
        ("2026-03-01T09:00:00Z", True),
        ("2026-03-01", True),
        ("P5X", True),  # shaped like a duration: parse_timer says why it is wrong
        ("amount > 5", False),
        ("${dueDate}", False),
        ("Price", False),
        ("due_date", False),
        ("", False),
    ],
)
def test_is_iso_timer(text, expected):
    assert is_iso_timer(text) is expected


def test_next_due_duration_and_date():
    assert next_due(parse_timer("PT48H"), START) == START + timedelta(hours=48)
    assert next_due(parse_timer("PT48H"), START, 2) is None
    date_spec = parse_timer("2026-03-01T09:00:00Z")
    assert next_due(date_spec, START) == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert next_due(date_spec, START, 2) is None


def test_months_and_years_are_calendar_wise():
    assert next_due(parse_timer("P1M"), START) == datetime(2026, 2, 28, 9, tzinfo=UTC)
    assert next_due(parse_timer("P1Y"), datetime(2028, 2, 29, tzinfo=UTC)) == datetime(
        2029, 2, 28, tzinfo=UTC
    )
    cycle = parse_timer("R/P1M")
    # counted from the start, so it does not drift: Feb 28, then Mar 31
    assert next_due(cycle, START, 1) == datetime(2026, 2, 28, 9, tzinfo=UTC)
    assert next_due(cycle, START, 2) == datetime(2026, 3, 31, 9, tzinfo=UTC)


def test_next_due_cycle():
    spec = parse_timer("R3/PT1H")
    assert [next_due(spec, START, k) for k in (1, 2, 3)] == [
        START + timedelta(hours=1),
        START + timedelta(hours=2),
        START + timedelta(hours=3),
    ]
    assert next_due(spec, START, 4) is None
    fixed = parse_timer("R2/2026-01-01T00:00:00Z/PT1H")
    assert next_due(fixed, START, 1) == datetime(2026, 1, 1, tzinfo=UTC)
    assert next_due(fixed, START, 2) == datetime(2026, 1, 1, 1, tzinfo=UTC)
    assert next_due(fixed, START, 3) is None
    assert next_due(parse_timer("R/PT1H"), START, 1000) == START + timedelta(hours=1000)
    assert next_due(parse_timer("R0/PT1H"), START, 1) is None
    with pytest.raises(ValueError):
        next_due(spec, START, 0)


def test_next_due_with_naive_start_is_utc():
    assert next_due(parse_timer("PT1H"), datetime(2026, 1, 1)) == datetime(
        2026, 1, 1, 1, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PT5M", timedelta(minutes=5)),
        ("P1DT1H", timedelta(days=1, hours=1)),
        ("PT0.5S", timedelta(milliseconds=500)),
        ("P1Y", timedelta(days=365)),
        ("P1M", timedelta(days=30)),
        ("P1.5D", timedelta(days=1.5)),
        (90, timedelta(seconds=90)),
        (1.5, timedelta(seconds=1.5)),
        (0, timedelta(0)),
        (timedelta(hours=1), timedelta(hours=1)),
    ],
)
def test_parse_duration(value, expected):
    assert parse_duration(value) == expected


@pytest.mark.parametrize(
    "value", ["5", "PT", "-PT5M", -1, float("nan"), float("inf"), True, None, "P9999999999Y"]
)
def test_parse_duration_refuses(value):
    with pytest.raises(TimerError):
        parse_duration(value)


def test_parse_datetime_and_date():
    assert parse_datetime("2026-01-05T09:00:00Z") == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert parse_datetime("2026-01-05") == datetime(2026, 1, 5, tzinfo=UTC)
    assert parse_datetime(date(2026, 1, 5)) == datetime(2026, 1, 5, tzinfo=UTC)
    assert parse_date("2026-01-05T09:00:00Z") == date(2026, 1, 5)
    with pytest.raises(TimerError):
        parse_datetime("soon")
    with pytest.raises(TimerError):
        parse_date("2026-02-30")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(minutes=5), "PT5M"),
        (timedelta(days=2, hours=3), "P2DT3H"),
        (timedelta(days=1), "P1D"),
        (timedelta(seconds=1.5), "PT1.5S"),
        (timedelta(hours=-1), "-PT1H"),
    ],
)
def test_format_duration_round_trips(value, text):
    assert format_duration(value) == text
    if value >= timedelta(0):
        assert parse_duration(text) == value


def test_timer_from_expression_results():
    due = datetime(2026, 3, 1, tzinfo=UTC)
    assert timer_from_value(due).date == due
    assert timer_from_value(date(2026, 3, 1)).date == due
    assert timer_from_value(timedelta(hours=2)).duration == timedelta(hours=2)
    assert timer_from_value("R2/PT1H").kind == "cycle"
    with pytest.raises(TimerError):
        timer_from_value(42)
