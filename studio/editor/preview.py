"""Standalone SVG pictures of a model's diagram interchange (DI), one small renderer per notation.

Every text that comes from a model is escaped: a picture of a hostile model is still only a
picture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from studio.editor.layout.cmmn_scene import kind_of
from studio.editor.layout.geometry import Rect
from studio.editor.layout.text import wrap
from studio.editor.preview_artifacts import draw_annotation
from studio.notation.cmmn import CmmnIndex
from studio.notation.cmmn_di import CmmnDiagram, CmmnEdge, CmmnShape
from studio.notation.cmmn_model import (
    CmmnDefinitions,
    DiscretionaryItem,
    EntryCriterion,
    ExitCriterion,
    HumanTask,
    PlanFragment,
    PlanItemControl,
    Stage,
    TextAnnotation,
)

FONT = "Helvetica, Arial, sans-serif"
FONT_SIZE = 12
LINE = 14
STROKE = "#222"
MINUS = "\u2212"
OUTLINE = {"stroke": STROKE, "stroke_width": 1.5}


class PreviewError(ValueError):
    """The model cannot be pictured (no diagram, unknown notation)."""


def render_svg(model: Any, diagram: str | int = 0) -> str:
    """An SVG document of one diagram of `model` (by index or id)."""
    notation = getattr(type(model), "notation", "")
    renderer = RENDERERS.get(notation)
    if renderer is None:
        raise PreviewError(f"no preview for {notation or type(model).__name__} models yet")
    return renderer(model, diagram)


class Svg:
    """A tiny SVG writer: shapes in pixels, every text and attribute value escaped."""

    line_height = LINE  # between the baselines of the lines of one text

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, tag: str, content: str = "", **attrs: object) -> None:
        rendered = "".join(
            f' {name.rstrip("_").replace("_", "-")}="{escape(_fmt(value), quote=True)}"'
            for name, value in attrs.items()
            if value is not None
        )
        self.parts.append(
            f"<{tag}{rendered}>{content}</{tag}>" if content else f"<{tag}{rendered}/>"
        )

    def rect(self, r: Rect, radius: float = 0, **attrs: object) -> None:
        self.add("rect", x=r.x, y=r.y, width=r.width, height=r.height, rx=radius or None, **attrs)

    def polygon(self, points: Sequence[tuple[float, float]], **attrs: object) -> None:
        self.add("polygon", points=_points(points), **attrs)

    def polyline(self, points: Sequence[tuple[float, float]], **attrs: object) -> None:
        self.add("polyline", points=_points(points), fill="none", **attrs)

    def circle(self, cx: float, cy: float, r: float, **attrs: object) -> None:
        self.add("circle", cx=cx, cy=cy, r=r, **attrs)

    def text(
        self,
        x: float,
        y: float,
        lines: Sequence[str],
        anchor: str = "middle",
        size: float = FONT_SIZE,
        **attrs: object,
    ) -> None:
        """Lines of text, the first baseline at `y`."""
        spans = "".join(
            f'<tspan x="{_fmt(x)}" dy="{0 if i == 0 else self.line_height}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        if spans:
            self.add("text", spans, x=x, y=y, text_anchor=anchor, font_size=size, **attrs)

    def document(self, width: float, height: float, title: str) -> str:
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" '
            f'height="{_fmt(height)}" viewBox="0 0 {_fmt(width)} {_fmt(height)}" '
            f'font-family="{FONT}">\n<title>{escape(title)}</title>\n'
            f'<rect width="100%" height="100%" fill="#fff"/>\n'
        )
        return head + "\n".join(self.parts) + "\n</svg>\n"


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_fmt(float(x))},{_fmt(float(y))}" for x, y in points)


def _bounds(shape: CmmnShape | Any) -> Rect:
    b = shape.bounds
    return Rect(b.x, b.y, b.width, b.height) if b else Rect(0, 0, 0, 0)


# -- CMMN ----------------------------------------------------------------------------------------

_LETTERS = {"humanTask": "H", "processTask": "P", "caseTask": "C", "decisionTask": "D"}
_CONTAINERS = frozenset({"casePlanModel", "stage", "planFragment"})


def render_cmmn(model: CmmnDefinitions, diagram: str | int = 0) -> str:
    """An SVG picture of one CMMNDiagram of `model`."""
    diagrams = model.cmmndi.diagrams if model.cmmndi else ()
    if isinstance(diagram, int):
        if not 0 <= diagram < len(diagrams):
            raise PreviewError(f"{model.source}: no diagram #{diagram} (lay the model out first)")
        chosen = diagrams[diagram]
    else:
        found = [d for d in diagrams if d.id == diagram]
        if not found:
            raise PreviewError(f"{model.source}: no diagram with id {diagram!r}")
        chosen = found[0]
    return _CmmnPicture(model, chosen).svg()


class _CmmnPicture:
    def __init__(self, model: CmmnDefinitions, diagram: CmmnDiagram) -> None:
        self.index = CmmnIndex(model)
        self.diagram = diagram
        self.plans = {c.case_plan_model.id: c for c in model.cases if c.case_plan_model}
        self.out = Svg()

    def svg(self) -> str:
        shapes = self.diagram.shapes
        kinds = {id(s): self.kind(s) for s in shapes}
        frames = [s for s in shapes if kinds[id(s)][0] in _CONTAINERS and _bounds(s).width > 0]
        frames.sort(key=lambda s: -_bounds(s).width * _bounds(s).height)
        for shape in frames:
            self.container(shape, *kinds[id(shape)])
        for edge in self.diagram.edges:
            self.edge(edge)
        for shape in shapes:
            kind, element = kinds[id(shape)]
            if shape in frames or kind == "criterion":
                continue
            self.leaf(shape, kind, element)
        for shape in shapes:
            kind, element = kinds[id(shape)]
            if kind == "criterion":
                self.criterion(shape, element)
        width, height = self.extent()
        return self.out.document(width, height, self.diagram.name or self.diagram.id or "CMMN")

    def extent(self) -> tuple[float, float]:
        """The diagram's size, grown to what it draws (a tool's Size may fall short of it)."""
        size = self.diagram.size
        right, bottom = (size.width, size.height) if size is not None else (100.0, 100.0)
        for shape in self.diagram.shapes:
            r = _bounds(shape)
            right, bottom = max(right, r.right + 20), max(bottom, r.bottom + 20)
        for edge in self.diagram.edges:
            for p in edge.waypoints:
                right, bottom = max(right, p.x + 20), max(bottom, p.y + 20)
        return right, bottom

    def kind(self, shape: CmmnShape) -> tuple[str, Any]:
        ref = shape.cmmn_element_ref or ""
        if ref in self.plans:
            return "casePlanModel", self.plans[ref].case_plan_model
        info = self.index.plan_items.get(ref)
        if info is not None:
            kind = kind_of(info.definition)
            if kind in ("stage", "planFragment") and shape.is_collapsed:
                kind = "collapsed"
            return kind, info
        element = self.index.by_id.get(ref)
        if isinstance(element, EntryCriterion | ExitCriterion):
            return "criterion", element
        if ref in self.index.case_file_items:
            return "caseFileItem", self.index.case_file_items[ref]
        if isinstance(element, TextAnnotation):
            return "textAnnotation", element
        return "unknown", element

    # -- containers -------------------------------------------------------------------------

    def container(self, shape: CmmnShape, kind: str, element: Any) -> None:
        r = _bounds(shape)
        out = self.out
        if kind == "casePlanModel":
            label = shape.label.bounds if shape.label and shape.label.bounds else None
            tab = Rect(r.x, r.y - 22, label.width if label else 120, 22)
            out.polygon(
                [(tab.x, r.y), (tab.x + 6, tab.y), (tab.right - 6, tab.y), (tab.right, r.y)],
                fill="#fff",
                stroke=STROKE,
                stroke_width=1.5,
            )
            out.rect(r, fill="#fff", stroke=STROKE, stroke_width=1.5)
            out.text(tab.x + 12, tab.y + 16, [element.name or ""], "start", font_weight="bold")
            if element.planning_table is not None:
                self.planning_table(r)
            return
        info = element
        dashed = "6 4" if isinstance(info.item, DiscretionaryItem) else None
        if kind == "planFragment":
            out.rect(r, 8, fill="#fff", stroke=STROKE, stroke_width=1.5, stroke_dasharray="6 4")
        else:
            out.polygon(_octagon(r, 10), fill="#fafbfc", stroke_dasharray=dashed, **OUTLINE)
        name = self.name(info)
        lines = wrap(name, max(r.width - 24, 40))[:1]
        out.text(r.x + 12, r.y + 17, lines, "start", font_weight="bold")
        self.decorators(r, info, expanded=True)
        if isinstance(info.definition, Stage) and info.definition.planning_table is not None:
            self.planning_table(r)

    def planning_table(self, r: Rect) -> None:
        table = Rect(r.center[0] - 15, r.y - 10, 30, 20)
        self.out.rect(table, fill="#fff", stroke=STROKE)
        self.out.add(
            "path",
            d=f"M{_fmt(table.x)},{_fmt(table.y + 7)}h30M{_fmt(table.x + 10)},"
            f"{_fmt(table.y)}v20M{_fmt(table.x + 20)},{_fmt(table.y)}v20",
            stroke=STROKE,
            stroke_width=0.8,
        )

    # -- leaves -----------------------------------------------------------------------------

    def leaf(self, shape: CmmnShape, kind: str, element: Any) -> None:
        r = _bounds(shape)
        out = self.out
        if kind in ("timerEventListener", "userEventListener", "eventListener"):
            self.listener(r, kind)
            self.label_below(shape, r, self.name(element))
            return
        if kind == "caseFileItem":
            fold = 10
            corner = (r.right - fold, r.y)
            page = [(r.x, r.y), corner, (r.right, r.y + fold), (r.right, r.bottom), (r.x, r.bottom)]
            out.polygon(page, fill="#fff", **OUTLINE)
            out.polyline([corner, (corner[0], r.y + fold), (r.right, r.y + fold)], stroke=STROKE)
            self.label_below(shape, r, element.name or "")
            return
        if kind == "textAnnotation":
            draw_annotation(out, r, element.text or "", FONT_SIZE)
            return
        if kind == "unknown":
            out.rect(r, fill="#f4f4f4", stroke="#999", stroke_dasharray="4 3")
            return
        dashed = "6 4" if isinstance(element.item, DiscretionaryItem) else None
        name = self.name(element)
        if kind == "milestone":
            out.rect(r, r.height / 2, fill="#fff", stroke_dasharray=dashed, **OUTLINE)
            self.centered(r, name, 2)
            self.decorators(r, element, expanded=None)
            return
        if kind == "collapsed":
            out.polygon(_octagon(r, 8), fill="#fafbfc", stroke_dasharray=dashed, **OUTLINE)
            self.centered(r, name, 3)
            self.decorators(r, element, expanded=False)
            return
        if kind in ("stage", "planFragment"):  # an empty, expanded one
            self.container(shape, kind, element)
            return
        out.rect(r, 10, fill="#fff", stroke=STROKE, stroke_width=1.5, stroke_dasharray=dashed)
        letter = _LETTERS.get(kind)
        if letter:
            out.text(r.x + 8, r.y + 14, [letter], "start", size=10, fill="#667", font_weight="bold")
        self.centered(r, name, 4)
        self.decorators(r, element, expanded=None)
        if isinstance(element.definition, HumanTask) and element.definition.planning_table:
            self.planning_table(r)

    def listener(self, r: Rect, kind: str) -> None:
        out = self.out
        cx, cy = r.center
        radius = min(r.width, r.height) / 2
        out.circle(cx, cy, radius, fill="#fff", stroke=STROKE, stroke_width=1.5)
        out.circle(cx, cy, radius - 3, fill="none", stroke=STROKE)
        if kind == "timerEventListener":
            out.circle(cx, cy, radius - 8, fill="none", stroke=STROKE)
            out.polyline([(cx, cy - radius + 11), (cx, cy), (cx + 6, cy + 3)], **OUTLINE)
        elif kind == "userEventListener":
            out.circle(cx, cy - 5, 4.5, fill="none", stroke=STROKE, stroke_width=1.3)
            shoulders = f"M{_fmt(cx - 8)},{_fmt(cy + 9)}a8,7 0 0 1 16,0"
            out.add("path", d=shoulders, fill="none", stroke=STROKE, stroke_width=1.3)

    def criterion(self, shape: CmmnShape, element: Any) -> None:
        r = _bounds(shape)
        cx, cy = r.center
        fill = "#fff" if isinstance(element, EntryCriterion) else STROKE
        self.out.polygon(
            [(cx, r.y), (r.right, cy), (cx, r.bottom), (r.x, cy)],
            fill=fill,
            stroke=STROKE,
            stroke_width=1.3,
        )

    def edge(self, edge: CmmnEdge) -> None:
        points = [(p.x, p.y) for p in edge.waypoints]
        if len(points) >= 2:
            self.out.polyline(points, stroke="#444", stroke_width=1.3, stroke_dasharray="2 3")

    # -- text and markers -------------------------------------------------------------------

    @staticmethod
    def name(element: Any) -> str:
        item = getattr(element, "item", None)
        if item is not None:
            return item.name or getattr(element.definition, "name", None) or ""
        return getattr(element, "name", None) or ""

    def centered(self, r: Rect, text: str, max_lines: int) -> None:
        lines = wrap(text, max(r.width - 8, 20))
        if len(lines) > max_lines:
            lines = [*lines[: max_lines - 1], lines[max_lines - 1].rstrip() + "…"]
        top = r.center[1] - (len(lines) * LINE) / 2 + FONT_SIZE - 2
        self.out.text(r.center[0], top, lines)

    def label_below(self, shape: CmmnShape, r: Rect, text: str) -> None:
        if not text.strip():
            return
        label = shape.label.bounds if shape.label and shape.label.bounds else None
        width = label.width if label else 100
        top = label.y if label else r.bottom + 2
        self.out.text(r.center[0], top + FONT_SIZE, wrap(text, max(width - 2, 30)), size=11)

    def decorators(self, r: Rect, info: Any, expanded: bool | None) -> None:
        """Markers along the bottom: required, repetition, manual activation, collapse."""
        control = _control(info)
        glyphs: list[str] = []
        if control is not None and control.required_rule is not None:
            glyphs.append("!")
        if control is not None and control.repetition_rule is not None:
            glyphs.append("#")
        if control is not None and control.manual_activation_rule is not None:
            glyphs.append("▷")
        if expanded is not None:
            glyphs.append(MINUS if expanded else "+")
        step = 14
        x = r.center[0] - step * (len(glyphs) - 1) / 2
        for glyph in glyphs:
            if glyph in (MINUS, "+"):
                self.out.rect(Rect(x - 6, r.bottom - 16, 12, 12), fill="#fff", stroke=STROKE)
            self.out.text(x, r.bottom - 6, [glyph], size=11, font_weight="bold")
            x += step


def _control(info: Any) -> PlanItemControl | None:
    item = getattr(info, "item", None)
    if item is not None and item.item_control is not None:
        return item.item_control
    definition = getattr(info, "definition", None)
    if isinstance(definition, PlanFragment) and not isinstance(definition, Stage):
        return None
    return getattr(definition, "default_control", None)


def _octagon(r: Rect, cut: float) -> list[tuple[float, float]]:
    top, bottom = (r.x + cut, r.right - cut), (r.y + cut, r.bottom - cut)
    return [
        (top[0], r.y),
        (top[1], r.y),
        (r.right, bottom[0]),
        (r.right, bottom[1]),
        (top[1], r.bottom),
        (top[0], r.bottom),
        (r.x, bottom[1]),
        (r.x, bottom[0]),
    ]


def render_bpmn(model: Any, diagram: str | int = 0) -> str:
    """An SVG picture of one BPMNDiagram of `model` (see `preview_bpmn`)."""
    from studio.editor.preview_bpmn import render_bpmn as render

    return render(model, diagram)


RENDERERS: dict[str, Callable[[Any, str | int], str]] = {"cmmn": render_cmmn, "bpmn": render_bpmn}
