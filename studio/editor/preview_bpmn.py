"""SVG pictures of BPMN diagrams (BPMNDI): pools, lanes, activities, events, gateways, data.

Drawn back to front: pools and lanes, expanded sub-processes (outer first), flows, the other
shapes, groups, then the labels. Every model text is escaped by `Svg`.
"""

from __future__ import annotations

import math
from typing import Any

from studio.editor.layout.bpmn_scene import kind_of
from studio.editor.layout.bpmn_sizes import (
    ACTIVITY_KINDS,
    DATA_OBJECT_KINDS,
    EVENT_KINDS,
    GATEWAY_KINDS,
    LANE_STRIP,
    POOL_STRIP,
    SUB_PROCESS_KINDS,
)
from studio.editor.layout.geometry import Point, Rect
from studio.editor.layout.text import wrap
from studio.editor.preview import STROKE, PreviewError, Svg
from studio.editor.preview_artifacts import draw_annotation, draw_group
from studio.editor.preview_bpmn_glyphs import bottom_markers, task_marker, trigger_glyph
from studio.notation.bpmn import BpmnIndex, local_ref
from studio.notation.bpmn_di import BpmnDiagram, BpmnEdge, BpmnShape
from studio.notation.bpmn_model import (
    Activity,
    AdHocSubProcess,
    BoundaryEvent,
    BpmnDefinitions,
    DataObjectReference,
    Group,
    MultiInstanceLoopCharacteristics,
    SequenceFlow,
    StandardLoopCharacteristics,
    StartEvent,
    SubProcess,
    TextAnnotation,
    ThrowEvent,
)

FONT_SIZE = 11
LINE = 13
_MARKERS = (
    '<marker id="flow-end" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
    'markerHeight="8" orient="auto"><path d="M0,1L10,5L0,9Z" fill="#222"/></marker>'
    '<marker id="open-end" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
    'markerHeight="9" orient="auto"><path d="M1,1L10,5L1,9Z" fill="#fff" stroke="#222"/>'
    "</marker>"
    '<marker id="data-end" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
    'markerHeight="9" orient="auto"><path d="M1,1L10,5L1,9" fill="none" stroke="#222"/>'
    "</marker>"
    '<marker id="message-start" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="8" '
    'markerHeight="8"><circle cx="5" cy="5" r="4" fill="#fff" stroke="#222"/></marker>'
)


def render_bpmn(model: BpmnDefinitions, diagram: str | int = 0) -> str:
    """An SVG picture of one BPMNDiagram of `model` (by index or id)."""
    diagrams = model.diagrams
    if isinstance(diagram, int):
        if not 0 <= diagram < len(diagrams):
            raise PreviewError(f"{model.source}: no diagram #{diagram} (lay the model out first)")
        chosen = diagrams[diagram]
    else:
        found = [d for d in diagrams if d.id == diagram]
        if not found:
            raise PreviewError(f"{model.source}: no diagram with id {diagram!r}")
        chosen = found[0]
    return _Picture(model, chosen).svg()


def _rect(shape: BpmnShape) -> Rect:
    b = shape.bounds
    return Rect(b.x, b.y, b.width, b.height) if b else Rect(0, 0, 0, 0)


