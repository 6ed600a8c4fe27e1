"""Deployments of model projects: safe zip reading, validated immutable versions, and migrating
running cases to a newer version.

This package sits above both the runtime and the editor: it validates with the editor's rules
and stores with the runtime's tables, so that the runtime itself never imports the editor.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A validation problem of one file of a deployed project (paths relative to the project)."""

    file: str
    code: str
    severity: str
    message: str
    element: str | None = None
    line: int | None = None

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "code": self.code,
            "severity": self.severity,
            "element": self.element,
            "line": self.line,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        element = f" [{self.element}]" if self.element else ""
        return f"{where}: {self.severity} {self.code}{element}: {self.message}"


class DeploymentError(Exception):
    """A deployment refused: unsafe or unusable input (no `problems`), or a project whose models
    have errors (`problems` lists them, warnings included). Nothing was stored."""

    def __init__(self, message: str, problems: list[FileProblem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems or ())


__all__ = ["DeploymentError", "FileProblem"]
