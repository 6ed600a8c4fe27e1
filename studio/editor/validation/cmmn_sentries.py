"""CMMN sentries: on-parts listen to events their source can emit; sentries can fire at all."""

from __future__ import annotations

from studio.editor.validation.cmmn_references import local_name
from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.messages import text
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


def _source(definition: object, name: str) -> str:
    """The source of an on-part in words: "human task 'Check'"."""
    if isinstance(definition, Milestone):
        return text("milestone {name}", name=name)
    if isinstance(definition, EventListener):
        return text("event listener {name}", name=name)
    kind = type(definition).__name__
    if kind == "HumanTask":
        return text("human task {name}", name=name)
    if kind == "ProcessTask":
        return text("process task {name}", name=name)
    if kind == "CaseTask":
        return text("case task {name}", name=name)
    if kind == "DecisionTask":
        return text("decision task {name}", name=name)
    if kind == "Stage":
        return text("stage {name}", name=name)
    if kind == "Task":
        return text("task {name}", name=name)
    return f"{kind.replace('Task', ' task').lower().strip()} {name}"


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
                    text(
                        "stage {stage} carries exit criteria on its definition; CMMN puts a "
                        "stage's exit criteria on its plan item (only the case plan model has its "
                        "own), and modelers such as cmmn-js cannot draw them there",
                        stage=repr(element.name or element.id),
                    ),
                    element.exit_criteria[0],
                )

    for sentry, _stage in index.sentries():
        if not sentry.on_parts and sentry.if_part is None:
            ctx.report(
                "cmmn.sentry.empty",
                WARNING,
                text(
                    "sentry {sentry} has neither an on-part nor an if-part, so it waits for "
                    "nothing",
                    sentry=repr(sentry.name or sentry.id),
                ),
                sentry,
            )
        if sentry.id not in used:
            ctx.report(
                "cmmn.sentry.unused",
                WARNING,
                text(
                    "sentry {sentry} is used by no entry or exit criterion",
                    sentry=repr(sentry.name or sentry.id),
                ),
                sentry,
            )
        for on_part in sentry.on_parts:
            _check_on_part(ctx, sentry, on_part)


def _check_on_part(ctx: ModelContext, sentry: Sentry, on_part: object) -> None:
    event = on_part.standard_event
    if isinstance(on_part, CaseFileItemOnPart):
        allowed = CASE_FILE_ITEM_TRANSITIONS
        source_info = None
    else:
        source_info = ctx.cmmn_index.plan_items.get(local_name(on_part.source_ref or ""))
        if source_info is None:
            return  # reported as cmmn.sentry.unknown-source
        allowed = events_of(source_info.definition)
    if event and event in allowed and not getattr(on_part, "exit_criterion_ref", None):
        return  # the common case: nothing to say
    if source_info is None:
        source = text("case file item")
    else:
        item = source_info.item
        source = _source(source_info.definition, repr(item.name or item.id))
    if not event:
        ctx.report(
            "cmmn.sentry.missing-event",
            ERROR,
            text(
                "an on-part of sentry {sentry} names no standardEvent of its {source}",
                sentry=repr(sentry.id),
                source=source,
            ),
            on_part,
        )
        return
    if event not in allowed:
        listed = ", ".join(sorted(allowed))
        ctx.report(
            "cmmn.sentry.impossible-event",
            ERROR,
            text(
                "sentry {sentry} listens to {event} of {source}, which never emits it "
                "(it emits: {listed})",
                sentry=repr(sentry.id),
                event=repr(event),
                source=source,
                listed=listed,
            ),
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
                text(
                    "exitCriterionRef={ref} is not an exit criterion of the on-part's source "
                    "{source}",
                    ref=repr(on_part.exit_criterion_ref),
                    source=repr(info.item.id),
                ),
                on_part,
            )
        if event and event != "exit":
            ctx.report(
                "cmmn.sentry.impossible-event",
                ERROR,
                text(
                    "an on-part with exitCriterionRef must listen to 'exit', not {event}",
                    event=repr(event),
                ),
                on_part,
            )
