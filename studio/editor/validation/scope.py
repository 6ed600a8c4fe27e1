"""The names an expression may read: the case file items (or process variables) declared."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from studio.editor.validation.project import ModelProject


@dataclass
class Scope:
    """Declared names, each with the scope of its properties when a JSON Schema says."""

    names: dict[str, Scope | None] = field(default_factory=dict)

    def unknown_path(self, path: str) -> tuple[str, list[str]] | None:
        """The first undeclared segment of a dotted path and close matches, or None if known."""
        scope: Scope | None = self
        walked: list[str] = []
        for segment in path.split("."):
            if scope is None:
                return None  # nothing declared below this point
            if segment not in scope.names:
                prefix = ".".join(walked)
                shown = f"{prefix}.{segment}" if prefix else segment
                return shown, difflib.get_close_matches(segment, list(scope.names), n=3)
            walked.append(segment)
            scope = scope.names[segment]
        return None


def scope_from_schema(schema: dict | None, depth: int = 0) -> Scope | None:
    """The names a JSON Schema object declares (None when it leaves them open)."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return None
    if schema.get("additionalProperties", True) not in (False, None) and not properties:
        return None
    return Scope({name: scope_from_schema(sub, depth + 1) for name, sub in properties.items()})


def cmmn_case_scope(project: ModelProject, model, case) -> Scope | None:
    """Names of a case file: its case file items and `<case id>.schema.json`, if declared."""
    from studio.notation.cmmn_model import CaseFileItemDefinition

    declared: dict[str, Scope | None] = {}
    found = False
    definitions = {
        d.id: d for d in model.case_file_item_definitions if isinstance(d, CaseFileItemDefinition)
    }
    if case.case_file_model is not None:
        for item in case.case_file_model.items:
            if not item.name:
                continue
            found = True
            definition = definitions.get((item.definition_ref or "").rpartition(":")[2])
            schema = None
            if definition is not None and definition.structure_ref:
                schema = project.json_schema(definition.structure_ref)
            declared[item.name] = scope_from_schema(schema) if schema else _children(item)
    case_schema = project.case_schema(case.id) if case.id else None
    schema_scope = scope_from_schema(case_schema)
    if schema_scope is not None:
        found = True
        for name, sub in schema_scope.names.items():
            declared.setdefault(name, sub)
    return Scope(declared) if found else None


def _children(item) -> Scope | None:
    if not item.child_items:
        return None
    return Scope({child.name: _children(child) for child in item.child_items if child.name})
