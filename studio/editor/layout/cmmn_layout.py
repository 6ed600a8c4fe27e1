"""Graphviz layout of CMMN models: fresh CMMNDI, one diagram per case, semantics untouched."""

from __future__ import annotations

import dataclasses
import math

from studio.editor.layout.cmmn_artifacts import (
    Anchor,
    anchors,
    annotated,
    annotations_of,
    place_annotations,
    planning_connectors,
)
from studio.editor.layout.cmmn_drawing import MARGIN, CaseDrawing
from studio.editor.layout.cmmn_graph import CaseGraph, build_graph
from studio.editor.layout.cmmn_scene import SceneShape, build_scene
from studio.editor.layout.cmmn_sizes import CRITERION, PLAN_TAB, label_below, tab_width
from studio.editor.layout.geometry import Rect, port_centers
from studio.editor.layout.graph import Placement, placement, to_dot
from studio.editor.layout.runner import GraphvizRunner
from studio.notation.binding import iter_elements
from studio.notation.cmmn import CmmnIndex
from studio.notation.cmmn_di import (
    CmmnDI,
    CmmnDiagram,
    CmmnEdge,
    CmmnLabel,
    CmmnShape,
    CmmnStyle,
)
from studio.notation.cmmn_model import Association, CmmnDefinitions, TextAnnotation
from studio.notation.dc import Bounds, Dimension
from studio.notation.dc import Point as DiPoint


def layout_cmmn(model: CmmnDefinitions, runner: GraphvizRunner) -> CmmnDefinitions:
    """`model` with new CMMNDI: one laid-out diagram per case that has a case plan model."""
    index = CmmnIndex(model)
    ids = _Ids(model)
    drawings = []
    for case in model.cases:
        scene = build_scene(case, index)
        if scene is None:
            continue
        built = build_graph(scene)
        place = placement(built.graph, runner.run(to_dot(built.graph).source))
        hints = _port_hints(built, place)
        if hints is not None:  # again, with the criteria of items in the order of their sources
            built = build_graph(scene, hints)
            place = placement(built.graph, runner.run(to_dot(built.graph).source))
        drawings.append(CaseDrawing(built, place))
    diagrams = []
    notes, links = annotations_of(model)
    for number, drawing in enumerate(drawings):
        boxes = anchors(drawing, CRITERION)
        mine = [
            n
            for n in notes
            if any(t in boxes for t in annotated(n, links))
            or (number == 0 and not any(_draws(d, annotated(n, links)) for d in drawings))
        ]
        diagrams.append(_diagram(drawing, ids, mine, links, boxes))
    if not diagrams:
        return dataclasses.replace(model, cmmndi=None)
    return dataclasses.replace(model, cmmndi=_keep_styles(model.cmmndi, tuple(diagrams)))


def _keep_styles(old: CmmnDI | None, diagrams: tuple[CmmnDiagram, ...]) -> CmmnDI:
    """New DI with the styles of the old one: its shared CMMNStyles, and the style (shared or
    inline) of every shape, edge and diagram drawing an element that the new DI draws too.
    The layout decides where things go, never how the modeler chose to show them."""
    if old is None:
        return CmmnDI(diagrams=diagrams)
    styled: dict[str, dict] = {}
    for diagram in old.diagrams:
        for element in diagram.elements:
            if element.cmmn_element_ref and (element.shared_style or element.style):
                styled.setdefault(
                    element.cmmn_element_ref,
                    {"shared_style": element.shared_style, "style": element.style},
                )
    kept = []
    for number, diagram in enumerate(diagrams):
        elements = tuple(
            dataclasses.replace(e, **styled[e.cmmn_element_ref])
            if e.cmmn_element_ref in styled
            else e
            for e in diagram.elements
        )
        before = old.diagrams[number] if number < len(old.diagrams) else None
        look = (
            {"shared_style": before.shared_style, "style": before.style}
            if before is not None
            else {}
        )
        kept.append(dataclasses.replace(diagram, elements=elements, **look))
    return CmmnDI(diagrams=tuple(kept), styles=old.styles)


