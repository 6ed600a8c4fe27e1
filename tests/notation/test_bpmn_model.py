"""The typed BPMN model: every element kind of the process level, the index, canonical repairs."""

from __future__ import annotations

import dataclasses
import time
from functools import lru_cache

import pytest
from lxml import etree

from studio.notation import NotationError, read_model, write_model
from studio.notation.bpmn import DEFAULT_TARGET_NAMESPACE, BpmnIndex
from studio.notation.bpmn_di import BpmnEdge, BpmnShape
from studio.notation.bpmn_model import (
    AdHocSubProcess,
    Association,
    BoundaryEvent,
    BpmnDefinitions,
    BusinessRuleTask,
    CallActivity,
    CancelEventDefinition,
    Category,
    CompensateEventDefinition,
    ComplexGateway,
    ConditionalEventDefinition,
    DataInputAssociation,
    DataObject,
    DataObjectReference,
    DataOutputAssociation,
    DataStoreReference,
    EndEvent,
    ErrorEventDefinition,
    EscalationEventDefinition,
    EventBasedGateway,
    ExclusiveGateway,
    Expression,
    Group,
    InclusiveGateway,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    IoSpecification,
    LinkEventDefinition,
    ManualTask,
    MessageEventDefinition,
    MultiInstanceLoopCharacteristics,
    ParallelGateway,
    PotentialOwner,
    Process,
    ReceiveTask,
    ScriptTask,
    SendTask,
    SequenceFlow,
    ServiceTask,
    SignalEventDefinition,
    StandardLoopCharacteristics,
    StartEvent,
    SubProcess,
    Task,
    TerminateEventDefinition,
    TextAnnotation,
    TimerEventDefinition,
    Transaction,
    UserTask,
)
from tests.conftest import shared_path

NS = (
    'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:bioc="http://bpmn.io/schema/bpmn/biocolor/1.0"'
)

