"""The expression engine facade: compile once against the allow-list, evaluate many times."""

from __future__ import annotations

import ast
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from studio.expressions.checker import check
from studio.expressions.errors import ExpressionError
from studio.expressions.evaluator import evaluator
from studio.expressions.juel import is_juel, translate_juel
from studio.expressions.limits import DEFAULT_LIMITS, Limits
from studio.expressions.parsing import Positions, parse
from studio.messages import text as message

if TYPE_CHECKING:
    from studio.expressions.script import Script


@dataclass(frozen=True, slots=True)
class CompiledExpression:
    """A checked expression, ready to evaluate on plain data.

    ``names`` are the root variables it reads; ``paths`` the dotted paths (``claim.amount``, and
    ``invoice.po_amount`` for ``invoice["po_amount"]``); a path stops at a computed subscript.
    ``translated`` is the Python-syntax form when the source was JUEL (``${...}``).
    """

    source: str
    names: frozenset[str]
    paths: frozenset[str]
    translated: str | None = None
    _node: ast.expr = field(repr=False, compare=False, default=None)  # type: ignore[assignment]
    _positions: Positions | None = field(repr=False, compare=False, default=None)

    def evaluate(self, variables: Mapping[str, Any], *, now: datetime | None = None) -> Any:
        """The value on ``variables``; ``now`` is the clock ``now()``/``today()`` read (default:
        the real UTC time). Raises ``ExpressionEvaluationError`` on bad data."""
        return evaluator().run(self._node, variables, now, self._positions)


@runtime_checkable
class ExpressionEngine(Protocol):
    """Compiles expressions and scripts of the studio's language."""

    def compile(self, source: str) -> CompiledExpression:
        """Check and compile; raises ``ExpressionError`` when the source is refused."""
        ...

    def compile_script(self, text: str) -> Script:
        """Check and compile a script task body (``name = expression`` per line)."""
        ...


class SafeExpressionEngine:
    """The allow-listed, size-capped language evaluated by simpleeval.

    Compiled expressions are cached by source (they are immutable and thread-safe).
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS, cache_size: int = 8192) -> None:
        self.limits = limits
        self._cache: dict[str, CompiledExpression] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def compile(self, source: str) -> CompiledExpression:
        cached = self._cache.get(source)
        if cached is not None:
            return cached
        compiled = self._compile(source)
        with self._lock:
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[source] = compiled
        return compiled

    def compile_script(self, text: str) -> Script:
        from studio.expressions.script import compile_script

        return compile_script(text, engine=self)

    def compile_at(self, source: str, base_offset: int) -> CompiledExpression:
        """Compile a piece of a larger text; error offsets count from ``base_offset``."""
        return self._compile(source, base_offset)

    def _compile(self, source: str, base_offset: int = 0) -> CompiledExpression:
        if not isinstance(source, str):
            raise TypeError(f"an expression is text, not {type(source).__name__}")
        text = source.strip()
        base_offset += len(source) - len(source.lstrip())
        if not text:
            raise ExpressionError("expr.syntax", message("the expression is empty"), base_offset)
        translated = None
        if is_juel(text):
            if len(text) > self.limits.max_source:
                raise _too_long(self.limits)
            translated = translate_juel(text)
            if translated is None:
                raise ExpressionError(
                    "expr.juel-untranslatable",
                    message(
                        "the JUEL expression {expression} does not translate to the studio's "
                        "language (method calls, beans and vendor functions cannot run here)",
                        expression=_shorten(text),
                    ),
                )
            text, base_offset = translated, None
        if len(text) > self.limits.max_source:
            raise _too_long(self.limits)
        try:
            node, positions = parse(text, self.limits, base_offset or 0)
            checked = check(node, self.limits, positions)
        except ExpressionError as exc:
            if base_offset is None:  # offsets of a translation would mislead
                exc.offset = None
            raise
        return CompiledExpression(
            source,
            checked.names,
            checked.paths,
            translated,
            checked.node,
            None if base_offset is None else positions,
        )


def _too_long(limits: Limits) -> ExpressionError:
    return ExpressionError(
        "expr.too-long",
        message("the expression is longer than {count} characters", count=limits.max_source),
    )


def _shorten(text: str) -> str:
    return repr(text) if len(text) <= 80 else repr(text[:77] + "...")


_default: SafeExpressionEngine | None = None
_default_lock = threading.Lock()


def default_engine() -> SafeExpressionEngine:
    """The shared engine with default limits."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = SafeExpressionEngine()
    return _default
