"""FEEL unary tests (a decision table's input entries) compiled once into a predicate.

Supported: `-` (or an empty cell: any value), comparisons (`< 10`, `<= x`, `> 5`, `>= 5`,
`= "a"`, `!= "a"`), plain values (`10`, `"a"`, `true`, `null`, `date("2026-01-01")`), ranges with
open or closed ends (`[1..5]`, `]1..5[`, `(1..5)`, `[1..5)`), comma lists of those (`"a","b"`)
and `not(...)` around a list. Values are expressions of the studio's language, so they may name
variables (`< limit`). Any other cell is an expression where `?` stands for the input value
(`? > 3 and ? < 9`); it passes when it is true, equals the input or is a list holding it.

Like FEEL, a comparison with null or with a value of another type does not match (it is not an
error), and a missing variable reads as null.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from studio.expressions import CompiledExpression, default_engine, parse_date, parse_datetime
from studio.expressions.errors import ExpressionError
from studio.runtime.decisions.errors import DecisionError

UnaryTest = Callable[[Any, Mapping[str, Any], datetime | None], bool]
"""(input value, variables, now) -> whether the input entry matches."""

Value = Callable[[Mapping[str, Any], datetime | None], Any]
"""(variables, now) -> a value of a test (constant values are computed once)."""

QUESTION = "dmn_input_"
"""The name `?` is bound to in an expression cell."""

_RANGE = re.compile(r"([\[\](])([^,]+?)\.\.([^,]+?)([\[\])])\s*(?:,|$)", re.S)
_NOT = re.compile(r"not\s*\((.*)\)", re.S)
_COMPARISON = re.compile(r"(<=|>=|!=|==|<|>|=)(.*)", re.S)
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_CLOCK = re.compile(r"\b(now|today)\s*\(")


def any_value(value: Any, variables: Mapping[str, Any], now: datetime | None) -> bool:
    """The `-` test."""
    return True


def compile_unary(text: str, where: str = "") -> UnaryTest:
    """The predicate of a unary-tests cell; `where` (decision, rule, column) prefixes errors.

    Raises `DecisionError("dmn.unary-test", ...)` for a cell that cannot be read.
    """
    source = text.strip()
    if source in ("", "-"):
        return any_value
    negated = _NOT.fullmatch(source)
    try:
        tests = _tests(negated.group(1) if negated else source)
    except (ExpressionError, ValueError) as exc:
        reason = exc.message if isinstance(exc, ExpressionError) else str(exc)
        prefix = f"{where}: " if where else ""
        raise DecisionError(
            "dmn.unary-test", f"{prefix}{source!r} is not a unary test: {reason}"
        ) from None
    test = tests[0] if len(tests) == 1 else _either(tuple(tests))
    if negated:
        return lambda value, variables, now: not test(value, variables, now)
    return test


def _either(tests: tuple[UnaryTest, ...]) -> UnaryTest:
    return lambda value, variables, now: any(t(value, variables, now) for t in tests)


def _tests(source: str) -> list[UnaryTest]:
    return [_test(element) for element in split_list(source)]


def split_list(source: str) -> list[str]:
    """The elements of a comma list, ranges and quoted or bracketed commas kept whole."""
    elements: list[str] = []
    position, end = 0, len(source)
    while position < end:
        while position < end and source[position].isspace():
            position += 1
        found = _RANGE.match(source, position)
        if found is not None:
            elements.append(found.group(0).rstrip().rstrip(",").strip())
            position = found.end()
            continue
        stop = _top_level_comma(source, position)
        element = source[position:stop].strip()
        if not element:
            raise ValueError("an element of the list is empty")
        elements.append(element)
        position = stop + 1
        if stop < end and position >= end:
            raise ValueError("the list ends with a comma")
    if not elements:
        raise ValueError("the list is empty")
    return elements


def _top_level_comma(source: str, start: int) -> int:
    depth, quoted, index = 0, False, start
    while index < len(source):
        char = source[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            return index
        index += 1
    return len(source)


def _test(element: str) -> UnaryTest:
    if element == "-":
        return any_value
    if element == "null":
        return lambda value, variables, now: value is None
    ranged = _RANGE.fullmatch(element)
    if ranged is not None:
        opening, low, high, closing = ranged.groups()
        return _range(_value(low), opening == "[", _value(high), closing == "]")
    compared = _COMPARISON.fullmatch(element)
    if compared is not None:
        symbol, operand = compared.groups()
        if not operand.strip():
            raise ValueError(f"{symbol!r} compares with nothing")
        bound = _value(operand)
        if symbol in ("=", "=="):
            return lambda value, variables, now: equal(value, bound(variables, now))
        if symbol == "!=":
            return lambda value, variables, now: not equal(value, bound(variables, now))
        compare = _ORDER[symbol]
        return lambda value, variables, now: order(compare, value, bound(variables, now))
    if "?" in _unquoted(element):
        return _question(element)
    bound = _value(element)
    return lambda value, variables, now: _matches(value, bound(variables, now))


def _range(low: Value, low_closed: bool, high: Value, high_closed: bool) -> UnaryTest:
    above = operator.ge if low_closed else operator.gt
    below = operator.le if high_closed else operator.lt

    def test(value: Any, variables: Mapping[str, Any], now: datetime | None) -> bool:
        return order(above, value, low(variables, now)) and order(
            below, value, high(variables, now)
        )

    return test


def _question(element: str) -> UnaryTest:
    """An expression cell where `?` is the input value."""
    compiled = default_engine().compile(_replace_question(element))

    def test(value: Any, variables: Mapping[str, Any], now: datetime | None) -> bool:
        return _matches(value, evaluate(compiled, {**variables, QUESTION: value}, now), True)

    return test


def _matches(value: Any, result: Any, question: bool = False) -> bool:
    """FEEL's rule for an expression test: equal to the input, a list holding it, or (with `?`)
    true."""
    if question and isinstance(result, bool) and not isinstance(value, bool):
        return result
    if isinstance(result, list):
        return any(equal(value, item) for item in result)
    return equal(value, result)


def _value(source: str) -> Value:
    """A value of a test: computed once when it reads no variable and no clock."""
    source = source.strip()
    compiled = default_engine().compile(source)
    if not compiled.names and not _CLOCK.search(source):
        constant = compiled.evaluate({}, now=None)
        return lambda variables, now: constant
    return lambda variables, now: evaluate(compiled, variables, now)


def evaluate(compiled: CompiledExpression, variables: Mapping[str, Any], now: Any) -> Any:
    """The expression's value; a missing variable reads as null (FEEL), other errors raise."""
    try:
        return compiled.evaluate(variables, now=now)
    except ExpressionError as exc:
        if exc.code == "expr.unknown-name":
            return None
        raise


