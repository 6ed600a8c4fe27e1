"""Model projects in the studio: stored versions, import and download, diffs, live validation.

A project is a folder of models, JSON Schemas, sample data, scenarios and simulation files
(DESIGN.md, "Model project"), stored as immutable numbered versions in the runtime database.
"""

from studio.editor.projects.errors import (
    DuplicateKey,
    ProjectError,
    StaleVersion,
    UnknownProject,
    UnknownVersion,
)
from studio.editor.projects.records import FileEntry, Project, SaveResult, Version
from studio.editor.projects.store import ProjectStore

__all__ = [
    "DuplicateKey",
    "FileEntry",
    "Project",
    "ProjectError",
    "ProjectStore",
    "SaveResult",
    "StaleVersion",
    "UnknownProject",
    "UnknownVersion",
    "Version",
]
