"""BPMN 2.0 notation: registration for reading/writing, canonical repairs, and an index."""

from __future__ import annotations

import dataclasses
from typing import Any

from studio.notation.binding import iter_elements
from studio.notation.bpmn_di import BpmnDiagram, BpmnEdge, BpmnLabelStyle, BpmnPlane, BpmnShape
from studio.notation.bpmn_model import (
    XSI_TYPE,
    BoundaryEvent,
    BpmnDefinitions,
    Collaboration,
    Error,
    Escalation,
    Expression,
    FlowElement,
    FlowElementsContainer,
    FlowNode,
    InputSet,
    IoSpecification,
    Lane,
    Message,
    MessageFlow,
    OutputSet,
    Participant,
    Process,
    SequenceFlow,
    Signal,
    SubProcess,
)
from studio.notation.canonical import prefix_for, repair_ids, settle_namespaces, transform
from studio.notation.dc import Bounds, Font, Point
from studio.notation.documents import register_notation
from studio.notation.namespaces import BPMN, BPMN_DC, BPMN_DI, BPMNDI, XSI, qualified

DEFAULT_TARGET_NAMESPACE = "https://case-studio.dev/bpmn"
"""Written when a model has no targetNamespace (the schema requires one)."""


# -- canonical repairs --------------------------------------------------------------------------


def repair_bpmn_ids(model: BpmnDefinitions) -> BpmnDefinitions:
    """Give ids that are not NCNames valid ones, rewriting the references to them."""
    return repair_ids(model)[0]


def add_target_namespace(model: BpmnDefinitions) -> BpmnDefinitions:
    """The schema requires `targetNamespace` on <definitions>."""
    if model.target_namespace:
        return model
    return dataclasses.replace(model, target_namespace=DEFAULT_TARGET_NAMESPACE)


def settle_bpmn_namespaces(model: BpmnDefinitions) -> BpmnDefinitions:
    """One prefix per namespace, declared at the root (see `canonical.settle_namespaces`)."""
    return settle_namespaces(model, (BPMN, BPMNDI, BPMN_DC, BPMN_DI, XSI))


_XSI_TYPES: tuple[tuple[type, str, frozenset[str]], ...] = (
    (Expression, BPMN, frozenset({"tExpression", "tFormalExpression"})),
    (Bounds | Point | Font, BPMN_DC, frozenset({"Bounds", "Point", "Font"})),
)


def _qualify(prefix: str | None, local: str) -> str:
    return local if prefix is None else f"{prefix}:{local}"


def _retarget_xsi_type(element: Any, prefixes: dict[str, str | None]) -> Any:
    """Re-qualify the `xsi:type` of an expression or DC value with the prefix written."""
    value = element.extra(XSI_TYPE) if element.extra_attributes else None
    if value is None:
        return element
    local = value.rpartition(":")[2]
    for cls, uri, names in _XSI_TYPES:
        if isinstance(element, cls) and local in names:
            wanted = _qualify(prefixes[uri], local)
            if wanted == value:
                return element
            extra = tuple(
                (key, wanted if key == XSI_TYPE else v) for key, v in element.extra_attributes
            )
            return dataclasses.replace(element, extra_attributes=extra)
    return element


def _complete(element: Any, formal: str) -> Any:
    """Add a part the schema requires, if `element` lacks it."""
    if isinstance(element, IoSpecification) and not (element.input_sets and element.output_sets):
        return dataclasses.replace(
            element,
            input_sets=element.input_sets or (InputSet(),),
            output_sets=element.output_sets or (OutputSet(),),
        )
    if (
        isinstance(element, Expression)
        and (element.language is not None or element.evaluates_to_type_ref is not None)
        and element.xsi_type is None
    ):
        return dataclasses.replace(
            element, extra_attributes=(*element.extra_attributes, (XSI_TYPE, formal))
        )
    if isinstance(element, BpmnShape) and element.bounds is None:
        return dataclasses.replace(element, bounds=Bounds())
    if isinstance(element, BpmnEdge) and len(element.waypoints) < 2:
        points = element.waypoints or (Point(),)
        return dataclasses.replace(element, waypoints=(*points, points[-1]))
    if isinstance(element, BpmnDiagram) and element.plane is None:
        return dataclasses.replace(element, plane=BpmnPlane())
    if isinstance(element, BpmnLabelStyle) and element.font is None:
        return dataclasses.replace(element, font=Font())
    return element


