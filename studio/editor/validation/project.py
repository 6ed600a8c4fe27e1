"""A model project as validation sees it: the folder's model files and JSON Schemas, parsed once."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from studio.notation import NotationError, read_model_file

MODEL_SUFFIXES = (".cmmn", ".cmmn.xml", ".bpmn", ".bpmn20.xml", ".bpmn.xml", ".dmn", ".dmn.xml")
MAX_SCHEMA_BYTES = 2 * 1024 * 1024


def is_model_file(path: Path) -> bool:
    """True for the file names of CMMN, BPMN and DMN models."""
    return path.is_file() and path.name.lower().endswith(MODEL_SUFFIXES)


class ModelProject:
    """The model files of one folder, read lazily and once, for cross-file references."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._models: dict[Path, Any] = {}
        self._schemas: dict[str, dict | None] = {}

    @cached_property
    def model_files(self) -> list[Path]:
        return sorted(p for p in self.root.iterdir() if is_model_file(p))

    def model(self, path: Path) -> Any:
        """The parsed model of a file, or the `NotationError` that refused it."""
        path = Path(path)
        if path not in self._models:
            try:
                self._models[path] = read_model_file(path)
            except NotationError as exc:
                self._models[path] = exc
        return self._models[path]

    def models(self, notation: str) -> list[Any]:
        """Every readable model of a notation ('cmmn', 'bpmn', 'dmn') in the project."""
        found = []
        for path in self.model_files:
            model = self.model(path)
            if not isinstance(model, NotationError) and type(model).notation == notation:
                found.append(model)
        return found

    @cached_property
    def case_ids(self) -> set[str]:
        return {case.id for model in self.models("cmmn") for case in model.cases if case.id}

    @cached_property
    def process_ids(self) -> set[str]:
        """Ids of the BPMN processes of the project."""
        return {p.id for model in self.models("bpmn") for p in model.processes if p.id}

    @cached_property
    def decision_keys(self) -> set[str]:
        """Ids and names of the DMN decisions of the project."""
        keys: set[str] = set()
        for model in self.models("dmn"):
            for decision in model.decisions:
                keys.update(k for k in (decision.id, decision.name) if k)
        return keys

    def decision(self, key: str) -> Any:
        """The DMN decision (`dmn_model.Decision`) with this id, or else name, if any."""
        for model in self.models("dmn"):
            found = model.decision(key)
            if found is not None:
                return found
        return None

    def json_schema(self, reference: str) -> dict | None:
        """A JSON Schema file of the project named by `reference` (relative), if readable."""
        if reference in self._schemas:
            return self._schemas[reference]
        schema = None
        candidate = (self.root / reference).resolve()
        inside = self.root.resolve() in candidate.parents
        if inside and candidate.is_file() and candidate.stat().st_size <= MAX_SCHEMA_BYTES:
            try:
                loaded = json.loads(candidate.read_text(encoding="utf-8"))
                schema = loaded if isinstance(loaded, dict) else None
            except (OSError, ValueError):
                schema = None
        self._schemas[reference] = schema
        return schema

    def case_schema(self, case_id: str) -> dict | None:
        """The JSON Schema of a whole case file: `<case id>.schema.json` in the project."""
        return self.json_schema(f"{case_id}.schema.json")
