"""Errors raised when a model file cannot be read."""

from __future__ import annotations


class NotationError(Exception):
    """A model file refused or not understood, with a stable problem code.

    `code` is a dotted name (`xml.doctype`, `xml.syntax`, `xml.not-a-model`, ...), `line` the line
    in the file when known, `element` the id of the element concerned when there is one.
    """

    def __init__(
        self, code: str, message: str, *, line: int | None = None, element: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.element = element

    def __str__(self) -> str:
        return self.message
