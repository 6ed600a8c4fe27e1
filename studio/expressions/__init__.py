"""The studio's safe expression language: a strict, size-capped subset of Python expressions
(plus JUEL that translates directly), script task bodies, and ISO-8601 timers.

See docs/expressions.md for the language reference.
"""

from studio.expressions.engine import (
    CompiledExpression,
    ExpressionEngine,
    SafeExpressionEngine,
    default_engine,
)
from studio.expressions.errors import ExpressionError, ExpressionEvaluationError, TimerError
from studio.expressions.functions import FUNCTIONS
from studio.expressions.iso8601 import (
    format_datetime,
    format_duration,
    parse_date,
    parse_datetime,
    parse_duration,
)
from studio.expressions.juel import is_juel, translate_juel
from studio.expressions.limits import Limits
from studio.expressions.script import Assignment, Script, compile_script
from studio.expressions.timers import (
    TimerSpec,
    add_calendar,
    is_iso_timer,
    next_due,
    parse_timer,
    timer_from_value,
)
from studio.expressions.values import to_json_value

__all__ = [
    "FUNCTIONS",
    "Assignment",
    "CompiledExpression",
    "ExpressionEngine",
    "ExpressionError",
    "ExpressionEvaluationError",
    "Limits",
    "SafeExpressionEngine",
    "Script",
    "TimerError",
    "TimerSpec",
    "add_calendar",
    "compile_script",
    "default_engine",
    "format_datetime",
    "format_duration",
    "is_iso_timer",
    "is_juel",
    "next_due",
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "parse_timer",
    "timer_from_value",
    "to_json_value",
    "translate_juel",
]
