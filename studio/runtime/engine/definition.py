"""A CMMN case compiled once into an immutable, indexed form the engine runs.

Handling an event costs in proportion to the sentries that listen to it: `listeners` maps
(source plan item, event) and `file_listeners` (case file item name, event) straight to the
criteria concerned; expressions are compiled here, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from studio.expressions import CompiledExpression, TimerSpec, default_engine, parse_timer
from studio.expressions.errors import ExpressionError, TimerError
from studio.messages import text
from studio.notation.cmmn import CmmnIndex
from studio.notation.cmmn_model import (
    CaseFileItemOnPart,
    CaseFileItemStartTrigger,
    CaseTask,
    CmmnDefinitions,
    DecisionTask,
    DiscretionaryItem,
    EventListener,
    HumanTask,
    Milestone,
    PlanFragment,
    PlanItemOnPart,
    PlanItemStartTrigger,
    PlanningTable,
    ProcessTask,
    Rule,
    Sentry,
    Stage,
    Task,
    TimerEventListener,
    UserEventListener,
)
from studio.runtime.decisions import CompiledTable, DecisionError, compile_table
from studio.runtime.engine.due_dates import DueRule, compile_due, due_text
from studio.runtime.engine.errors import WordedError
from studio.runtime.engine.records import quick_init

TRUE = "true"
"""A rule present without a condition."""


class DefinitionError(WordedError):
    """A model the engine cannot run (it should not have passed validation)."""


@quick_init
@dataclass(frozen=True, slots=True)
class OnPart:
    index: int
    source: str  # plan item id, or case file item name
    event: str
    on_file: bool
    exit_criterion: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class CompiledSentry:
    id: str
    stage: str  # plan item id of the stage (or case plan model) the sentry belongs to
    on_parts: tuple[OnPart, ...]
    if_part: CompiledExpression | None
    if_source: str | None


@quick_init
@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    owner: str  # plan item id whose instances wait on it (the case plan model's id for @case)
    is_exit: bool
    sentry: CompiledSentry


@dataclass(frozen=True, slots=True)
class DecisionCall:
    """What a decision task evaluates and where each output goes: (output name, case file key)."""

    table: CompiledTable
    writes: tuple[tuple[str, str], ...]


@quick_init
@dataclass(frozen=True, slots=True)
class DataMapping:
    """One CMMN parameter mapping of a process or case task: `target` gets the value of
    `source` (a case file item or a variable of the child), or of `transformation` evaluated
    over the side the value comes from."""

    target: str
    source: str
    transformation: CompiledExpression | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class ItemDefinition:
    """One plan item (or discretionary item, or the case plan model) with its definition."""

    id: str
    name: str | None
    definition_id: str | None
    definition_name: str | None
    kind: str  # human_task, task, process_task, case_task, decision_task, stage, milestone,
    # user_event, timer_event, event_listener
    parent: str | None  # plan item id of the enclosing stage; None for the case plan model
    entry: tuple[Criterion, ...] = ()
    exit: tuple[Criterion, ...] = ()
    required: CompiledExpression | str | None = None
    repetition: CompiledExpression | str | None = None
    manual_activation: CompiledExpression | str | None = None
    blocking: bool = True
    discretionary: bool = False
    applicability: tuple[CompiledExpression | str, ...] = ()
    timer: TimerSpec | CompiledExpression | None = None
    start_trigger: tuple[str, str, bool] | None = None  # (source, event, on the case file)
    performer: str | None = None
    authorized_roles: tuple[str, ...] = ()
    planners: tuple[str, ...] = ()
    """Case roles that may plan a discretionary item (its own authorizedRoleRefs, else those of
    the nearest planning table that has some); empty: anyone."""
    auto_complete: bool = False
    children: tuple[str, ...] = ()
    called: str | None = None  # process / case / decision id for tasks that call one
    inputs: tuple[DataMapping, ...] | None = None
    """Parameter mappings into the child (None: it starts with a copy of the case file)."""
    outputs: tuple[DataMapping, ...] | None = None
    """Parameter mappings back from the child (None: what it changed is written back)."""
    decision: DecisionCall | None = None  # a decision task's compiled table (with a loader)
    due: DueRule | None = None  # a human task's due date (due_dates)

    @property
    def label(self) -> str:
        return self.name or self.definition_name or self.id


@dataclass(frozen=True, slots=True)
class CaseDefinition:
    """A compiled case: its items, criteria and listener indexes."""

    id: str
    name: str | None
    plan: str  # the case plan model's plan item id
    items: dict[str, ItemDefinition]
    listeners: dict[tuple[str, str], tuple[tuple[Criterion, int], ...]]
    file_listeners: dict[tuple[str, str], tuple[tuple[Criterion, int], ...]]
    data_criteria: tuple[Criterion, ...]  # criteria whose sentry has an if-part (re-read on writes)
    start_triggers: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(plan item, event) -> timer event listeners that start their timer then."""
    file_start_triggers: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(case file item name, event) -> timer event listeners that start their timer then."""
    case_file_items: tuple[str, ...] = ()
    schema: dict[str, Any] | None = None

    def named(self, key: str) -> ItemDefinition:
        return self.items[key]


def _rule(rule: Rule | None, owner: str | None = None) -> CompiledExpression | str | None:
    if rule is None:
        return None
    if rule.condition is None or not rule.condition.source:
        return TRUE
    where = rule.id or (f"the {type(rule).__name__} of {owner}" if owner else None)
    return _compile(rule.condition.source, where)


def _compile(source: str, element: str | None) -> CompiledExpression:
    try:
        return default_engine().compile(source)
    except ExpressionError as exc:
        raise DefinitionError(
            text("{element}: {reason}", element=element, reason=exc.message)
        ) from None


_KINDS = (
    (HumanTask, "human_task"),
    (ProcessTask, "process_task"),
    (CaseTask, "case_task"),
    (DecisionTask, "decision_task"),
    (Task, "task"),
    (Stage, "stage"),
    (Milestone, "milestone"),
    (UserEventListener, "user_event"),
    (TimerEventListener, "timer_event"),
    (EventListener, "event_listener"),
)
_KIND_OF_CLASS: dict[type, str] = {}


def _kind(definition: Any) -> str:
    known = _KIND_OF_CLASS.get(type(definition))
    if known is not None:
        return known
    for cls, kind in _KINDS:
        if isinstance(definition, cls):
            _KIND_OF_CLASS[type(definition)] = kind
            return kind
    raise DefinitionError(
        text(
            "{element}: cannot run a {kind}",
            element=getattr(definition, "id", "?"),
            kind=type(definition).__name__,
        )
    )


SchemaLoader = Callable[[str], "dict[str, Any] | None"]
DecisionLoader = Callable[[str], Any]
"""A DMN decision of the model project by id or name (a `dmn_model.Decision`), or None."""


def compile_case(
    model: CmmnDefinitions,
    case_id: str | None = None,
    schemas: SchemaLoader | None = None,
    decisions: DecisionLoader | None = None,
    index: CmmnIndex | None = None,
) -> CaseDefinition:
    """Compile one case of a CMMN model (the only one when `case_id` is None).

    `index` may pass the model's index when the caller has one already (validation does).
    `schemas` reads a JSON Schema file of the model project by name: `<case id>.schema.json`
    describes the whole case file, a case file item definition's `structureRef` one item.
    `decisions` finds the DMN decision a decision task calls; its table is compiled here and
    evaluated when the task starts (without a loader, decision tasks wait to be completed).
    """
    cases = [c for c in model.cases if case_id is None or c.id == case_id]
    if not cases:
        raise DefinitionError(text("no case {case!r} in {file}", case=case_id, file=model.source))
    if case_id is None and len(model.cases) > 1:
        raise DefinitionError(text("{file} holds several cases: name one", file=model.source))
    case = cases[0]
    plan = case.case_plan_model
    if plan is None or not plan.id:
        raise DefinitionError(text("case {case!r} has no case plan model", case=case.id))
    index = index if index is not None else CmmnIndex(model)
    sentries: dict[str, CompiledSentry] = {}
    names: tuple[str, ...] = ()
    if case.case_file_model is not None:
        names = tuple(i.name for i in case.case_file_model.items if i.name)

    def sentry(ref: str | None, stage_item: str) -> CompiledSentry:
        ident = (ref or "").rpartition(":")[2]
        found = index.by_id.get(ident)
        if not isinstance(found, Sentry):
            raise DefinitionError(text("criterion names no sentry {sentry!r}", sentry=ref))
        if ident not in sentries:
            parts = []
            for number, part in enumerate(found.on_parts):
                if isinstance(part, PlanItemOnPart):
                    parts.append(
                        OnPart(
                            number,
                            (part.source_ref or "").rpartition(":")[2],
                            part.standard_event or "",
                            False,
                            (part.exit_criterion_ref or "").rpartition(":")[2] or None,
                        )
                    )
                elif isinstance(part, CaseFileItemOnPart):
                    item = index.case_file_items.get((part.source_ref or "").rpartition(":")[2])
                    name = item.name if item is not None and item.name else part.source_ref or ""
                    parts.append(OnPart(number, name, part.standard_event or "", True))
            condition = found.if_part.condition if found.if_part is not None else None
            source = condition.source if condition is not None and condition.source else None
            sentries[ident] = CompiledSentry(
                ident,
                stage_item,
                tuple(parts),
                _compile(source, found.if_part.id or f"the if-part of {ident}") if source else None,
                source,
            )
        return sentries[ident]

    items: dict[str, ItemDefinition] = {}
    rights: dict[str, tuple[tuple[CompiledExpression | str, ...], tuple[str, ...]]] = {}
    """Discretionary item -> (applicability rules, planner roles) of its planning tables."""

    def planning(item: DiscretionaryItem) -> dict[str, Any]:
        """A discretionary item's applicability rules (its tables' and its own: all must hold)
        and the roles that may plan it (its own, else its nearest table's)."""
        rules, roles = rights.get(item.id or "", ((), ()))
        return {
            "applicability": rules + _applicability(item, index),
            "planners": _roles(index, item.authorized_role_refs) or roles,
        }

    def criteria(owner: str, stage_item: str, entry, exit_) -> tuple[tuple, tuple]:
        return (
            tuple(
                [
                    Criterion(c.id or owner, owner, False, sentry(c.sentry_ref, stage_item))
                    for c in entry
                ]
            )
            if entry
            else (),
            tuple(
                [
                    Criterion(c.id or owner, owner, True, sentry(c.sentry_ref, stage_item))
                    for c in exit_
                ]
            )
            if exit_
            else (),
        )

    def add_stage(stage: Stage, item_id: str, parent: str | None, name, item=None) -> None:
        children: list[str] = []
        plan_items = list(stage.plan_items)
        for fragment in stage.plan_item_definitions:
            if not isinstance(fragment, Stage) and hasattr(fragment, "plan_items"):
                plan_items.extend(fragment.plan_items)  # plan fragments: no runtime effect
        tables = [stage.planning_table] if stage.planning_table else []
        for definition in stage.plan_item_definitions:
            table = getattr(definition, "planning_table", None)
            if table is not None and not isinstance(definition, Stage):
                tables.append(table)
        discretionary = []
        for table in tables:
            discretionary.extend(table.discretionary_items())
            rights.update(_planning_rights(table, index))
        for child in (*plan_items, *discretionary):
            info = index.plan_items.get(child.id or "")
            if info is None or info.definition is None:
                raise DefinitionError(text("plan item {item!r} has no definition", item=child.id))
            if isinstance(info.definition, PlanFragment) and not isinstance(info.definition, Stage):
                continue  # a plan fragment has no runtime effect: its items belong to this stage
            children.append(child.id)
            add_item(child, info.definition, item_id, isinstance(child, DiscretionaryItem))
        entry, _ = criteria(item_id, parent or item_id, item.entry_criteria if item else (), ())
        own_exit = tuple(
            Criterion(
                c.id or item_id,
                item_id,
                True,
                sentry(c.sentry_ref, item_id if parent is None else parent),
            )
            for c in (*(item.exit_criteria if item else ()), *stage.exit_criteria)
        )
        base = _item_base(item, stage) if item is not None else {}
        items[item_id] = ItemDefinition(
            id=item_id,
            name=name,
            definition_id=stage.id,
            definition_name=stage.name,
            kind="stage",
            parent=parent,
            entry=entry,
            exit=own_exit,
            auto_complete=bool(stage.auto_complete),
            children=tuple(children),
            **base,
        )

    def add_item(item, definition, parent: str, discretionary: bool) -> None:
        if isinstance(definition, Stage):
            add_stage(definition, item.id, parent, item.name or definition.name, item)
            if discretionary:
                items[item.id] = _replace(items[item.id], discretionary=True, **planning(item))
            return
        entry, exit_ = criteria(item.id, parent, item.entry_criteria, item.exit_criteria)
        kind = _kind(definition)
        timer = None
        trigger = None
        if isinstance(definition, TimerEventListener):
            timer = _timer(definition)
            start = definition.timer_start
            if isinstance(start, PlanItemStartTrigger) and start.source_ref:
                trigger = (start.source_ref.rpartition(":")[2], start.standard_event or "", False)
            elif isinstance(start, CaseFileItemStartTrigger) and start.source_ref:
                source = index.case_file_items.get(start.source_ref.rpartition(":")[2])
                name = source.name if source is not None and source.name else start.source_ref
                trigger = (name, start.standard_event or "", True)
        items[item.id] = ItemDefinition(
            id=item.id,
            name=item.name or definition.name,
            definition_id=definition.id,
            definition_name=definition.name,
            kind=kind,
            parent=parent,
            entry=entry,
            exit=exit_,
            blocking=definition.blocking if isinstance(definition, Task) else True,
            discretionary=discretionary,
            **(planning(item) if discretionary else {}),
            timer=timer,
            due=due_rule(definition) if kind in ("human_task", "task") else None,
            start_trigger=trigger,
            performer=_role(index, getattr(definition, "performer_ref", None)),
            authorized_roles=_roles(index, getattr(definition, "authorized_role_refs", None)),
            called=index.called_element(definition),
            **_mappings(definition, index),
            decision=_decision(definition, index, decisions, names) if decisions else None,
            **_item_base(item, definition),
        )

    add_stage(plan, plan.id, None, plan.name or case.name)
    listeners: dict[tuple[str, str], list] = {}
    file_listeners: dict[tuple[str, str], list] = {}
    data_criteria: list[Criterion] = []
    triggers: dict[tuple[str, str], list[str]] = {}
    file_triggers: dict[tuple[str, str], list[str]] = {}
    for item in items.values():
        for criterion in (*item.entry, *item.exit):
            for part in criterion.sentry.on_parts:
                target = file_listeners if part.on_file else listeners
                target.setdefault((part.source, part.event), []).append((criterion, part.index))
            if criterion.sentry.if_part is not None:
                data_criteria.append(criterion)
        if item.start_trigger:
            source, event, on_file = item.start_trigger
            (file_triggers if on_file else triggers).setdefault((source, event), []).append(item.id)
    schema = _case_file_schema(model, case, schemas) if schemas is not None else None
    return CaseDefinition(
        id=case.id or "case",
        name=case.name,
        plan=plan.id,
        items=items,
        listeners={k: tuple(v) for k, v in listeners.items()},
        file_listeners={k: tuple(v) for k, v in file_listeners.items()},
        data_criteria=tuple(data_criteria),
        start_triggers={k: tuple(v) for k, v in triggers.items()},
        file_start_triggers={k: tuple(v) for k, v in file_triggers.items()},
        case_file_items=names,
        schema=schema,
    )


def _mappings(definition: Any, index: CmmnIndex) -> dict[str, Any]:
    """The parameter mappings of a process or case task, as inputs and outputs of the child.

    A mapping from one of the task's inputs goes into the child; one to the task's outputs comes
    back. A task parameter stands for the case file item its `bindingRef` names (else its own
    name); a process or case parameter for the variable or case file item of its name."""
    mappings = getattr(definition, "parameter_mappings", ())
    if not mappings or not isinstance(definition, ProcessTask | CaseTask):
        return {}
    inputs = {p.id for p in definition.inputs if p.id}
    outputs = {p.id for p in definition.outputs if p.id}
    into: list[DataMapping] = []
    back: list[DataMapping] = []
    for mapping in mappings:
        source = index.by_id.get((mapping.source_ref or "").rpartition(":")[2])
        target = index.by_id.get((mapping.target_ref or "").rpartition(":")[2])
        if source is None or target is None:
            raise DefinitionError(
                text(
                    "{element}: a parameter mapping names an unknown parameter",
                    element=mapping.id or definition.id,
                )
            )
        transformation = None
        if mapping.transformation is not None and mapping.transformation.source.strip():
            transformation = _compile(mapping.transformation.source, mapping.id or definition.id)
        if source.id in inputs:
            into.append(DataMapping(_parameter_key(target), _bound(source, index), transformation))
        elif target.id in outputs:
            back.append(DataMapping(_bound(target, index), _parameter_key(source), transformation))
        else:
            raise DefinitionError(
                text(
                    "{element}: a parameter mapping goes from one of the task's inputs or to one "
                    "of its outputs",
                    element=mapping.id or definition.id,
                )
            )
    return {"inputs": tuple(into) if into else None, "outputs": tuple(back) if back else None}


def _parameter_key(parameter: Any) -> str:
    return parameter.name or parameter.id or ""


def _bound(parameter: Any, index: CmmnIndex) -> str:
    """The case file item a task parameter is bound to (its name), else the parameter's name."""
    ref = (parameter.binding_ref or "").rpartition(":")[2]
    item = index.case_file_items.get(ref) if ref else None
    if item is not None:
        return item.name or item.id or ref
    return _parameter_key(parameter)


def _case_file_schema(model: CmmnDefinitions, case, schemas: SchemaLoader) -> dict[str, Any] | None:
    """One JSON Schema for the whole case file, from the case's and its items' schemas."""
    whole = schemas(f"{case.id}.schema.json")
    properties: dict[str, Any] = {}
    definitions = {d.id: d for d in model.case_file_item_definitions}
    if case.case_file_model is not None:
        for item in case.case_file_model.items:
            definition = definitions.get((item.definition_ref or "").rpartition(":")[2])
            if item.name and definition is not None and definition.structure_ref:
                found = schemas(definition.structure_ref)
                if found is not None:
                    properties[item.name] = found
    if not properties:
        return whole
    parts = [{"type": "object", "properties": properties}]
    return {"allOf": [whole, *parts]} if whole else parts[0]


def _replace(item: ItemDefinition, **changes: Any) -> ItemDefinition:
    import dataclasses

    return dataclasses.replace(item, **changes)


def _item_base(item, definition) -> dict[str, Any]:
    """Rules of the item's control, else of its definition's default control."""
    rules: dict[str, Any] = {}
    if getattr(item, "item_control", None) is None and (
        getattr(definition, "default_control", None) is None
    ):
        return rules
    for name, key in (
        ("required_rule", "required"),
        ("repetition_rule", "repetition"),
        ("manual_activation_rule", "manual_activation"),
    ):
        for control in (
            getattr(item, "item_control", None),
            getattr(definition, "default_control", None),
        ):
            if control is not None and getattr(control, name) is not None:
                rules[key] = _rule(getattr(control, name), getattr(item, "id", None))
                break
    return rules


def _applicability(item, index: CmmnIndex) -> tuple[CompiledExpression | str, ...]:
    found = []
    for ref in (item.applicability_rule_refs or "").split():
        rule = index.by_id.get(ref.rpartition(":")[2])
        if isinstance(rule, Rule):
            found.append(_rule(rule))
    return tuple(found)


def _timer(definition: TimerEventListener) -> TimerSpec | CompiledExpression | None:
    expression = definition.timer_expression
    if expression is None or not expression.source:
        return None
    try:
        return parse_timer(expression.source)
    except TimerError:
        return _compile(expression.source, definition.id)


def due_rule(element: Any) -> DueRule | None:
    """The compiled due date of a work element (its vendor `dueDate`), if it has one."""
    written = due_text(element)
    if written is None:
        return None
    try:
        return compile_due(written)
    except (TimerError, ExpressionError) as exc:
        raise DefinitionError(
            text(
                "{element}: the due date {due!r}: {reason}",
                element=element.id,
                due=written,
                reason=str(exc),
            )
        ) from None


def _roles(index: CmmnIndex, refs: str | None) -> tuple[str, ...]:
    """The names of the case roles a space-separated list of references names."""
    return tuple(_role(index, r) or r for r in (refs or "").split())


def _planning_rights(
    table: PlanningTable,
    index: CmmnIndex,
    rules: tuple[CompiledExpression | str, ...] = (),
    roles: tuple[str, ...] = (),
) -> dict[str, tuple[tuple[CompiledExpression | str, ...], tuple[str, ...]]]:
    """(applicability rules, planner roles) each discretionary item of `table` inherits from it
    and the tables around it: every table's rules apply; the nearest table's roles win."""
    rules = rules + _applicability(table, index)
    roles = _roles(index, table.authorized_role_refs) or roles
    found = {}
    for entry in table.table_items:
        if isinstance(entry, PlanningTable):
            found.update(_planning_rights(entry, index, rules, roles))
        elif entry.id:
            found[entry.id] = (rules, roles)
    return found


def _role(index: CmmnIndex, ref: str | None) -> str | None:
    if not ref:
        return None
    role = index.by_id.get(ref.rpartition(":")[2])
    return getattr(role, "name", None) or ref


def _decision(
    definition: Any, index: CmmnIndex, decisions: DecisionLoader, names: tuple[str, ...]
) -> DecisionCall | None:
    """A decision task's compiled table; each output is written to the case file item of its
    name (a single output whose name the case file lacks goes to the decision's variable)."""
    if not isinstance(definition, DecisionTask):
        return None
    label = definition.name or definition.id
    key = index.called_element(definition)
    found = decisions(key) if key else None
    if found is None:
        raise DefinitionError(
            text(
                "decision task {item!r}: no DMN decision {decision!r} in the project",
                item=label,
                decision=key,
            )
        )
    try:
        table = compile_table(found)
    except DecisionError as exc:
        raise DefinitionError(
            text("decision task {item!r}: {reason}", item=label, reason=exc.message)
        ) from None
    writes = [(name, name) for name in table.outputs]
    variable = found.variable.name if found.variable else None
    if len(writes) == 1 and names and writes[0][0] not in names and variable in names:
        writes = [(writes[0][0], variable)]
    return DecisionCall(table, tuple(writes))