def repair_parts(model: BpmnDefinitions) -> BpmnDefinitions:
    """Keep `xsi:type` values resolvable and add what the schema requires but models omit.

    Files often bind one namespace to several prefixes (`xmlns` and `xmlns:bpmn`) and only one is
    written, so `xsi:type="semantic:tFormalExpression"` is re-qualified with the prefix written.
    I/O specifications get an empty input and output set, formal expressions (with a `language`)
    their `xsi:type`, shapes bounds, edges two waypoints, diagrams a plane, label styles a font.
    """
    prefixes = {uri: prefix_for(model, uri) for _, uri, _ in _XSI_TYPES}
    formal = _qualify(prefixes[BPMN], "tFormalExpression")
    return transform(model, lambda e: _complete(_retarget_xsi_type(e, prefixes), formal))


register_notation(
    "bpmn",
    (qualified(BPMN, "definitions"),),
    (BPMNDI, BPMN_DC, BPMN_DI),
    (
        repair_bpmn_ids,
        add_target_namespace,
        settle_bpmn_namespaces,
        repair_parts,
    ),
)


# -- index --------------------------------------------------------------------------------------


def local_ref(ref: str) -> str:
    """The id a reference names: references are QNames (`tns:Task_1`), ids never hold ':'."""
    return ref.rpartition(":")[2]


