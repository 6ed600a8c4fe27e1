"""What the project store answers: projects, versions and the file entries of a version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studio.editor.projects.files import kind_of


def stamp(moment: datetime) -> str:
    """An instant as ISO 8601 in UTC with a `Z`."""
    return moment.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Version:
    """One immutable saved state of a project."""

    project_id: int
    number: int
    author: str | None
    created_at: datetime
    message: str
    content_hash: str
    file_count: int

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "author": self.author,
            "created_at": stamp(self.created_at),
            "message": self.message,
            "content_hash": self.content_hash,
            "file_count": self.file_count,
        }


@dataclass(frozen=True, slots=True)
class Project:
    """A model project and its newest version (None before the first save)."""

    id: int
    key: str
    name: str
    created_at: datetime
    created_by: str | None
    archived: bool
    latest: Version | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "name": self.name,
            "created_at": stamp(self.created_at),
            "created_by": self.created_by,
            "archived": self.archived,
            "latest": None if self.latest is None else self.latest.as_json(),
        }


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A file of a version: its path, size and the SHA-256 of its bytes."""

    path: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": kind_of(self.path), "size": self.size,
                "sha256": self.sha256}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SaveResult:
    version: Version
    created: bool
    """False: the content was identical to the version it was based on (nothing stored)."""