KITCHEN_SINK = f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions {NS} id="defs" targetNamespace="http://example.org/sink" exporter="hand">
  <itemDefinition id="item_order" structureRef="Order" isCollection="false"/>
  <message id="msg_paid" name="paid" itemRef="item_order"/>
  <signal id="sig_stop" name="stop"/>
  <error id="err_late" name="late" errorCode="E42"/>
  <escalation id="esc_boss" name="boss" escalationCode="B1"/>
  <interface id="if_pay" name="Payments">
    <operation id="op_pay" name="pay"><inMessageRef>msg_paid</inMessageRef></operation>
  </interface>
  <dataStore id="store" name="Ledger" isUnlimited="true"/>
  <category id="cat"><categoryValue id="cat_v" value="Finance"/></category>
  <collaboration id="collab">
    <participant id="pool" name="Shop" processRef="main"/>
    <participant id="bank" name="Bank"/>
    <messageFlow id="mf" sourceRef="bank" targetRef="wait_paid" messageRef="msg_paid"/>
  </collaboration>
  <process id="main" name="Main" isExecutable="true" processType="Private">
    <documentation textFormat="text/plain">The main process</documentation>
    <extensionElements>
      <camunda:properties><camunda:property name="k" value="v"/></camunda:properties>
    </extensionElements>
    <property id="prop_total" name="total" itemSubjectRef="item_order"/>
    <laneSet id="lanes">
      <lane id="lane_sales" name="Sales">
        <flowNodeRef>start</flowNodeRef>
        <flowNodeRef>review</flowNodeRef>
        <childLaneSet id="sub_lanes">
          <lane id="lane_junior" name="Junior"><flowNodeRef>review</flowNodeRef></lane>
        </childLaneSet>
      </lane>
      <lane id="lane_ops" name="Operations"><flowNodeRef>ship</flowNodeRef></lane>
    </laneSet>
    <startEvent id="start" name="Order received" camunda:initiator="who">
      <outgoing>f_start</outgoing>
      <messageEventDefinition id="start_msg" messageRef="msg_paid"/>
    </startEvent>
    <userTask id="review" name="Review" implementation="##unspecified"
        camunda:assignee="${{clerk}}">
      <incoming>f_start</incoming>
      <outgoing>f_review</outgoing>
      <potentialOwner id="owner">
        <resourceAssignmentExpression><formalExpression>clerks</formalExpression>
        </resourceAssignmentExpression>
      </potentialOwner>
      <multiInstanceLoopCharacteristics isSequential="true">
        <loopCardinality xsi:type="tFormalExpression">3</loopCardinality>
        <completionCondition xsi:type="tFormalExpression">done</completionCondition>
      </multiInstanceLoopCharacteristics>
    </userTask>
    <boundaryEvent id="timeout" attachedToRef="review" cancelActivity="false">
      <outgoing>f_timeout</outgoing>
      <timerEventDefinition id="td">
        <timeCycle xsi:type="tFormalExpression">R3/PT1H</timeCycle>
      </timerEventDefinition>
    </boundaryEvent>
    <boundaryEvent id="oops" attachedToRef="review">
      <errorEventDefinition errorRef="err_late"/>
    </boundaryEvent>
    <exclusiveGateway id="xor" default="f_no" gatewayDirection="Diverging">
      <incoming>f_review</incoming>
    </exclusiveGateway>
    <inclusiveGateway id="or" default="f_or_b"/>
    <parallelGateway id="and"/>
    <eventBasedGateway id="ebg" instantiate="false" eventGatewayType="Exclusive"/>
    <complexGateway id="cx" default="f_cx">
      <activationCondition xsi:type="tFormalExpression">n &gt; 1</activationCondition>
    </complexGateway>
    <sequenceFlow id="f_start" sourceRef="start" targetRef="review"/>
    <sequenceFlow id="f_review" sourceRef="review" targetRef="xor"/>
    <sequenceFlow id="f_yes" name="yes" sourceRef="xor" targetRef="ship" isImmediate="true">
      <conditionExpression xsi:type="tFormalExpression" language="python"
        >total &gt; 100</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="f_no" sourceRef="xor" targetRef="calc"/>
    <sequenceFlow id="f_timeout" sourceRef="timeout" targetRef="notify"/>
    <sequenceFlow id="f_or_b" sourceRef="or" targetRef="and"/>
    <sequenceFlow id="f_cx" sourceRef="cx" targetRef="ebg"/>
    <scriptTask id="calc" name="Calculate" scriptFormat="python">
      <script>total = amount * 2
