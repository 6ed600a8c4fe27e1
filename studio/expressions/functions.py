"""The curated functions an expression may call, by plain name, with their arities."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from studio.expressions.errors import ExpressionEvaluationError, TimerError
from studio.expressions.iso8601 import (
    format_datetime,
    format_duration,
    parse_date,
    parse_datetime,
    parse_duration,
    to_utc,
)
from studio.expressions.limits import MAX_INT, MAX_ROUND_DIGITS, MAX_STRING
from studio.expressions.operators import add
from studio.expressions.values import (
    charge,
    count_items,
    too_large,
    type_error,
    type_name,
)


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """A callable function: its implementation and how many arguments it takes."""

    name: str
    impl: Callable[..., Any] | None
    """None for the clock functions, which the evaluator binds to the evaluation's clock."""
    min_args: int
    max_args: int | None
    summary: str


def _value_error(message: str) -> ExpressionEvaluationError:
    return ExpressionEvaluationError("expr.value-error", message)


def fn_len(value: Any) -> int:
    if isinstance(value, str | list | tuple | Mapping):
        return len(value)
    raise type_error(f"len() needs text, a list or an object, not {type_name(value)}")


def fn_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, list | tuple | Mapping):
        if count_items(value, MAX_STRING) > MAX_STRING:
            raise too_large(f"the text would be longer than {MAX_STRING} characters")
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=_json_default)
        except ValueError as exc:
            raise _value_error(f"str() of a value that is not JSON: {exc}") from None
        charge(len(text))
    else:
        text = str(value)
    if len(text) > MAX_STRING:
        raise too_large(f"the text would be longer than {MAX_STRING} characters")
    return text


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    raise type_error(f"{type(value).__name__} values are not plain data")


