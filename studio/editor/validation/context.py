"""What a validation rule sees: the model, its file and project, and where to report."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from studio.editor.validation.problems import Problem, Severity
from studio.editor.validation.project import ModelProject


@dataclass
class ModelContext:
    """One model under validation."""

    model: Any
    file: Path
    project: ModelProject
    problems: list[Problem] = field(default_factory=list)

    def report(
        self, code: str, severity: Severity, message: str, element: Any = None
    ) -> None:
        """Record a problem about `element` (a model object or an id)."""
        if isinstance(element, str) or element is None:
            ident, line = element, None
        else:
            ident, line = getattr(element, "id", None), getattr(element, "line", None)
        self.problems.append(Problem(code, severity, message, ident, line))

    @cached_property
    def cmmn_index(self):  # -> CmmnIndex
        from studio.notation.cmmn import CmmnIndex

        return CmmnIndex(self.model)

    @cached_property
    def bpmn_index(self):  # -> BpmnIndex
        from studio.notation.bpmn import BpmnIndex

        return BpmnIndex(self.model)
