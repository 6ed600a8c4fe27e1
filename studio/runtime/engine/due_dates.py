"""Due dates of work: when a person's task should be done.

A CMMN human task or a BPMN user or manual task may carry a `dueDate` attribute in Flowable's or
Camunda's namespace (what their modelers write, and what the studio's properties write): an
ISO-8601 duration counted from the moment the task becomes active (`P2D`), a date
(`2026-03-01T17:00:00Z`), or an expression on the case file or process variables whose value is
either (`${deadline}`, `invoice.due_date`). It is worked out once, when the task becomes active,
and kept on the task's instance, as Flowable does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from studio.expressions import (
    CompiledExpression,
    ExpressionError,
    TimerError,
    TimerSpec,
    default_engine,
    is_iso_timer,
    next_due,
    parse_timer,
    timer_from_value,
)
from studio.notation.namespaces import split
from studio.notation.vendor import VENDOR_NAMESPACES

DueRule = TimerSpec | CompiledExpression
ATTRIBUTE = "dueDate"


def due_text(element: Any) -> str | None:
    """The element's `dueDate` attribute (any vendor namespace we read), stripped; else None."""
    for key, value in getattr(element, "extra_attributes", ()):
        namespace, local = split(key)
        if local == ATTRIBUTE and namespace in VENDOR_NAMESPACES and value.strip():
            return value.strip()
    return None


def compile_due(text: str) -> DueRule:
    """An ISO-8601 timer, else an expression (JUEL `${...}` where it translates); raises
    TimerError or ExpressionError (validation reports them first)."""
    return parse_timer(text) if is_iso_timer(text) else default_engine().compile(text)


def due_at(rule: DueRule, data: Any, now: datetime) -> datetime | None:
    """When work that becomes active at `now` is due; None when an expression's value is no
    time (an empty or missing field: the task then has no due date)."""
    spec = rule
    if isinstance(rule, CompiledExpression):
        try:
            value = rule.evaluate(data, now=now)
            if value is None or value == "":
                return None
            spec = timer_from_value(value)
        except (ExpressionError, TimerError):
            return None
    return next_due(spec, now, 1)
