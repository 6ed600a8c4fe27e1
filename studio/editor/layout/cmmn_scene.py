"""What a CMMN case diagram shows: the shapes (nested), their criteria and the on-part connectors.

Built from the semantic model alone; sizes and positions are decided elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from studio.notation.cmmn import CmmnIndex
from studio.notation.cmmn_model import (
    Case,
    CaseFileItem,
    CaseFileItemOnPart,
    CaseTask,
    Criterion,
    DecisionTask,
    DiscretionaryItem,
    EntryCriterion,
    EventListener,
    HumanTask,
    Milestone,
    PlanFragment,
    PlanItem,
    PlanItemOnPart,
    ProcessTask,
    Sentry,
    Stage,
    Task,
    TimerEventListener,
    UserEventListener,
)

# Most specific classes first: kinds follow the definition's class.
_KINDS: tuple[tuple[type, str], ...] = (
    (HumanTask, "humanTask"),
    (ProcessTask, "processTask"),
    (CaseTask, "caseTask"),
    (DecisionTask, "decisionTask"),
    (Task, "task"),
    (Milestone, "milestone"),
    (TimerEventListener, "timerEventListener"),
    (UserEventListener, "userEventListener"),
    (EventListener, "eventListener"),
    (Stage, "stage"),
    (PlanFragment, "planFragment"),
)
CONTAINER_KINDS = frozenset({"casePlanModel", "stage", "planFragment"})


def kind_of(definition: object) -> str:
    """The drawing kind of a plan item definition ('task' when unknown)."""
    for cls, kind in _KINDS:
        if isinstance(definition, cls):
            return kind
    return "task"


@dataclass(eq=False, slots=True)
class SceneCriterion:
    id: str
    entry: bool
    sentry: Sentry | None
    owner: SceneShape


@dataclass(eq=False, slots=True)
class SceneShape:
    """One drawn element: the case plan model, a plan or discretionary item, a case file item."""

    id: str
    kind: str
    name: str
    parent: SceneShape | None = None
    discretionary: bool = False
    collapsed: bool = False
    has_planning_table: bool = False
    entry: list[SceneCriterion] = field(default_factory=list)
    exit: list[SceneCriterion] = field(default_factory=list)
    children: list[SceneShape] = field(default_factory=list)

    @property
    def is_container(self) -> bool:
        return bool(self.children)

    def walk(self) -> Iterator[SceneShape]:
        """This shape and every shape inside it, depth first in model order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def contains(self, other: SceneShape) -> bool:
        """True when `other` lies (at any depth) inside this shape."""
        parent = other.parent
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parent
        return False


@dataclass(eq=False, slots=True)
class Connector:
    """An on-part drawn from its source (or the source's exit criterion) to a criterion."""

    on_part_id: str
    source: SceneShape
    source_criterion: SceneCriterion | None
    target: SceneCriterion


@dataclass(eq=False, slots=True)
class CaseScene:
    case: Case
    root: SceneShape
    case_file_items: list[SceneShape]  # the ones no on-part listens to, drawn below the plan
    shapes: dict[str, SceneShape]
    criteria: dict[str, SceneCriterion]
    connectors: list[Connector]
    planned_by: list[tuple[SceneShape, SceneShape]]  # (human task, its discretionary item)


def build_scene(case: Case, index: CmmnIndex) -> CaseScene | None:
    """The scene of one case, or None when it has no case plan model to draw."""
    plan = case.case_plan_model
    if plan is None or not plan.id:
        return None
    builder = _Builder(index)
    root = SceneShape(plan.id, "casePlanModel", plan.name or "")
    builder.register(root)
    root.has_planning_table = plan.planning_table is not None
    root.exit = builder.criteria(root, (), plan.exit_criteria)
    builder.visited.add(plan.id)
    builder.fill(root, plan)
    files = [item for item in _walk_files(case) if item.id and item.id not in builder.shapes]
    file_shapes = {item.id: SceneShape(item.id, "caseFileItem", item.name or "") for item in files}
    connectors = builder.connectors(root, file_shapes)
    listened = {c.source.id for c in connectors if c.source.kind == "caseFileItem"}
    for shape in file_shapes.values():
        builder.register(shape)
        if shape.id in listened:
            shape.parent = root
            root.children.append(shape)
    unheard = [s for s in file_shapes.values() if s.id not in listened]
    return CaseScene(
        case, root, unheard, builder.shapes, builder.all_criteria, connectors, builder.planned_by
    )


def _walk_files(case: Case) -> Iterator[CaseFileItem]:
    def walk(items: tuple[CaseFileItem, ...]) -> Iterator[CaseFileItem]:
        for item in items:
            yield item
            yield from walk(item.child_items)

    if case.case_file_model is not None:
        yield from walk(case.case_file_model.items)


