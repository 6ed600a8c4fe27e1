"""BPMN 2.0 semantic model (process level): typed, immutable, in the OMG schema's element order.

The classes live in small modules (`bpmn_base`, `bpmn_data`, `bpmn_events`, `bpmn_flow`) and are
all importable from here. Root elements and flow elements are substitution groups: each is one
field in document order (`BpmnDefinitions.root_elements`, `Process.flow_elements`), with typed
views (`processes`, `messages`, `flow_nodes`, `sequence_flows`...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from studio.notation.binding import (
    BOOL,
    INT,
    Element,
    attr,
    child,
    children,
    element,
    text_child,
    text_children,
)
from studio.notation.bpmn_base import (
    ARTIFACT_TAGS,
    EVENT_DEFINITION_TAGS,
    FLOW_ELEMENT_TAGS,
    RESOURCE_ROLE_TAGS,
    XSI_TYPE,
    Auditing,
    BaseElement,
    Documentation,
    Expression,
    ExtensionElements,
    FlowElement,
    FlowNode,
    FormalExpression,
    Monitoring,
    RootElement,
    b,
    tags,
)
from studio.notation.bpmn_data import (
    Assignment,
    DataAssociation,
    DataInput,
    DataInputAssociation,
    DataObject,
    DataObjectReference,
    DataOutput,
    DataOutputAssociation,
    DataState,
    DataStore,
    DataStoreReference,
    InputSet,
    IoBinding,
    IoSpecification,
    ItemDefinition,
    OutputSet,
    Property,
)
from studio.notation.bpmn_di import BpmnDiagram
from studio.notation.bpmn_events import (
    BoundaryEvent,
    CancelEventDefinition,
    CatchEvent,
    CompensateEventDefinition,
    ConditionalEventDefinition,
    EndEvent,
    ErrorEventDefinition,
    EscalationEventDefinition,
    Event,
    EventDefinition,
    ImplicitThrowEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    LinkEventDefinition,
    MessageEventDefinition,
    SignalEventDefinition,
    StartEvent,
    TerminateEventDefinition,
    ThrowEvent,
    TimerEventDefinition,
)
from studio.notation.bpmn_flow import (
    Activity,
    AdHocSubProcess,
    Artifact,
    Association,
    BusinessRuleTask,
    CallActivity,
    ComplexBehaviorDefinition,
    ComplexGateway,
    EventBasedGateway,
    ExclusiveGateway,
    FlowElementsContainer,
    Gateway,
    Group,
    HumanPerformer,
    InclusiveGateway,
    Lane,
    LaneSet,
    ManualTask,
    MultiInstanceLoopCharacteristics,
    ParallelGateway,
    Performer,
    PotentialOwner,
    ReceiveTask,
    Rendering,
    ResourceAssignmentExpression,
    ResourceParameterBinding,
    ResourceRole,
    ResourceRoleType,
    Script,
    ScriptTask,
    SendTask,
    SequenceFlow,
    ServiceTask,
    StandardLoopCharacteristics,
    SubProcess,
    Task,
    Text,
    TextAnnotation,
    Transaction,
    UserTask,
)
from studio.notation.namespaces import BPMNDI, qualified

R = TypeVar("R", bound=RootElement)

# -- shared root elements -----------------------------------------------------------------------


@element(b("message"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Message(RootElement):
    name: str | None = attr("name")
    item_ref: str | None = attr("itemRef")


@element(b("signal"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Signal(RootElement):
    name: str | None = attr("name")
    structure_ref: str | None = attr("structureRef")


@element(b("error"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Error(RootElement):
    name: str | None = attr("name")
    error_code: str | None = attr("errorCode")
    structure_ref: str | None = attr("structureRef")


@element(b("escalation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Escalation(RootElement):
    name: str | None = attr("name")
    escalation_code: str | None = attr("escalationCode")
    structure_ref: str | None = attr("structureRef")


@element(b("operation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Operation(BaseElement):
    name: str | None = attr("name")
    implementation_ref: str | None = attr("implementationRef")
    in_message_ref: str | None = text_child(b("inMessageRef"))
    out_message_ref: str | None = text_child(b("outMessageRef"))
    error_refs: tuple[str, ...] = text_children(b("errorRef"))


@element(b("interface"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Interface(RootElement):
    name: str | None = attr("name")
    implementation_ref: str | None = attr("implementationRef")
    operations: tuple[Operation, ...] = children(b("operation"))


@element(b("categoryValue"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CategoryValue(BaseElement):
    value: str | None = attr("value")


@element(b("category"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Category(RootElement):
    name: str | None = attr("name")
    category_values: tuple[CategoryValue, ...] = children(b("categoryValue"))


@element(b("endPoint"))
@dataclass(frozen=True, kw_only=True, slots=True)
class EndPoint(RootElement):
    pass


@element(b("partnerEntity"))
@dataclass(frozen=True, kw_only=True, slots=True)
class PartnerEntity(RootElement):
    name: str | None = attr("name")
    participant_refs: tuple[str, ...] = text_children(b("participantRef"))


@element(b("partnerRole"))
@dataclass(frozen=True, kw_only=True, slots=True)
class PartnerRole(RootElement):
    name: str | None = attr("name")
    participant_refs: tuple[str, ...] = text_children(b("participantRef"))


@element(b("resourceParameter"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ResourceParameter(BaseElement):
    name: str | None = attr("name")
    type: str | None = attr("type")
    is_required: bool | None = attr("isRequired", BOOL)


@element(b("resource"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Resource(RootElement):
    name: str | None = attr("name")
    parameters: tuple[ResourceParameter, ...] = children(b("resourceParameter"))


@element(b("correlationPropertyRetrievalExpression"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CorrelationPropertyRetrievalExpression(BaseElement):
    message_ref: str | None = attr("messageRef")
    message_path: Expression | None = child(b("messagePath"))


@element(b("correlationProperty"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CorrelationProperty(RootElement):
    name: str | None = attr("name")
    type: str | None = attr("type")
    retrieval_expressions: tuple[CorrelationPropertyRetrievalExpression, ...] = children(
        b("correlationPropertyRetrievalExpression")
    )


# -- callable elements: processes and global tasks ----------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class CallableElement(RootElement):
    name: str | None = attr("name")
    supported_interface_refs: tuple[str, ...] = text_children(b("supportedInterfaceRef"))
    io_specification: IoSpecification | None = child(b("ioSpecification"))
    io_bindings: tuple[IoBinding, ...] = children(b("ioBinding"))


@element(b("globalTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class GlobalTask(CallableElement):
    resource_roles: tuple[ResourceRoleType, ...] = children(*RESOURCE_ROLE_TAGS)


@element(b("globalUserTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class GlobalUserTask(GlobalTask):
    implementation: str | None = attr("implementation")
    renderings: tuple[Rendering, ...] = children(b("rendering"))


@element(b("globalManualTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class GlobalManualTask(GlobalTask):
    pass


@element(b("globalScriptTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class GlobalScriptTask(GlobalTask):
    script_language: str | None = attr("scriptLanguage")
    script: Script | None = child(b("script"))


@element(b("globalBusinessRuleTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class GlobalBusinessRuleTask(GlobalTask):
    implementation: str | None = attr("implementation")


@element(b("process"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Process(CallableElement, FlowElementsContainer):
    """A process: lanes, flow elements (document order) and artifacts."""

    process_type: str | None = attr("processType")
    is_closed: bool | None = attr("isClosed", BOOL)
    is_executable: bool | None = attr("isExecutable", BOOL)
    definitional_collaboration_ref: str | None = attr("definitionalCollaborationRef")
    auditing: Auditing | None = child(b("auditing"))
    monitoring: Monitoring | None = child(b("monitoring"))
    properties: tuple[Property, ...] = children(b("property"))
    lane_sets: tuple[LaneSet, ...] = children(b("laneSet"))
    flow_elements: tuple[FlowElement, ...] = children(*FLOW_ELEMENT_TAGS)
    artifacts: tuple[Artifact, ...] = children(*ARTIFACT_TAGS)
    resource_roles: tuple[ResourceRoleType, ...] = children(*RESOURCE_ROLE_TAGS)
    supports: tuple[str, ...] = text_children(b("supports"))

    @property
    def lanes(self) -> tuple[Lane, ...]:
        """Every lane of the process, nested lanes included, depth first."""
        found: list[Lane] = []

        def walk(lanes: tuple[Lane, ...]) -> None:
            for lane in lanes:
                found.append(lane)
                walk(lane.child_lanes)

        for lane_set in self.lane_sets:
            walk(lane_set.lanes)
        return tuple(found)


# -- collaborations -----------------------------------------------------------------------------


@element(b("participantMultiplicity"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ParticipantMultiplicity(BaseElement):
    minimum: int | None = attr("minimum", INT)
    maximum: int | None = attr("maximum", INT)


@element(b("participant"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Participant(BaseElement):
    """A pool; `process_ref` names the process it holds, if any."""

    name: str | None = attr("name")
    process_ref: str | None = attr("processRef")
    interface_refs: tuple[str, ...] = text_children(b("interfaceRef"))
    end_point_refs: tuple[str, ...] = text_children(b("endPointRef"))
    multiplicity: ParticipantMultiplicity | None = child(b("participantMultiplicity"))


@element(b("messageFlow"))
@dataclass(frozen=True, kw_only=True, slots=True)
class MessageFlow(BaseElement):
    name: str | None = attr("name")
    source_ref: str | None = attr("sourceRef")
    target_ref: str | None = attr("targetRef")
    message_ref: str | None = attr("messageRef")


@element(b("collaboration"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Collaboration(RootElement):
    """Pools and the message flows between them (conversations are kept, untyped)."""

    name: str | None = attr("name")
    is_closed: bool | None = attr("isClosed", BOOL)
    participants: tuple[Participant, ...] = children(b("participant"))
    message_flows: tuple[MessageFlow, ...] = children(b("messageFlow"))
    artifacts: tuple[Artifact, ...] = children(*ARTIFACT_TAGS)


@element(b("globalConversation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class GlobalConversation(Collaboration):
    pass


@element(b("choreography"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Choreography(Collaboration):
    """A choreography; its choreography activities are kept untyped (in `unknown`)."""

    flow_elements: tuple[FlowElement, ...] = children(*FLOW_ELEMENT_TAGS)


@element(b("globalChoreographyTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class GlobalChoreographyTask(Choreography):
    initiating_participant_ref: str | None = attr("initiatingParticipantRef")


# -- definitions --------------------------------------------------------------------------------


@element(b("import"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Import(Element):
    namespace: str | None = attr("namespace")
    location: str | None = attr("location")
    import_type: str | None = attr("importType")


@element(b("extension"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Extension(Element):
    definition: str | None = attr("definition")
    must_understand: bool | None = attr("mustUnderstand", BOOL)
    documentation: tuple[Documentation, ...] = children(b("documentation"))


@element(b("relationship"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Relationship(BaseElement):
    type: str | None = attr("type")
    direction: str | None = attr("direction")
    sources: tuple[str, ...] = text_children(b("source"))
    targets: tuple[str, ...] = text_children(b("target"))


ROOT_ELEMENT_TAGS = (
    *tags(
        "category", "collaboration", "globalConversation", "choreography",
        "globalChoreographyTask", "correlationProperty", "dataStore", "endPoint", "error",
        "escalation", "globalBusinessRuleTask", "globalManualTask", "globalScriptTask",
        "globalTask", "globalUserTask", "interface", "itemDefinition", "message",
        "partnerEntity", "partnerRole", "process", "resource", "signal",
    ),
    *EVENT_DEFINITION_TAGS,
)  # fmt: skip


@element(b("definitions"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BpmnDefinitions(Element):
    """The root of a BPMN file: root elements in document order, then diagrams."""

    id: str | None = attr("id")
    name: str | None = attr("name")
    target_namespace: str | None = attr("targetNamespace")
    expression_language: str | None = attr("expressionLanguage")
    type_language: str | None = attr("typeLanguage")
    exporter: str | None = attr("exporter")
    exporter_version: str | None = attr("exporterVersion")
    imports: tuple[Import, ...] = children(b("import"))
    extensions: tuple[Extension, ...] = children(b("extension"))
    root_elements: tuple[RootElement, ...] = children(*ROOT_ELEMENT_TAGS)
    diagrams: tuple[BpmnDiagram, ...] = children(qualified(BPMNDI, "BPMNDiagram"))
    relationships: tuple[Relationship, ...] = children(b("relationship"))
    namespaces: tuple[tuple[str | None, str], ...] = field(default=(), compare=False, repr=False)
    """Prefix declarations of the file (prefix, uri), kept so a rewrite reads the same."""
    source: str = field(default="<model>", compare=False, repr=False)
    """Where the model was read from (a file name), for messages."""

    notation: ClassVar[str] = "bpmn"

    def of_type(self, cls: type[R]) -> tuple[R, ...]:
        """The root elements of one class (subclasses included), in document order."""
        return tuple(e for e in self.root_elements if isinstance(e, cls))

    @property
    def processes(self) -> tuple[Process, ...]:
        return self.of_type(Process)

    @property
    def collaborations(self) -> tuple[Collaboration, ...]:
        return self.of_type(Collaboration)

    @property
    def messages(self) -> tuple[Message, ...]:
        return self.of_type(Message)

    @property
    def signals(self) -> tuple[Signal, ...]:
        return self.of_type(Signal)

    @property
    def errors(self) -> tuple[Error, ...]:
        return self.of_type(Error)

    @property
    def escalations(self) -> tuple[Escalation, ...]:
        return self.of_type(Escalation)

    @property
    def item_definitions(self) -> tuple[ItemDefinition, ...]:
        return self.of_type(ItemDefinition)

    @property
    def data_stores(self) -> tuple[DataStore, ...]:
        return self.of_type(DataStore)

    @property
    def interfaces(self) -> tuple[Interface, ...]:
        return self.of_type(Interface)

    def process(self, ident: str) -> Process | None:
        """The process with this id, if any."""
        for process in self.processes:
            if process.id == ident:
                return process
        return None


__all__ = [
    "XSI_TYPE",
    "Activity",
    "AdHocSubProcess",
    "Artifact",
    "Assignment",
    "Association",
    "Auditing",
    "BaseElement",
    "BoundaryEvent",
    "BpmnDefinitions",
    "BusinessRuleTask",
    "CallActivity",
    "CallableElement",
    "CancelEventDefinition",
    "CatchEvent",
    "Category",
    "CategoryValue",
    "Choreography",
    "Collaboration",
    "CompensateEventDefinition",
    "ComplexBehaviorDefinition",
    "ComplexGateway",
    "ConditionalEventDefinition",
    "CorrelationProperty",
    "CorrelationPropertyRetrievalExpression",
    "DataAssociation",
    "DataInput",
    "DataInputAssociation",
    "DataObject",
    "DataObjectReference",
    "DataOutput",
    "DataOutputAssociation",
    "DataState",
    "DataStore",
    "DataStoreReference",
    "Documentation",
    "EndEvent",
    "EndPoint",
    "Error",
    "ErrorEventDefinition",
    "Escalation",
    "EscalationEventDefinition",
    "Event",
    "EventBasedGateway",
    "EventDefinition",
    "ExclusiveGateway",
    "Expression",
    "Extension",
    "ExtensionElements",
    "FlowElement",
    "FlowElementsContainer",
    "FlowNode",
    "FormalExpression",
    "Gateway",
    "GlobalBusinessRuleTask",
    "GlobalChoreographyTask",
    "GlobalConversation",
    "GlobalManualTask",
    "GlobalScriptTask",
    "GlobalTask",
    "GlobalUserTask",
    "Group",
    "HumanPerformer",
    "ImplicitThrowEvent",
    "Import",
    "InclusiveGateway",
    "InputSet",
    "Interface",
    "IntermediateCatchEvent",
    "IntermediateThrowEvent",
    "IoBinding",
    "IoSpecification",
    "ItemDefinition",
    "Lane",
    "LaneSet",
    "LinkEventDefinition",
    "ManualTask",
    "Message",
    "MessageEventDefinition",
    "MessageFlow",
    "Monitoring",
    "MultiInstanceLoopCharacteristics",
    "Operation",
    "OutputSet",
    "ParallelGateway",
    "Participant",
    "ParticipantMultiplicity",
    "PartnerEntity",
    "PartnerRole",
    "Performer",
    "PotentialOwner",
    "Process",
    "Property",
    "ReceiveTask",
    "Relationship",
    "Rendering",
    "Resource",
    "ResourceAssignmentExpression",
    "ResourceParameter",
    "ResourceParameterBinding",
    "ResourceRole",
    "RootElement",
    "Script",
    "ScriptTask",
    "SendTask",
    "SequenceFlow",
    "ServiceTask",
    "Signal",
    "SignalEventDefinition",
    "StandardLoopCharacteristics",
    "StartEvent",
    "SubProcess",
    "Task",
    "TerminateEventDefinition",
    "Text",
    "TextAnnotation",
    "ThrowEvent",
    "TimerEventDefinition",
    "Transaction",
    "UserTask",
]
