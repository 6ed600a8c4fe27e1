"""Diagram Common (DC) values shared by CMMNDI, BPMNDI and DMNDI: bounds, points, sizes, colours."""

from __future__ import annotations

from dataclasses import dataclass

from studio.notation.binding import BOOL, FLOAT, INT, Element, attr, element
from studio.notation.namespaces import (
    BPMN_DC,
    BPMN_DI,
    CMMN_DC,
    CMMN_DI,
    CMMNDI,
    DMN_DC,
    DMN_DI,
    DMNDI,
    qualified,
)


@element(*(qualified(ns, "Bounds") for ns in (CMMN_DC, BPMN_DC, DMN_DC)))
@dataclass(frozen=True, kw_only=True, slots=True)
class Bounds(Element):
    """A rectangle: top-left corner and size."""

    x: float = attr("x", FLOAT, default=0.0)
    y: float = attr("y", FLOAT, default=0.0)
    width: float = attr("width", FLOAT, default=0.0)
    height: float = attr("height", FLOAT, default=0.0)

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    def contains(self, other: Bounds) -> bool:
        """True when `other` lies inside this rectangle."""
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.x + other.width <= self.x + self.width
            and other.y + other.height <= self.y + self.height
        )


@element(*(qualified(ns, "waypoint") for ns in (CMMN_DI, BPMN_DI, DMN_DI)))
@dataclass(frozen=True, kw_only=True, slots=True)
class Point(Element):
    """A point of an edge's route."""

    x: float = attr("x", FLOAT, default=0.0)
    y: float = attr("y", FLOAT, default=0.0)


@element(qualified(CMMNDI, "Size"), qualified(DMN_DC, "Dimension"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Dimension(Element):
    """A width and a height."""

    width: float = attr("width", FLOAT, default=0.0)
    height: float = attr("height", FLOAT, default=0.0)


@element(
    qualified(CMMNDI, "FillColor"),
    qualified(CMMNDI, "StrokeColor"),
    qualified(CMMNDI, "FontColor"),
    qualified(DMNDI, "FillColor"),
    qualified(DMNDI, "StrokeColor"),
    qualified(DMNDI, "FontColor"),
)
@dataclass(frozen=True, kw_only=True, slots=True)
class Color(Element):
    """An RGB colour, each channel 0..255."""

    red: int = attr("red", INT, default=0)
    green: int = attr("green", INT, default=0)
    blue: int = attr("blue", INT, default=0)


@element(qualified(BPMN_DC, "Font"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Font(Element):
    """A font of BPMN label styles."""

    name: str | None = attr("name")
    size: float | None = attr("size", FLOAT)
    is_bold: bool | None = attr("isBold", BOOL)
    is_italic: bool | None = attr("isItalic", BOOL)
    is_underline: bool | None = attr("isUnderline", BOOL)
    is_strike_through: bool | None = attr("isStrikeThrough", BOOL)
