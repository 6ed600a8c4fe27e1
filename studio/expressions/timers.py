"""Timer expressions: ISO-8601 durations, dates and repeating intervals, and their due times.

Forms accepted by ``parse_timer``:

- duration ``PT5M``, ``P2D``, ``P1Y2M``: due that long after the timer starts;
- date ``2026-03-01T09:00:00Z`` (UTC unless an offset is given; a date alone is midnight UTC);
- cycle ``R3/PT1H`` (every hour, three times, the first an hour after the start), ``R/PT1H``
  (unbounded), ``R3/2026-01-01T00:00:00Z/PT1H`` (from a fixed start, the first at that start),
  ``R3/<start>/<end>`` (the period is end minus start).

Years and months are added calendar-wise (1 Jan 31 + P1M is 28 Feb; the k-th occurrence is
counted from the start, so it does not drift). ``R/<duration>/<end>`` is refused: the timer would
have to count back from the end.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from studio.expressions.errors import TimerError
from studio.expressions.iso8601 import (
    MAX_TEXT,
    format_duration,
    looks_like_duration,
    parse_calendar_duration,
    parse_datetime,
    to_utc,
)

TimerKind = Literal["duration", "date", "cycle"]

_REPEAT_RE = re.compile(r"R(\d*)/(.+)")
_DATE_START_RE = re.compile(r"\d{4}-?\d{2}")


@dataclass(frozen=True, slots=True)
class TimerSpec:
    """A parsed timer: when it is due relative to its start, or at a fixed time."""

    kind: TimerKind
    text: str
    duration: timedelta = timedelta(0)
    """Fixed-length part of the duration (``duration``) or period (``cycle``)."""
    years: int = 0
    months: int = 0
    date: datetime | None = None
    """Due time of a ``date`` timer (UTC)."""
    start: datetime | None = None
    """Explicit first occurrence of a ``cycle`` (UTC); None: one period after the timer starts."""
    repetitions: int | None = None
    """Occurrences of a ``cycle``; None means unbounded (``R/...``)."""

    @property
    def is_repeating(self) -> bool:
        return self.kind == "cycle"


def is_iso_timer(text: str) -> bool:
    """True when the text has the shape of an ISO-8601 timer (``P...``, ``R.../...`` or a date).

    It says what the author meant, not that the text is valid: ``parse_timer`` may still refuse
    it with a precise reason. Anything else is taken to be an expression.
    """
    if not isinstance(text, str):
        return False
    source = text.strip()
    if not source or len(source) > 4 * MAX_TEXT:
        return False
    bare = source[1:] if source[0] == "-" else source
    if bare[:1] == "P":
        return bare[1:2].isdigit() or bare[1:2] == "T"
    if _REPEAT_RE.fullmatch(source):
        return True
    return _DATE_START_RE.match(source) is not None and all(
        c.isalnum() or c in "-:+.,TZ " for c in source
    )


def parse_timer(text: str) -> TimerSpec:
    """Parse an ISO-8601 timer; raises ``TimerError(code="timer.syntax")`` when it is not one."""
    if not isinstance(text, str):
        raise TimerError("timer.syntax", f"{text!r} is not a timer text")
    source = text.strip()
    if not source:
        raise TimerError("timer.syntax", "the timer is empty")
    if len(source) > 4 * MAX_TEXT:
        raise TimerError("timer.syntax", "the timer text is too long")
    repeat = _REPEAT_RE.fullmatch(source)
    if repeat:
        return _parse_cycle(source, repeat.group(1), repeat.group(2))
    if source[0] in "P-":
        years, months, delta = parse_calendar_duration(source)
        return TimerSpec("duration", source, delta, years, months)
    return TimerSpec("date", source, date=parse_datetime(source))


def _parse_cycle(source: str, count: str, rest: str) -> TimerSpec:
    if count and len(count) > 9:
        raise TimerError("timer.syntax", f"{source!r}: too many repetitions")
    repetitions = int(count) if count else None
    parts = rest.split("/")
    if len(parts) == 1:
        years, months, delta = _period(source, parts[0])
        return TimerSpec("cycle", source, delta, years, months, repetitions=repetitions)
    if len(parts) != 2:
        raise TimerError("timer.syntax", f"{source!r} is not a repeating interval (e.g. R3/PT1H)")
    first, second = parts
    if looks_like_duration(first):
        raise TimerError(
            "timer.syntax",
            f"{source!r}: a repeating interval ending at a date is not supported; "
            "give the start instead (R3/2026-01-01T09:00:00Z/PT1H)",
        )
    start = parse_datetime(first)
    if looks_like_duration(second) or second.startswith("P"):
        years, months, delta = _period(source, second)
        return TimerSpec(
            "cycle", source, delta, years, months, start=start, repetitions=repetitions
        )
    end = parse_datetime(second)
    if end <= start:
        raise TimerError("timer.syntax", f"{source!r}: the interval ends before it starts")
    return TimerSpec("cycle", source, end - start, start=start, repetitions=repetitions)


def _period(source: str, text: str) -> tuple[int, int, timedelta]:
    years, months, delta = parse_calendar_duration(text)
    if not years and not months and delta <= timedelta(0):
        raise TimerError("timer.syntax", f"{source!r}: the period of a cycle cannot be zero")
    return years, months, delta


def add_calendar(
    moment: datetime,
    years: int = 0,
    months: int = 0,
    delta: timedelta = timedelta(0),
    times: int = 1,
) -> datetime:
    """``moment`` plus ``times`` times (years, months, delta); months clamp to the month's end."""
    moment = to_utc(moment)
    total = (years * 12 + months) * times
    try:
        if total:
            index = moment.year * 12 + (moment.month - 1) + total
            year, month = divmod(index, 12)
            month += 1
            day = min(moment.day, calendar.monthrange(year, month)[1])
            moment = moment.replace(year=year, month=month, day=day)
        return moment + delta * times
    except (OverflowError, ValueError) as exc:
        raise TimerError("timer.range", "the timer falls outside the supported dates") from exc


def next_due(spec: TimerSpec, from_time: datetime, occurrence: int = 1) -> datetime | None:
    """When occurrence number ``occurrence`` (1-based) of a timer started at ``from_time`` is
    due, in UTC; None when the timer has no such occurrence (a one-shot timer after its first,
    a cycle past its repetitions)."""
    if occurrence < 1:
        raise ValueError("occurrence counts from 1")
    if spec.kind == "date":
        return spec.date if occurrence == 1 else None
    if spec.kind == "duration":
        if occurrence != 1:
            return None
        return add_calendar(from_time, spec.years, spec.months, spec.duration)
    if spec.repetitions is not None and occurrence > spec.repetitions:
        return None
    if spec.start is not None:
        return add_calendar(spec.start, spec.years, spec.months, spec.duration, occurrence - 1)
    return add_calendar(from_time, spec.years, spec.months, spec.duration, occurrence)


def timer_from_value(value: Any) -> TimerSpec:
    """A timer from an expression's result: a date-time or date, a duration, or ISO-8601 text."""
    if isinstance(value, datetime | date):
        due = parse_datetime(value)
        return TimerSpec("date", due.isoformat(), date=due)
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise TimerError("timer.syntax", "a timer cannot wait a negative duration")
        return TimerSpec("duration", format_duration(value), value)
    if isinstance(value, str):
        return parse_timer(value)
    raise TimerError("timer.syntax", f"{value!r} is neither a date, a duration nor ISO-8601 text")
