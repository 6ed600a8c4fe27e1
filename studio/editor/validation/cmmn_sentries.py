"""CMMN sentries: on-parts listen to events their source can emit; sentries can fire at all."""

from __future__ import annotations

from studio.editor.validation.cmmn_references import local_name
from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.notation.cmmn_model import (
    CASE_FILE_ITEM_TRANSITIONS,
    PLAN_ITEM_TRANSITIONS,
    CaseFileItemOnPart,
    EventListener,
    ExitCriterion,
    Milestone,
    PlanItemOnPart,
    Sentry,
    Stage,
)

_WORK_EVENTS = frozenset(PLAN_ITEM_TRANSITIONS) - {"occur", "close"}
_OCCURRING_EVENTS = frozenset(
    {"create", "occur", "suspend", "resume", "terminate", "exit", "parentSuspend", "parentResume"}
)


def events_of(definition: object) -> frozenset[str]:
    """The standard events a plan item of this definition can emit (DESIGN: lifecycle)."""
    if isinstance(definition, Milestone | EventListener):
        return _OCCURRING_EVENTS
    return _WORK_EVENTS


def _kind(definition: object) -> str:
    if isinstance(definition, Milestone):
        return "milestone"
    if isinstance(definition, EventListener):
        return "event listener"
    return type(definition).__name__.replace("Task", " task").lower().strip()


def check_sentries(ctx: ModelContext) -> None:
    """Empty sentries, missing or impossible on-part events, unused sentries."""
    index = ctx.cmmn_index
    used = {
        local_name(c.sentry_ref)
        for info in index.plan_items.values()
        for c in (*info.item.entry_criteria, *info.item.exit_criteria)
        if c.sentry_ref
    }
    plans = {id(case.case_plan_model) for case in index.model.cases if case.case_plan_model}
    for element in ctx.model_elements:
        if isinstance(element, Stage):
            used.update(local_name(c.sentry_ref) for c in element.exit_criteria if c.sentry_ref)
            if element.exit_criteria and id(element) not in plans:
                ctx.report(
                    "cmmn.stage.exit-criterion",
                    WARNING,
                    f"stage {element.name or element.id!r} carries exit criteria on its "
                    "definition; CMMN puts a stage's exit criteria on its plan item (only the case "
                    "plan model has its own), and modelers such as cmmn-js cannot draw them there",
                    element.exit_criteria[0],
                )

    for sentry, _stage in index.sentries():
        if not sentry.on_parts and sentry.if_part is None:
            ctx.report(
                "cmmn.sentry.empty",
                WARNING,
                f"sentry {sentry.name or sentry.id!r} has neither an on-part nor an if-part, so it "
                "waits for nothing",
                sentry,
            )
        if sentry.id not in used:
            ctx.report(
                "cmmn.sentry.unused",
                WARNING,
                f"sentry {sentry.name or sentry.id!r} is used by no entry or exit criterion",
                sentry,
            )
        for on_part in sentry.on_parts:
            _check_on_part(ctx, sentry, on_part)


def _check_on_part(ctx: ModelContext, sentry: Sentry, on_part: object) -> None:
    event = on_part.standard_event
    if isinstance(on_part, CaseFileItemOnPart):
        allowed = CASE_FILE_ITEM_TRANSITIONS
        source = "case file item"
    else:
        info = ctx.cmmn_index.plan_items.get(local_name(on_part.source_ref or ""))
        if info is None:
            return  # reported as cmmn.sentry.unknown-source
        allowed = events_of(info.definition)
        source = f"{_kind(info.definition)} {info.item.name or info.item.id!r}"
    if not event:
        ctx.report(
            "cmmn.sentry.missing-event",
            ERROR,
            f"an on-part of sentry {sentry.id!r} names no standardEvent of its {source}",
            on_part,
        )
        return
    if event not in allowed:
        listed = ", ".join(sorted(allowed))
        ctx.report(
            "cmmn.sentry.impossible-event",
            ERROR,
            f"sentry {sentry.id!r} listens to {event!r} of {source}, which never emits it "
            f"(it emits: {listed})",
            on_part,
        )
    if isinstance(on_part, PlanItemOnPart) and on_part.exit_criterion_ref:
        info = ctx.cmmn_index.plan_items.get(local_name(on_part.source_ref or ""))
        criterion = ctx.cmmn_index.by_id.get(local_name(on_part.exit_criterion_ref))
        if (
            isinstance(criterion, ExitCriterion)
            and info is not None
            and (criterion not in info.item.exit_criteria)
        ):
            ctx.report(
                "cmmn.sentry.foreign-exit-criterion",
                ERROR,
                f"exitCriterionRef={on_part.exit_criterion_ref!r} is not an exit criterion of the "
                f"on-part's source {info.item.id!r}",
                on_part,
            )
        if event and event != "exit":
            ctx.report(
                "cmmn.sentry.impossible-event",
                ERROR,
                f"an on-part with exitCriterionRef must listen to 'exit', not {event!r}",
                on_part,
            )