def fn_int(value: Any) -> int:
    if isinstance(value, bool | int):
        result = int(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _value_error(f"{value} cannot become an integer")
        result = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 50:
            raise too_large("the text is too long to be an integer")
        try:
            result = int(text)
        except ValueError:
            raise _value_error(f"{value!r} is not an integer") from None
    else:
        raise type_error(f"int() needs a number or text, not {type_name(value)}")
    if not -MAX_INT <= result <= MAX_INT:
        raise too_large("the integer is too large")
    return result


def fn_float(value: Any) -> float:
    if isinstance(value, bool | int | float):
        result = float(value)
    elif isinstance(value, str):
        if len(value) > 100:
            raise too_large("the text is too long to be a number")
        try:
            result = float(value)
        except ValueError:
            raise _value_error(f"{value!r} is not a number") from None
    else:
        raise type_error(f"float() needs a number or text, not {type_name(value)}")
    if not math.isfinite(result):
        raise _value_error(f"{value!r} is not a finite number")
    return result


def fn_round(value: Any, digits: Any = None) -> int | float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise type_error(f"round() needs a number, not {type_name(value)}")
    if digits is None:
        if isinstance(value, float) and not math.isfinite(value):
            raise _value_error(f"{value} cannot be rounded")
        return round(value)
    if not isinstance(digits, int) or isinstance(digits, bool):
        raise type_error(f"round()'s digits must be an integer, not {type_name(digits)}")
    if abs(digits) > MAX_ROUND_DIGITS:
        raise _value_error(f"round() takes at most {MAX_ROUND_DIGITS} digits")
    return round(value, digits)


def fn_abs(value: Any) -> Any:
    if isinstance(value, int | float | timedelta) and not isinstance(value, bool):
        return abs(value)
    raise type_error(f"abs() needs a number or a duration, not {type_name(value)}")


def _extremum(name: str, pick: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    values = args[0] if len(args) == 1 else args
    if not isinstance(values, list | tuple):
        raise type_error(f"{name}() needs a list or several values, not {type_name(values)}")
    charge(len(values))
    if not values:
        raise _value_error(f"{name}() of an empty list")
    try:
        return pick(values)
    except TypeError:
        kinds = sorted({type_name(v) for v in values})
        raise type_error(f"{name}() cannot compare {' and '.join(kinds)}") from None


def fn_min(*args: Any) -> Any:
    return _extremum("min", min, args)


def fn_max(*args: Any) -> Any:
    return _extremum("max", max, args)


def fn_sum(values: Any) -> Any:
    if not isinstance(values, list | tuple):
        raise type_error(f"sum() needs a list, not {type_name(values)}")
    charge(len(values))
    if values and all(isinstance(v, timedelta) for v in values):
        total: Any = timedelta(0)
    else:
        for v in values:
            if not isinstance(v, int | float) or isinstance(v, bool):
                raise type_error(f"sum() adds numbers or durations, not {type_name(v)}")
        total = 0
    for v in values:
        total = add(total, v)
    return total


def fn_lower(text: Any) -> str:
    if not isinstance(text, str):
        raise type_error(f"lower() needs text, not {type_name(text)}")
    charge(len(text))
    return text.lower()


def fn_upper(text: Any) -> str:
    if not isinstance(text, str):
        raise type_error(f"upper() needs text, not {type_name(text)}")
    charge(len(text))
    result = text.upper()
    if len(result) > MAX_STRING:
        raise too_large(f"the text would be longer than {MAX_STRING} characters")
    return result


def fn_contains(container: Any, item: Any) -> bool:
    """True when ``item`` is in a list, a key of an object or part of a text; null holds nothing."""
    if container is None:
        return False
    if isinstance(container, str):
        if not isinstance(item, str):
            raise type_error(f"contains() looks for text in text, not {type_name(item)}")
        return item in container
    if isinstance(container, list | tuple | Mapping):
        try:
            return item in container
        except TypeError:
            raise type_error(f"an object's keys are text, not {type_name(item)}") from None
    raise type_error(f"contains() needs text, a list or an object, not {type_name(container)}")


def _temporal(parse: Callable[[Any], Any], kind: str, value: Any) -> Any:
    try:
        return parse(value)
    except TimerError as exc:
        raise _value_error(exc.message) from None
    except (TypeError, ValueError, OverflowError):
        raise _value_error(f"{value!r} is not {kind}") from None


def fn_date(value: Any) -> date:
    if not isinstance(value, str | date):
        raise type_error(f"date() needs ISO-8601 text or a date, not {type_name(value)}")
    return _temporal(parse_date, "an ISO-8601 date", value)


def fn_datetime(value: Any) -> datetime:
    if not isinstance(value, str | date):
        raise type_error(f"datetime() needs ISO-8601 text or a date, not {type_name(value)}")
    return _temporal(parse_datetime, "an ISO-8601 date-time", value)


def fn_duration(value: Any) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, str | int | float | timedelta):
        raise type_error(
            f"duration() needs ISO-8601 text or a number of seconds, not {type_name(value)}"
        )
    if isinstance(value, str) and value.strip().startswith("-"):
        return -_temporal(parse_duration, "an ISO-8601 duration", value.strip()[1:])
    return _temporal(parse_duration, "an ISO-8601 duration", value)


def fn_days_between(start: Any, end: Any) -> int:
    """Calendar days from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return (fn_date(end) - fn_date(start)).days


def clock_now(clock: datetime) -> datetime:
    return to_utc(clock)


def clock_today(clock: datetime) -> date:
    return to_utc(clock).date()


_SPECS = (
    FunctionSpec("len", fn_len, 1, 1, "number of characters, items or keys"),
    FunctionSpec("str", fn_str, 1, 1, "text of a value (dates ISO-8601, lists and objects JSON)"),
    FunctionSpec("int", fn_int, 1, 1, "integer of a number or text (truncates)"),
    FunctionSpec("float", fn_float, 1, 1, "number of a number or text"),
    FunctionSpec("round", fn_round, 1, 2, "rounded number, optionally to n digits"),
    FunctionSpec("abs", fn_abs, 1, 1, "absolute value of a number or duration"),
    FunctionSpec("min", fn_min, 1, None, "smallest of a list or of several values"),
    FunctionSpec("max", fn_max, 1, None, "largest of a list or of several values"),
    FunctionSpec("sum", fn_sum, 1, 1, "sum of a list of numbers or durations"),
    FunctionSpec("lower", fn_lower, 1, 1, "text in lower case"),
    FunctionSpec("upper", fn_upper, 1, 1, "text in upper case"),
    FunctionSpec("contains", fn_contains, 2, 2, "item in a list, key in an object, text in text"),
    FunctionSpec("now", None, 0, 0, "the engine clock's date-time (UTC)"),
    FunctionSpec("today", None, 0, 0, "the engine clock's date (UTC)"),
    FunctionSpec("days_between", fn_days_between, 2, 2, "calendar days from a to b"),
    FunctionSpec("date", fn_date, 1, 1, "a date from ISO-8601 text"),
    FunctionSpec("datetime", fn_datetime, 1, 1, "a date-time from ISO-8601 text (UTC default)"),
    FunctionSpec("duration", fn_duration, 1, 1, "a duration from ISO-8601 text or seconds"),
)

FUNCTION_SPECS: dict[str, FunctionSpec] = {spec.name: spec for spec in _SPECS}
FUNCTIONS: tuple[str, ...] = tuple(spec.name for spec in _SPECS)
"""Names of the functions an expression may call."""

CLOCK_FUNCTIONS = {"now": clock_now, "today": clock_today}