class _Ids:
    """Deterministic, unique DI ids: `<element id>_di`, numbered on a clash."""

    def __init__(self, model: CmmnDefinitions) -> None:
        old_di = iter_elements(model.cmmndi) if model.cmmndi is not None else ()
        styles = [s for s in old_di if isinstance(s, CmmnStyle)]
        self.taken = {
            ident
            for element in [*iter_elements(dataclasses.replace(model, cmmndi=None)), *styles]
            if isinstance(ident := getattr(element, "id", None), str)
        }

    def make(self, base: str) -> str:
        return self.plain(f"{base}_di")

    def plain(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{wanted}_{n}"
        self.taken.add(candidate)
        return candidate


def _draws(drawing: CaseDrawing, element_ids: list[str]) -> bool:
    return any(e in drawing.rects or e in drawing.centers for e in element_ids)


def _diagram(
    drawing: CaseDrawing,
    ids: _Ids,
    notes: list[TextAnnotation],
    links: list[Association],
    boxes: dict[str, Anchor],
) -> CmmnDiagram:
    """The CMMNDiagram of a drawing, with the text annotations `notes` beside it."""
    case = drawing.scene.case
    elements: list[CmmnShape | CmmnEdge] = []
    shapes = [*drawing.scene.root.walk(), *drawing.scene.case_file_items]
    for shape in shapes:
        elements.append(_shape(drawing, shape, ids))
        for criterion in (*shape.entry, *shape.exit):
            x, y = drawing.centers[criterion.id]
            w, h = CRITERION
            elements.append(
                CmmnShape(
                    id=ids.make(criterion.id),
                    cmmn_element_ref=criterion.id,
                    bounds=Bounds(x=x - w / 2, y=y - h / 2, width=w, height=h),
                )
            )
    seen: set[str] = set()
    for plan, points in drawing.routes:
        c = plan.connector
        base = c.on_part_id if c.on_part_id not in seen else f"{c.on_part_id}_{c.target.id}"
        seen.add(c.on_part_id)
        source = c.source_criterion.id if c.source_criterion else c.source.id
        elements.append(
            CmmnEdge(
                id=ids.make(base),
                cmmn_element_ref=c.on_part_id,
                source_cmmn_element_ref=source,
                target_cmmn_element_ref=c.target.id,
                waypoints=tuple(DiPoint(x=x, y=y) for x, y in points),
            )
        )
    elements.extend(planning_connectors(drawing, ids.make))
    if notes:
        drawn = max(_extent(e)[0] for e in elements)
        labels = [
            Rect(b.x, b.y, b.width, b.height)
            for e in elements
            if isinstance(e, CmmnShape) and e.label is not None and (b := e.label.bounds)
        ]
        elements.extend(place_annotations(notes, links, boxes, drawn, ids.make, labels))
    right = max(_extent(e)[0] for e in elements) + MARGIN
    bottom = max(_extent(e)[1] for e in elements) + MARGIN
    base_id = case.id or drawing.scene.root.id
    return CmmnDiagram(
        id=ids.plain(f"CMMNDiagram_{base_id}"),
        name=case.name or drawing.scene.root.name or None,
        size=Dimension(width=right, height=bottom),
        elements=tuple(elements),
    )


def _shape(drawing: CaseDrawing, shape: SceneShape, ids: _Ids) -> CmmnShape:
    rect = drawing.rects[shape.id]
    bounds = Bounds(x=rect.x, y=rect.y, width=rect.width, height=rect.height)
    label = None
    if shape.kind == "casePlanModel":
        width = tab_width(shape)
        label = Bounds(x=rect.x, y=rect.y - PLAN_TAB, width=width, height=PLAN_TAB)
    elif shape.is_container or shape.kind in ("stage", "planFragment"):
        label = Bounds(x=rect.x + 8, y=rect.y + 4, width=rect.width - 16, height=16)
    else:
        label_width, label_height = label_below(shape)
        if label_height:
            cx = rect.x + rect.width / 2
            left = math.floor(cx - label_width / 2)
            label = Bounds(x=left, y=rect.bottom + 2, width=label_width, height=label_height)
    container = shape.kind in ("casePlanModel", "stage", "planFragment")
    return CmmnShape(
        id=ids.make(shape.id),
        cmmn_element_ref=shape.id,
        is_collapsed=(shape.collapsed if container and shape.kind != "casePlanModel" else None),
        is_planning_table_collapsed=(False if shape.has_planning_table else None),
        bounds=bounds,
        label=CmmnLabel(bounds=label) if label else None,
    )


def _extent(element: CmmnShape | CmmnEdge) -> tuple[float, float]:
    if isinstance(element, CmmnEdge):
        return max(p.x for p in element.waypoints), max(p.y for p in element.waypoints)
    b = element.bounds
    right, bottom = b.x + b.width, b.y + b.height
    if element.label and element.label.bounds:
        lb = element.label.bounds
        right, bottom = max(right, lb.x + lb.width), max(bottom, lb.y + lb.height)
    return right, bottom


def _port_hints(built: CaseGraph, place: Placement) -> dict[str, float] | None:
    """Heights of the far ends of each item criterion's connectors, when that order of the
    criteria down a side differs from the order they were given; else None."""
    far: dict[str, list[float]] = {}
    for plan in built.plans:
        points = place.edges.get(plan.edge or "")
        if not points:
            continue
        if plan.reversed:
            points = points[::-1]
        c = plan.connector
        far.setdefault(c.target.id, []).append(points[0][1])
        if c.source_criterion is not None:
            far.setdefault(c.source_criterion.id, []).append(points[-1][1])
    hints: dict[str, float] = {}
    changed = False
    for shape_id, node in built.nodes.items():
        box = place.nodes[node.name]
        for side in built.sides(built.scene.shapes[shape_id]):
            ys = port_centers(box.y, node.height, len(side)) if side else []
            wanted = [
                sum(far[c.id]) / len(far[c.id]) if c.id in far else y
                for c, y in zip(side, ys, strict=True)
            ]
            for criterion, y in zip(side, wanted, strict=True):
                hints[criterion.id] = y
            changed = changed or wanted != sorted(wanted)
    return hints if changed else None