vat = total / 5</script>
    </scriptTask>
    <serviceTask id="ship" name="Ship" implementation="##WebService" operationRef="op_pay">
      <ioSpecification>
        <dataInput id="ship_in" name="order" itemSubjectRef="item_order"/>
        <dataOutput id="ship_out" name="receipt"/>
        <inputSet><dataInputRefs>ship_in</dataInputRefs></inputSet>
        <outputSet><dataOutputRefs>ship_out</dataOutputRefs></outputSet>
      </ioSpecification>
      <dataInputAssociation id="dia">
        <sourceRef>order_ref</sourceRef>
        <targetRef>ship_in</targetRef>
        <assignment><from>order</from><to>ship_in</to></assignment>
      </dataInputAssociation>
      <dataOutputAssociation id="doa">
        <sourceRef>ship_out</sourceRef>
        <targetRef>ledger_ref</targetRef>
      </dataOutputAssociation>
      <standardLoopCharacteristics testBefore="true" loopMaximum="5">
        <loopCondition xsi:type="tFormalExpression">retry</loopCondition>
      </standardLoopCharacteristics>
    </serviceTask>
    <businessRuleTask id="rules" name="Decide" implementation="dmn:risk"/>
    <sendTask id="notify" name="Notify" messageRef="msg_paid"/>
    <receiveTask id="wait_paid" name="Wait" messageRef="msg_paid" instantiate="false"/>
    <manualTask id="pack" name="Pack"/>
    <task id="plain" name="Plain"/>
    <callActivity id="call" name="Call billing" calledElement="billing"/>
    <intermediateCatchEvent id="catch_signal">
      <signalEventDefinition signalRef="sig_stop"/>
    </intermediateCatchEvent>
    <intermediateCatchEvent id="catch_cond">
      <conditionalEventDefinition>
        <condition xsi:type="tFormalExpression">x</condition>
      </conditionalEventDefinition>
    </intermediateCatchEvent>
    <intermediateCatchEvent id="catch_link">
      <linkEventDefinition name="L"><source>throw_link</source></linkEventDefinition>
    </intermediateCatchEvent>
    <intermediateCatchEvent id="catch_date">
      <timerEventDefinition>
        <timeDate xsi:type="tFormalExpression">2026-01-01T00:00:00Z</timeDate>
      </timerEventDefinition>
    </intermediateCatchEvent>
    <intermediateCatchEvent id="catch_ref">
      <eventDefinitionRef>shared_msg</eventDefinitionRef>
    </intermediateCatchEvent>
    <intermediateThrowEvent id="throw_link">
      <linkEventDefinition name="L"><target>catch_link</target></linkEventDefinition>
    </intermediateThrowEvent>
    <intermediateThrowEvent id="throw_esc">
      <escalationEventDefinition escalationRef="esc_boss"/>
    </intermediateThrowEvent>
    <intermediateThrowEvent id="throw_comp">
      <compensateEventDefinition activityRef="ship" waitForCompletion="true"/>
    </intermediateThrowEvent>
    <subProcess id="sub" name="Sub">
      <startEvent id="sub_start"/>
      <task id="sub_task"/>
      <sequenceFlow id="sub_f" sourceRef="sub_start" targetRef="sub_task"/>
      <subProcess id="on_stop" triggeredByEvent="true">
        <startEvent id="on_stop_start" isInterrupting="false">
          <signalEventDefinition signalRef="sig_stop"/>
        </startEvent>
      </subProcess>
    </subProcess>
    <transaction id="tx" method="##Compensate">
      <endEvent id="tx_cancel"><cancelEventDefinition/></endEvent>
    </transaction>
    <adHocSubProcess id="adhoc" ordering="Parallel">
      <task id="adhoc_task"/>
      <completionCondition xsi:type="tFormalExpression">enough</completionCondition>
    </adHocSubProcess>
    <dataObject id="order_obj" name="Order" itemSubjectRef="item_order"/>
    <dataObjectReference id="order_ref" dataObjectRef="order_obj">
      <dataState name="new"/>
    </dataObjectReference>
    <dataStoreReference id="ledger_ref" dataStoreRef="store"/>
    <endEvent id="end" name="Done"><terminateEventDefinition/></endEvent>
    <textAnnotation id="note"><text>Check twice</text></textAnnotation>
    <association id="assoc" sourceRef="note" targetRef="review" associationDirection="None"/>
    <group id="grp" categoryValueRef="cat_v"/>
  </process>
  <messageEventDefinition id="shared_msg" messageRef="msg_paid"/>
  <bpmndi:BPMNDiagram id="diagram" name="Main">
    <bpmndi:BPMNPlane id="plane" bpmnElement="collab">
      <bpmndi:BPMNShape id="pool_di" bpmnElement="pool" isHorizontal="true">
        <dc:Bounds x="0" y="0" width="1000" height="400"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="review_di" bpmnElement="review" bioc:fill="#ffe">
        <dc:Bounds x="100.5" y="80" width="100" height="80"/>
        <bpmndi:BPMNLabel labelStyle="style1">
          <dc:Bounds x="100" y="170" width="90" height="14"/>
        </bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="xor_di" bpmnElement="xor" isMarkerVisible="true">
        <dc:Bounds x="250" y="95" width="50" height="50"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f_review_di" bpmnElement="f_review" sourceElement="review_di"
          targetElement="xor_di">
        <di:waypoint x="200" y="120"/>
        <di:waypoint x="250" y="120"/>
        <bpmndi:BPMNLabel/>
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="mf_di" bpmnElement="mf" messageVisibleKind="initiating">
        <di:waypoint x="10" y="500"/>
        <di:waypoint x="10" y="400"/>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
    <bpmndi:BPMNLabelStyle id="style1"><dc:Font name="Arial" size="9" isBold="false"/>
      </bpmndi:BPMNLabelStyle>
  </bpmndi:BPMNDiagram>
