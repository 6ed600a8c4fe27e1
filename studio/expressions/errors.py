"""Errors of the expression language and of ISO-8601 timer parsing, with stable codes."""

from __future__ import annotations


class ExpressionError(Exception):
    """An expression or script that cannot be compiled (or, as a subclass, evaluated).

    ``code`` is a stable dotted name (``expr.syntax``, ``expr.forbidden``, ...), ``message`` a
    sentence for the analyst, ``offset`` the 0-based character offset in the source (or in the
    script line) when known, ``line`` the 1-based script line when the source is a script.
    """

    def __init__(
        self, code: str, message: str, offset: int | None = None, line: int | None = None
    ) -> None:
        super().__init__(code, message, offset, line)
        self.code = code
        self.message = message
        self.offset = offset
        self.line = line

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.offset is not None:
            where.append(f"column {self.offset + 1}")
        suffix = f" ({', '.join(where)})" if where else ""
        return f"{self.code}: {self.message}{suffix}"


class ExpressionEvaluationError(ExpressionError):
    """A compiled expression that failed on the data it was given (``expr.unknown-name``,
    ``expr.type-error``, ``expr.value-error``, ``expr.division-by-zero``, ``expr.too-large``,
    ``expr.error`` for anything unforeseen)."""


class TimerError(ValueError):
    """A timer or duration text that is not usable ISO-8601 (``timer.syntax``, ``timer.range``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
