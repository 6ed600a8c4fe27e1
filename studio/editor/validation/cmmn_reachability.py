"""CMMN reachability: items no sentry can ever activate, and cases that can never complete."""

from __future__ import annotations

from studio.editor.validation.cmmn_references import local_name
from studio.editor.validation.cmmn_sentries import events_of
from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.messages import text
from studio.notation.cmmn import PlanItemInfo
from studio.notation.cmmn_model import (
    CaseFileItemOnPart,
    DiscretionaryItem,
    EventListener,
    PlanItemOnPart,
    Rule,
    Sentry,
    Stage,
)
from studio.runtime.engine.wording import joined

_FALSE = {"false", "${false}", "#{false}", "False"}


def _is_literal_false(rule_or_part) -> bool:
    condition = getattr(rule_or_part, "condition", None)
    return condition is not None and condition.source in _FALSE


def rule_of(info: PlanItemInfo, name: str) -> Rule | None:
    """A rule of the item's control, else of its definition's default control."""
    for control in (info.item.item_control, getattr(info.definition, "default_control", None)):
        if control is not None and getattr(control, name) is not None:
            return getattr(control, name)
    return None


def is_required(info: PlanItemInfo) -> bool:
    rule = rule_of(info, "required_rule")
    return rule is not None and not _is_literal_false(rule)


class _Reachability:
    """Least fixpoint of 'can become active' over the plan items of a model."""

    def __init__(self, ctx: ModelContext) -> None:
        self.ctx = ctx
        self.items = ctx.cmmn_index.plan_items
        self.stage_items: dict[str, list[str]] = {}  # stage definition id -> plan item ids
        for pid, info in self.items.items():
            if isinstance(info.definition, Stage) and info.definition.id:
                self.stage_items.setdefault(info.definition.id, []).append(pid)
        self.plan_models = {
            case.case_plan_model.id for case in ctx.model.cases if case.case_plan_model
        }
        self.reachable: set[str] = set()
        self._solve()

    def container_reachable(self, stage: Stage) -> bool:
        if stage.id in self.plan_models:
            return True
        return any(pid in self.reachable for pid in self.stage_items.get(stage.id or "", ()))

    def sentry_can_fire(self, sentry: Sentry) -> bool:
        if sentry.if_part is not None and _is_literal_false(sentry.if_part):
            return False
        for on_part in sentry.on_parts:
            if isinstance(on_part, CaseFileItemOnPart):
                continue
            if isinstance(on_part, PlanItemOnPart):
                source = local_name(on_part.source_ref or "")
                info = self.items.get(source)
                if source not in self.reachable or info is None:
                    return False
                if on_part.standard_event not in events_of(info.definition):
                    return False
        return True

    def can_activate(self, info: PlanItemInfo) -> bool:
        if not self.container_reachable(info.stage):
            return False
        if isinstance(info.item, DiscretionaryItem) or isinstance(info.definition, EventListener):
            return True  # planned by a user / occurs by a user, a timer or the API
        if not info.item.entry_criteria:
            return True
        for criterion in info.item.entry_criteria:
            sentry = self.ctx.cmmn_index.by_id.get(local_name(criterion.sentry_ref or ""))
            if isinstance(sentry, Sentry) and self.sentry_can_fire(sentry):
                return True
        return False

    def _solve(self) -> None:
        changed = True
        while changed:
            changed = False
            for pid, info in self.items.items():
                if pid not in self.reachable and self.can_activate(info):
                    self.reachable.add(pid)
                    changed = True

    def blocker(self, info: PlanItemInfo) -> str:
        """Why an item cannot activate, in words."""
        reasons = []
        for criterion in info.item.entry_criteria:
            sentry = self.ctx.cmmn_index.by_id.get(local_name(criterion.sentry_ref or ""))
            if not isinstance(sentry, Sentry):
                continue
            if sentry.if_part is not None and _is_literal_false(sentry.if_part):
                reasons.append(
                    text(
                        "sentry {sentry} has an if-part that is always false",
                        sentry=repr(sentry.id),
                    )
                )
                continue
            for on_part in sentry.on_parts:
                if not isinstance(on_part, PlanItemOnPart):
                    continue
                source = local_name(on_part.source_ref or "")
                info = self.items.get(source)
                if info is not None and on_part.standard_event not in events_of(info.definition):
                    reasons.append(
                        text(
                            "sentry {sentry} waits for {event} of {source}, which never emits it",
                            sentry=repr(sentry.id),
                            event=repr(on_part.standard_event),
                            source=repr(source),
                        )
                    )
                    break
                if source not in self.reachable:
                    reasons.append(
                        text(
                            "sentry {sentry} waits for {event} of {source}, which can never "
                            "become active",
                            sentry=repr(sentry.id),
                            event=repr(on_part.standard_event),
                            source=repr(source),
                        )
                    )
                    break
        if not reasons:
            return text("none of its entry criteria can be satisfied")
        return joined(reasons, "; ")


def check_reachability(ctx: ModelContext) -> None:
    """Items that nothing can activate (warning); required ones make completion impossible."""
    solver = _Reachability(ctx)
    for pid, info in solver.items.items():
        if pid in solver.reachable or not solver.container_reachable(info.stage):
            continue
        name = info.item.name or getattr(info.definition, "name", None) or pid
        why = solver.blocker(info)
        if is_required(info):
            if info.stage.id in solver.plan_models:
                message = text(
                    "required item {item} can never be activated ({why}), so the case can never "
                    "complete",
                    item=repr(name),
                    why=why,
                )
            else:
                message = text(
                    "required item {item} can never be activated ({why}), so stage {stage} can "
                    "never complete",
                    item=repr(name),
                    why=why,
                    stage=repr(info.stage.id),
                )
            ctx.report("cmmn.case.cannot-complete", ERROR, message, info.item)
        else:
            ctx.report(
                "cmmn.item.unreachable",
                WARNING,
                text("item {item} can never be activated: {why}", item=repr(name), why=why),
                info.item,
            )


def check_repetition(ctx: ModelContext) -> None:
    """A repeating item without entry criteria cannot be got rid of while its rule holds."""
    for info in ctx.cmmn_index.plan_items.values():
        rule = rule_of(info, "repetition_rule")
        if rule is None or _is_literal_false(rule) or info.item.entry_criteria:
            continue
        if isinstance(info.definition, EventListener):
            continue
        if rule.condition is None or not rule.condition.source:
            name = info.item.name or info.item.id
            ctx.report(
                "cmmn.repetition.endless",
                WARNING,
                text(
                    "item {item} repeats without entry criteria and without a condition: every "
                    "time an instance ends (even by its exit criterion) a new one starts, so only "
                    "the end of its stage gets rid of it",
                    item=repr(name),
                ),
                info.item,
            )