class _Builder:
    def __init__(self, index: CmmnIndex) -> None:
        self.index = index
        self.shapes: dict[str, SceneShape] = {}
        self.all_criteria: dict[str, SceneCriterion] = {}
        self.visited: set[str] = set()
        self.planned_by: list[tuple[SceneShape, SceneShape]] = []

    def register(self, shape: SceneShape) -> bool:
        if shape.id in self.shapes:
            return False
        self.shapes[shape.id] = shape
        return True

    def criteria(
        self, owner: SceneShape, entry: tuple[Criterion, ...], exit: tuple[Criterion, ...]
    ) -> list[SceneCriterion]:
        found: list[SceneCriterion] = []
        for criterion in (*entry, *exit):
            if not criterion.id or criterion.id in self.all_criteria:
                continue
            sentry = self.index.by_id.get(criterion.sentry_ref or "")
            scene = SceneCriterion(
                criterion.id,
                isinstance(criterion, EntryCriterion),
                sentry if isinstance(sentry, Sentry) else None,
                owner,
            )
            self.all_criteria[criterion.id] = scene
            found.append(scene)
        return found

    def fill(self, shape: SceneShape, definition: PlanFragment) -> None:
        items: list[PlanItem | DiscretionaryItem] = list(definition.plan_items)
        owners: dict[str, str] = {}  # discretionary item id -> human task definition id
        if isinstance(definition, Stage):
            if definition.planning_table is not None:
                items.extend(definition.planning_table.discretionary_items())
            for inner in definition.plan_item_definitions:
                if isinstance(inner, HumanTask) and inner.planning_table is not None:
                    for item in inner.planning_table.discretionary_items():
                        items.append(item)
                        if item.id and inner.id:
                            owners[item.id] = inner.id
        for item in items:
            child = self.item(shape, item)
            if child is None:
                continue
            owner_definition = owners.get(child.id)
            if owner_definition:
                for sibling in definition.plan_items:
                    task = self.shapes.get(sibling.id or "")
                    if sibling.definition_ref == owner_definition and task is not None:
                        self.planned_by.append((task, child))

    def item(self, parent: SceneShape, item: PlanItem | DiscretionaryItem) -> SceneShape | None:
        if not item.id or item.id in self.shapes:
            return None
        info = self.index.plan_items.get(item.id)
        definition = info.definition if info else None
        shape = SceneShape(
            item.id,
            kind_of(definition),
            item.name or getattr(definition, "name", None) or "",
            parent=parent,
            discretionary=isinstance(item, DiscretionaryItem),
        )
        self.register(shape)
        parent.children.append(shape)
        own_exits = definition.exit_criteria if isinstance(definition, Stage) else ()
        shape.entry = self.criteria(shape, item.entry_criteria, ())
        shape.exit = self.criteria(shape, (), (*item.exit_criteria, *own_exits))
        if isinstance(definition, HumanTask | Stage):
            shape.has_planning_table = definition.planning_table is not None
        if isinstance(definition, PlanFragment) and _has_content(definition):
            if definition.id and definition.id in self.visited:
                shape.collapsed = True  # drawn already (or a cycle): show it folded
            else:
                self.visited.add(definition.id or "")
                self.fill(shape, definition)
        return shape

    def connectors(self, root: SceneShape, files: dict[str, SceneShape]) -> list[Connector]:
        found: list[Connector] = []
        for shape in root.walk():
            for criterion in (*shape.entry, *shape.exit):
                if criterion.sentry is None:
                    continue
                for on_part in criterion.sentry.on_parts:
                    connector = self.connector(on_part, criterion, files)
                    if connector is not None:
                        found.append(connector)
        return found

    def connector(
        self,
        on_part: PlanItemOnPart | CaseFileItemOnPart,
        target: SceneCriterion,
        files: dict[str, SceneShape],
    ) -> Connector | None:
        if not on_part.id or not on_part.source_ref:
            return None
        if isinstance(on_part, CaseFileItemOnPart):
            source = files.get(on_part.source_ref)
            return Connector(on_part.id, source, None, target) if source else None
        source = self.shapes.get(on_part.source_ref)
        if source is None or source.kind == "caseFileItem":
            return None
        via = self.all_criteria.get(on_part.exit_criterion_ref or "")
        if via is not None and (via.entry or via.owner is not source):
            via = None
        return Connector(on_part.id, source, via, target)


def _has_content(definition: PlanFragment) -> bool:
    if definition.plan_items:
        return True
    table = definition.planning_table if isinstance(definition, Stage) else None
    return table is not None and bool(table.discretionary_items())
