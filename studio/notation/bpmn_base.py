"""BPMN 2.0 building blocks: base element, expressions, flow element and flow node bases.

Field order is the OMG schema's (Semantic.xsd) element order; see `binding`.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.notation.binding import (
    Element,
    RawNode,
    attr,
    child,
    children,
    element,
    text,
    text_children,
)
from studio.notation.namespaces import BPMN, XSI, qualified

XSI_TYPE = qualified(XSI, "type")


def b(local: str) -> str:
    """Clark name of a BPMN 2.0 model element."""
    return qualified(BPMN, local)


def tags(*locals_: str) -> tuple[str, ...]:
    """Clark names of several BPMN model elements."""
    return tuple(b(name) for name in locals_)


# Substitution groups (element order inside a group is free, so one field each, document order).
FLOW_ELEMENT_TAGS = tags(
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "implicitThrowEvent",
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask",
    "sendTask", "receiveTask", "subProcess", "transaction", "adHocSubProcess", "callActivity",
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
    "complexGateway", "sequenceFlow",
    "dataObject", "dataObjectReference", "dataStoreReference",
)  # fmt: skip
ARTIFACT_TAGS = tags("textAnnotation", "association", "group")
EVENT_DEFINITION_TAGS = tags(
    "cancelEventDefinition", "compensateEventDefinition", "conditionalEventDefinition",
    "errorEventDefinition", "escalationEventDefinition", "linkEventDefinition",
    "messageEventDefinition", "signalEventDefinition", "terminateEventDefinition",
    "timerEventDefinition",
)  # fmt: skip
RESOURCE_ROLE_TAGS = tags("resourceRole", "performer", "humanPerformer", "potentialOwner")
LOOP_TAGS = tags("standardLoopCharacteristics", "multiInstanceLoopCharacteristics")


@element(b("documentation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Documentation(Element):
    """Free text documentation (mixed content: nested markup is kept in `unknown`)."""

    id: str | None = attr("id")
    text_format: str | None = attr("textFormat")
    text: str | None = text()


@element(b("extensionElements"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionElements(Element):
    """Vendor extensions, kept verbatim (their content lands in `unknown`)."""

    @property
    def nodes(self) -> tuple[RawNode, ...]:
        return tuple(node for _, node in self.unknown)


@dataclass(frozen=True, kw_only=True, slots=True)
class BaseElement(Element):
    """tBaseElement: an id, documentation and extension elements."""

    id: str | None = attr("id")
    documentation: tuple[Documentation, ...] = children(b("documentation"))
    extension_elements: ExtensionElements | None = child(b("extensionElements"))


@dataclass(frozen=True, kw_only=True, slots=True)
class RootElement(BaseElement):
    """tRootElement: what may stand directly under <definitions>."""


_EXPRESSION_TAGS = (
    "expression", "conditionExpression", "condition", "loopCardinality", "completionCondition",
    "loopCondition", "activationCondition", "timeDate", "timeDuration", "timeCycle", "from",
    "to", "transformation", "dataPath", "messagePath",
)  # fmt: skip


@element(*tags(*_EXPRESSION_TAGS))
@dataclass(frozen=True, kw_only=True, slots=True)
class Expression(BaseElement):
    """tExpression / tFormalExpression (`xsi:type` stays in `extra_attributes`)."""

    language: str | None = attr("language")
    evaluates_to_type_ref: str | None = attr("evaluatesToTypeRef")
    body: str | None = text()

    @property
    def source(self) -> str:
        """The expression text without surrounding whitespace."""
        return (self.body or "").strip()

    @property
    def xsi_type(self) -> str | None:
        """The `xsi:type` as written (`tFormalExpression`, `bpmn:tFormalExpression`...)."""
        return self.extra(XSI_TYPE)


@element(b("formalExpression"))
@dataclass(frozen=True, kw_only=True, slots=True)
class FormalExpression(Expression):
    """A <formalExpression> element (member of the `expression` substitution group)."""


@element(b("auditing"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Auditing(BaseElement):
    pass


@element(b("monitoring"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Monitoring(BaseElement):
    pass


@dataclass(frozen=True, kw_only=True, slots=True)
class FlowElement(BaseElement):
    """tFlowElement: anything inside a process or sub-process."""

    name: str | None = attr("name")
    auditing: Auditing | None = child(b("auditing"))
    monitoring: Monitoring | None = child(b("monitoring"))
    category_value_refs: tuple[str, ...] = text_children(b("categoryValueRef"))


@dataclass(frozen=True, kw_only=True, slots=True)
class FlowNode(FlowElement):
    """tFlowNode: an event, activity or gateway; `incoming`/`outgoing` are flow ids as written."""

    incoming: tuple[str, ...] = text_children(b("incoming"))
    outgoing: tuple[str, ...] = text_children(b("outgoing"))
