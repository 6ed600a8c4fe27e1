"""CMMN references: every *Ref names an element of the right kind that exists."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.notation.cmmn_model import (
    CaseFileItem,
    CaseFileItemDefinition,
    CaseFileItemOnPart,
    CaseFileItemStartTrigger,
    CaseTask,
    Criterion,
    DecisionTask,
    DiscretionaryItem,
    ExitCriterion,
    HumanTask,
    PlanItem,
    PlanItemDefinition,
    PlanItemOnPart,
    PlanItemStartTrigger,
    ProcessTask,
    Role,
    Sentry,
    UserEventListener,
)


def local_name(reference: str) -> str:
    """A QName reference without its prefix (`tns:Case_1` -> `Case_1`)."""
    return reference.rpartition(":")[2]


def check_references(ctx: ModelContext) -> None:
    """Unresolved definitionRef, sentryRef, sourceRef, processRef, caseRef, performerRef..."""
    by_id = ctx.cmmn_index.by_id
    plan_item_ids = set(ctx.cmmn_index.plan_items)

    def expect(element, ref: str | None, kinds, code: str, what: str, attribute: str) -> None:
        if not ref:
            return
        target = by_id.get(local_name(ref))
        if target is None:
            ctx.report(code, ERROR, f"{attribute}={ref!r} names no {what} in this file", element)
        elif not isinstance(target, kinds):
            ctx.report(
                code,
                ERROR,
                f"{attribute}={ref!r} names a {type(target).__name__}, not a {what}",
                element,
            )

    for element in ctx.model_elements:
        if isinstance(element, PlanItem | DiscretionaryItem):
            if not element.definition_ref:
                ctx.report(
                    "cmmn.plan-item.missing-definition",
                    ERROR,
                    f"plan item {element.name or element.id!r} has no definitionRef",
                    element,
                )
            expect(
                element,
                element.definition_ref,
                PlanItemDefinition,
                "cmmn.plan-item.unknown-definition",
                "plan item definition",
                "definitionRef",
            )
        elif isinstance(element, Criterion):
            if not element.sentry_ref:
                ctx.report(
                    "cmmn.criterion.missing-sentry",
                    ERROR,
                    f"{_criterion_kind(element)} {element.id!r} names no sentry",
                    element,
                )
            expect(
                element,
                element.sentry_ref,
                Sentry,
                "cmmn.criterion.unknown-sentry",
                "sentry",
                "sentryRef",
            )
        elif isinstance(element, PlanItemOnPart | PlanItemStartTrigger):
            if element.source_ref and local_name(element.source_ref) not in plan_item_ids:
                ctx.report(
                    "cmmn.sentry.unknown-source",
                    ERROR,
                    f"on-part source {element.source_ref!r} is not a plan item of this case",
                    element,
                )
            elif not element.source_ref:
                ctx.report(
                    "cmmn.sentry.missing-source",
                    ERROR,
                    "the plan item on-part names no sourceRef",
                    element,
                )
            if isinstance(element, PlanItemOnPart):
                expect(
                    element,
                    element.exit_criterion_ref,
                    ExitCriterion,
                    "cmmn.sentry.unknown-exit-criterion",
                    "exit criterion",
                    "exitCriterionRef",
                )
        elif isinstance(element, CaseFileItemOnPart | CaseFileItemStartTrigger):
            if not element.source_ref:
                ctx.report(
                    "cmmn.sentry.missing-source",
                    ERROR,
                    "the case file item on-part names no sourceRef",
                    element,
                )
            expect(
                element,
                element.source_ref,
                CaseFileItem,
                "cmmn.sentry.unknown-case-file-item",
                "case file item",
                "sourceRef",
            )
        elif isinstance(element, CaseFileItem):
            expect(
                element,
                element.definition_ref,
                CaseFileItemDefinition,
                "cmmn.case-file-item.unknown-definition",
                "case file item definition",
                "definitionRef",
            )
        elif isinstance(element, HumanTask):
            expect(
                element,
                element.performer_ref,
                Role,
                "cmmn.human-task.unknown-performer",
                "case role",
                "performerRef",
            )
        if isinstance(element, UserEventListener | DiscretionaryItem):
            for ref in (element.authorized_role_refs or "").split():
                expect(
                    element,
                    ref,
                    Role,
                    "cmmn.unknown-role",
                    "case role",
                    "authorizedRoleRefs",
                )
        if isinstance(element, ProcessTask):
            _check_process_task(ctx, element)
        elif isinstance(element, CaseTask):
            _check_case_task(ctx, element)
        elif isinstance(element, DecisionTask):
            _check_decision_task(ctx, element)


def _criterion_kind(criterion: Criterion) -> str:
    return "exit criterion" if isinstance(criterion, ExitCriterion) else "entry criterion"


def _called_key(ctx: ModelContext, task, ref: str | None, expression, kind: str) -> str | None:
    """The id a process/case/decision task calls: its *Ref, else a literal *RefExpression.

    Reports a missing reference and a computed expression (which cannot run); returns None then.
    """
    label = task.name or task.id
    if ref:
        return local_name(ref)
    literal = expression.source if expression is not None else ""
    if not literal:
        ctx.report(
            f"cmmn.{kind}-task.missing-{kind}",
            ERROR,
            f"{kind} task {label!r} names no {kind} ({kind}Ref)",
            task,
        )
        return None
    if not literal.isidentifier():
        ctx.report(
            "unsupported.dynamic-reference",
            WARNING,
            f"{kind} task {label!r}: a computed {kind}RefExpression ({literal!r}) cannot run "
            f"here; name the {kind} with {kind}Ref",
            task,
        )
        return None
    return literal


def _check_called(ctx: ModelContext, task, ref, expression, kind: str, known, what: str) -> None:
    """The element a process, case or decision task calls is one of the project's."""
    if _called_key(ctx, task, ref, expression, kind) is None:
        return  # missing or computed: reported
    key = ctx.cmmn_index.called_element(task)
    if key not in known:
        ctx.report(
            f"cmmn.{kind}-task.unknown-{kind}",
            ERROR,
            f"{kind} task {task.name or task.id!r} calls {key!r}, which is not {what}",
            task,
        )


def _check_process_task(ctx: ModelContext, task: ProcessTask) -> None:
    """Through a <process> element whose externalRef names it, or, Flowable-style, directly."""
    _check_called(
        ctx, task, task.process_ref, task.process_ref_expression, "process",
        ctx.project.process_ids, "a BPMN process of the project",
    )  # fmt: skip


def _check_case_task(ctx: ModelContext, task: CaseTask) -> None:
    _check_called(
        ctx, task, task.case_ref, task.case_ref_expression, "case",
        ctx.project.case_ids | {c.id for c in ctx.model.cases}, "a case of the project",
    )  # fmt: skip


def _check_decision_task(ctx: ModelContext, task: DecisionTask) -> None:
    _check_called(
        ctx, task, task.decision_ref, task.decision_ref_expression, "decision",
        ctx.project.decision_keys, "a DMN decision of the project",
    )  # fmt: skip
