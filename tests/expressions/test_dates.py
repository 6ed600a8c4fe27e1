"""Dates, date-times and durations: functions, arithmetic, comparisons and the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from studio.expressions import ExpressionError, ExpressionEvaluationError

from .conftest import NOW


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("now()", NOW),
        ("today()", date(2026, 1, 5)),
        ('date("2026-03-01")', date(2026, 3, 1)),
        ('date("2026-01-05T23:00:00-05:00")', date(2026, 1, 6)),  # the UTC date
        ('datetime("2026-03-01T09:00:00Z")', datetime(2026, 3, 1, 9, tzinfo=UTC)),
        ('datetime("2026-03-01T09:00:00")', datetime(2026, 3, 1, 9, tzinfo=UTC)),
        ('datetime("2026-03-01T10:00:00+01:00")', datetime(2026, 3, 1, 9, tzinfo=UTC)),
        ('datetime("2026-03-01")', datetime(2026, 3, 1, tzinfo=UTC)),
        ('duration("PT5M")', timedelta(minutes=5)),
        ('duration("P2D")', timedelta(days=2)),
        ('duration("P1W")', timedelta(days=7)),
        ('duration("P1Y2M")', timedelta(days=365 + 60)),  # fixed-length convention
        ('duration("-PT1H")', timedelta(hours=-1)),
        ("duration(90)", timedelta(seconds=90)),
        ("days_between(due, received_at)", -8),
        ('days_between("2026-01-01", today())', 4),
        ("days_between(today(), due)", 5),
        # arithmetic
        ('now() + duration("PT30M")', datetime(2026, 1, 5, 10, tzinfo=UTC)),
        ('now() + "PT30M"', datetime(2026, 1, 5, 10, tzinfo=UTC)),
        ('"PT30M" + now()', datetime(2026, 1, 5, 10, tzinfo=UTC)),
        ('now() - "P1D"', datetime(2026, 1, 4, 9, 30, tzinfo=UTC)),
        ('today() + duration("P1D")', date(2026, 1, 6)),
        ("now() - received_at", timedelta(days=3, hours=1, minutes=30)),
        ("now() - datetime(received_at)", timedelta(days=3, hours=1, minutes=30)),
        ("date(due) - today()", timedelta(days=5)),
        ("now() - date(due)", timedelta(days=-5, hours=9, minutes=30)),
        ('duration("PT1H") * 2', timedelta(hours=2)),
        ('duration("PT1H") / 2', timedelta(minutes=30)),
        ('duration("PT1H") / duration("PT30M")', 2.0),
        ('duration("PT1H") + "PT1H"', timedelta(hours=2)),
        # comparisons; ISO text is read as the other side's kind
        ("today() < date(due)", True),
        ("today() < due", True),
        ("due > today()", True),
        ("now() > received_at", True),
        ('now() - received_at > duration("P2D")', True),
        ('now() - received_at > "P4D"', False),
        ('date(due) == "2026-01-10"', True),
        ('today() == datetime("2026-01-05T00:00:00Z")', True),
        ('today() < datetime("2026-01-05T00:00:01Z")', True),
        ("max(date(due), today())", date(2026, 1, 10)),
    ],
)
def test_dates(engine, data, source, expected):
    assert engine.compile(source).evaluate(data, now=NOW) == expected


def test_clock_defaults_to_real_utc_now(engine):
    before = datetime.now(UTC)
    value = engine.compile("now()").evaluate({})
    assert before <= value <= datetime.now(UTC)
    assert value.tzinfo is not None


def test_virtual_clock_with_offset_or_naive(engine):
    paris = timezone(timedelta(hours=1))
    compiled = engine.compile("now()")
    assert compiled.evaluate({}, now=datetime(2026, 1, 5, 10, tzinfo=paris)) == NOW.replace(
        minute=0
    )
    assert compiled.evaluate({}, now=datetime(2026, 1, 5, 9, 30)) == NOW
    assert engine.compile("today()").evaluate({}, now=datetime(2026, 1, 5, 23, 30, tzinfo=UTC)) == (
        date(2026, 1, 5)
    )


def test_date_values_in_variables(engine):
    variables = {"d": date(2026, 1, 1), "t": datetime(2026, 1, 1, 12)}  # naive: UTC
    assert engine.compile("t - d").evaluate(variables) == timedelta(hours=12)
    assert engine.compile("t > d").evaluate(variables) is True


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("today() + today()", "expr.type-error"),
        ('now() + "tomorrow"', "expr.type-error"),
        ('now() > "soon"', "expr.value-error"),
        ("now() > 5", "expr.type-error"),
        ("days_between(text, due)", "expr.value-error"),
        ('date("2026-01-05") + 1', "expr.type-error"),
    ],
)
def test_date_errors(engine, data, source, code):
    with pytest.raises(ExpressionEvaluationError) as info:
        engine.compile(source).evaluate(data, now=NOW)
    assert info.value.code == code


def test_date_literals_are_checked_at_compile_time(engine):
    with pytest.raises(ExpressionError) as info:
        engine.compile('today() > date("2026-13-45")')
    assert info.value.code == "expr.value-error"
    assert info.value.offset == len("today() > ")
    with pytest.raises(ExpressionError):
        engine.compile('duration("5 minutes")')


def test_unequal_text_and_date_compare_false(engine):
    assert engine.compile('today() == "not a date"').evaluate({}, now=NOW) is False
