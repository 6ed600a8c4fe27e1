"""DMN 1.3 semantic model (decision requirements and decision tables): typed and immutable.

Every class is also bound to the same tags in the DMN 1.2 and 1.1 namespaces, so older files
read into the same classes; they are written back as DMN 1.3 (see `dmn.upgrade_namespaces`).
Boxed expressions other than decision tables and literal expressions (contexts, invocations,
relations...) and DMNDI are kept verbatim (`unknown`), which keeps a round trip lossless.
"""

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
    text_child,
)
from studio.notation.namespaces import DMN, DMN_OLDER, qualified

DMN_NAMESPACES = (DMN, *DMN_OLDER)
"""DMN 1.3 first (the tag the writer uses), then 1.2 and 1.1 (read only)."""

FEEL = "https://www.omg.org/spec/DMN/20191111/FEEL/"
HIT_POLICIES = ("UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER")


def d(local: str) -> tuple[str, ...]:
    """The Clark names of a DMN element in every supported DMN version, 1.3 first."""
    return tuple(qualified(namespace, local) for namespace in DMN_NAMESPACES)


# -- basics -------------------------------------------------------------------------------------


@element(*d("extensionElements"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionElements(Element):
    """Vendor extensions, kept verbatim (their content lands in `unknown`)."""

    @property
    def nodes(self) -> tuple[RawNode, ...]:
        return tuple(node for _, node in self.unknown)


@dataclass(frozen=True, kw_only=True, slots=True)
class DmnElement(Element):
    """tDMNElement: id, label, description and extension elements."""

    id: str | None = attr("id")
    label: str | None = attr("label")
    description: str | None = text_child(*d("description"))
    extension_elements: ExtensionElements | None = child(*d("extensionElements"))


@dataclass(frozen=True, kw_only=True, slots=True)
class NamedElement(DmnElement):
    name: str | None = attr("name")


_REFERENCE_TAGS = (
    "requiredDecision", "requiredInput", "requiredKnowledge", "requiredAuthority", "sourceRef",
    "targetRef", "owner",
)  # fmt: skip


@element(*(tag for local in _REFERENCE_TAGS for tag in d(local)))
@dataclass(frozen=True, kw_only=True, slots=True)
class ElementReference(Element):
    """tDMNElementReference: `href="#id"` (or `other.dmn#id` for imported elements)."""

    href: str | None = attr("href")

    @property
    def ref(self) -> str:
        """The referenced id (the part after `#`)."""
        return (self.href or "").rpartition("#")[2]


@element(*d("variable"), *d("formalParameter"))
@dataclass(frozen=True, kw_only=True, slots=True)
class InformationItem(NamedElement):
    type_ref: str | None = attr("typeRef")


# -- expressions --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Expression(DmnElement):
    type_ref: str | None = attr("typeRef")


@element(
    *d("literalExpression"), *d("inputExpression"), *d("outputEntry"), *d("defaultOutputEntry")
)
@dataclass(frozen=True, kw_only=True, slots=True)
class LiteralExpression(Expression):
    """An expression's text (FEEL by default)."""

    expression_language: str | None = attr("expressionLanguage")
    text: str | None = text_child(*d("text"))

    @property
    def source(self) -> str:
        return (self.text or "").strip()


@element(*d("inputEntry"), *d("inputValues"), *d("outputValues"), *d("allowedValues"))
@dataclass(frozen=True, kw_only=True, slots=True)
class UnaryTests(Expression):
    """FEEL unary tests (`< 10`, `[1..5]`, `"a","b"`, `-`)."""

    expression_language: str | None = attr("expressionLanguage")
    text: str | None = text_child(*d("text"))

    @property
    def source(self) -> str:
        return (self.text or "").strip()


@element(*d("input"))
@dataclass(frozen=True, kw_only=True, slots=True)
class InputClause(DmnElement):
    """A decision table input: an expression (`input_expression.text`) and allowed values."""

    input_expression: LiteralExpression | None = child(*d("inputExpression"))
    input_values: UnaryTests | None = child(*d("inputValues"))

    @property
    def expression(self) -> str:
        """The input expression's text."""
        return self.input_expression.source if self.input_expression else ""


@element(*d("output"))
@dataclass(frozen=True, kw_only=True, slots=True)
class OutputClause(DmnElement):
    """A decision table output column: `name` is the result key when there are several."""

    name: str | None = attr("name")
    type_ref: str | None = attr("typeRef")
    output_values: UnaryTests | None = child(*d("outputValues"))
    default_output_entry: LiteralExpression | None = child(*d("defaultOutputEntry"))


@element(*d("annotation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class RuleAnnotationClause(Element):
    name: str | None = attr("name")


@element(*d("annotationEntry"))
@dataclass(frozen=True, kw_only=True, slots=True)
class RuleAnnotation(Element):
    text: str | None = text_child(*d("text"))


@element(*d("rule"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DecisionRule(DmnElement):
    """One row: an input entry per input, an output entry per output."""

    input_entries: tuple[UnaryTests, ...] = children(*d("inputEntry"))
    output_entries: tuple[LiteralExpression, ...] = children(*d("outputEntry"))
    annotation_entries: tuple[RuleAnnotation, ...] = children(*d("annotationEntry"))

    @property
    def inputs(self) -> tuple[str, ...]:
        """The input entries' texts."""
        return tuple(entry.source for entry in self.input_entries)

    @property
    def outputs(self) -> tuple[str, ...]:
        """The output entries' texts."""
        return tuple(entry.source for entry in self.output_entries)


@element(*d("decisionTable"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DecisionTable(Expression):
    """A decision table; `hit_policy` is UNIQUE unless the file says otherwise."""

    hit_policy: str = attr("hitPolicy", default="UNIQUE")
    aggregation: str | None = attr("aggregation")
    preferred_orientation: str | None = attr("preferredOrientation")
    output_label: str | None = attr("outputLabel")
    inputs: tuple[InputClause, ...] = children(*d("input"))
    outputs: tuple[OutputClause, ...] = children(*d("output"))
    annotations: tuple[RuleAnnotationClause, ...] = children(*d("annotation"))
    rules: tuple[DecisionRule, ...] = children(*d("rule"))


@element(*d("encapsulatedLogic"), *d("functionDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class FunctionDefinition(Expression):
    kind: str | None = attr("kind")
    formal_parameters: tuple[InformationItem, ...] = children(*d("formalParameter"))
    expression: DecisionTable | LiteralExpression | None = child(
        *d("decisionTable"), *d("literalExpression")
    )


# -- requirements -------------------------------------------------------------------------------


@element(*d("informationRequirement"))
@dataclass(frozen=True, kw_only=True, slots=True)
class InformationRequirement(DmnElement):
    required_decision: ElementReference | None = child(*d("requiredDecision"))
    required_input: ElementReference | None = child(*d("requiredInput"))


@element(*d("knowledgeRequirement"))
@dataclass(frozen=True, kw_only=True, slots=True)
class KnowledgeRequirement(DmnElement):
    required_knowledge: ElementReference | None = child(*d("requiredKnowledge"))


@element(*d("authorityRequirement"))
@dataclass(frozen=True, kw_only=True, slots=True)
class AuthorityRequirement(DmnElement):
    required_decision: ElementReference | None = child(*d("requiredDecision"))
    required_input: ElementReference | None = child(*d("requiredInput"))
    required_authority: ElementReference | None = child(*d("requiredAuthority"))


# -- DRG elements -------------------------------------------------------------------------------


@element(*d("decision"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Decision(NamedElement):
    """A decision: its variable, requirements and logic (a decision table or a literal)."""

    question: str | None = text_child(*d("question"))
    allowed_answers: str | None = text_child(*d("allowedAnswers"))
    variable: InformationItem | None = child(*d("variable"))
    information_requirements: tuple[InformationRequirement, ...] = children(
        *d("informationRequirement")
    )
    knowledge_requirements: tuple[KnowledgeRequirement, ...] = children(*d("knowledgeRequirement"))
    authority_requirements: tuple[AuthorityRequirement, ...] = children(*d("authorityRequirement"))
    expression: DecisionTable | LiteralExpression | None = child(
        *d("decisionTable"), *d("literalExpression")
    )

    @property
    def table(self) -> DecisionTable | None:
        """The decision table (`inputs`, `outputs`, `rules`, `hit_policy`), if that is the logic."""
        return self.expression if isinstance(self.expression, DecisionTable) else None

    @property
    def literal(self) -> LiteralExpression | None:
        """The literal expression, if that is the logic."""
        return self.expression if isinstance(self.expression, LiteralExpression) else None

    @property
    def required_decisions(self) -> tuple[str, ...]:
        """Ids of the decisions this one requires."""
        return tuple(
            r.required_decision.ref for r in self.information_requirements if r.required_decision
        )

    @property
    def required_inputs(self) -> tuple[str, ...]:
        """Ids of the input data this decision requires."""
        return tuple(
            r.required_input.ref for r in self.information_requirements if r.required_input
        )


@element(*d("inputData"))
@dataclass(frozen=True, kw_only=True, slots=True)
class InputData(NamedElement):
    variable: InformationItem | None = child(*d("variable"))


@element(*d("businessKnowledgeModel"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BusinessKnowledgeModel(NamedElement):
    variable: InformationItem | None = child(*d("variable"))
    encapsulated_logic: FunctionDefinition | None = child(*d("encapsulatedLogic"))
    knowledge_requirements: tuple[KnowledgeRequirement, ...] = children(*d("knowledgeRequirement"))
    authority_requirements: tuple[AuthorityRequirement, ...] = children(*d("authorityRequirement"))


@element(*d("knowledgeSource"))
@dataclass(frozen=True, kw_only=True, slots=True)
class KnowledgeSource(NamedElement):
    location_uri: str | None = attr("locationURI")
    authority_requirements: tuple[AuthorityRequirement, ...] = children(*d("authorityRequirement"))
    type: str | None = text_child(*d("type"))
    owner: ElementReference | None = child(*d("owner"))


DrgElement = Decision | InputData | BusinessKnowledgeModel | KnowledgeSource


# -- item definitions, artifacts, definitions ---------------------------------------------------


@element(*d("itemDefinition"), *d("itemComponent"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ItemDefinition(NamedElement):
    type_language: str | None = attr("typeLanguage")
    is_collection: bool | None = attr("isCollection", BOOL)
    type_ref: str | None = text_child(*d("typeRef"))
    allowed_values: UnaryTests | None = child(*d("allowedValues"))
    item_components: tuple[ItemDefinition, ...] = children(*d("itemComponent"))


@element(*d("import"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Import(NamedElement):
    namespace: str | None = attr("namespace")
    location_uri: str | None = attr("locationURI")
    import_type: str | None = attr("importType")


@element(*d("textAnnotation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class TextAnnotation(DmnElement):
    text_format: str | None = attr("textFormat")
    text: str | None = text_child(*d("text"))


@element(*d("association"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Association(DmnElement):
    association_direction: str | None = attr("associationDirection")
    source_ref: ElementReference | None = child(*d("sourceRef"))
    target_ref: ElementReference | None = child(*d("targetRef"))


_DRG_TAGS = (
    *d("decision"), *d("inputData"), *d("businessKnowledgeModel"), *d("knowledgeSource"),
)  # fmt: skip


@element(*d("definitions"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DmnDefinitions(NamedElement):
    """The root of a DMN file: item definitions, decisions, input data... (DMNDI kept as is)."""

    expression_language: str | None = attr("expressionLanguage")
    type_language: str | None = attr("typeLanguage")
    namespace: str | None = attr("namespace")
    exporter: str | None = attr("exporter")
    exporter_version: str | None = attr("exporterVersion")
    imports: tuple[Import, ...] = children(*d("import"))
    item_definitions: tuple[ItemDefinition, ...] = children(*d("itemDefinition"))
    drg_elements: tuple[DrgElement, ...] = children(*_DRG_TAGS)
    artifacts: tuple[TextAnnotation | Association, ...] = children(
        *d("textAnnotation"), *d("association")
    )
    namespaces: tuple[tuple[str | None, str], ...] = field(default=(), compare=False, repr=False)
    """Prefix declarations of the file (prefix, uri), kept so a rewrite reads the same."""
    source: str = field(default="<model>", compare=False, repr=False)
    """Where the model was read from (a file name), for messages."""

    notation: ClassVar[str] = "dmn"

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return tuple(e for e in self.drg_elements if isinstance(e, Decision))

    @property
    def input_data(self) -> tuple[InputData, ...]:
        return tuple(e for e in self.drg_elements if isinstance(e, InputData))

    def decision(self, key: str) -> Decision | None:
        """The decision with this id, or else this name."""
        decisions = self.decisions
        for item in decisions:
            if item.id == key:
                return item
        for item in decisions:
            if item.name == key:
                return item
        return None
