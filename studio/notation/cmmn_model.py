"""CMMN 1.1 semantic model: typed, immutable, in the OMG schema's element order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from studio.notation.binding import (
    BOOL,
    Element,
    RawNode,
    attr,
    child,
    children,
    element,
    text,
    text_child,
    text_children,
)
from studio.notation.cmmn_di import CmmnDI
from studio.notation.namespaces import CMMN, CMMNDI, FLOWABLE, qualified


def _c(local: str) -> str:
    return qualified(CMMN, local)


PLAN_ITEM_TRANSITIONS = (
    "close", "complete", "create", "disable", "enable", "exit", "fault", "manualStart",
    "occur", "parentResume", "parentSuspend", "reactivate", "reenable", "resume", "start",
    "suspend", "terminate",
)  # fmt: skip
CASE_FILE_ITEM_TRANSITIONS = (
    "addChild", "addReference", "create", "delete", "removeChild", "removeReference",
    "replace", "update",
)  # fmt: skip


# -- basics -------------------------------------------------------------------------------------


@element(_c("documentation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Documentation(Element):
    """Free text documentation of an element."""

    id: str | None = attr("id")
    text_format: str | None = attr("textFormat")
    text: str | None = text()


@element(_c("extensionElements"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionElements(Element):
    """Vendor extensions, kept verbatim (their content lands in `unknown`)."""

    @property
    def nodes(self) -> tuple[RawNode, ...]:
        return tuple(node for _, node in self.unknown)


@dataclass(frozen=True, kw_only=True, slots=True)
class CmmnElement(Element):
    """tCmmnElement: documentation, extension elements and an id."""

    id: str | None = attr("id")
    documentation: tuple[Documentation, ...] = children(_c("documentation"))
    extension_elements: ExtensionElements | None = child(_c("extensionElements"))


_EXPRESSION_TAGS = (
    "condition", "bindingRefinement", "transformation", "timerExpression",
    "processRefExpression", "caseRefExpression", "decisionRefExpression", "expression",
)  # fmt: skip


@element(*(_c(tag) for tag in _EXPRESSION_TAGS))
@dataclass(frozen=True, kw_only=True, slots=True)
class Expression(CmmnElement):
    """tExpression: a body in a language (ours by default)."""

    language: str | None = attr("language")
    body: str | None = text()

    @property
    def source(self) -> str:
        """The expression text without surrounding whitespace."""
        return (self.body or "").strip()


# -- case file ----------------------------------------------------------------------------------


@element(_c("property"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Property(CmmnElement):
    name: str | None = attr("name")
    type: str | None = attr("type")


@element(_c("caseFileItemDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CaseFileItemDefinition(CmmnElement):
    """Type of case file items; `structure_ref` may name a JSON Schema file of the project."""

    name: str | None = attr("name")
    definition_type: str | None = attr("definitionType")
    structure_ref: str | None = attr("structureRef")
    import_ref: str | None = attr("importRef")
    properties: tuple[Property, ...] = children(_c("property"))


@element(_c("children"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CaseFileItemChildren(CmmnElement):
    items: tuple[CaseFileItem, ...] = children(_c("caseFileItem"))


@element(_c("caseFileItem"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CaseFileItem(CmmnElement):
    name: str | None = attr("name")
    multiplicity: str | None = attr("multiplicity")
    definition_ref: str | None = attr("definitionRef")
    source_ref: str | None = attr("sourceRef")
    target_refs: str | None = attr("targetRefs")
    children: CaseFileItemChildren | None = child(_c("children"))

    @property
    def child_items(self) -> tuple[CaseFileItem, ...]:
        return self.children.items if self.children else ()


@element(_c("caseFileModel"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CaseFileModel(CmmnElement):
    items: tuple[CaseFileItem, ...] = children(_c("caseFileItem"))


# -- roles and rules ----------------------------------------------------------------------------


@element(_c("role"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Role(CmmnElement):
    name: str | None = attr("name")


@element(_c("caseRoles"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CaseRoles(CmmnElement):
    roles: tuple[Role, ...] = children(_c("role"))


@dataclass(frozen=True, kw_only=True, slots=True)
class Rule(CmmnElement):
    """A rule with an optional condition (present without one: true)."""

    name: str | None = attr("name")
    context_ref: str | None = attr("contextRef")
    condition: Expression | None = child(_c("condition"))


@element(_c("repetitionRule"))
@dataclass(frozen=True, kw_only=True, slots=True)
class RepetitionRule(Rule):
    pass


@element(_c("requiredRule"))
@dataclass(frozen=True, kw_only=True, slots=True)
class RequiredRule(Rule):
    pass


@element(_c("manualActivationRule"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ManualActivationRule(Rule):
    pass


@element(_c("applicabilityRule"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ApplicabilityRule(Rule):
    pass


@element(_c("itemControl"), _c("defaultControl"), _c("planItemControl"))
@dataclass(frozen=True, kw_only=True, slots=True)
class PlanItemControl(CmmnElement):
    repetition_rule: RepetitionRule | None = child(_c("repetitionRule"))
    required_rule: RequiredRule | None = child(_c("requiredRule"))
    manual_activation_rule: ManualActivationRule | None = child(_c("manualActivationRule"))


# -- sentries -----------------------------------------------------------------------------------


@element(_c("ifPart"))
@dataclass(frozen=True, kw_only=True, slots=True)
class IfPart(CmmnElement):
    context_ref: str | None = attr("contextRef")
    condition: Expression | None = child(_c("condition"))


@element(_c("planItemOnPart"))
@dataclass(frozen=True, kw_only=True, slots=True)
class PlanItemOnPart(CmmnElement):
    name: str | None = attr("name")
    source_ref: str | None = attr("sourceRef")
    exit_criterion_ref: str | None = attr("exitCriterionRef")
    standard_event: str | None = text_child(_c("standardEvent"))


@element(_c("caseFileItemOnPart"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CaseFileItemOnPart(CmmnElement):
    name: str | None = attr("name")
    source_ref: str | None = attr("sourceRef")
    standard_event: str | None = text_child(_c("standardEvent"))


OnPart = PlanItemOnPart | CaseFileItemOnPart


@element(_c("sentry"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Sentry(CmmnElement):
    name: str | None = attr("name")
    on_parts: tuple[OnPart, ...] = children(_c("planItemOnPart"), _c("caseFileItemOnPart"))
    if_part: IfPart | None = child(_c("ifPart"))


@dataclass(frozen=True, kw_only=True, slots=True)
class Criterion(CmmnElement):
    name: str | None = attr("name")
    # Older Flowable exports write the sentry reference as flowable:sentryRef; read as sentryRef.
    sentry_ref: str | None = attr("sentryRef", aliases=(qualified(FLOWABLE, "sentryRef"),))


@element(_c("entryCriterion"))
@dataclass(frozen=True, kw_only=True, slots=True)
class EntryCriterion(Criterion):
    pass


@element(_c("exitCriterion"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ExitCriterion(Criterion):
    pass


# -- parameters ---------------------------------------------------------------------------------


@element(
    _c("input"), _c("output"), _c("caseParameter"), _c("processParameter"), _c("decisionParameter")
)
@dataclass(frozen=True, kw_only=True, slots=True)
class Parameter(CmmnElement):
    """An input or output parameter; a task's and a case's are bound to a case file item."""

    name: str | None = attr("name")
    binding_ref: str | None = attr("bindingRef")
    binding_refinement: Expression | None = child(_c("bindingRefinement"))


@element(_c("parameterMapping"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ParameterMapping(CmmnElement):
    source_ref: str | None = attr("sourceRef")
    target_ref: str | None = attr("targetRef")
    transformation: Expression | None = child(_c("transformation"))


# -- plan item definitions ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class PlanItemDefinition(CmmnElement):
    name: str | None = attr("name")
    default_control: PlanItemControl | None = child(_c("defaultControl"))


@element(_c("task"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Task(PlanItemDefinition):
    is_blocking: bool | None = attr("isBlocking", BOOL)
    inputs: tuple[Parameter, ...] = children(_c("input"))
    outputs: tuple[Parameter, ...] = children(_c("output"))

    @property
    def blocking(self) -> bool:
        """isBlocking, defaulting to true as the schema says."""
        return True if self.is_blocking is None else self.is_blocking


@element(_c("humanTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class HumanTask(Task):
    performer_ref: str | None = attr("performerRef")
    planning_table: PlanningTable | None = child(_c("planningTable"))


@element(_c("processTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ProcessTask(Task):
    process_ref: str | None = attr("processRef")
    parameter_mappings: tuple[ParameterMapping, ...] = children(_c("parameterMapping"))
    process_ref_expression: Expression | None = child(_c("processRefExpression"))


@element(_c("caseTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CaseTask(Task):
    case_ref: str | None = attr("caseRef")
    parameter_mappings: tuple[ParameterMapping, ...] = children(_c("parameterMapping"))
    case_ref_expression: Expression | None = child(_c("caseRefExpression"))


@element(_c("decisionTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DecisionTask(Task):
    decision_ref: str | None = attr("decisionRef")
    parameter_mappings: tuple[ParameterMapping, ...] = children(_c("parameterMapping"))
    decision_ref_expression: Expression | None = child(_c("decisionRefExpression"))


@element(_c("milestone"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Milestone(PlanItemDefinition):
    pass


@element(_c("eventListener"))
@dataclass(frozen=True, kw_only=True, slots=True)
class EventListener(PlanItemDefinition):
    """A generic event listener (occurs only when raised by an API call)."""


@element(_c("userEventListener"))
@dataclass(frozen=True, kw_only=True, slots=True)
class UserEventListener(EventListener):
    authorized_role_refs: str | None = attr("authorizedRoleRefs")


@element(_c("planItemStartTrigger"))
@dataclass(frozen=True, kw_only=True, slots=True)
class PlanItemStartTrigger(CmmnElement):
    source_ref: str | None = attr("sourceRef")
    standard_event: str | None = text_child(_c("standardEvent"))


@element(_c("caseFileItemStartTrigger"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CaseFileItemStartTrigger(CmmnElement):
    source_ref: str | None = attr("sourceRef")
    standard_event: str | None = text_child(_c("standardEvent"))


@element(_c("timerEventListener"))
@dataclass(frozen=True, kw_only=True, slots=True)
class TimerEventListener(EventListener):
    timer_expression: Expression | None = child(_c("timerExpression"))
    timer_start: PlanItemStartTrigger | CaseFileItemStartTrigger | None = child(
        _c("planItemStartTrigger"), _c("caseFileItemStartTrigger")
    )


_DEFINITION_TAGS = (
    "humanTask", "processTask", "caseTask", "decisionTask", "task", "milestone",
    "userEventListener", "timerEventListener", "eventListener", "stage", "planFragment",
)  # fmt: skip


@element(_c("planItem"))
@dataclass(frozen=True, kw_only=True, slots=True)
class PlanItem(CmmnElement):
    name: str | None = attr("name")
    definition_ref: str | None = attr("definitionRef")
    item_control: PlanItemControl | None = child(_c("itemControl"))
    entry_criteria: tuple[EntryCriterion, ...] = children(_c("entryCriterion"))
    exit_criteria: tuple[ExitCriterion, ...] = children(_c("exitCriterion"))


@element(_c("discretionaryItem"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DiscretionaryItem(CmmnElement):
    applicability_rule_refs: str | None = attr("applicabilityRuleRefs")
    authorized_role_refs: str | None = attr("authorizedRoleRefs")
    name: str | None = attr("name")
    definition_ref: str | None = attr("definitionRef")
    item_control: PlanItemControl | None = child(_c("itemControl"))
    entry_criteria: tuple[EntryCriterion, ...] = children(_c("entryCriterion"))
    exit_criteria: tuple[ExitCriterion, ...] = children(_c("exitCriterion"))


@element(_c("planningTable"))
@dataclass(frozen=True, kw_only=True, slots=True)
class PlanningTable(CmmnElement):
    applicability_rule_refs: str | None = attr("applicabilityRuleRefs")
    authorized_role_refs: str | None = attr("authorizedRoleRefs")
    table_items: tuple[DiscretionaryItem | PlanningTable, ...] = children(
        _c("discretionaryItem"), _c("planningTable")
    )
    applicability_rules: tuple[ApplicabilityRule, ...] = children(_c("applicabilityRule"))

    def discretionary_items(self) -> tuple[DiscretionaryItem, ...]:
        """Every discretionary item of this table and its nested tables."""
        found: list[DiscretionaryItem] = []
        for item in self.table_items:
            if isinstance(item, PlanningTable):
                found.extend(item.discretionary_items())
            else:
                found.append(item)
        return tuple(found)


@element(_c("planFragment"))
@dataclass(frozen=True, kw_only=True, slots=True)
class PlanFragment(PlanItemDefinition):
    plan_items: tuple[PlanItem, ...] = children(_c("planItem"))
    sentries: tuple[Sentry, ...] = children(_c("sentry"))


@element(_c("stage"), _c("casePlanModel"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Stage(PlanFragment):
    auto_complete: bool | None = attr("autoComplete", BOOL)
    planning_table: PlanningTable | None = child(_c("planningTable"))
    plan_item_definitions: tuple[PlanItemDefinitionType, ...] = children(
        *(_c(tag) for tag in _DEFINITION_TAGS)
    )
    exit_criteria: tuple[ExitCriterion, ...] = children(_c("exitCriterion"))

    @property
    def completes_automatically(self) -> bool:
        return bool(self.auto_complete)


PlanItemDefinitionType = (
    HumanTask
    | ProcessTask
    | CaseTask
    | DecisionTask
    | Task
    | Milestone
    | UserEventListener
    | TimerEventListener
    | EventListener
    | Stage
    | PlanFragment
)


# -- case, process, decision, definitions -------------------------------------------------------


@element(_c("case"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Case(CmmnElement):
    name: str | None = attr("name")
    case_file_model: CaseFileModel | None = child(_c("caseFileModel"))
    case_plan_model: Stage | None = child(_c("casePlanModel"))
    case_roles: CaseRoles | None = child(_c("caseRoles"))
    inputs: tuple[Parameter, ...] = children(_c("input"))
    outputs: tuple[Parameter, ...] = children(_c("output"))


@element(_c("process"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Process(CmmnElement):
    """A reference to a process (for us: a BPMN process of the model project)."""

    name: str | None = attr("name")
    implementation_type: str | None = attr("implementationType")
    external_ref: str | None = attr("externalRef")
    inputs: tuple[Parameter, ...] = children(_c("input"))
    outputs: tuple[Parameter, ...] = children(_c("output"))


@element(_c("decision"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Decision(CmmnElement):
    """A reference to a decision (for us: a DMN decision of the model project)."""

    name: str | None = attr("name")
    implementation_type: str | None = attr("implementationType")
    external_ref: str | None = attr("externalRef")
    inputs: tuple[Parameter, ...] = children(_c("input"))
    outputs: tuple[Parameter, ...] = children(_c("output"))


@element(_c("import"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Import(Element):
    location: str | None = attr("location")
    namespace: str | None = attr("namespace")
    import_type: str | None = attr("importType")


@element(_c("relationship"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Relationship(CmmnElement):
    type: str | None = attr("type")
    direction: str | None = attr("direction")
    sources: tuple[str, ...] = text_children(_c("source"))
    targets: tuple[str, ...] = text_children(_c("target"))


@element(_c("textAnnotation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class TextAnnotation(CmmnElement):
    text_format: str | None = attr("textFormat")
    text: str | None = text_child(_c("text"))


@element(_c("association"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Association(CmmnElement):
    source_ref: str | None = attr("sourceRef")
    target_ref: str | None = attr("targetRef")
    association_direction: str | None = attr("associationDirection")


@element(_c("definitions"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CmmnDefinitions(Element):
    """The root of a CMMN file: cases, referenced processes and decisions, and their diagrams."""

    id: str | None = attr("id")
    name: str | None = attr("name")
    target_namespace: str | None = attr("targetNamespace")
    expression_language: str | None = attr("expressionLanguage")
    exporter: str | None = attr("exporter")
    exporter_version: str | None = attr("exporterVersion")
    author: str | None = attr("author")
    creation_date: str | None = attr("creationDate")
    imports: tuple[Import, ...] = children(_c("import"))
    case_file_item_definitions: tuple[CaseFileItemDefinition, ...] = children(
        _c("caseFileItemDefinition")
    )
    cases: tuple[Case, ...] = children(_c("case"))
    processes: tuple[Process, ...] = children(_c("process"))
    decisions: tuple[Decision, ...] = children(_c("decision"))
    extension_elements: ExtensionElements | None = child(_c("extensionElements"))
    relationships: tuple[Relationship, ...] = children(_c("relationship"))
    artifacts: tuple[TextAnnotation | Association, ...] = children(
        _c("textAnnotation"), _c("association")
    )
    cmmndi: CmmnDI | None = child(qualified(CMMNDI, "CMMNDI"))
    namespaces: tuple[tuple[str | None, str], ...] = field(default=(), compare=False, repr=False)
    """Prefix declarations of the file (prefix, uri), kept so a rewrite reads the same."""
    source: str = field(default="<model>", compare=False, repr=False)
    """Where the model was read from (a file name), for messages."""

    notation: ClassVar[str] = "cmmn"
