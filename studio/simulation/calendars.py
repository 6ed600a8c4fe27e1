"""Working calendars: when a resource works or cases arrive, in simulation time.

Simulation time is seconds since the Unix epoch (UTC). A calendar's hours are local wall-clock
hours of its timezone, so an 08:00-18:00 day follows daylight-saving time. A wall-clock time that
does not exist (skipped by a spring-forward change) counts from the change itself; an ambiguous one
(repeated by a fall-back change) is its first occurrence.

Open intervals are cached per UTC day as epoch floats, clipped to the day, so the hot methods
(``next_open``, ``finish``) do arithmetic and a dict look-up, no date-time work.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from studio.simulation.errors import SpecError

DAY = 86_400
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
MAX_HOLIDAYS = 10_000
FIRST_YEAR, LAST_YEAR = 1900, 9000
MAX_CLOSED_DAYS = 365
"""A calendar closed longer than this (from one opening to the next) is refused."""
GUARD_DAYS = MAX_CLOSED_DAYS + 10
"""Loops give up after this many consecutive closed UTC days (never reached after parsing)."""
CACHE_DAYS = 8192
"""Cached UTC days per calendar before the cache is emptied."""

_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {name: i for names in (DAY_NAMES, _FULL_NAMES) for i, name in enumerate(names)}
_KEYS = ("timezone", "days", "hours", "holidays")

Pieces = tuple[float, ...]
"""Open intervals within one UTC day, flattened: (start, end, start, end, ...)."""


class Calendar:
    """The opening hours of a calendar; build one with ``Calendar.from_spec``."""

    __slots__ = ("_cache", "_days", "_forever_after", "_holidays", "_hours", "_tz", "timezone")

    def __init__(
        self,
        timezone: str,
        days: frozenset[int],
        hours: tuple[tuple[int, int], ...],
        holidays: frozenset[date],
    ) -> None:
        self.timezone = timezone
        self._tz = ZoneInfo(timezone)
        self._days = days
        self._hours = hours
        self._holidays = holidays
        self._cache: dict[int, Pieces] = {}
        full_week = len(days) == 7 and hours == ((0, DAY),)
        last = max(holidays, default=date(1970, 1, 1))
        self._forever_after = (
            (last.toordinal() - EPOCH_ORDINAL + 2) * DAY if full_week else math.inf
        )

    @classmethod
    def from_spec(cls, spec: Any, where: str) -> Calendar:
        """A calendar from ``{"timezone", "days", "hours", "holidays"}``; ``ALWAYS`` when it never
        closes. Raises ``SpecError`` for unusable input or a calendar that is never open."""
        if not isinstance(spec, dict):
            raise SpecError(
                'expected an object such as {"timezone": "Europe/Paris", "days": ["mon", "tue"], '
                '"hours": [["08:00", "18:00"]], "holidays": ["2026-12-25"]}',
                where,
            )
        for key in spec:
            if key not in _KEYS:
                raise SpecError(f"{key!r} is unknown; expected {', '.join(_KEYS)}", _at(where, key))
        timezone = _parse_timezone(spec.get("timezone", "UTC"), _at(where, "timezone"))
        days = _parse_days(spec.get("days", list(DAY_NAMES)), _at(where, "days"))
        hours = _parse_hours(spec.get("hours", [["00:00", "24:00"]]), _at(where, "hours"))
        holidays = _parse_holidays(spec.get("holidays", []), _at(where, "holidays"))
        _check_opens(days, holidays, where)
        if len(days) == 7 and hours == ((0, DAY),) and not holidays:
            return ALWAYS
        return cls(timezone, days, hours, holidays)

    def __repr__(self) -> str:
        days = ",".join(DAY_NAMES[d] for d in sorted(self._days))
        hours = ",".join(f"{_clock(a)}-{_clock(b)}" for a, b in self._hours)
        return f"Calendar({self.timezone} {days} {hours}, {len(self._holidays)} holidays)"

    def is_open(self, t: float) -> bool:
        """Whether the calendar is open at ``t``."""
        pieces = self._day(int(t // DAY))
        for i in range(0, len(pieces), 2):
            if t < pieces[i + 1]:
                return pieces[i] <= t
        return False

    def next_open(self, t: float) -> float:
        """``t`` when open, else the start of the next opening."""
        day = int(t // DAY)
        for _ in range(GUARD_DAYS):
            pieces = self._day(day)
            for i in range(1, len(pieces), 2):
                if t < pieces[i]:
                    start = pieces[i - 1]
                    return start if t < start else t
            day += 1
        raise _stuck(t)

    def open_until(self, t: float) -> float:
        """The end of the opening ``t`` is in (openings touching across days merged; ``inf`` when
        it never ends); ``t`` itself when closed."""
        day = int(t // DAY)
        pieces = self._day(day)
        end = t
        for i in range(0, len(pieces), 2):
            if pieces[i] <= t < pieces[i + 1]:
                end = pieces[i + 1]
                break
        while end == (day + 1) * DAY:
            if end >= self._forever_after:
                return math.inf
            day += 1
            pieces = self._day(day)
            if not pieces or pieces[0] != end:
                break
            end = pieces[1]
        return end

    def finish(self, start: float, work: float) -> float:
        """When ``work`` seconds of working time begun at ``start`` end: started at the next
        opening, paused whenever the calendar closes."""
        t = start
        day = int(t // DAY)
        idle = 0
        while idle < GUARD_DAYS:
            pieces = self._day(day)
            for i in range(1, len(pieces), 2):
                end = pieces[i]
                if t < end:
                    if t < pieces[i - 1]:
                        t = pieces[i - 1]
                    available = end - t
                    if work <= available:
                        return t + work
                    work -= available
                    t = end
                    idle = -1
            day += 1
            idle += 1
        raise _stuck(start)

    def open_seconds(self, a: float, b: float) -> float:
        """Working seconds between ``a`` and ``b``."""
        total = 0.0
        for day in range(int(a // DAY), int(b // DAY) + 1):
            pieces = self._day(day)
            for i in range(0, len(pieces), 2):
                low = max(pieces[i], a)
                high = min(pieces[i + 1], b)
                if high > low:
                    total += high - low
        return total

    def _day(self, day: int) -> Pieces:
        """The open intervals within UTC day ``day`` (days since 1970-01-01), cached."""
        pieces = self._cache.get(day)
        if pieces is None:
            if len(self._cache) >= CACHE_DAYS:
                self._cache.clear()
            pieces = self._cache[day] = self._compute(day)
        return pieces

    def _compute(self, day: int) -> Pieces:
        low, high = day * DAY, (day + 1) * DAY
        spans = sorted(
            (max(start, low), min(end, high))
            for ordinal in range(day + EPOCH_ORDINAL - 1, day + EPOCH_ORDINAL + 2)
            for start, end in self._local(date.fromordinal(ordinal))
            if start < high and end > low
        )
        merged: list[float] = []
        for start, end in spans:
            if merged and start <= merged[-1]:
                merged[-1] = max(merged[-1], float(end))
            else:
                merged += [float(start), float(end)]
        return tuple(merged)

    def _local(self, day: date) -> Iterator[tuple[float, float]]:
        """The open intervals of local date ``day`` as epoch seconds."""
        if day.weekday() not in self._days or day in self._holidays:
            return
        for start, end in self._hours:
            first, last = self._epoch(day, start), self._epoch(day, end)
            if last > first:
                yield first, last

    def _epoch(self, day: date, seconds: int) -> float:
        """Epoch seconds of the wall-clock time ``seconds`` after local midnight of ``day``."""
        if seconds == DAY:
            day, seconds = day + timedelta(days=1), 0
        hour, rest = divmod(seconds, 3600)
        wall = datetime(day.year, day.month, day.day, hour, rest // 60, rest % 60, tzinfo=self._tz)
        first = wall.timestamp()
        second = wall.replace(fold=1).timestamp()
        if second >= first:
            return first  # an existing wall-clock time (when repeated, its first occurrence)
        return self._change(second, first)  # skipped: fold 1 reads it before the change

    def _change(self, low: float, high: float) -> float:
        """The instant of the clock change between ``low`` (old offset) and ``high`` (new)."""
        offset = datetime.fromtimestamp(high, self._tz).utcoffset()
        lo, hi = math.floor(low), math.ceil(high)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if datetime.fromtimestamp(mid, self._tz).utcoffset() == offset:
                hi = mid
            else:
                lo = mid
        return float(hi)


class _AlwaysOpen(Calendar):
    """Open around the clock: no calendar at all."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("UTC", frozenset(range(7)), ((0, DAY),), frozenset())

    def __repr__(self) -> str:
        return "ALWAYS"

    def is_open(self, t: float) -> bool:
        return True

    def next_open(self, t: float) -> float:
        return t

    def open_until(self, t: float) -> float:
        return math.inf

    def finish(self, start: float, work: float) -> float:
        return start + work

    def open_seconds(self, a: float, b: float) -> float:
        return b - a if b > a else 0.0


