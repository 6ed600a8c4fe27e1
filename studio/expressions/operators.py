"""Operators of the expression language, with size caps and date/duration arithmetic.

Each takes evaluated operands and either returns a value or raises ``ExpressionEvaluationError``
(with a message an analyst can act on); none can allocate beyond the caps in ``limits``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from studio.expressions.errors import ExpressionEvaluationError
from studio.expressions.limits import MAX_INT, MAX_ITEMS, MAX_STRING
from studio.expressions.values import (
    align_temporal,
    charge,
    count_items,
    text_to_duration,
    text_to_temporal,
    too_large,
    type_error,
    type_name,
)

_SEQUENCES = frozenset({str, list, tuple})
_CONTAINERS = frozenset({list, tuple, dict})
_TEMPORAL = frozenset({date, datetime, timedelta})
_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "floordiv": "//", "mod": "%"}


def _checked_int(result: Any) -> Any:
    if type(result) is int and not -MAX_INT <= result <= MAX_INT:
        raise too_large(f"the number has more than {len(str(MAX_INT)) - 1} digits")
    return result


def _mismatch(symbol: str, a: Any, b: Any) -> ExpressionEvaluationError:
    return type_error(f"cannot apply {symbol} to {type_name(a)} and {type_name(b)}")


def _check_concat(a: Any, b: Any) -> None:
    if type(a) is str and type(b) is str:
        size = len(a) + len(b)
        if size > MAX_STRING:
            raise too_large(f"the text would be longer than {MAX_STRING} characters")
        if size > 256:
            charge(size)
    elif type(a) in _SEQUENCES and type(b) in _SEQUENCES and type(a) is not str:
        size = count_items(a, MAX_ITEMS) + count_items(b, MAX_ITEMS) - 2
        if size > MAX_ITEMS:
            raise too_large(f"the list would hold more than {MAX_ITEMS} values")


def add(a: Any, b: Any) -> Any:
    if type(a) in _SEQUENCES or type(b) in _SEQUENCES:
        _check_concat(a, b)
    try:
        return _checked_int(a + b)
    except TypeError:
        pass
    if isinstance(a, str) and isinstance(b, date | timedelta) and _duration_like(a):
        a = text_to_duration(a)
    elif isinstance(b, str) and isinstance(a, date | timedelta) and _duration_like(b):
        b = text_to_duration(b)
    elif isinstance(a, date) and isinstance(b, date):
        raise type_error("cannot add two dates; subtract them to get a duration")
    else:
        raise _mismatch("+", a, b)
    try:
        return a + b
    except TypeError:
        raise _mismatch("+", a, b) from None


def sub(a: Any, b: Any) -> Any:
    try:
        return _checked_int(a - b)
    except TypeError:
        pass
    if isinstance(a, date) and isinstance(b, str):
        b = text_to_duration(b) if _duration_like(b) else text_to_temporal(b, a)
    elif isinstance(b, date) and isinstance(a, str):
        a = text_to_temporal(a, b)
    elif isinstance(a, timedelta) and isinstance(b, str):
        b = text_to_duration(b)
    pair = align_temporal(a, b)
    if pair is None:
        raise _mismatch("-", a, b)
    try:
        return pair[0] - pair[1]
    except TypeError:
        raise _mismatch("-", a, b) from None


def _duration_like(text: str) -> bool:
    return text.lstrip()[:1] == "P" or text.lstrip()[:2] == "-P"


def mul(a: Any, b: Any) -> Any:
    if type(a) in _SEQUENCES or type(b) in _SEQUENCES:
        sequence, times = (a, b) if type(a) in _SEQUENCES else (b, a)
        if type(times) is int and times > 0:
            if type(sequence) is str:
                size = len(sequence) * times
                if size > MAX_STRING:
                    raise too_large(f"the text would be longer than {MAX_STRING} characters")
            else:
                size = (count_items(sequence, MAX_ITEMS) - 1) * times
                if size > MAX_ITEMS:
                    raise too_large(f"the list would hold more than {MAX_ITEMS} values")
            charge(size)
    try:
        return _checked_int(a * b)
    except TypeError:
        raise _mismatch("*", a, b) from None


def truediv(a: Any, b: Any) -> Any:
    try:
        return a / b
    except TypeError:
        raise _mismatch("/", a, b) from None


def floordiv(a: Any, b: Any) -> Any:
    try:
        return a // b
    except TypeError:
        raise _mismatch("//", a, b) from None


def mod(a: Any, b: Any) -> Any:
    if isinstance(a, str):
        raise type_error("% is the remainder of a division; it does not format text")
    try:
        return a % b
    except TypeError:
        raise _mismatch("%", a, b) from None


def neg(a: Any) -> Any:
    try:
        return -a
    except TypeError:
        raise type_error(f"cannot negate {type_name(a)}") from None


def pos(a: Any) -> Any:
    try:
        return +a
    except TypeError:
        raise type_error(f"cannot apply unary + to {type_name(a)}") from None


def not_(a: Any) -> bool:
    return not a


def eq(a: Any, b: Any) -> bool:
    if type(a) in _CONTAINERS and type(b) in _CONTAINERS:
        charge(min(len(a), len(b)))
    if a == b:
        return True
    if type(a) in _TEMPORAL or type(b) in _TEMPORAL:
        try:
            pair = align_temporal(a, b)
        except ExpressionEvaluationError:
            return False
        return pair is not None and pair[0] == pair[1]
    return False


def ne(a: Any, b: Any) -> bool:
    return not eq(a, b)


def _ordering(symbol: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def ordered(a: Any, b: Any) -> bool:
        if type(a) in _CONTAINERS and type(b) in _CONTAINERS:
            charge(min(len(a), len(b)))
        try:
            return compare(a, b)
        except TypeError:
            pass
        pair = align_temporal(a, b)
        if pair is None:
            raise type_error(f"cannot compare {type_name(a)} with {type_name(b)} ({symbol})")
        try:
            return compare(*pair)
        except TypeError:
            raise type_error(
                f"cannot compare {type_name(a)} with {type_name(b)} ({symbol})"
            ) from None

    ordered.__name__ = compare.__name__
    return ordered


lt = _ordering("<", lambda a, b: a < b)
le = _ordering("<=", lambda a, b: a <= b)
gt = _ordering(">", lambda a, b: a > b)
ge = _ordering(">=", lambda a, b: a >= b)


def contains(item: Any, container: Any) -> bool:
    """``item in container``; nothing is in null."""
    if container is None:
        return False
    if type(container) is not dict and type(container) in _SEQUENCES and len(container) > 256:
        charge(len(container))
    try:
        return item in container
    except TypeError:
        raise type_error(f"cannot look for {type_name(item)} in {type_name(container)}") from None


def not_contains(item: Any, container: Any) -> bool:
    return not contains(item, container)


def is_(a: Any, b: Any) -> bool:
    return a is b


def is_not(a: Any, b: Any) -> bool:
    return a is not b


OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: add,
    ast.Sub: sub,
    ast.Mult: mul,
    ast.Div: truediv,
    ast.FloorDiv: floordiv,
    ast.Mod: mod,
    ast.USub: neg,
    ast.UAdd: pos,
    ast.Not: not_,
    ast.Eq: eq,
    ast.NotEq: ne,
    ast.Lt: lt,
    ast.LtE: le,
    ast.Gt: gt,
    ast.GtE: ge,
    ast.In: contains,
    ast.NotIn: not_contains,
    ast.Is: is_,
    ast.IsNot: is_not,
}
"""The operators the compile-time allow-list lets through, by AST operator type."""
