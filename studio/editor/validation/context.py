"""What a validation rule sees: the model, its file and project, and where to report."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from studio.editor.validation.problems import Problem, Severity
from studio.editor.validation.project import ModelProject
from studio.notation.binding import all_elements, identify
from studio.notation.documents import diagrams_of, without_diagrams


@dataclass
class ModelContext:
    """One model under validation."""

    model: Any
    file: Path
    project: ModelProject
    problems: list[Problem] = field(default_factory=list)

    def report(self, code: str, severity: Severity, message: str, element: Any = None) -> None:
        """Record a problem about `element` (a model object or an id)."""
        if isinstance(element, str) or element is None:
            ident, line = element, None
        else:
            ident, line = getattr(element, "id", None), getattr(element, "line", None)
        self.problems.append(Problem(code, severity, message, ident, line))

    @cached_property
    def elements(self) -> list[Any]:
        """Every element of the model, diagram interchange included (the model's first)."""
        found = list(self.model_elements)
        for diagram in diagrams_of(self.model):
            found.extend(all_elements(diagram))
        return found

    @cached_property
    def model_elements(self) -> list[Any]:
        """Every element of the model except its diagram interchange (what executes)."""
        return all_elements(without_diagrams(self.model))

    def elements_of(self, part: Any) -> list[Any]:
        """The elements below one part of the model (a case), from the cached walk if it is all."""
        if getattr(self.model, "cases", None) == (part,):
            return [e for e in self.model_elements if e is not self.model]
        return all_elements(part)

    @cached_property
    def identified(self) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
        """Every element with an id by id (the first to use it), and the later ones whose id
        was taken already."""
        return identify(self.elements)

    @cached_property
    def cmmn_index(self):  # -> CmmnIndex
        from studio.notation.cmmn import CmmnIndex

        return CmmnIndex(self.model, identified=self.identified)

    @cached_property
    def bpmn_index(self):  # -> BpmnIndex
        from studio.notation.bpmn import BpmnIndex

        return BpmnIndex(self.model)
