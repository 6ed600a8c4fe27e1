"""Expressions: they compile in the studio's language and read only declared names."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.editor.validation.scope import Scope, cmmn_case_scope
from studio.expressions import ExpressionError, default_engine

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
SOFT_CODES = {"expr.juel-untranslatable"}
"""Expression errors that are warnings: a vendor expression that we cannot translate."""


@lru_cache(maxsize=4096)
def _compile(source: str):
    return default_engine().compile(source)


def check_expression(
    ctx: ModelContext,
    source: str,
    element: Any,
    where: str,
    scope: Scope | None,
    language: str | None = None,
) -> bool:
    """Compile one expression and check its names; report problems; True when it compiled."""
    if language not in OUR_LANGUAGES:
        ctx.report(
            "unsupported.expression-language",
            WARNING,
            f"{where} is written in {language!r}; only the studio's expression language "
            "(and JUEL that translates directly) can run",
            element,
        )
        return False
    try:
        compiled = _compile(source)
    except ExpressionError as exc:
        severity = WARNING if exc.code in SOFT_CODES else ERROR
        hint = ""
        if source.lstrip().startswith("="):
            hint = " (this looks like FEEL from Camunda 8; write it in the studio's language)"
        ctx.report(exc.code, severity, f"{where}: {exc.message}{hint}", element)
        return False
    if scope is not None:
        for path in sorted(compiled.paths | compiled.names):
            missing = scope.unknown_path(path)
            if missing is None:
                continue
            name, suggestions = missing
            hint = (
                f"; did you mean {' or '.join(repr(s) for s in suggestions)}?"
                if suggestions
                else ""
            )
            ctx.report(
                "expr.unknown-name",
                WARNING,
                f"{where} reads {name!r}, which the case file does not declare{hint}",
                element,
            )
            break
    return True


def _cmmn_sites(elements: list[Any]) -> Iterator[tuple[Any, Any, str]]:
    """(expression, element, description) for every expression of a CMMN case."""
    from studio.notation.cmmn_model import (
        ApplicabilityRule,
        IfPart,
        ManualActivationRule,
        ParameterMapping,
        RepetitionRule,
        RequiredRule,
    )

    labels = {
        IfPart: "the if-part",
        RepetitionRule: "the repetition rule",
        RequiredRule: "the required rule",
        ManualActivationRule: "the manual activation rule",
        ApplicabilityRule: "the applicability rule",
    }
    for element in elements:
        label = labels.get(type(element))
        if label and element.condition is not None and element.condition.source:
            yield element.condition, element, f"{label} of {element.id or 'an element'}"
        elif (
            isinstance(element, ParameterMapping)
            and element.transformation is not None
            and element.transformation.source
        ):
            yield element.transformation, element, f"the transformation of {element.id}"


def check_cmmn_expressions(ctx: ModelContext) -> None:
    """Every condition and transformation of every case."""
    default_language = ctx.model.expression_language
    for case in ctx.model.cases:
        scope = cmmn_case_scope(ctx.project, ctx.model, case)
        for expression, element, where in _cmmn_sites(ctx.elements_of(case)):
            language = expression.language or default_language
            check_expression(ctx, expression.source, element, where, scope, language)
