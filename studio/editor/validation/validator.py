"""Validate one model file, or a parsed model, against every rule of its notation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, Problem, sort_key
from studio.editor.validation.project import ModelProject
from studio.editor.validation.rules import RULES
from studio.notation import NotationError
from studio.notation.documents import without_collection_pauses


def validate_model(model: Any, file: Path, project: ModelProject | None = None) -> list[Problem]:
    """Every problem of a parsed model, in file order."""
    ctx = ModelContext(model=model, file=file, project=project or ModelProject(file.parent))
    with without_collection_pauses():  # rules make many short-lived objects, no cycles
        for rule in RULES[type(model).notation]:
            rule(ctx)
    return sorted(set(ctx.problems), key=sort_key)


def validate_file(path: Path, project: ModelProject | None = None) -> list[Problem]:
    """Problems of a model file; a file that cannot be read is one error problem."""
    project = project or ModelProject(path.parent)
    model = project.model(path)
    if isinstance(model, NotationError):
        return [Problem(model.code, ERROR, model.message, model.element, model.line)]
    return validate_model(model, path, project)