class _Picture:
    def __init__(self, model: BpmnDefinitions, diagram: BpmnDiagram) -> None:
        self.index = BpmnIndex(model)
        self.diagram = diagram
        self.out = Svg()
        plane = diagram.plane
        self.shapes = plane.shapes if plane else ()
        self.edges = plane.edges if plane else ()

    def element(self, ref: str | None) -> Any:
        return self.index.by_id.get(local_ref(ref)) if ref else None

    def svg(self) -> str:
        out = self.out
        out.add("defs", _MARKERS)
        kinds = [(s, self.element(s.bpmn_element)) for s in self.shapes]
        frames = [(s, e) for s, e in kinds if kind_of(e) in ("participant", "lane")]
        for shape, element in sorted(frames, key=lambda f: -_rect(f[0]).width * _rect(f[0]).height):
            self.band(shape, element)
        expanded = [(s, e) for s, e in kinds if kind_of(e) in SUB_PROCESS_KINDS and s.is_expanded]
        for shape, element in sorted(expanded, key=lambda f: -_rect(f[0]).width):
            self.activity(shape, element, kind_of(element))
        for edge in self.edges:
            self.edge(edge)
        groups = [(s, e) for s, e in kinds if isinstance(e, Group)]
        done = {id(s) for s, _ in frames + expanded + groups}
        later = []
        for shape, element in kinds:
            if id(shape) in done:
                continue
            if isinstance(element, BoundaryEvent):
                later.append((shape, element))
                continue
            self.leaf(shape, element)
        for shape, element in later:
            self.leaf(shape, element)
        for shape, element in groups:  # frames over everything: a filled shape hides none
            self.group(shape, element)
        for edge in self.edges:
            element = self.element(edge.bpmn_element)
            text = getattr(element, "name", None) or ""
            if not text.strip() and isinstance(element, SequenceFlow):
                text = element.condition or ""  # an unnamed flow shows its condition
            if edge.label and edge.label.bounds and text.strip():
                self.label(_rect(edge.label), text)
        width, height = self.extent()
        return out.document(width, height, self.title())

    def title(self) -> str:
        plane = self.diagram.plane
        element = self.element(plane.bpmn_element if plane else None)
        return self.diagram.name or getattr(element, "name", None) or self.diagram.id or "BPMN"

    def extent(self) -> tuple[float, float]:
        right, bottom = 100.0, 100.0
        for shape in self.shapes:
            r = _rect(shape)
            right, bottom = max(right, r.right + 20), max(bottom, r.bottom + 20)
            if shape.label and shape.label.bounds:
                r = _rect(shape.label)
                right, bottom = max(right, r.right + 20), max(bottom, r.bottom + 20)
        for edge in self.edges:
            for p in edge.waypoints:
                right, bottom = max(right, p.x + 20), max(bottom, p.y + 20)
        return right, bottom

    # -- pools and lanes ------------------------------------------------------------------------

    def band(self, shape: BpmnShape, element: Any) -> None:
        r = _rect(shape)
        out = self.out
        pool = kind_of(element) == "participant"
        out.rect(r, fill="#fff" if pool else "none", stroke=STROKE, stroke_width=1.5)
        strip = POOL_STRIP if pool else LANE_STRIP
        if shape.is_horizontal is False:  # a vertical band: its name strip on top
            out.polyline([(r.x, r.y + strip), (r.right, r.y + strip)], stroke=STROKE)
            out.text(r.center[0], r.y + strip / 2 + 4, [element.name or ""], size=FONT_SIZE)
            return
        if pool and not self.has_content(element, r):
            out.text(r.center[0], r.center[1] + 4, [element.name or ""], size=FONT_SIZE)
            return
        out.polyline([(r.x + strip, r.y), (r.x + strip, r.bottom)], stroke=STROKE)
        cx, cy = r.x + strip / 2, r.center[1]
        lines = wrap(element.name or "", max(r.height - 10, 30), FONT_SIZE)[:2]
        top = cy + 4 - (len(lines) - 1) * LINE / 2
        out.text(cx, top, lines, size=FONT_SIZE, transform=f"rotate(-90 {cx:g} {cy:g})")

    def has_content(self, participant: Any, r: Rect) -> bool:
        """True when a pool holds a process (its name then goes in a strip on the left)."""
        return bool(getattr(participant, "process_ref", None)) and r.height > 0

    # -- flow nodes -----------------------------------------------------------------------------

    def leaf(self, shape: BpmnShape, element: Any) -> None:
        kind = kind_of(element)
        r = _rect(shape)
        if kind in ACTIVITY_KINDS:
            self.activity(shape, element, kind)
        elif kind in EVENT_KINDS:
            self.event(r, element, kind)
        elif kind in GATEWAY_KINDS:
            self.gateway(r, element, kind, shape.is_marker_visible)
        elif kind in DATA_OBJECT_KINDS:
            self.data_object(r, element, kind)
        elif kind == "dataStoreReference":
            self.data_store(r)
        elif kind == "textAnnotation" and isinstance(element, TextAnnotation):
            draw_annotation(self.out, r, element.content, FONT_SIZE)
            return
        else:
            self.out.rect(r, fill="#f4f4f4", stroke="#999", stroke_dasharray="4 3")
            return
        name = getattr(element, "name", None) or ""
        if kind in ACTIVITY_KINDS or not name.strip():
            return
        label = _rect(shape.label) if shape.label and shape.label.bounds else None
        if label is None:
            label = Rect(r.center[0] - 45, r.bottom + 4, 90, LINE * 2)
        self.label(label, name)

    def activity(self, shape: BpmnShape, element: Any, kind: str) -> None:
        r = _rect(shape)
        out = self.out
        expanded = kind in SUB_PROCESS_KINDS and shape.is_expanded is True
        event_sub = isinstance(element, SubProcess) and element.is_event_sub_process
        width = 4 if kind == "callActivity" else 1.5
        out.rect(
            r,
            10,
            fill="#fff",
            stroke=STROKE,
            stroke_width=width,
            stroke_dasharray="2 3" if event_sub else None,
        )
        if kind == "transaction":
            inner = Rect(r.x + 3, r.y + 3, r.width - 6, r.height - 6)
            out.rect(inner, 7, fill="none", stroke=STROKE, stroke_width=1)
        marker = task_marker(kind, r.x + 7, r.y + 7)
        for d, attrs in marker:
            out.add("path", d=d, **attrs)
        name = getattr(element, "name", None) or ""
        if expanded:
            line = wrap(name, max(r.width - 20, 30), FONT_SIZE)[:1]
            out.text(r.x + 10, r.y + 17, line, "start", size=FONT_SIZE)
        else:
            self.centered(r, name, top=24 if marker else 4)
        loop = getattr(element, "loop_characteristics", None)
        loop_name = None
        if isinstance(loop, MultiInstanceLoopCharacteristics):
            loop_name = "sequential" if loop.sequential else "parallel"
        elif isinstance(loop, StandardLoopCharacteristics):
            loop_name = "standard"
        markers = bottom_markers(
            r.center[0],
            r.bottom,
            loop=loop_name,
            collapsed=kind in SUB_PROCESS_KINDS and not expanded,
            ad_hoc=isinstance(element, AdHocSubProcess),
            compensation=isinstance(element, Activity) and bool(element.is_for_compensation),
        )
        for d, attrs in markers:
            out.add("path", d=d, **attrs)

    def event(self, r: Rect, element: Any, kind: str) -> None:
        out = self.out
        cx, cy = r.center
        radius = min(r.width, r.height) / 2
        dashed = None
        if isinstance(element, BoundaryEvent) and not element.interrupting:
            dashed = "4 2.5"
        if isinstance(element, StartEvent) and element.is_interrupting is False:
            dashed = "4 2.5"
        stroke = 4 if kind == "endEvent" else 1.5
        out.circle(cx, cy, radius, fill="#fff", stroke=STROKE, stroke_width=stroke,
                   stroke_dasharray=dashed)  # fmt: skip
        if kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"):
            out.circle(cx, cy, radius - 3, fill="none", stroke=STROKE, stroke_width=1.2,
                       stroke_dasharray=dashed)  # fmt: skip
        trigger = getattr(element, "trigger", "none")
        filled = isinstance(element, ThrowEvent)
        for d, attrs in trigger_glyph(trigger, cx, cy, filled):
            out.add("path", d=d, **attrs)

    def gateway(self, r: Rect, element: Any, kind: str, marker: bool | None) -> None:
        out = self.out
        cx, cy = r.center
        diamond = [(cx, r.y), (r.right, cy), (cx, r.bottom), (r.x, cy)]
        out.polygon(diamond, fill="#fff", stroke=STROKE, stroke_width=1.5)
        line = {"fill": "none", "stroke": STROKE, "stroke_width": 3.5}
        k = min(r.width, r.height) / 50
        if kind == "exclusiveGateway" and marker is not False:
            d = 9 * k
            out.add("path", d=f"M{cx - d:g},{cy - d:g}L{cx + d:g},{cy + d:g}"
                    f"M{cx + d:g},{cy - d:g}L{cx - d:g},{cy + d:g}", **line)  # fmt: skip
        elif kind == "parallelGateway":
            d = 13 * k
            out.add("path", d=f"M{cx - d:g},{cy:g}H{cx + d:g}M{cx:g},{cy - d:g}V{cy + d:g}", **line)
        elif kind == "inclusiveGateway":
            out.circle(cx, cy, 11 * k, **{**line, "stroke_width": 2.5})
        elif kind == "complexGateway":
            d = 12 * k
            e = d * 0.7
            out.add("path", d=f"M{cx - d:g},{cy:g}H{cx + d:g}M{cx:g},{cy - d:g}V{cy + d:g}"
                    f"M{cx - e:g},{cy - e:g}L{cx + e:g},{cy + e:g}"
                    f"M{cx + e:g},{cy - e:g}L{cx - e:g},{cy + e:g}", **line)  # fmt: skip
        elif kind == "eventBasedGateway":
            out.circle(cx, cy, 14 * k, fill="none", stroke=STROKE, stroke_width=1)
            out.circle(cx, cy, 11 * k, fill="none", stroke=STROKE, stroke_width=1)
            points = [(cx + 8 * k * math.cos(math.radians(-90 + 72 * i)),
                       cy + 1 + 8 * k * math.sin(math.radians(-90 + 72 * i)))
                      for i in range(5)]  # fmt: skip
            out.polygon(points, fill="none", stroke=STROKE, stroke_width=1.3)

    def data_object(self, r: Rect, element: Any, kind: str) -> None:
        fold = min(10, r.width / 3)
        corner = (r.right - fold, r.y)
        page = [(r.x, r.y), corner, (r.right, r.y + fold), (r.right, r.bottom), (r.x, r.bottom)]
        self.out.polygon(page, fill="#fff", stroke=STROKE, stroke_width=1.3)
        self.out.polyline([corner, (corner[0], r.y + fold), (r.right, r.y + fold)], stroke=STROKE)
        if kind in ("dataInput", "dataOutput"):
            x, y = r.x + 4, r.y + 4
            arrow = [(x, y + 3), (x + 6, y + 3), (x + 6, y), (x + 12, y + 6), (x + 6, y + 12),
                     (x + 6, y + 9), (x, y + 9)]  # fmt: skip
            fill = STROKE if kind == "dataOutput" else "#fff"
            self.out.polygon(arrow, fill=fill, stroke=STROKE, stroke_width=1)
        data = element
        if isinstance(element, DataObjectReference):
            data = self.element(element.data_object_ref) or element
        if getattr(data, "is_collection", None):
            cx = r.center[0]
            d = "".join(f"M{cx + dx:g},{r.bottom - 14:g}v10" for dx in (-5, 0, 5))
            self.out.add("path", d=d, stroke=STROKE, stroke_width=2)

    def data_store(self, r: Rect) -> None:
        ry = min(8, r.height / 5)
        d = (
            f"M{r.x:g},{r.y + ry:g}a{r.width / 2:g},{ry:g} 0 0 1 {r.width:g},0"
            f"V{r.bottom - ry:g}a{r.width / 2:g},{ry:g} 0 0 1 {-r.width:g},0Z"
        )
        self.out.add("path", d=d, fill="#fff", stroke=STROKE, stroke_width=1.3)
        for k in (0, 1):
            y = r.y + ry + k * 5
            self.out.add(
                "path",
                d=f"M{r.x:g},{y:g}a{r.width / 2:g},{ry:g} 0 0 0 {r.width:g},0",
                fill="none",
                stroke=STROKE,
            )

    def group(self, shape: BpmnShape, element: Any) -> None:
        """A group's frame and the value of the category value it names."""
        value = self.element(getattr(element, "category_value_ref", None))
        name = getattr(value, "value", None) or ""
        label = _rect(shape.label) if shape.label and shape.label.bounds else None
        draw_group(self.out, _rect(shape), name, label, FONT_SIZE)

    # -- flows and text -------------------------------------------------------------------------

    def edge(self, edge: BpmnEdge) -> None:
        points = [(p.x, p.y) for p in edge.waypoints]
        if len(points) < 2:
            return
        element = self.element(edge.bpmn_element)
        kind = kind_of(element)
        out = self.out
        if kind == "sequenceFlow":
            out.polyline(points, stroke=STROKE, stroke_width=1.5, marker_end="url(#flow-end)")
            if isinstance(element, SequenceFlow) and self.is_default(element):
                out.add("path", d=_slash(points), stroke=STROKE, stroke_width=1.5)
        elif kind == "messageFlow":
            out.polyline(
                points,
                stroke=STROKE,
                stroke_width=1.5,
                stroke_dasharray="7 5",
                marker_start="url(#message-start)",
                marker_end="url(#open-end)",
            )
        elif kind in ("dataInputAssociation", "dataOutputAssociation"):
            out.polyline(points, stroke=STROKE, stroke_dasharray="2 4", marker_end="url(#data-end)")
        else:
            direction = getattr(element, "association_direction", None)
            end = "url(#data-end)" if direction in ("One", "Both") else None
            out.polyline(points, stroke=STROKE, stroke_dasharray="2 4", marker_end=end)

    def is_default(self, flow: SequenceFlow) -> bool:
        source = self.element(flow.source_ref)
        default = getattr(source, "default", None)
        return bool(default) and local_ref(default) == flow.id

    def centered(self, r: Rect, text: str, top: float = 4) -> None:
        """Text in the middle of a shape, below its top `top` pixels (its marker's)."""
        lines = wrap(text, max(r.width - 12, 20), FONT_SIZE)
        most = max(1, int((r.height - 8) // LINE))
        if len(lines) > most:
            lines = [*lines[: most - 1], lines[most - 1].rstrip() + "…"]
        first = r.center[1] - len(lines) * LINE / 2
        if len(lines) * LINE <= r.height - top - 8:  # clear of the marker when it fits
            first = max(first, r.y + top)
        self.out.text(r.center[0], first + FONT_SIZE - 1, lines, size=FONT_SIZE)

    def label(self, r: Rect, text: str) -> None:
        lines = wrap(text, max(r.width, 30), FONT_SIZE)
        self.out.text(r.center[0], r.y + FONT_SIZE - 1, lines, size=FONT_SIZE)


def _slash(points: list[Point]) -> str:
    """A short stroke across the first segment of a default flow, near its source."""
    (ax, ay), (bx, by) = points[0], points[1]
    length = math.hypot(bx - ax, by - ay) or 1
    ux, uy = (bx - ax) / length, (by - ay) / length
    t = min(12, length / 2)
    cx, cy = ax + ux * t, ay + uy * t
    nx, ny = -uy, ux
    a = (cx + 6 * nx - 4 * ux, cy + 6 * ny - 4 * uy)
    b = (cx - 6 * nx + 4 * ux, cy - 6 * ny + 4 * uy)
    return f"M{a[0]:.1f},{a[1]:.1f}L{b[0]:.1f},{b[1]:.1f}"
