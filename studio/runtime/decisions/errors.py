"""The error a decision table raises when it cannot be compiled or evaluated."""

from __future__ import annotations


class DecisionError(Exception):
    """A decision that cannot run: `code` is stable (`dmn.unary-test`, `dmn.unique`...),
    `message` names the decision, the rule number and the column where it applies."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