def equal(left: Any, right: Any) -> bool:
    """FEEL equality: booleans equal only booleans; ISO text equals the date it spells."""
    left, right = _coerce(left, right)
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return bool(left == right)


def order(compare: Callable[[Any, Any], bool], left: Any, right: Any) -> bool:
    """An ordering comparison; false (FEEL null) with null or values of different types."""
    if left is None or right is None:
        return False
    left, right = _coerce(left, right)
    if isinstance(left, bool) or isinstance(right, bool):
        return False
    try:
        return bool(compare(left, right))
    except TypeError:
        return False


def _coerce(left: Any, right: Any) -> tuple[Any, Any]:
    """ISO-8601 text compared with a date or date-time is read as one."""
    if isinstance(left, str) and isinstance(right, date):
        return _as_date(left, right), right
    if isinstance(right, str) and isinstance(left, date):
        return left, _as_date(right, left)
    return left, right


def _as_date(text: str, like: date) -> Any:
    try:
        return parse_datetime(text) if isinstance(like, datetime) else parse_date(text)
    except (ValueError, TypeError):
        return text


def _unquoted(source: str) -> str:
    """The source without its string literals."""
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', source)


def _replace_question(source: str) -> str:
    parts = re.split(r'("(?:\\.|[^"\\])*")', source)
    return "".join(part if i % 2 else part.replace("?", QUESTION) for i, part in enumerate(parts))