class BpmnIndex:
    """Lookups over one BPMN model, built once.

    References are matched by their local part (`local_ref`), so `tns:Task_1` finds `Task_1`.

    - `by_id`: every element with an id (first wins; `duplicates` lists the others);
    - `processes`, `sequence_flows`, `lanes`, `participants`, `message_flows` by id;
    - `flow_nodes[container_id]`: the flow nodes directly inside a process or sub-process;
    - `container_of[element_id]`: the process or sub-process holding a flow element;
      `process_of[element_id]`: the top-level process holding it (at any depth);
    - `incoming(node_id)` / `outgoing(node_id)`: sequence flows by their target / source;
    - `boundary_events_of(host_id)`: boundary events attached to an activity;
    - `messages`, `signals`, `errors`, `escalations` by id and `*_by_name` by name;
    - `lane_of[node_id]`: the innermost lane listing a flow node;
    - `participant_of[process_id]`: the pool holding a process;
    - `shapes` / `edges`: DI shape and edge per model element id (first diagram wins).
    """

    def __init__(self, model: BpmnDefinitions) -> None:
        self.model = model
        self.by_id: dict[str, Any] = {}
        self.duplicates: list[tuple[str, Any]] = []
        for element in iter_elements(model):
            ident = getattr(element, "id", None)
            if ident is None:
                continue
            if ident in self.by_id:
                self.duplicates.append((ident, element))
            else:
                self.by_id[ident] = element
        self.processes: dict[str, Process] = {}
        self.flow_nodes: dict[str, tuple[FlowNode, ...]] = {}
        self.container_of: dict[str, Process | SubProcess] = {}
        self.process_of: dict[str, Process] = {}
        self.sequence_flows: dict[str, SequenceFlow] = {}
        self._incoming: dict[str, list[SequenceFlow]] = {}
        self._outgoing: dict[str, list[SequenceFlow]] = {}
        self._boundary: dict[str, list[BoundaryEvent]] = {}
        self.lanes: dict[str, Lane] = {}
        self.lane_of: dict[str, Lane] = {}
        for process in model.processes:
            if process.id:
                self.processes.setdefault(process.id, process)
            self._index_container(process, process)
            for lane in process.lanes:  # depth first: inner lanes overwrite outer ones
                if lane.id:
                    self.lanes.setdefault(lane.id, lane)
                for ref in lane.flow_node_refs:
                    self.lane_of[ref] = lane
        self.messages: dict[str, Message] = _by_id(model.messages)
        self.signals: dict[str, Signal] = _by_id(model.signals)
        self.errors: dict[str, Error] = _by_id(model.errors)
        self.escalations: dict[str, Escalation] = _by_id(model.escalations)
        self.messages_by_name: dict[str, Message] = _by_name(model.messages)
        self.signals_by_name: dict[str, Signal] = _by_name(model.signals)
        self.errors_by_name: dict[str, Error] = _by_name(model.errors)
        self.escalations_by_name: dict[str, Escalation] = _by_name(model.escalations)
        self.participants: dict[str, Participant] = {}
        self.participant_of: dict[str, Participant] = {}
        self.message_flows: dict[str, MessageFlow] = {}
        for collaboration in model.of_type(Collaboration):
            for participant in collaboration.participants:
                if participant.id:
                    self.participants.setdefault(participant.id, participant)
                if participant.process_ref:
                    self.participant_of.setdefault(local_ref(participant.process_ref), participant)
            for flow in collaboration.message_flows:
                if flow.id:
                    self.message_flows.setdefault(flow.id, flow)
        self.shapes: dict[str, BpmnShape] = {}
        self.edges: dict[str, BpmnEdge] = {}
        for diagram in model.diagrams:
            if diagram.plane is None:
                continue
            for item in diagram.plane.elements:
                if item.bpmn_element is None:
                    continue
                if isinstance(item, BpmnShape):
                    self.shapes.setdefault(local_ref(item.bpmn_element), item)
                else:
                    self.edges.setdefault(local_ref(item.bpmn_element), item)

    def _index_container(self, container: Process | SubProcess, process: Process) -> None:
        nodes: list[FlowNode] = []
        for item in container.flow_elements:
            if item.id:
                self.container_of.setdefault(item.id, container)
                self.process_of.setdefault(item.id, process)
            if isinstance(item, SequenceFlow):
                if item.id:
                    self.sequence_flows.setdefault(item.id, item)
                if item.source_ref:
                    self._outgoing.setdefault(local_ref(item.source_ref), []).append(item)
                if item.target_ref:
                    self._incoming.setdefault(local_ref(item.target_ref), []).append(item)
            elif isinstance(item, FlowNode):
                nodes.append(item)
                if isinstance(item, BoundaryEvent) and item.attached_to_ref:
                    self._boundary.setdefault(local_ref(item.attached_to_ref), []).append(item)
                if isinstance(item, SubProcess):
                    self._index_container(item, process)
        if container.id:
            self.flow_nodes[container.id] = tuple(nodes)

    def flow_nodes_of(self, container_id: str) -> tuple[FlowNode, ...]:
        """The flow nodes directly inside a process or sub-process."""
        return self.flow_nodes.get(container_id, ())

    def incoming(self, node_id: str) -> tuple[SequenceFlow, ...]:
        """Sequence flows whose target is `node_id`, in document order."""
        return tuple(self._incoming.get(node_id, ()))

    def outgoing(self, node_id: str) -> tuple[SequenceFlow, ...]:
        """Sequence flows whose source is `node_id`, in document order."""
        return tuple(self._outgoing.get(node_id, ()))

    def boundary_events_of(self, host_id: str) -> tuple[BoundaryEvent, ...]:
        """Boundary events attached to the activity `host_id`."""
        return tuple(self._boundary.get(host_id, ()))

    def resolve(self, ref: str | None) -> Any:
        """The element a reference names (`Task_1` or a QName such as `tns:Task_1`), if any."""
        return self.by_id.get(local_ref(ref)) if ref else None

    def element(self, ident: str) -> FlowElement | None:
        """The flow element with this id, if it is one."""
        found = self.by_id.get(ident)
        return found if isinstance(found, FlowElement) else None

    def container(self, ident: str) -> FlowElementsContainer | None:
        """The process or sub-process holding flow element `ident`."""
        return self.container_of.get(ident)


def _by_id(items: tuple[Any, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:
        if item.id:
            found.setdefault(item.id, item)
    return found


def _by_name(items: tuple[Any, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:
        if item.name:
            found.setdefault(item.name, item)
    return found


__all__ = [
    "DEFAULT_TARGET_NAMESPACE",
    "BpmnIndex",
    "Error",
    "Escalation",
    "Message",
    "Signal",
    "add_target_namespace",
    "local_ref",
    "repair_bpmn_ids",
    "repair_parts",
    "settle_bpmn_namespaces",
]