</definitions>
""".encode()


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    xsd = shared_path("conformance/xsd/bpmn20/BPMN20.xsd")
    return etree.XMLSchema(etree.parse(str(xsd)))


def assert_valid(data: bytes) -> None:
    validator = schema()
    assert validator.validate(etree.fromstring(data)), validator.error_log.last_error


@lru_cache(maxsize=1)
def sink() -> BpmnDefinitions:
    return read_model(KITCHEN_SINK, "sink.bpmn")


def test_kitchen_sink_is_valid_and_round_trips():
    assert_valid(KITCHEN_SINK)
    output = write_model(sink())
    assert_valid(output)
    assert read_model(output) == sink()
    assert write_model(read_model(output)) == output


def test_definitions_and_root_elements_keep_document_order():
    model = sink()
    assert model.notation == "bpmn"
    assert model.target_namespace == "http://example.org/sink"
    kinds = [type(e).__name__ for e in model.root_elements]
    assert kinds == [
        "ItemDefinition", "Message", "Signal", "Error", "Escalation", "Interface", "DataStore",
        "Category", "Collaboration", "Process", "MessageEventDefinition",
    ]  # fmt: skip
    assert model.messages[0].name == "paid" and model.signals[0].name == "stop"
    assert model.errors[0].error_code == "E42"
    assert model.escalations[0].escalation_code == "B1"
    assert model.interfaces[0].operations[0].in_message_ref == "msg_paid"
    assert model.data_stores[0].is_unlimited is True
    assert model.item_definitions[0].is_collection is False
    assert model.of_type(Category)[0].category_values[0].value == "Finance"
    collaboration = model.collaborations[0]
    assert [p.process_ref for p in collaboration.participants] == ["main", None]
    assert collaboration.message_flows[0].message_ref == "msg_paid"


def test_process_lanes_and_flow_elements():
    process = sink().process("main")
    assert isinstance(process, Process)
    assert process.is_executable is True and process.process_type == "Private"
    assert process.documentation[0].text == "The main process"
    assert (
        process.extension_elements.nodes[0].tag == "{http://camunda.org/schema/1.0/bpmn}properties"
    )
    assert process.properties[0].name == "total"
    assert [lane.name for lane in process.lanes] == ["Sales", "Junior", "Operations"]
    assert process.lane_sets[0].lanes[0].flow_node_refs == ("start", "review")
    assert [type(n).__name__ for n in process.flow_nodes][:3] == [
        "StartEvent",
        "UserTask",
        "BoundaryEvent",
    ]
    assert len(process.sequence_flows) == 7
    assert [type(a) for a in process.artifacts] == [TextAnnotation, Association, Group]
    assert process.artifacts[0].content == "Check twice"
    assert process.artifacts[2].category_value_ref == "cat_v"


def test_tasks_and_activities():
    index = BpmnIndex(sink())
    review = index.by_id["review"]
    assert isinstance(review, UserTask) and review.implementation == "##unspecified"
    assert review.extra("{http://camunda.org/schema/1.0/bpmn}assignee") == "${clerk}"
    (owner,) = review.resource_roles
    assert isinstance(owner, PotentialOwner)
    assert owner.assignment_expression.expression.source == "clerks"
    loop = review.multi_instance
    assert isinstance(loop, MultiInstanceLoopCharacteristics) and loop.sequential
    assert loop.loop_cardinality.source == "3" and loop.completion_condition.source == "done"
    calc = index.by_id["calc"]
    assert isinstance(calc, ScriptTask)
    assert calc.script_source == "total = amount * 2\nvat = total / 5"
    ship = index.by_id["ship"]
    assert isinstance(ship, ServiceTask) and ship.operation_ref == "op_pay"
    io = ship.io_specification
    assert isinstance(io, IoSpecification)
    assert [i.name for i in io.data_inputs] == ["order"]
    assert io.input_sets[0].data_input_refs == ("ship_in",)
    (dia,) = ship.data_input_associations
    assert isinstance(dia, DataInputAssociation)
    assert dia.source_refs == ("order_ref",) and dia.target_ref == "ship_in"
    assert dia.assignments[0].from_.source == "order" and dia.assignments[0].to.source == "ship_in"
    assert isinstance(ship.data_output_associations[0], DataOutputAssociation)
    standard = ship.loop_characteristics
    assert isinstance(standard, StandardLoopCharacteristics)
    assert (standard.test_before, standard.loop_maximum) == (True, 5)
    assert standard.loop_condition.source == "retry"
    assert isinstance(index.by_id["rules"], BusinessRuleTask)
    assert index.by_id["notify"].message_ref == "msg_paid"
    assert isinstance(index.by_id["notify"], SendTask)
    wait = index.by_id["wait_paid"]
    assert isinstance(wait, ReceiveTask) and wait.instantiate is False
    assert isinstance(index.by_id["pack"], ManualTask)
    assert type(index.by_id["plain"]) is Task
    call = index.by_id["call"]
    assert isinstance(call, CallActivity) and call.called_element == "billing"


def test_sub_processes():
    index = BpmnIndex(sink())
    sub = index.by_id["sub"]
    assert isinstance(sub, SubProcess) and not sub.is_event_sub_process
    assert [n.id for n in index.flow_nodes_of("sub")] == ["sub_start", "sub_task", "on_stop"]
    event_sub = index.by_id["on_stop"]
    assert event_sub.is_event_sub_process
    start = event_sub.start_events[0]
    assert start.interrupting is False and start.trigger == "signal"
    assert index.container_of["on_stop_start"] is event_sub
    assert index.process_of["on_stop_start"].id == "main"
    assert [f.id for f in index.outgoing("sub_start")] == ["sub_f"]
    assert [e.id for e in sub.iter_flow_elements()][-1] == "on_stop_start"
    tx = index.by_id["tx"]
    assert isinstance(tx, Transaction) and tx.method == "##Compensate"
    assert tx.flow_elements[0].trigger == "cancel"
    adhoc = index.by_id["adhoc"]
    assert isinstance(adhoc, AdHocSubProcess) and adhoc.ordering == "Parallel"
    assert adhoc.completion_condition.source == "enough"


def test_gateways_and_sequence_flows():
    index = BpmnIndex(sink())
    xor = index.by_id["xor"]
    assert isinstance(xor, ExclusiveGateway)
    assert (xor.default, xor.gateway_direction) == ("f_no", "Diverging")
    assert [f.id for f in index.outgoing("xor")] == ["f_yes", "f_no"]
    assert isinstance(index.by_id["or"], InclusiveGateway) and index.by_id["or"].default == "f_or_b"
    assert isinstance(index.by_id["and"], ParallelGateway)
    ebg = index.by_id["ebg"]
    assert isinstance(ebg, EventBasedGateway) and ebg.event_gateway_type == "Exclusive"
    cx = index.by_id["cx"]
    assert isinstance(cx, ComplexGateway) and cx.activation_condition.source == "n > 1"
    yes = index.sequence_flows["f_yes"]
    assert isinstance(yes, SequenceFlow) and yes.is_immediate is True
    assert yes.condition == "total > 100"
    assert isinstance(yes.condition_expression, Expression)
    assert yes.condition_expression.language == "python"
    assert yes.condition_expression.xsi_type == "tFormalExpression"
    assert index.by_id["review"].incoming == ("f_start",)
    assert index.by_id["review"].outgoing == ("f_review",)


def test_events_and_event_definitions():
    index = BpmnIndex(sink())
    start = index.by_id["start"]
    assert isinstance(start, StartEvent) and start.trigger == "message"
    assert start.definition(MessageEventDefinition).message_ref == "msg_paid"
    timeout, oops = index.boundary_events_of("review")
    assert isinstance(timeout, BoundaryEvent) and not timeout.interrupting
    assert timeout.definition(TimerEventDefinition).timer == ("cycle", "R3/PT1H")
    assert oops.interrupting and oops.definition(ErrorEventDefinition).error_ref == "err_late"
    assert index.by_id["catch_signal"].definition(SignalEventDefinition).signal_ref == "sig_stop"
    conditional = index.by_id["catch_cond"].definition(ConditionalEventDefinition)
    assert conditional.condition.source == "x"
    link = index.by_id["catch_link"].definition(LinkEventDefinition)
    assert (link.name, link.sources) == ("L", ("throw_link",))
    assert index.by_id["throw_link"].definition(LinkEventDefinition).target == "catch_link"
    date = index.by_id["catch_date"]
    assert isinstance(date, IntermediateCatchEvent)
    assert date.definition(TimerEventDefinition).timer == ("date", "2026-01-01T00:00:00Z")
    ref = index.by_id["catch_ref"]
    assert ref.event_definition_refs == ("shared_msg",) and ref.trigger == "reference"
    escalation = index.by_id["throw_esc"]
    assert isinstance(escalation, IntermediateThrowEvent)
    assert escalation.definition(EscalationEventDefinition).escalation_ref == "esc_boss"
    compensate = index.by_id["throw_comp"].definition(CompensateEventDefinition)
    assert (compensate.activity_ref, compensate.wait_for_completion) == ("ship", True)
    end = index.by_id["end"]
    assert isinstance(end, EndEvent) and end.trigger == "terminate"
    assert isinstance(end.event_definitions[0], TerminateEventDefinition)
    assert isinstance(index.by_id["tx_cancel"].event_definitions[0], CancelEventDefinition)


def test_data_elements():
    index = BpmnIndex(sink())
    assert isinstance(index.by_id["order_obj"], DataObject)
    reference = index.by_id["order_ref"]
    assert isinstance(reference, DataObjectReference)
    assert (reference.data_object_ref, reference.data_state.name) == ("order_obj", "new")
    store = index.by_id["ledger_ref"]
    assert isinstance(store, DataStoreReference) and store.data_store_ref == "store"


def test_index_lookups():
    index = BpmnIndex(sink())
    assert set(index.processes) == {"main"}
    assert index.messages["msg_paid"].name == "paid"
    assert index.messages_by_name["paid"].id == "msg_paid"
    assert index.signals_by_name["stop"].id == "sig_stop"
    assert index.errors_by_name["late"].id == "err_late"
    assert index.escalations["esc_boss"].name == "boss"
    assert index.lane_of["review"].name == "Junior"  # the innermost lane
    assert index.lane_of["ship"].name == "Operations"
    assert index.participant_of["main"].id == "pool"
    assert index.message_flows["mf"].target_ref == "wait_paid"
    assert index.incoming("start") == () and index.outgoing("nowhere") == ()
    assert index.resolve("tns:review") is index.by_id["review"]
    assert index.duplicates == []


def test_diagram_interchange():
    model = sink()
    (diagram,) = model.diagrams
    plane = diagram.plane
    assert plane.bpmn_element == "collab"
    shapes = {s.bpmn_element: s for s in plane.shapes}
    assert shapes["pool"].is_horizontal is True and shapes["xor"].is_marker_visible is True
    review = shapes["review"]
    assert isinstance(review, BpmnShape)
    assert (review.bounds.x, review.bounds.width) == (100.5, 100.0)
    assert review.extra("{http://bpmn.io/schema/bpmn/biocolor/1.0}fill") == "#ffe"
    assert review.label.label_style == "style1" and review.label.bounds.y == 170
    edge = plane.edges[0]
    assert isinstance(edge, BpmnEdge)
    assert [(p.x, p.y) for p in edge.waypoints] == [(200, 120), (250, 120)]
    assert (edge.source_element, edge.target_element) == ("review_di", "xor_di")
    assert plane.edges[1].message_visible_kind == "initiating"
    assert diagram.label_styles[0].font.name == "Arial"
    index = BpmnIndex(model)
    assert index.shapes["review"] is review and index.edges["f_review"] is edge


# -- canonical repairs --------------------------------------------------------------------------


def _minimal(body: str, *, root_attrs: str = 'targetNamespace="http://example.org/t"') -> bytes:
    return (
        f'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" {root_attrs}>'
        f"{body}</definitions>"
    ).encode()


def test_ids_that_are_not_ncnames_are_repaired_with_their_references():
    data = _minimal(
        '<process id="p"><startEvent id="1start"><outgoing>f</outgoing></startEvent>'
        '<task id="t"/><sequenceFlow id="f" sourceRef="1start" targetRef="t"/></process>'
    )
    output = write_model(read_model(data))
    assert_valid(output)
    again = BpmnIndex(read_model(output))
    (flow,) = again.outgoing("_1start")
    start = again.by_id["_1start"]
    assert flow.target_ref == "t" and isinstance(start, StartEvent) and start.outgoing == ("f",)


def test_missing_required_parts_are_added():
    data = _minimal(
        '<process id="p"><task id="t"><ioSpecification><dataInput id="i"/></ioSpecification>'
        '</task><sequenceFlow id="f" sourceRef="t" targetRef="t">'
        '<conditionExpression language="python">x</conditionExpression></sequenceFlow>'
        "</process>",
        root_attrs="",
    )
    model = read_model(data)
    assert model.target_namespace is None
    output = write_model(model)
    assert_valid(output)
    again = read_model(output)
    assert again.target_namespace == DEFAULT_TARGET_NAMESPACE
    task = again.processes[0].flow_nodes[0]
    assert len(task.io_specification.input_sets) == len(task.io_specification.output_sets) == 1
    condition = again.processes[0].sequence_flows[0].condition_expression
    assert condition.xsi_type == "tFormalExpression" and condition.language == "python"


def test_shapes_without_bounds_and_short_edges_are_completed():
    data = _minimal(
        '<process id="p"><task id="t"/></process>'
        '<bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="dg">'
        '<bpmndi:BPMNPlane id="pl" bpmnElement="p"><bpmndi:BPMNShape id="s" bpmnElement="t"/>'
        '<bpmndi:BPMNEdge id="e" bpmnElement="t"/></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>'
    )
    output = write_model(read_model(data))
    assert_valid(output)
    assert write_model(read_model(output)) == output


def test_xsi_types_stay_resolvable_when_a_namespace_has_two_prefixes():
    data = (
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        b'xmlns:semantic="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" targetNamespace="urn:t">'
        b'<bpmn:process id="p"><bpmn:sequenceFlow id="f" sourceRef="p" targetRef="p">'
        b'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">x</bpmn:conditionExpression>'
        b"</bpmn:sequenceFlow></bpmn:process></bpmn:definitions>"
    )
    output = write_model(read_model(data))
    assert_valid(output)
    assert write_model(read_model(output)) == output


def test_nested_default_namespaces_are_declared_once_at_the_root():
    data = _minimal(
        '<process id="p"><task id="t"><extensionElements>'
        '<Owner xmlns="http://vendor.example/x">me</Owner><Other xmlns="http://vendor.example/x"/>'
        "</extensionElements></task></process>"
    )
    output = write_model(read_model(data))
    assert output.count(b'"http://vendor.example/x"') == 1
    assert write_model(read_model(output)) == output
    assert_valid(output)


def test_edited_models_are_written_in_schema_order():
    model = sink()
    process = model.process("main")
    flow = SequenceFlow(id="f_new", source_ref="plain", target_ref="pack")
    edited = dataclasses.replace(process, flow_elements=(*process.flow_elements, flow))
    model = dataclasses.replace(
        model,
        root_elements=tuple(edited if e is process else e for e in model.root_elements),
    )
    output = write_model(model)
    assert_valid(output)
    assert [f.id for f in BpmnIndex(read_model(output)).outgoing("plain")] == ["f_new"]


def test_hostile_input_is_refused():
    data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]>' + _minimal("")
    with pytest.raises(NotationError) as caught:
        read_model(data)
    assert caught.value.code == "xml.doctype"


# -- reading speed ------------------------------------------------------------------------------


def chain(nodes: int) -> bytes:
    """A process of `nodes` events, tasks and gateways in a chain, with a full diagram."""
    semantic, shapes, edges = [], [], []
    kinds = ["userTask", "serviceTask", "exclusiveGateway"]
    ids = ["start", *(f"n{i}" for i in range(1, nodes - 1)), "end"]
    for i, ident in enumerate(ids):
        tag = "startEvent" if i == 0 else "endEvent" if i == nodes - 1 else kinds[i % 3]
        flows = (f"<incoming>f{i - 1}</incoming>" if i else "") + (
            f"<outgoing>f{i}</outgoing>" if i < nodes - 1 else ""
        )
        semantic.append(f'<{tag} id="{ident}" name="Node {i}">{flows}</{tag}>')
        shapes.append(
            f'<bpmndi:BPMNShape id="{ident}_di" bpmnElement="{ident}">'
            f'<dc:Bounds x="{i * 150}" y="100" width="100" height="80"/></bpmndi:BPMNShape>'
        )
    for i in range(nodes - 1):
        condition = (
            '<conditionExpression xsi:type="tFormalExpression">x &gt; 1</conditionExpression>'
            if kinds[i % 3] == "exclusiveGateway" and i
            else ""
        )
        semantic.append(
            f'<sequenceFlow id="f{i}" sourceRef="{ids[i]}" targetRef="{ids[i + 1]}">'
            f"{condition}</sequenceFlow>"
        )
        edges.append(
            f'<bpmndi:BPMNEdge id="f{i}_di" bpmnElement="f{i}">'
            f'<di:waypoint x="{i * 150 + 100}" y="140"/><di:waypoint x="{i * 150 + 150}" y="140"/>'
            "</bpmndi:BPMNEdge>"
        )
    return (
        f'<definitions {NS} id="defs" targetNamespace="http://example.org/chain">'
        f'<process id="chain" isExecutable="true">{"".join(semantic)}</process>'
        f'<bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="chain">'
        f"{''.join(shapes)}{''.join(edges)}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>"
    ).encode()


def test_a_thousand_element_model_reads_fast():
    data = chain(500)  # 500 flow nodes + 499 flows, each with DI: ~5,000 XML elements
    read_model(data)
    best = min(_timed(read_model, data) for _ in range(5))
    model = read_model(data)
    assert len(model.processes[0].flow_elements) == 999
    assert len(model.diagrams[0].plane.elements) == 999
    assert best < 0.25, f"reading took {best * 1000:.0f} ms"  # ~15 ms on a 2-core machine


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def test_indented_scripts_are_dedented():
    data = _minimal(
        '<process id="p"><scriptTask id="s" scriptFormat="python"><script><![CDATA[\n'
        "        a = 1\n        b = a + 1\n    ]]></script></scriptTask></process>"
    )
    task = read_model(data).processes[0].flow_nodes[0]
    assert isinstance(task, ScriptTask)
    assert task.script_source == "a = 1\nb = a + 1"