ALWAYS: Calendar = _AlwaysOpen()
"""The calendar of resources and arrivals that have none: open around the clock."""


def _stuck(t: float) -> RuntimeError:
    return RuntimeError(f"no opening within {GUARD_DAYS} days after {t}")


def _at(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _parse_timezone(value: Any, where: str) -> str:
    hint = 'expected an IANA timezone name such as "Europe/Paris" or "UTC"'
    if not isinstance(value, str) or not value or len(value) > 64:
        raise SpecError(f"{value!r} is not a timezone; {hint}", where)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise SpecError(f"{value!r} is not a known timezone; {hint}", where) from None
    return value


def _parse_days(value: Any, where: str) -> frozenset[int]:
    if not isinstance(value, list):
        raise SpecError(f"expected a list of days from {', '.join(DAY_NAMES)}", where)
    days = set()
    for i, name in enumerate(value):
        day = _WEEKDAYS.get(name.strip().lower()) if isinstance(name, str) else None
        if day is None:
            raise SpecError(
                f"{name!r} is not a day; expected one of {', '.join(DAY_NAMES)}", _at(where, i)
            )
        days.add(day)
    if not days:
        raise SpecError("the calendar is never open: it has no days", where)
    return frozenset(days)


def _parse_hours(value: Any, where: str) -> tuple[tuple[int, int], ...]:
    hint = 'expected a list of [start, end] pairs such as [["08:00", "12:00"], ["13:00", "17:00"]]'
    if not isinstance(value, list):
        raise SpecError(hint, where)
    if not value:
        raise SpecError("the calendar is never open: it has no hours", where)
    hours = []
    for i, pair in enumerate(value):
        if not isinstance(pair, list) or len(pair) != 2:
            raise SpecError(f"{pair!r} is not a [start, end] pair; {hint}", _at(where, i))
        start = _parse_clock(pair[0], _at(where, i), end=False)
        end = _parse_clock(pair[1], _at(where, i), end=True)
        if start >= end:
            raise SpecError(
                f"{pair[0]} is not before {pair[1]}; a start must precede its end", _at(where, i)
            )
        hours.append((start, end))
    hours.sort()
    merged: list[tuple[int, int]] = []
    for start, end in hours:
        if merged and start < merged[-1][1]:
            previous = f"{_clock(merged[-1][0])}-{_clock(merged[-1][1])}"
            raise SpecError(f"{previous} and {_clock(start)}-{_clock(end)} overlap", where)
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _parse_clock(value: Any, where: str, *, end: bool) -> int:
    """Seconds after midnight of "HH:MM" (or "HH:MM:SS"); "24:00" only as an end."""
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if match:
        hours, minutes, seconds = (int(g or 0) for g in match.groups())
        total = hours * 3600 + minutes * 60 + seconds
        if minutes < 60 and seconds < 60 and (hours < 24 or (end and total == DAY)):
            return total
    allowed = "00:00 to 24:00" if end else "00:00 to 23:59"
    raise SpecError(f"{value!r} is not a time of day; expected HH:MM from {allowed}", where)


def _parse_holidays(value: Any, where: str) -> frozenset[date]:
    if not isinstance(value, list):
        raise SpecError('expected a list of dates such as ["2026-12-25"]', where)
    if len(value) > MAX_HOLIDAYS:
        raise SpecError(f"at most {MAX_HOLIDAYS} holidays are allowed", where)
    holidays = set()
    for i, text in enumerate(value):
        try:
            if not isinstance(text, str) or len(text) != 10:
                raise ValueError(text)
            day = date.fromisoformat(text)
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise ValueError(text)
        except ValueError:
            raise SpecError(
                f"{text!r} is not a date; expected YYYY-MM-DD from {FIRST_YEAR} to {LAST_YEAR}",
                _at(where, i),
            ) from None
        holidays.add(day)
    return frozenset(holidays)


def _check_opens(days: frozenset[int], holidays: frozenset[date], where: str) -> None:
    """Refuse holidays that close the calendar for more than ``MAX_CLOSED_DAYS`` in a row."""
    closed = sorted(h for h in holidays if h.weekday() in days)
    index = 0
    while index < len(closed):
        first = last = closed[index]
        index += 1
        while index < len(closed) and _working_day(last, days, 1) == closed[index]:
            last = closed[index]
            index += 1
        before, after = _working_day(first, days, -1), _working_day(last, days, 1)
        if (after - before).days - 1 > MAX_CLOSED_DAYS:
            raise SpecError(
                f"the calendar is never open from {before + timedelta(days=1)} to "
                f"{after - timedelta(days=1)}: holidays cover every working day; a calendar must "
                "open at least once a year",
                _at(where, "holidays"),
            )


def _working_day(day: date, days: frozenset[int], step: int) -> date:
    """The nearest weekday of ``days`` strictly before (step -1) or after (step 1) ``day``."""
    day += timedelta(days=step)
    while day.weekday() not in days:
        day += timedelta(days=step)
    return day
