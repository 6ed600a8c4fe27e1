"""Timer expressions: an ISO-8601 duration, date or repeating interval, or an expression."""

from __future__ import annotations

from typing import Any

from studio.editor.validation.context import ModelContext
from studio.editor.validation.expressions import check_expression
from studio.editor.validation.problems import ERROR, WARNING
from studio.expressions import TimerError, is_iso_timer, parse_timer


def check_timer_text(ctx: ModelContext, text: str, element: Any, where: str) -> None:
    """Report a timer that is neither valid ISO-8601 nor a compilable expression."""
    source = text.strip()
    if is_iso_timer(source):
        try:
            parse_timer(source)
        except TimerError as exc:
            ctx.report("timer.invalid", ERROR, f"{where}: {exc}", element)
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
                    f"{where}: {source!r} is neither an ISO-8601 duration, date or repeating "
                    f"interval (PT2H, 2026-03-01T09:00:00Z, R3/PT1H) nor an expression "
                    f"({problem.message.partition(': ')[2] or problem.message})",
                    problem.element,
                    problem.line,
                )


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
                f"timer event listener {name!r} has no timer expression, so it never fires",
                element,
            )
            continue
        check_timer_text(ctx, element.timer_expression.source, element, f"the timer of {name!r}")
