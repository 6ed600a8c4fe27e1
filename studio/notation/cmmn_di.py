"""CMMNDI: diagrams, shapes, edges, labels and styles of CMMN 1.1 models."""

from __future__ import annotations

from dataclasses import dataclass

from studio.notation.binding import BOOL, FLOAT, Element, attr, child, children, element
from studio.notation.dc import Bounds, Color, Dimension, Point
from studio.notation.namespaces import CMMN_DC, CMMN_DI, CMMNDI, qualified


def _d(local: str) -> str:
    return qualified(CMMNDI, local)


# cmmn-js writes the DI ids as `di:id`; the schema wants a plain `id`. Reading accepts both.
_DI_ID = qualified(CMMN_DI, "id")


@element(_d("CMMNStyle"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CmmnStyle(Element):
    id: str | None = attr("id", aliases=(_DI_ID,))
    fill_color: Color | None = child(_d("FillColor"))
    stroke_color: Color | None = child(_d("StrokeColor"))
    font_color: Color | None = child(_d("FontColor"))
    font_family: str | None = attr("fontFamily")
    font_size: float | None = attr("fontSize", FLOAT)
    font_italic: bool | None = attr("fontItalic", BOOL)
    font_bold: bool | None = attr("fontBold", BOOL)
    font_underline: bool | None = attr("fontUnderline", BOOL)
    font_strike_through: bool | None = attr("fontStrikeThrough", BOOL)
    label_horizontal_alignement: str | None = attr("labelHorizontalAlignement")
    label_vertical_alignment: str | None = attr("labelVerticalAlignment")


@dataclass(frozen=True, kw_only=True, slots=True)
class DiagramElement(Element):
    id: str | None = attr("id", aliases=(_DI_ID,))
    shared_style: str | None = attr("sharedStyle")
    style: CmmnStyle | None = child(_d("CMMNStyle"))


@element(_d("CMMNLabel"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CmmnLabel(DiagramElement):
    bounds: Bounds | None = child(qualified(CMMN_DC, "Bounds"))


@element(_d("CMMNShape"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CmmnShape(DiagramElement):
    cmmn_element_ref: str | None = attr("cmmnElementRef")
    is_collapsed: bool | None = attr("isCollapsed", BOOL)
    is_planning_table_collapsed: bool | None = attr("isPlanningTableCollapsed", BOOL)
    bounds: Bounds | None = child(qualified(CMMN_DC, "Bounds"))
    label: CmmnLabel | None = child(_d("CMMNLabel"))


@element(_d("CMMNEdge"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CmmnEdge(DiagramElement):
    cmmn_element_ref: str | None = attr("cmmnElementRef")
    source_cmmn_element_ref: str | None = attr("sourceCMMNElementRef")
    target_cmmn_element_ref: str | None = attr("targetCMMNElementRef")
    is_standard_event_visible: bool | None = attr("isStandardEventVisible", BOOL)
    waypoints: tuple[Point, ...] = children(qualified(CMMN_DI, "waypoint"))
    label: CmmnLabel | None = child(_d("CMMNLabel"))


@element(_d("CMMNDiagram"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CmmnDiagram(DiagramElement):
    name: str | None = attr("name")
    documentation: str | None = attr("documentation")
    resolution: float | None = attr("resolution", FLOAT)
    cmmn_element_ref: str | None = attr("cmmnElementRef")
    size: Dimension | None = child(_d("Size"))
    elements: tuple[CmmnShape | CmmnEdge, ...] = children(_d("CMMNShape"), _d("CMMNEdge"))

    @property
    def shapes(self) -> tuple[CmmnShape, ...]:
        return tuple(e for e in self.elements if isinstance(e, CmmnShape))

    @property
    def edges(self) -> tuple[CmmnEdge, ...]:
        return tuple(e for e in self.elements if isinstance(e, CmmnEdge))


@element(_d("CMMNDI"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CmmnDI(Element):
    diagrams: tuple[CmmnDiagram, ...] = children(_d("CMMNDiagram"))
    styles: tuple[CmmnStyle, ...] = children(_d("CMMNStyle"))
