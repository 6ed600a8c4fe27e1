"""Timer expressions: an ISO-8601 duration, date or repeating interval, or an expression."""

from __future__ import annotations

from functools import partial
from typing import Any

from studio.editor.validation.context import ModelContext
from studio.editor.validation.expressions import Where, check_expression, said
from studio.editor.validation.problems import ERROR, WARNING
from studio.expressions import TimerError, is_iso_timer, parse_timer
from studio.messages import Text, text


def check_timer_text(ctx: ModelContext, timer: str, element: Any, where: Where) -> None:
    """Report a timer that is neither valid ISO-8601 nor a compilable expression."""
    source = timer.strip()
    if is_iso_timer(source):
        try:
            parse_timer(source)
        except TimerError as exc:
            ctx.report(
                "timer.invalid",
                ERROR,
                text("{where}: {reason}", where=said(where), reason=exc),
                element,
            )
        return
    before = len(ctx.problems)
    if not check_expression(ctx, source, element, where, None):
        # Re-word the expression error: the author most likely meant a time.
        for index in range(before, len(ctx.problems)):
            problem = ctx.problems[index]
            if problem.severity == ERROR:
                ctx.problems[index] = type(problem)(
                    "timer.invalid",
                    ERROR,
                    text(
                        "{where}: {timer} is neither an ISO-8601 duration, date or repeating "
                        "interval (PT2H, 2026-03-01T09:00:00Z, R3/PT1H) nor an expression "
                        "({reason})",
                        where=said(where),
                        timer=repr(source),
                        reason=_reason(problem.message),
                    ),
                    problem.element,
                    problem.line,
                )


def _reason(message: str) -> str:
    """Why an expression was refused, without the words saying where it is."""
    if isinstance(message, Text) and "reason" in message.values:
        return message.values["reason"]
    return message.partition(": ")[2] or message


def check_cmmn_timers(ctx: ModelContext) -> None:
    from studio.notation.cmmn_model import TimerEventListener

    for element in ctx.model_elements:
        if not isinstance(element, TimerEventListener):
            continue
        name = element.name or element.id
        if element.timer_expression is None or not element.timer_expression.source:
            ctx.report(
                "timer.missing",
                WARNING,
                text(
                    "timer event listener {listener} has no timer expression, so it never fires",
                    listener=repr(name),
                ),
                element,
            )
            continue
        where = partial(_timer_of, repr(name))
        check_timer_text(ctx, element.timer_expression.source, element, where)


def _timer_of(name: str) -> str:
    return text("the timer of {node}", node=name)
