"""Validation problems: stable code, severity, element, line, message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a model file."""

    code: str
    severity: Severity
    message: str
    element: str | None = None
    line: int | None = None

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "element": self.element,
            "line": self.line,
            "message": self.message,
        }


def sort_key(problem: Problem) -> tuple:
    """Problems in file order, errors before warnings on the same line (then by code, element
    and message, so that the order never depends on how a set happened to hold them)."""
    return (
        problem.line or 0,
        problem.severity != "error",
        problem.code,
        problem.element or "",
        str(problem.message),
    )
