"""BPMN 2.0 activities, gateways, sequence flows, lanes and artifacts."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

from studio.notation.binding import (
    BOOL,
    INT,
    Element,
    attr,
    child,
    children,
    element,
    text,
    text_child,
    text_children,
)
from studio.notation.bpmn_base import (
    ARTIFACT_TAGS,
    FLOW_ELEMENT_TAGS,
    LOOP_TAGS,
    RESOURCE_ROLE_TAGS,
    BaseElement,
    Expression,
    FlowElement,
    FlowNode,
    FormalExpression,
    b,
)
from studio.notation.bpmn_data import (
    DataInput,
    DataInputAssociation,
    DataOutput,
    DataOutputAssociation,
    IoSpecification,
    Property,
)
from studio.notation.bpmn_events import BoundaryEvent, ImplicitThrowEvent, StartEvent

# -- resource roles -----------------------------------------------------------------------------


@element(b("resourceAssignmentExpression"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ResourceAssignmentExpression(BaseElement):
    expression: Expression | FormalExpression | None = child(b("expression"), b("formalExpression"))


@element(b("resourceParameterBinding"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ResourceParameterBinding(BaseElement):
    parameter_ref: str | None = attr("parameterRef")
    expression: Expression | FormalExpression | None = child(b("expression"), b("formalExpression"))


@element(b("resourceRole"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ResourceRole(BaseElement):
    """Who performs an activity: a resource reference or an assignment expression."""

    name: str | None = attr("name")
    resource_ref: str | None = text_child(b("resourceRef"))
    parameter_bindings: tuple[ResourceParameterBinding, ...] = children(
        b("resourceParameterBinding")
    )
    assignment_expression: ResourceAssignmentExpression | None = child(
        b("resourceAssignmentExpression")
    )


@element(b("performer"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Performer(ResourceRole):
    pass


@element(b("humanPerformer"))
@dataclass(frozen=True, kw_only=True, slots=True)
class HumanPerformer(Performer):
    pass


@element(b("potentialOwner"))
@dataclass(frozen=True, kw_only=True, slots=True)
class PotentialOwner(HumanPerformer):
    pass


ResourceRoleType = ResourceRole | Performer | HumanPerformer | PotentialOwner


# -- loops --------------------------------------------------------------------------------------


@element(b("standardLoopCharacteristics"))
@dataclass(frozen=True, kw_only=True, slots=True)
class StandardLoopCharacteristics(BaseElement):
    test_before: bool | None = attr("testBefore", BOOL)
    loop_maximum: int | None = attr("loopMaximum", INT)
    loop_condition: Expression | None = child(b("loopCondition"))


@element(b("complexBehaviorDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ComplexBehaviorDefinition(BaseElement):
    condition: Expression | None = child(b("condition"))
    event: ImplicitThrowEvent | None = child(b("event"))


@element(b("multiInstanceLoopCharacteristics"))
@dataclass(frozen=True, kw_only=True, slots=True)
class MultiInstanceLoopCharacteristics(BaseElement):
    is_sequential: bool | None = attr("isSequential", BOOL)
    behavior: str | None = attr("behavior")
    one_behavior_event_ref: str | None = attr("oneBehaviorEventRef")
    none_behavior_event_ref: str | None = attr("noneBehaviorEventRef")
    loop_cardinality: Expression | None = child(b("loopCardinality"))
    loop_data_input_ref: str | None = text_child(b("loopDataInputRef"))
    loop_data_output_ref: str | None = text_child(b("loopDataOutputRef"))
    input_data_item: DataInput | None = child(b("inputDataItem"))
    output_data_item: DataOutput | None = child(b("outputDataItem"))
    complex_behavior_definitions: tuple[ComplexBehaviorDefinition, ...] = children(
        b("complexBehaviorDefinition")
    )
    completion_condition: Expression | None = child(b("completionCondition"))

    @property
    def sequential(self) -> bool:
        return bool(self.is_sequential)


LoopCharacteristics = StandardLoopCharacteristics | MultiInstanceLoopCharacteristics


# -- activities ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Activity(FlowNode):
    """tActivity: work, with data, performers and an optional loop."""

    is_for_compensation: bool | None = attr("isForCompensation", BOOL)
    start_quantity: int | None = attr("startQuantity", INT)
    completion_quantity: int | None = attr("completionQuantity", INT)
    default: str | None = attr("default")
    io_specification: IoSpecification | None = child(b("ioSpecification"))
    properties: tuple[Property, ...] = children(b("property"))
    data_input_associations: tuple[DataInputAssociation, ...] = children(b("dataInputAssociation"))
    data_output_associations: tuple[DataOutputAssociation, ...] = children(
        b("dataOutputAssociation")
    )
    resource_roles: tuple[ResourceRoleType, ...] = children(*RESOURCE_ROLE_TAGS)
    loop_characteristics: LoopCharacteristics | None = child(*LOOP_TAGS)

    @property
    def multi_instance(self) -> MultiInstanceLoopCharacteristics | None:
        loop = self.loop_characteristics
        return loop if isinstance(loop, MultiInstanceLoopCharacteristics) else None


@element(b("task"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Task(Activity):
    """An abstract (plain) task; the typed tasks below extend it."""


@element(b("rendering"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Rendering(BaseElement):
    pass


@element(b("userTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class UserTask(Task):
    implementation: str | None = attr("implementation")
    renderings: tuple[Rendering, ...] = children(b("rendering"))


@element(b("manualTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ManualTask(Task):
    pass


@element(b("script"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Script(Element):
    """The body of a script task (mixed content: nested markup is kept in `unknown`)."""

    body: str | None = text()

    @property
    def source(self) -> str:
        """The script text, dedented, without surrounding blank lines."""
        return textwrap.dedent(self.body or "").strip()


@element(b("scriptTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ScriptTask(Task):
    script_format: str | None = attr("scriptFormat")
    script: Script | None = child(b("script"))

    @property
    def script_source(self) -> str:
        """The script text ("" without one)."""
        return self.script.source if self.script is not None else ""


@element(b("serviceTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceTask(Task):
    implementation: str | None = attr("implementation")
    operation_ref: str | None = attr("operationRef")


@element(b("businessRuleTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BusinessRuleTask(Task):
    implementation: str | None = attr("implementation")


@element(b("sendTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class SendTask(Task):
    implementation: str | None = attr("implementation")
    message_ref: str | None = attr("messageRef")
    operation_ref: str | None = attr("operationRef")


@element(b("receiveTask"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ReceiveTask(Task):
    implementation: str | None = attr("implementation")
    instantiate: bool | None = attr("instantiate", BOOL)
    message_ref: str | None = attr("messageRef")
    operation_ref: str | None = attr("operationRef")


@element(b("callActivity"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CallActivity(Activity):
    """Calls a process (or global task) by id: `called_element`."""

    called_element: str | None = attr("calledElement")


# -- lanes --------------------------------------------------------------------------------------


@element(b("laneSet"), b("childLaneSet"))
@dataclass(frozen=True, kw_only=True, slots=True)
class LaneSet(BaseElement):
    name: str | None = attr("name")
    lanes: tuple[Lane, ...] = children(b("lane"))


@element(b("lane"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Lane(BaseElement):
    """A partition of a process; `flow_node_refs` are the ids of the nodes it holds."""

    name: str | None = attr("name")
    partition_element_ref: str | None = attr("partitionElementRef")
    flow_node_refs: tuple[str, ...] = text_children(b("flowNodeRef"))
    child_lane_set: LaneSet | None = child(b("childLaneSet"))

    @property
    def child_lanes(self) -> tuple[Lane, ...]:
        return self.child_lane_set.lanes if self.child_lane_set else ()


# -- artifacts ----------------------------------------------------------------------------------


@element(b("text"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Text(Element):
    """The text of a text annotation (mixed content: nested markup is kept in `unknown`)."""

    body: str | None = text()


@element(b("textAnnotation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class TextAnnotation(BaseElement):
    text_format: str | None = attr("textFormat")
    text: Text | None = child(b("text"))

    @property
    def content(self) -> str:
        """The annotation's text ("" without one)."""
        return (self.text.body or "").strip() if self.text is not None else ""


