"""What the project store refuses, each with a message naming the project, version or file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class ProjectError(Exception):
    """Unusable input (a bad key, file name, upload or file set); nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownProject(LookupError):
    """No project with that id."""


class UnknownVersion(LookupError):
    """No such version (or file of a version) in the project."""


class DuplicateKey(ProjectError):
    """Another project already has the key."""


@dataclass(frozen=True, slots=True)
class Saved:
    """A version someone saved: who, when, why."""

    number: int
    author: str | None
    created_at: datetime
    message: str

    def as_json(self) -> dict:
        return {
            "number": self.number,
            "author": self.author,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "message": self.message,
        }


@dataclass
class StaleVersion(Exception):
    """A save based on a version that is no longer the newest: `meanwhile` were saved since."""

    project: str
    base: int
    meanwhile: list[Saved] = field(default_factory=list)

    def __str__(self) -> str:
        last = self.meanwhile[-1]
        who = ", ".join(sorted({s.author or "someone" for s in self.meanwhile}))
        return (
            f"{self.project}: version {self.base} is no longer the newest: {who} saved "
            f"version {last.number} meanwhile; open version {last.number} and apply your "
            "change again"
        )
