"""CMMN 1.1 notation: registration for reading/writing, canonical repairs, and an id index."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from studio.notation.binding import identify, iter_elements
from studio.notation.canonical import repair_ids, transform
from studio.notation.cmmn_di import CmmnEdge, CmmnLabel, CmmnShape
from studio.notation.cmmn_model import (
    Case,
    CaseFileItem,
    CmmnDefinitions,
    DiscretionaryItem,
    PlanItem,
    PlanItemDefinition,
    Sentry,
    Stage,
)
from studio.notation.documents import register_notation
from studio.notation.namespaces import CMMN, CMMN_DC, CMMN_DI, CMMNDI, qualified


def add_required_labels(model: CmmnDefinitions) -> CmmnDefinitions:
    """Give every CMMNShape and CMMNEdge the CMMNLabel child the OMG schema requires."""
    if model.cmmndi is None:
        return model

    def fix(element: Any) -> Any:
        if isinstance(element, CmmnShape | CmmnEdge) and element.label is None:
            return dataclasses.replace(element, label=CmmnLabel())
        return element

    return dataclasses.replace(model, cmmndi=transform(model.cmmndi, fix))


def repair_cmmn_ids(model: CmmnDefinitions) -> CmmnDefinitions:
    return repair_ids(model)[0]


register_notation(
    "cmmn",
    (qualified(CMMN, "definitions"),),
    (CMMNDI, CMMN_DC, CMMN_DI),
    (repair_cmmn_ids, add_required_labels),
)


@dataclass(frozen=True, slots=True)
class PlanItemInfo:
    """A plan item (or discretionary item) with where it sits."""

    item: PlanItem | DiscretionaryItem
    definition: PlanItemDefinition | None
    stage: Stage  # the stage (or case plan model) whose plan it belongs to
    case: Case


class CmmnIndex:
    """Lookups over one CMMN model by id, built once."""

    def __init__(
        self,
        model: CmmnDefinitions,
        elements: Iterable[Any] | None = None,
        identified: tuple[dict[str, Any], list[tuple[str, Any]]] | None = None,
    ) -> None:
        """Index `model`; `elements` may pass an already made walk of it (all its elements), or
        `identified` what `identify` made of one."""
        self.model = model
        if identified is None:
            identified = identify(iter_elements(model) if elements is None else elements)
        self.by_id: dict[str, Any] = identified[0]
        self.duplicates: list[tuple[str, Any]] = identified[1]
        self.plan_items: dict[str, PlanItemInfo] = {}
        self.stage_of_sentry: dict[str, Stage] = {}
        self.case_file_items: dict[str, CaseFileItem] = {}
        for case in model.cases:
            if case.case_file_model:
                for item in _walk_case_file(case.case_file_model.items):
                    if item.id:
                        self.case_file_items[item.id] = item
            if case.case_plan_model is not None:
                self._index_stage(case.case_plan_model, case)

    def _index_stage(self, stage: Stage, case: Case) -> None:
        definitions = {d.id: d for d in stage.plan_item_definitions if d.id}
        for sentry in stage.sentries:
            if sentry.id:
                self.stage_of_sentry[sentry.id] = stage
        items: list[PlanItem | DiscretionaryItem] = list(stage.plan_items)
        if stage.planning_table is not None:
            items.extend(stage.planning_table.discretionary_items())
        for definition in stage.plan_item_definitions:
            table = getattr(definition, "planning_table", None)
            if table is not None and not isinstance(definition, Stage):
                items.extend(table.discretionary_items())
        for item in items:
            definition = definitions.get(item.definition_ref or "") or self.by_id.get(
                item.definition_ref or ""
            )
            if item.id:
                self.plan_items[item.id] = PlanItemInfo(item, definition, stage, case)
        for definition in stage.plan_item_definitions:
            if isinstance(definition, Stage):
                self._index_stage(definition, case)
            elif hasattr(definition, "plan_items"):  # a plan fragment: its items live in `stage`
                for item in definition.plan_items:
                    if item.id:
                        ref = definitions.get(item.definition_ref or "")
                        self.plan_items[item.id] = PlanItemInfo(item, ref, stage, case)
                for sentry in definition.sentries:
                    if sentry.id:
                        self.stage_of_sentry[sentry.id] = stage

    def called_element(self, task: Any) -> str | None:
        """What a process, case or decision task calls: the id its *Ref names, following a
        `<process>` / `<decision>` element's externalRef to the BPMN process or DMN decision, else
        a *RefExpression holding a plain identifier; None when nothing names it statically."""
        for attribute in ("process_ref", "case_ref", "decision_ref"):
            value = getattr(task, attribute, None)
            if value:
                ident = value.rpartition(":")[2]
                external = getattr(self.by_id.get(ident), "external_ref", None)
                if attribute != "case_ref" and external:
                    return external.rpartition(":")[2]
                return ident
        for attribute in (
            "process_ref_expression",
            "case_ref_expression",
            "decision_ref_expression",
        ):
            expression = getattr(task, attribute, None)
            if expression is not None and expression.source.isidentifier():
                return expression.source
        return None

    def sentries(self) -> Iterator[tuple[Sentry, Stage]]:
        """Every sentry with the stage it belongs to."""
        for sentry_id, stage in self.stage_of_sentry.items():
            sentry = self.by_id.get(sentry_id)
            if isinstance(sentry, Sentry):
                yield sentry, stage


def _walk_case_file(items: tuple[CaseFileItem, ...]) -> Iterator[CaseFileItem]:
    for item in items:
        yield item
        yield from _walk_case_file(item.child_items)
