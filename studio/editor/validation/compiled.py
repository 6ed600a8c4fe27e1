"""The runnable definitions of a model project: its cases and processes, compiled on first use.

The scenario runner and the simulator host cases that start processes and sub-cases of the same
project (process tasks, case tasks, call activities) and processes started by messages or
signals; this is where they find them.
"""

from __future__ import annotations

from studio.editor.validation.project import ModelProject
from studio.runtime.engine.definition import CaseDefinition, DefinitionError, compile_case
from studio.runtime.engine.process_definition import ProcessDefinition, compile_process

Definition = CaseDefinition | ProcessDefinition


class UnknownDefinition(LookupError):
    """No case or process of that id in the project."""


class CompiledProject:
    """The compiled cases and processes of a model project, by id."""

    def __init__(self, project: ModelProject) -> None:
        self.project = project
        self.compiled: dict[tuple[str, str], Definition] = {}

    def get(self, kind: str, ident: str) -> Definition:
        """The case (kind "case") or BPMN process (kind "process") `ident`; a call activity
        asks for a "process" that may be a case of the project. Raises UnknownDefinition, or
        DefinitionError when it cannot run."""
        if kind == "process" and not self.declares("process", ident):
            kind = "case" if self.declares("case", ident) else kind
        if (kind, ident) not in self.compiled:
            notation = "cmmn" if kind == "case" else "bpmn"
            for model in self.project.models(notation):
                roots = model.cases if kind == "case" else model.processes
                if any(r.id == ident for r in roots):
                    self.compiled[kind, ident] = (
                        compile_case(model, ident, self.project.json_schema, self.project.decision)
                        if kind == "case"
                        else compile_process(model, ident, self.project.decision)
                    )
                    break
            else:
                raise UnknownDefinition(f"no {kind} {ident!r} in the model project")
        return self.compiled[kind, ident]

    def declares(self, kind: str, ident: str) -> bool:
        """Whether a model of the project declares case or process `ident`."""
        for model in self.project.models("cmmn" if kind == "case" else "bpmn"):
            roots = model.cases if kind == "case" else model.processes
            if any(r.id == ident for r in roots):
                return True
        return False

    def all(self) -> list[Definition]:
        """Every case and process of the project that compiles."""
        found: list[Definition] = []
        for kind, notation in (("case", "cmmn"), ("process", "bpmn")):
            for model in self.project.models(notation):
                roots = model.cases if kind == "case" else model.processes
                for ident in (r.id for r in roots if r.id):
                    try:
                        found.append(self.get(kind, ident))
                    except DefinitionError:
                        continue  # not runnable (yet): its names are unknown
        return found

    def started_by(self, trigger: str, name: str) -> list[tuple[ProcessDefinition, str]]:
        """The processes a message or signal `name` starts, with the start event of each."""
        found = []
        for definition in self.all():
            if isinstance(definition, ProcessDefinition):
                start = definition.started_by.get((trigger, name))
                if start is not None:
                    found.append((definition, start))
        return found
