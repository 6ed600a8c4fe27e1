"""CMMN references: every *Ref names an element of the right kind that exists."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.messages import text
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
        """`what` is the kind of element `attribute` must name (see `_names_none`)."""
        if not ref:
            return
        target = by_id.get(local_name(ref))
        if target is None:
            ctx.report(code, ERROR, _names_none(what, attribute, repr(ref)), element)
        elif not isinstance(target, kinds):
            message = _names_other(what, attribute, repr(ref), type(target).__name__)
            ctx.report(code, ERROR, message, element)

    for element in ctx.model_elements:
        if isinstance(element, PlanItem | DiscretionaryItem):
            if not element.definition_ref:
                ctx.report(
                    "cmmn.plan-item.missing-definition",
                    ERROR,
                    text(
                        "plan item {item} has no definitionRef",
                        item=repr(element.name or element.id),
                    ),
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
                    _no_sentry(element),
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
                    text(
                        "on-part source {source} is not a plan item of this case",
                        source=repr(element.source_ref),
                    ),
                    element,
                )
            elif not element.source_ref:
                ctx.report(
                    "cmmn.sentry.missing-source",
                    ERROR,
                    text("the plan item on-part names no sourceRef"),
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
                    text("the case file item on-part names no sourceRef"),
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


def _no_sentry(criterion: Criterion) -> str:
    if isinstance(criterion, ExitCriterion):
        return text("exit criterion {criterion} names no sentry", criterion=repr(criterion.id))
    return text("entry criterion {criterion} names no sentry", criterion=repr(criterion.id))


def _names_none(what: str, attribute: str, ref: str) -> str:
    """A reference that names nothing: "sentryRef='s9' names no sentry in this file"."""
    if what == "plan item definition":
        return text(
            "{attribute}={ref} names no plan item definition in this file",
            attribute=attribute,
            ref=ref,
        )
    if what == "sentry":
        return text("{attribute}={ref} names no sentry in this file", attribute=attribute, ref=ref)
    if what == "exit criterion":
        return text(
            "{attribute}={ref} names no exit criterion in this file", attribute=attribute, ref=ref
        )
    if what == "case file item":
        return text(
            "{attribute}={ref} names no case file item in this file", attribute=attribute, ref=ref
        )
    if what == "case file item definition":
        return text(
            "{attribute}={ref} names no case file item definition in this file",
            attribute=attribute,
            ref=ref,
        )
    return text("{attribute}={ref} names no case role in this file", attribute=attribute, ref=ref)


def _names_other(what: str, attribute: str, ref: str, found: str) -> str:
    """A reference to the wrong kind of element: "sentryRef='t1' names a HumanTask, ..."."""
    values = {"attribute": attribute, "ref": ref, "found": found}
    if what == "plan item definition":
        return text("{attribute}={ref} names a {found}, not a plan item definition", **values)
    if what == "sentry":
        return text("{attribute}={ref} names a {found}, not a sentry", **values)
    if what == "exit criterion":
        return text("{attribute}={ref} names a {found}, not a exit criterion", **values)
    if what == "case file item":
        return text("{attribute}={ref} names a {found}, not a case file item", **values)
    if what == "case file item definition":
        return text("{attribute}={ref} names a {found}, not a case file item definition", **values)
    return text("{attribute}={ref} names a {found}, not a case role", **values)


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
            _names_nothing(kind, repr(label)),
            task,
        )
        return None
    if not literal.isidentifier():
        ctx.report(
            "unsupported.dynamic-reference",
            WARNING,
            _computed(kind, repr(label), repr(literal)),
            task,
        )
        return None
    return literal


def _names_nothing(kind: str, task: str) -> str:
    if kind == "process":
        return text("process task {task} names no process (processRef)", task=task)
    if kind == "case":
        return text("case task {task} names no case (caseRef)", task=task)
    return text("decision task {task} names no decision (decisionRef)", task=task)


def _computed(kind: str, task: str, literal: str) -> str:
    values = {"task": task, "expression": literal}
    if kind == "process":
        return text(
            "process task {task}: a computed processRefExpression ({expression}) cannot run "
            "here; name the process with processRef",
            **values,
        )
    if kind == "case":
        return text(
            "case task {task}: a computed caseRefExpression ({expression}) cannot run here; "
            "name the case with caseRef",
            **values,
        )
    return text(
        "decision task {task}: a computed decisionRefExpression ({expression}) cannot run "
        "here; name the decision with decisionRef",
        **values,
    )


def _not_of_the_project(kind: str, task: str, key: str) -> str:
    if kind == "process":
        return text(
            "process task {task} calls {key}, which is not a BPMN process of the project",
            task=task,
            key=key,
        )
    if kind == "case":
        return text(
            "case task {task} calls {key}, which is not a case of the project", task=task, key=key
        )
    return text(
        "decision task {task} calls {key}, which is not a DMN decision of the project",
        task=task,
        key=key,
    )


def _check_called(ctx: ModelContext, task, ref, expression, kind: str, known, what: str) -> None:
    """The element a process, case or decision task calls is one of the project's."""
    if _called_key(ctx, task, ref, expression, kind) is None:
        return  # missing or computed: reported
    key = ctx.cmmn_index.called_element(task)
    if key not in known:
        ctx.report(
            f"cmmn.{kind}-task.unknown-{kind}",
            ERROR,
            _not_of_the_project(kind, repr(task.name or task.id), repr(key)),
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
