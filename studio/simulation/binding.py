"""What a simulation file's names mean in its model project: which activities are worked by which
role, which items case workers choose, which gateways branch by probability.

Activities, choices and branches are named as scenario steps name items (plan item id or name,
definition id or name; a BPMN element's id or name), in the simulated case or in any case or
process of its project. A name the project does not know, a role no activity has, a flow that
does not leave its gateway: each is a SpecError naming the place in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studio.editor.validation import ModelProject, validate_file
from studio.editor.validation.compiled import CompiledProject, Definition, UnknownDefinition
from studio.notation import NotationError
from studio.runtime.engine.definition import CaseDefinition, DefinitionError, compile_case
from studio.runtime.engine.process_definition import ProcessDefinition, compile_process
from studio.simulation.errors import SpecError
from studio.simulation.spec import ChoiceSpec, SimulationSpec, WorkSpec

CASE_WORK = frozenset({"human_task", "task"})
"""CMMN kinds a person works (a blocking plain task waits like a human task)."""
PROCESS_WORK = frozenset({"user_task", "manual_task"})
"""BPMN kinds a person works; plain and service tasks too when `work` names them."""
HOLDABLE = frozenset({"task", "service_task"})
CHOOSABLE = frozenset(
    {"human_task", "task", "process_task", "case_task", "decision_task", "stage", "user_event"}
)
"""CMMN kinds a `choices` entry may name: items that can be enabled, planned or occur."""

Key = tuple[str, str]
"""(definition id, item or element id)."""


@dataclass(frozen=True, slots=True)
class Activity:
    """One worked activity: its label in the statistics, its role (a resource pool, or None:
    it never waits) and its work spec (None: it takes no time)."""

    label: str
    role: str | None
    work: WorkSpec | None


@dataclass(slots=True)
class Binding:
    """The simulated definition and everything the file's names resolve to."""

    root: Definition
    project: CompiledProject
    schema: dict | None
    activities: dict[Key, Activity] = field(default_factory=dict)
    choices: dict[Key, ChoiceSpec] = field(default_factory=dict)
    held: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per process: the plain and service tasks `work` binds (they wait to be worked)."""
    branches: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)


def bind(spec: SimulationSpec) -> Binding:
    """Load, validate and compile the model of `spec` and resolve the file's names in it."""
    model_path = spec.model
    project = ModelProject(model_path.parent)
    _check_model(model_path, project, spec)
    compiled = CompiledProject(project)
    root = _root(model_path, project, spec.case)
    definitions = _definitions(root, compiled)
    index = _names(definitions)
    binding = Binding(root, compiled, project.case_schema(root.id) if _is_case(root) else None)
    work_keys = {name: _resolve(name, index, f"work.{name}") for name in spec.work}
    held: dict[str, set[str]] = {}
    for name, keys in work_keys.items():
        for key in keys:
            definition = _definition(definitions, key[0])
            if isinstance(definition, ProcessDefinition):
                kind = definition.nodes[key[1]].kind
                if kind in HOLDABLE:
                    held.setdefault(key[0], set()).add(key[1])
                elif kind not in PROCESS_WORK:
                    raise SpecError(
                        f'"{name}" is not a user, manual, plain or service task: it runs by itself',
                        f"work.{name}",
                    )
            elif definition.items[key[1]].kind not in CASE_WORK:
                raise SpecError(f'"{name}" is not a human or blocking plain task', f"work.{name}")
    binding.held = {process: frozenset(ids) for process, ids in held.items()}
    worked = {key: spec.work[name] for name, keys in work_keys.items() for key in keys}
    model_roles: set[str] = set()
    for definition in definitions:
        for key, label, role in _work_items(definition, binding.held):
            if role:
                model_roles.add(role)
            work = worked.get(key)
            chosen_role = work.resource if work is not None and work.resource else role
            if chosen_role is not None and chosen_role not in spec.resources:
                chosen_role = None  # a model role with no pool: never waits
            binding.activities[key] = Activity(label, chosen_role, work)
    _check_roles(spec, binding, model_roles)
    for name, choice in spec.choices.items():
        for key in _resolve(name, index, f"choices.{name}"):
            definition = _definition(definitions, key[0])
            if not isinstance(definition, CaseDefinition) or (
                definition.items[key[1]].kind not in CHOOSABLE
            ):
                raise SpecError(
                    f'"{name}" is not a CMMN item a case worker starts, plans or raises',
                    f"choices.{name}",
                )
            binding.choices[key] = choice
    binding.branches = _branches(spec, definitions)
    return binding


def _check_model(path: Path, project: ModelProject, spec: SimulationSpec) -> None:
    """The model must validate; a gateway `branches` decides may lack conditions."""
    decided = set(spec.branches)
    errors = [
        p
        for p in validate_file(path, project)
        if p.severity == "error"
        and not (p.code == "bpmn.gateway.missing-condition" and p.element in decided)
    ]
    if errors:
        first = errors[0]
        where = f" [{first.element}]" if first.element else ""
        raise SpecError(
            f"the model does not validate ({len(errors)} error{'s' if len(errors) > 1 else ''}):"
            f" {first.code}{where}: {first.message}",
            "model",
        )


