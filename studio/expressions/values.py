"""Values of the expression language: plain JSON-like data plus dates, date-times and durations.

Dates are ``datetime.date``, date-times UTC-aware ``datetime.datetime``, durations
``datetime.timedelta``. Case data holds them as ISO-8601 text; ``to_json_value`` turns results
back into JSON-ready data.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from studio.expressions.errors import ExpressionEvaluationError, TimerError
from studio.expressions.iso8601 import (
    format_datetime,
    format_duration,
    parse_date_or_datetime,
    parse_duration,
    to_utc,
)
from studio.expressions.limits import MAX_ITEMS, MAX_RESULT_DEPTH, MAX_WORK

TEMPORAL_TYPES = (date, datetime, timedelta)
_SCALARS = frozenset({type(None), bool, int, str, date, datetime, timedelta})

_TYPE_NAMES = {
    type(None): "null",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "text",
    list: "a list",
    tuple: "a list",
    dict: "an object",
    date: "a date",
    datetime: "a date-time",
    timedelta: "a duration",
}


_work = threading.local()


def start_work() -> int:
    """Give this thread's evaluation a fresh work budget; returns the budget it had left."""
    left = getattr(_work, "left", MAX_WORK)
    _work.left = MAX_WORK
    return left


def restore_work(left: int) -> None:
    _work.left = left


def charge(amount: int) -> None:
    """Spend ``amount`` of the evaluation's work budget; refuse the evaluation beyond it."""
    left = getattr(_work, "left", MAX_WORK) - amount
    _work.left = left
    if left < 0:
        raise too_large(f"the expression does too much work (more than {MAX_WORK} steps)")


def type_name(value: Any) -> str:
    """How an analyst would call the type of a value: ``text``, ``a number``, ``a date``..."""
    name = _TYPE_NAMES.get(type(value))
    if name is not None:
        return name
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def type_error(message: str) -> ExpressionEvaluationError:
    return ExpressionEvaluationError("expr.type-error", message)


def too_large(message: str) -> ExpressionEvaluationError:
    return ExpressionEvaluationError("expr.too-large", message)


def is_temporal(value: Any) -> bool:
    return isinstance(value, TEMPORAL_TYPES)


def text_to_temporal(text: str, like: Any) -> date | datetime | timedelta:
    """Read ISO-8601 text as the same kind of value as ``like`` (a duration, or a date/time)."""
    try:
        if isinstance(like, timedelta):
            return _signed_duration(text)
        return parse_date_or_datetime(text)
    except TimerError as exc:
        raise ExpressionEvaluationError("expr.value-error", exc.message) from exc


def text_to_duration(text: str) -> timedelta:
    try:
        return _signed_duration(text)
    except TimerError as exc:
        raise ExpressionEvaluationError("expr.value-error", exc.message) from exc


def _signed_duration(text: str) -> timedelta:
    source = text.strip()
    if source.startswith("-"):
        return -parse_duration(source[1:])
    return parse_duration(source)


def align_temporal(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Make two values comparable when one is a date, date-time or duration: ISO text is read as
    the other's kind, a date meets a date-time as midnight UTC, naive date-times are UTC.
    None when neither value is temporal."""
    a_temporal, b_temporal = is_temporal(a), is_temporal(b)
    if not (a_temporal or b_temporal):
        return None
    if isinstance(a, str):
        a = text_to_temporal(a, b)
    elif isinstance(b, str):
        b = text_to_temporal(b, a)
    a_dt, b_dt = isinstance(a, datetime), isinstance(b, datetime)
    if a_dt or b_dt:
        if isinstance(a, date):
            a = _as_datetime(a)
        if isinstance(b, date):
            b = _as_datetime(b)
    return a, b


def _as_datetime(value: date) -> datetime:
    if isinstance(value, datetime):
        return to_utc(value)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def plain(value: Any) -> Any:
    """A result as plain data: scalars as they are, lists and objects copied (tuples become
    lists), at most ``MAX_ITEMS`` values and ``MAX_RESULT_DEPTH`` levels; non-finite numbers and
    foreign objects refused."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise ExpressionEvaluationError("expr.value-error", f"{value} is not a number")
        return value
    budget = [MAX_ITEMS]
    copied = _copy(value, budget, 0)
    charge(MAX_ITEMS - budget[0])
    return copied


def _copy(value: Any, budget: list[int], depth: int) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise too_large(f"the result holds more than {MAX_ITEMS} values")
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise ExpressionEvaluationError("expr.value-error", f"{value} is not a number")
        return value
    if depth >= MAX_RESULT_DEPTH:
        raise too_large(f"the result nests deeper than {MAX_RESULT_DEPTH} levels")
    if kind is list or kind is tuple:
        return [_copy(item, budget, depth + 1) for item in value]
    if kind is dict or isinstance(value, Mapping):
        copied = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise type_error(f"object keys must be text, not {type_name(key)}")
            copied[key] = _copy(item, budget, depth + 1)
        return copied
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, int | str | date | timedelta):
        return value
    raise type_error(f"{type(value).__name__} values are not plain data")


def count_items(value: Any, limit: int) -> int:
    """Values in ``value``, nested ones included, counting no further than ``limit + 1``."""
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            return count
        kind = type(item)
        if kind is list or kind is tuple:
            stack.extend(item)
        elif kind is dict:
            stack.extend(item.values())
    charge(count)
    return count


def to_json_value(value: Any) -> Any:
    """A result as JSON-ready data: date-times as ``...Z`` text, dates as ``YYYY-MM-DD``,
    durations as ISO-8601 durations; lists and objects converted throughout."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {key: to_json_value(item) for key, item in value.items()}
    return value