@element(b("association"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Association(BaseElement):
    source_ref: str | None = attr("sourceRef")
    target_ref: str | None = attr("targetRef")
    association_direction: str | None = attr("associationDirection")


@element(b("group"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Group(BaseElement):
    category_value_ref: str | None = attr("categoryValueRef")


Artifact = TextAnnotation | Association | Group


# -- gateways and sequence flows ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Gateway(FlowNode):
    gateway_direction: str | None = attr("gatewayDirection")


@element(b("exclusiveGateway"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ExclusiveGateway(Gateway):
    default: str | None = attr("default")


@element(b("inclusiveGateway"))
@dataclass(frozen=True, kw_only=True, slots=True)
class InclusiveGateway(Gateway):
    default: str | None = attr("default")


@element(b("parallelGateway"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ParallelGateway(Gateway):
    pass


@element(b("eventBasedGateway"))
@dataclass(frozen=True, kw_only=True, slots=True)
class EventBasedGateway(Gateway):
    instantiate: bool | None = attr("instantiate", BOOL)
    event_gateway_type: str | None = attr("eventGatewayType")


@element(b("complexGateway"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ComplexGateway(Gateway):
    default: str | None = attr("default")
    activation_condition: Expression | None = child(b("activationCondition"))


@element(b("sequenceFlow"))
@dataclass(frozen=True, kw_only=True, slots=True)
class SequenceFlow(FlowElement):
    source_ref: str | None = attr("sourceRef")
    target_ref: str | None = attr("targetRef")
    is_immediate: bool | None = attr("isImmediate", BOOL)
    condition_expression: Expression | None = child(b("conditionExpression"))

    @property
    def condition(self) -> str | None:
        """The condition's text, or None for an unconditional flow."""
        return None if self.condition_expression is None else self.condition_expression.source


# -- sub-processes ------------------------------------------------------------------------------


class FlowElementsContainer:
    """Lookups shared by processes and sub-processes (both have `flow_elements`)."""

    __slots__ = ()
    flow_elements: tuple[FlowElement, ...]

    @property
    def flow_nodes(self) -> tuple[FlowNode, ...]:
        """Events, activities and gateways directly inside, in document order."""
        return tuple(e for e in self.flow_elements if isinstance(e, FlowNode))

    @property
    def sequence_flows(self) -> tuple[SequenceFlow, ...]:
        return tuple(e for e in self.flow_elements if isinstance(e, SequenceFlow))

    @property
    def start_events(self) -> tuple[StartEvent, ...]:
        return tuple(e for e in self.flow_elements if isinstance(e, StartEvent))

    @property
    def boundary_events(self) -> tuple[BoundaryEvent, ...]:
        return tuple(e for e in self.flow_elements if isinstance(e, BoundaryEvent))

    @property
    def sub_processes(self) -> tuple[SubProcess, ...]:
        return tuple(e for e in self.flow_elements if isinstance(e, SubProcess))

    def iter_flow_elements(self) -> Iterator[FlowElement]:
        """Every flow element inside, sub-processes' contents included, depth first."""
        for item in self.flow_elements:
            yield item
            if isinstance(item, SubProcess):
                yield from item.iter_flow_elements()


@element(b("subProcess"))
@dataclass(frozen=True, kw_only=True, slots=True)
class SubProcess(Activity, FlowElementsContainer):
    """An embedded sub-process; `triggered_by_event` makes it an event sub-process."""

    triggered_by_event: bool | None = attr("triggeredByEvent", BOOL)
    lane_sets: tuple[LaneSet, ...] = children(b("laneSet"))
    flow_elements: tuple[FlowElement, ...] = children(*FLOW_ELEMENT_TAGS)
    artifacts: tuple[Artifact, ...] = children(*ARTIFACT_TAGS)

    @property
    def is_event_sub_process(self) -> bool:
        return bool(self.triggered_by_event)


@element(b("transaction"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Transaction(SubProcess):
    method: str | None = attr("method")


@element(b("adHocSubProcess"))
@dataclass(frozen=True, kw_only=True, slots=True)
class AdHocSubProcess(SubProcess):
    cancel_remaining_instances: bool | None = attr("cancelRemainingInstances", BOOL)
    ordering: str | None = attr("ordering")
    completion_condition: Expression | None = child(b("completionCondition"))