def _root(path: Path, project: ModelProject, case: str | None) -> Definition:
    definitions = project.model(path)
    if isinstance(definitions, NotationError):  # pragma: no cover - validation reported it
        raise SpecError(definitions.message, "model")
    notation = type(definitions).notation
    if notation not in ("cmmn", "bpmn"):
        raise SpecError("a simulation runs a CMMN case or a BPMN process", "model")
    try:
        if notation == "cmmn":
            return compile_case(definitions, case, project.json_schema, project.decision)
        return compile_process(definitions, case, project.decision)
    except DefinitionError as exc:
        raise SpecError(str(exc), "case" if case else "model") from None


def _is_case(definition: Definition) -> bool:
    return isinstance(definition, CaseDefinition)


def _definitions(root: Definition, compiled: CompiledProject) -> list[Definition]:
    """The root and every case and process it can start, directly or not: what their tasks
    and call activities name, and the processes of the project messages or signals start."""
    found: dict[str, Definition] = {root.id: root}
    for definition in compiled.all():
        if isinstance(definition, ProcessDefinition) and definition.started_by:
            found.setdefault(definition.id, definition)
    todo = list(found.values())
    while todo:
        definition = todo.pop()
        for kind, called in _calls(definition):
            try:
                child = compiled.get(kind, called)
            except (UnknownDefinition, DefinitionError) as exc:
                raise SpecError(f"{definition.id} calls {called!r}: {exc}", "model") from None
            if child.id not in found:
                found[child.id] = child
                todo.append(child)
    return list(found.values())


def _calls(definition: Definition) -> list[tuple[str, str]]:
    if isinstance(definition, CaseDefinition):
        return [
            ("case" if item.kind == "case_task" else "process", item.called)
            for item in definition.items.values()
            if item.kind in ("case_task", "process_task") and item.called
        ]
    return [
        ("process", node.called)
        for node in definition.nodes.values()
        if node.kind == "call_activity" and node.called
    ]


def _definition(definitions: list[Definition], ident: str) -> Definition:
    return next(d for d in definitions if d.id == ident)


def _names(definitions: list[Definition]) -> dict[str, list[list[Key]]]:
    """name -> per naming field (id, name, definition id, definition name), the items it names."""
    index: dict[str, list[list[Key]]] = {}
    for definition in definitions:
        if isinstance(definition, CaseDefinition):
            entries = [
                (key, (item.id, item.name, item.definition_id, item.definition_name))
                for key, item in ((_key(definition, i), i) for i in definition.items.values())
                if item.id != definition.plan
            ]
        else:
            entries = [
                ((definition.id, node.id), (node.id, node.name, None, None))
                for node in definition.nodes.values()
            ]
        for key, names in entries:
            for position, name in enumerate(names):
                if name:
                    index.setdefault(name, [[], [], [], []])[position].append(key)
    return index


def _key(definition: CaseDefinition, item) -> Key:
    return (definition.id, item.id)


def _resolve(name: str, index: dict[str, list[list[Key]]], where: str) -> list[Key]:
    """The items `name` designates: those of the first naming field that matches."""
    for keys in index.get(name, []):
        if keys:
            return sorted(set(keys))
    raise SpecError(f'no activity or item "{name}" in the model project', where)


def _work_items(
    definition: Definition, held: dict[str, frozenset[str]]
) -> list[tuple[Key, str, str | None]]:
    """(key, label, model role) of every item of `definition` a person works."""
    if isinstance(definition, CaseDefinition):
        return [
            ((definition.id, item.id), item.label, item.performer)
            for item in definition.items.values()
            if item.kind in CASE_WORK and item.blocking
        ]
    bound = held.get(definition.id, frozenset())
    return [
        ((definition.id, node.id), node.label, node.lane)
        for node in definition.nodes.values()
        if node.kind in PROCESS_WORK or node.id in bound
    ]


def _check_roles(spec: SimulationSpec, binding: Binding, model_roles: set[str]) -> None:
    """Every resource pool must be the role of some activity."""
    used = {activity.role for activity in binding.activities.values()}
    for role in spec.resources:
        if role not in used:
            known = sorted(model_roles | {w.resource for w in spec.work.values() if w.resource})
            raise SpecError(
                f'no activity of the model is worked by role "{role}" '
                f"(roles: {', '.join(known) if known else 'none'})",
                f"resources.{role}",
            )


def _branches(
    spec: SimulationSpec, definitions: list[Definition]
) -> dict[str, tuple[tuple[str, float], ...]]:
    gateways = {
        node.id: node
        for definition in definitions
        if isinstance(definition, ProcessDefinition)
        for node in definition.nodes.values()
    }
    for gateway, flows in spec.branches.items():
        node = gateways.get(gateway)
        if node is None or node.kind not in ("exclusive", "inclusive"):
            raise SpecError(
                f'"{gateway}" is not an exclusive or inclusive gateway of the model project',
                f"branches.{gateway}",
            )
        outgoing = {flow.id for flow in node.outgoing}
        for flow, _ in flows:
            if flow not in outgoing:
                raise SpecError(
                    f'"{flow}" does not leave gateway "{gateway}" (its flows: '
                    f"{', '.join(sorted(outgoing))})",
                    f"branches.{gateway}.{flow}",
                )
    return dict(spec.branches)
