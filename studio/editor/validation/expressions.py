"""Expressions: they compile in the studio's language and read only declared names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from typing import Any

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.editor.validation.scope import Scope, cmmn_case_scope
from studio.expressions import ExpressionError, default_engine
from studio.messages import text

OUR_LANGUAGES = {
    None,
    "",
    "python",
    "http://www.python.org/",
    "http://www.python.org",
    "https://case-studio.dev/expression",
    # JUEL: accepted where it translates directly
    "http://www.jcp.org/en/jsr/detail?id=245",
    "${}",
}
Where = str | Callable[[], str]
"""Where an expression is, in words, or how to say it: made only when there is a problem to
report (a large model has thousands of conditions and few problems)."""


def said(where: Where) -> str:
    """The words of a `Where`."""
    return where() if callable(where) else where


SOFT_CODES = {"expr.juel-untranslatable"}
"""Expression errors that are warnings: a vendor expression that we cannot translate."""


@lru_cache(maxsize=4096)
def _compile(source: str):
    return default_engine().compile(source)


def check_expression(
    ctx: ModelContext,
    source: str,
    element: Any,
    where: Where,
    scope: Scope | None,
    language: str | None = None,
) -> bool:
    """Compile one expression and check its names; report problems; True when it compiled."""
    if language not in OUR_LANGUAGES:
        ctx.report(
            "unsupported.expression-language",
            WARNING,
            text(
                "{where} is written in {language}; only the studio's expression language "
                "(and JUEL that translates directly) can run",
                where=said(where),
                language=repr(language),
            ),
            element,
        )
        return False
    try:
        compiled = _compile(source)
    except ExpressionError as exc:
        severity = WARNING if exc.code in SOFT_CODES else ERROR
        if source.lstrip().startswith("="):
            message = text(
                "{where}: {reason} (this looks like FEEL from Camunda 8; write it in the "
                "studio's language)",
                where=said(where),
                reason=exc.message,
            )
        else:
            message = text("{where}: {reason}", where=said(where), reason=exc.message)
        ctx.report(exc.code, severity, message, element)
        return False
    if scope is not None:
        for path in sorted(compiled.paths | compiled.names):
            missing = scope.unknown_path(path)
            if missing is None:
                continue
            name, suggestions = missing
            message = (
                text(
                    "{where} reads {name}, which the case file does not declare; did you mean "
                    "{suggestions}?",
                    where=said(where),
                    name=repr(name),
                    suggestions=_either(suggestions),
                )
                if suggestions
                else text(
                    "{where} reads {name}, which the case file does not declare",
                    where=said(where),
                    name=repr(name),
                )
            )
            ctx.report("expr.unknown-name", WARNING, message, element)
            break
    return True


def _either(suggestions: list[str]) -> str:
    """'a' or 'b' or 'c': the names a misspelt one may stand for."""
    if len(suggestions) == 1:
        return repr(suggestions[0])
    return text("{names} or {last}", names=_either(suggestions[:-1]), last=repr(suggestions[-1]))


_RULES = {"IfPart", "RepetitionRule", "RequiredRule", "ManualActivationRule", "ApplicabilityRule"}
"""The CMMN elements holding a condition (by class name)."""


def _transformation_of(element: str | None) -> str:
    return text("the transformation of {element}", element=element)


def _rule_of(kind: str, element: str | None) -> str:
    """Where a condition is: 'the if-part of if_1'."""
    owner = element or text("an element")
    if kind == "IfPart":
        return text("the if-part of {element}", element=owner)
    if kind == "RepetitionRule":
        return text("the repetition rule of {element}", element=owner)
    if kind == "RequiredRule":
        return text("the required rule of {element}", element=owner)
    if kind == "ManualActivationRule":
        return text("the manual activation rule of {element}", element=owner)
    return text("the applicability rule of {element}", element=owner)


def _cmmn_sites(elements: list[Any]) -> Iterator[tuple[Any, Any, Where]]:
    """(expression, element, description) for every expression of a CMMN case."""
    from studio.notation.cmmn_model import ParameterMapping

    for element in elements:
        kind = type(element).__name__
        if kind in _RULES and element.condition is not None and element.condition.source:
            yield element.condition, element, partial(_rule_of, kind, element.id)
        elif (
            isinstance(element, ParameterMapping)
            and element.transformation is not None
            and element.transformation.source
        ):
            yield element.transformation, element, partial(_transformation_of, element.id)


def check_cmmn_expressions(ctx: ModelContext) -> None:
    """Every condition and transformation of every case."""
    default_language = ctx.model.expression_language
    for case in ctx.model.cases:
        scope = cmmn_case_scope(ctx.project, ctx.model, case)
        for expression, element, where in _cmmn_sites(ctx.elements_of(case)):
            language = expression.language or default_language
            check_expression(ctx, expression.source, element, where, scope, language)
