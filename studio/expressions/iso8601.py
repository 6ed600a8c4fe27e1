"""ISO-8601 dates, date-times and durations: parsing to UTC-aware values and formatting back.

Conventions:

- A date-time without an offset is UTC; one with an offset is converted to UTC. A date alone,
  where a date-time is wanted, is midnight UTC.
- ``parse_duration`` gives a fixed-length ``timedelta``: a year counts 365 days and a month 30
  days (simulation durations, expression arithmetic). Timers keep years and months apart and add
  them calendar-wise (see ``timers``).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import isodate

from studio.expressions.errors import TimerError

MAX_TEXT = 64
"""Longest date, date-time or duration text accepted."""

DAYS_PER_YEAR = 365
DAYS_PER_MONTH = 30

_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION_RE = re.compile(
    rf"-?P(?=\d|T\d)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)


def looks_like_duration(text: str) -> bool:
    """True when ``text`` has the shape of an ISO-8601 duration (``PT5M``, ``P1Y2M``, ``-P1D``)."""
    return len(text) <= MAX_TEXT and _DURATION_RE.fullmatch(text) is not None


def _duration_parts(text: str) -> tuple[Decimal, Decimal, timedelta]:
    """(years, months, fixed part) of a non-negative ISO-8601 duration text."""
    if not isinstance(text, str):
        raise TimerError("timer.syntax", f"{text!r} is not an ISO-8601 duration")
    source = text.strip()
    if not looks_like_duration(source):
        raise TimerError(
            "timer.syntax", f"{_show(source)} is not an ISO-8601 duration (e.g. PT30M, P2D, P1Y2M)"
        )
    if source.startswith("-"):
        raise TimerError("timer.syntax", f"{_show(source)} is negative; durations cannot be")
    try:
        parsed = isodate.parse_duration(source.replace(",", "."))
    except (isodate.ISO8601Error, ValueError) as exc:
        raise TimerError("timer.syntax", f"{_show(source)} is not an ISO-8601 duration") from exc
    except OverflowError as exc:
        raise TimerError("timer.range", f"{_show(source)} is too long a duration") from exc
    if isinstance(parsed, timedelta):
        return Decimal(0), Decimal(0), parsed
    return Decimal(str(parsed.years)), Decimal(str(parsed.months)), parsed.tdelta


def parse_duration(value: str | float | timedelta) -> timedelta:
    """An ISO-8601 duration text, or a number of seconds, as a non-negative ``timedelta``.

    Years count 365 days and months 30 days. Raises ``TimerError`` (``timer.syntax``, or
    ``timer.range`` for durations beyond what a ``timedelta`` holds).
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise TimerError("timer.syntax", f"{value!r} is not a duration")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise TimerError("timer.syntax", f"{value!r} is not a non-negative number of seconds")
        try:
            return timedelta(seconds=value)
        except OverflowError as exc:
            raise TimerError("timer.range", f"{value!r} seconds is too long a duration") from exc
    years, months, delta = _duration_parts(value)
    try:
        return delta + timedelta(days=float(years * DAYS_PER_YEAR + months * DAYS_PER_MONTH))
    except OverflowError as exc:
        raise TimerError("timer.range", f"{_show(value)} is too long a duration") from exc


def parse_calendar_duration(text: str) -> tuple[int, int, timedelta]:
    """(years, months, fixed part) of an ISO-8601 duration, for calendar-wise date arithmetic.

    Fractional years or months have no calendar meaning and are refused.
    """
    years, months, delta = _duration_parts(text)
    if years != int(years) or months != int(months):
        raise TimerError(
            "timer.syntax",
            f"{_show(text)}: fractional years or months cannot be added to a date; use days",
        )
    return int(years), int(months), delta


def to_utc(value: datetime) -> datetime:
    """The same instant in UTC; a naive date-time is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if value.utcoffset() == timedelta(0) and value.tzinfo is UTC:
        return value
    return value.astimezone(UTC)


def parse_datetime(value: str | date) -> datetime:
    """An ISO-8601 date-time (or date: midnight) as a UTC-aware ``datetime``."""
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        raise TimerError("timer.syntax", f"{value!r} is not an ISO-8601 date-time")
    source = value.strip()
    if len(source) > MAX_TEXT or not source[:4].isdigit():
        raise TimerError("timer.syntax", f"{_show(source)} is not an ISO-8601 date-time")
    try:
        parsed = datetime.fromisoformat(source)
    except ValueError:
        try:
            parsed = isodate.parse_datetime(source)
        except (isodate.ISO8601Error, ValueError, TypeError) as exc:
            raise TimerError(
                "timer.syntax",
                f"{_show(source)} is not an ISO-8601 date-time (e.g. 2026-03-01T09:00:00Z)",
            ) from exc
    return to_utc(parsed)


def parse_date(value: str | date) -> date:
    """An ISO-8601 date (or the UTC date of a date-time)."""
    if isinstance(value, datetime):
        return to_utc(value).date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise TimerError("timer.syntax", f"{value!r} is not an ISO-8601 date")
    source = value.strip()
    if len(source) <= 10:
        try:
            return date.fromisoformat(source)
        except ValueError:
            pass
    try:
        return parse_datetime(source).date()
    except TimerError:
        raise TimerError(
            "timer.syntax", f"{_show(source)} is not an ISO-8601 date (e.g. 2026-03-01)"
        ) from None


def parse_date_or_datetime(text: str) -> date | datetime:
    """A date when the text is a date alone, else a UTC date-time."""
    source = text.strip()
    if len(source) <= 10 and "T" not in source:
        try:
            return date.fromisoformat(source)
        except ValueError:
            pass
    return parse_datetime(source)


def format_datetime(value: datetime) -> str:
    """ISO-8601 text of a date-time in UTC, ``Z``-suffixed."""
    text = to_utc(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def format_duration(value: timedelta) -> str:
    """ISO-8601 text of a ``timedelta`` (days, hours, minutes, seconds): ``P2DT3H``, ``PT0S``."""
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    days = value.days
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}P{days}D" if days else f"{sign}P"
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if seconds or value.microseconds:
        fraction = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
        clock += f"{seconds}{fraction}S"
    if clock:
        text += "T" + clock
    elif not days:
        text += "T0S"
    return text


def _show(text: object) -> str:
    shown = repr(text)
    return shown if len(shown) <= 80 else shown[:77] + "..."
