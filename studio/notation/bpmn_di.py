"""BPMNDI: diagrams, planes, shapes, edges, labels and label styles of BPMN 2.0 models."""

from __future__ import annotations

from dataclasses import dataclass

from studio.notation.binding import BOOL, FLOAT, Element, attr, child, children, element
from studio.notation.dc import Bounds, Font, Point
from studio.notation.namespaces import BPMN_DC, BPMN_DI, BPMNDI, qualified


def _d(local: str) -> str:
    return qualified(BPMNDI, local)


@element(qualified(BPMN_DI, "extension"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DiExtension(Element):
    """di:extension of a diagram element (its content is kept verbatim in `unknown`)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DiagramElement(Element):
    id: str | None = attr("id")
    extension: DiExtension | None = child(qualified(BPMN_DI, "extension"))


@element(_d("BPMNLabelStyle"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BpmnLabelStyle(Element):
    id: str | None = attr("id")
    font: Font | None = child(qualified(BPMN_DC, "Font"))


@element(_d("BPMNLabel"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BpmnLabel(DiagramElement):
    label_style: str | None = attr("labelStyle")
    bounds: Bounds | None = child(qualified(BPMN_DC, "Bounds"))


@element(_d("BPMNShape"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BpmnShape(DiagramElement):
    bpmn_element: str | None = attr("bpmnElement")
    is_horizontal: bool | None = attr("isHorizontal", BOOL)
    is_expanded: bool | None = attr("isExpanded", BOOL)
    is_marker_visible: bool | None = attr("isMarkerVisible", BOOL)
    is_message_visible: bool | None = attr("isMessageVisible", BOOL)
    participant_band_kind: str | None = attr("participantBandKind")
    choreography_activity_shape: str | None = attr("choreographyActivityShape")
    bounds: Bounds | None = child(qualified(BPMN_DC, "Bounds"))
    label: BpmnLabel | None = child(_d("BPMNLabel"))


@element(_d("BPMNEdge"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BpmnEdge(DiagramElement):
    bpmn_element: str | None = attr("bpmnElement")
    source_element: str | None = attr("sourceElement")
    target_element: str | None = attr("targetElement")
    message_visible_kind: str | None = attr("messageVisibleKind")
    waypoints: tuple[Point, ...] = children(qualified(BPMN_DI, "waypoint"))
    label: BpmnLabel | None = child(_d("BPMNLabel"))


@element(_d("BPMNPlane"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BpmnPlane(DiagramElement):
    """The drawing surface of a diagram, for a process or collaboration (`bpmn_element`)."""

    bpmn_element: str | None = attr("bpmnElement")
    elements: tuple[BpmnShape | BpmnEdge, ...] = children(_d("BPMNShape"), _d("BPMNEdge"))

    @property
    def shapes(self) -> tuple[BpmnShape, ...]:
        return tuple(e for e in self.elements if isinstance(e, BpmnShape))

    @property
    def edges(self) -> tuple[BpmnEdge, ...]:
        return tuple(e for e in self.elements if isinstance(e, BpmnEdge))


@element(_d("BPMNDiagram"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BpmnDiagram(Element):
    id: str | None = attr("id")
    name: str | None = attr("name")
    documentation: str | None = attr("documentation")
    resolution: float | None = attr("resolution", FLOAT)
    plane: BpmnPlane | None = child(_d("BPMNPlane"))
    label_styles: tuple[BpmnLabelStyle, ...] = children(_d("BPMNLabelStyle"))
