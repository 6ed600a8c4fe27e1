"""Graphviz layout of BPMN models: fresh BPMNDI (one diagram), semantics untouched."""

from __future__ import annotations

import dataclasses

from studio.editor.layout.bpmn_bands import MARGIN, Drawing, lay_out_scene
from studio.editor.layout.bpmn_flow_data import draw_flow_data, flow_data
from studio.editor.layout.bpmn_groups import frame_groups
from studio.editor.layout.bpmn_labels import place_labels
from studio.editor.layout.bpmn_routes import Router
from studio.editor.layout.bpmn_scene import Scene, build_scene
from studio.editor.layout.bpmn_sizes import SUB_PROCESS_KINDS
from studio.editor.layout.geometry import Point, Rect
from studio.editor.layout.runner import GraphvizRunner
from studio.notation.binding import iter_elements
from studio.notation.bpmn import local_ref
from studio.notation.bpmn_di import BpmnDiagram, BpmnEdge, BpmnLabel, BpmnPlane, BpmnShape
from studio.notation.bpmn_model import BpmnDefinitions
from studio.notation.dc import Bounds
from studio.notation.dc import Point as DiPoint

_EDGE_ORDER = {"sequenceFlow": 0, "messageFlow": 1, "association": 2}


def layout_bpmn(model: BpmnDefinitions, runner: GraphvizRunner) -> BpmnDefinitions:
    """`model` with new BPMNDI: one diagram of every pool, lane, flow node and flow; a model
    whose diagrams showed several collaborations or processes keeps one diagram for each."""
    ids = _Ids(model)
    shorthands = flow_data(model)
    diagrams = []
    for plane in _planes(model) or [None]:
        scene = build_scene(model, plane)
        if scene is None:
            continue
        drawing = lay_out_scene(scene, runner)
        routes = Router(scene, drawing).routes()
        flow_labels = place_labels(scene, drawing, routes)
        routes, flow_labels = _in_view(drawing, routes, flow_labels)
        diagram = _diagram(scene, drawing, routes, flow_labels, ids)
        diagram = draw_flow_data(diagram, shorthands, ids.make)
        # every label style goes in the first diagram (their ids are unique in the file)
        diagrams.append(_keep_label_styles(model.diagrams, diagram, keep_styles=not diagrams))
    diagrams = frame_groups(model, diagrams, ids.make)
    return dataclasses.replace(model, diagrams=tuple(diagrams))


def _planes(model: BpmnDefinitions) -> list[str]:
    """The collaborations and processes the model's diagrams showed, when there are several."""
    known = {c.id for c in model.collaborations if c.id and c.participants}
    known |= {p.id for p in model.processes if p.id}
    planes: list[str] = []
    for diagram in model.diagrams:
        element = local_ref(diagram.plane.bpmn_element or "") if diagram.plane else ""
        if element in known and element not in planes:
            planes.append(element)
    return planes if len(planes) > 1 else []


def _styled(label: BpmnLabel | None, style: str) -> BpmnLabel:
    """`label` in `style`; a label without bounds (placed by the viewer) when there was none."""
    return (
        BpmnLabel(label_style=style)
        if label is None
        else dataclasses.replace(label, label_style=style)
    )


def _keep_label_styles(
    old: tuple[BpmnDiagram, ...], diagram: BpmnDiagram, *, keep_styles: bool = True
) -> BpmnDiagram:
    """The new diagram with the old ones' label styles (fonts): every BPMNLabelStyle (unless
    `keep_styles` is false: another new diagram holds them), and the style of each label of an
    element it draws anew. The layout moves labels, never restyles them."""
    styles = {s.id: s for d in old for s in d.label_styles}
    if not styles or diagram.plane is None:
        return diagram
    styled = {
        e.bpmn_element: e.label.label_style
        for d in old
        if d.plane is not None
        for e in d.plane.elements
        if e.bpmn_element and e.label is not None and e.label.label_style
    }
    elements = tuple(
        dataclasses.replace(e, label=_styled(e.label, styled[e.bpmn_element]))
        if e.bpmn_element in styled
        else e
        for e in diagram.plane.elements
    )
    plane = dataclasses.replace(diagram.plane, elements=elements)
    kept = tuple(styles.values()) if keep_styles else ()
    return dataclasses.replace(diagram, plane=plane, label_styles=kept)


def _in_view(
    drawing: Drawing, routes: dict[str, list[Point]], labels: dict[str, Rect]
) -> tuple[dict[str, list[Point]], dict[str, Rect]]:
    """Everything moved right and down if a route or label went round above or left of the
    margin (the shapes start at it)."""
    xs = [x for points in routes.values() for x, _ in points] + [r.x for r in labels.values()]
    ys = [y for points in routes.values() for _, y in points] + [r.y for r in labels.values()]
    dx = max(0, MARGIN - min(xs, default=MARGIN))
    dy = max(0, MARGIN - min(ys, default=MARGIN))
    if not dx and not dy:
        return routes, labels
    g = drawing.geometry
    g.rects = {k: r.translate(dx, dy) for k, r in g.rects.items()}
    g.labels = {k: r.translate(dx, dy) for k, r in g.labels.items()}
    routes = {k: [(x + dx, y + dy) for x, y in points] for k, points in routes.items()}
    return routes, {k: r.translate(dx, dy) for k, r in labels.items()}


class _Ids:
    """Deterministic, unique DI ids: `<element id>_di`, numbered on a clash."""

    def __init__(self, model: BpmnDefinitions) -> None:
        styles = [s for d in model.diagrams for s in d.label_styles]
        self.taken = {
            ident
            for element in [*iter_elements(dataclasses.replace(model, diagrams=())), *styles]
            if isinstance(ident := getattr(element, "id", None), str)
        }

    def make(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{wanted}_{n}"
        self.taken.add(candidate)
        return candidate


def _diagram(
    scene: Scene,
    drawing: Drawing,
    routes: dict[str, list[Point]],
    flow_labels: dict[str, Rect],
    ids: _Ids,
) -> BpmnDiagram:
    g = drawing.geometry
    elements: list[BpmnShape | BpmnEdge] = []
    for band in scene.bands:
        if band.participant is not None and band.participant.id in g.rects:
            elements.append(_shape(band.participant.id, g.rects[band.participant.id], ids, True))
        for lane in band.all_lanes():
            if lane.lane.id in g.rects:
                elements.append(_shape(lane.lane.id, g.rects[lane.lane.id], ids, True))
    for item in scene.items.values():
        rect = g.rects.get(item.id)
        if rect is None:
            continue
        expanded = item.content is not None if item.kind in SUB_PROCESS_KINDS else None
        shape = _shape(item.id, rect, ids, None, expanded, g.labels.get(item.id))
        if item.kind == "exclusiveGateway":  # bpmn-js draws the X only when asked to
            shape = dataclasses.replace(shape, is_marker_visible=True)
        elements.append(shape)
    links = sorted(scene.links, key=lambda link: _EDGE_ORDER.get(link.kind, 3))
    for link in links:
        points = routes.get(link.id)
        if points is None:
            continue
        label = flow_labels.get(link.id)
        elements.append(
            BpmnEdge(
                id=ids.make(f"{link.id}_di"),
                bpmn_element=link.id,
                waypoints=tuple(DiPoint(x=x, y=y) for x, y in points),
                label=BpmnLabel(bounds=_bounds(label)) if label else None,
            )
        )
    plane = BpmnPlane(
        id=ids.make(f"BPMNPlane_{scene.plane_element}"),
        bpmn_element=scene.plane_element,
        elements=tuple(elements),
    )
    return BpmnDiagram(id=ids.make(f"BPMNDiagram_{scene.plane_element}"), plane=plane)


def _shape(
    element_id: str,
    rect: Rect,
    ids: _Ids,
    horizontal: bool | None = None,
    expanded: bool | None = None,
    label: Rect | None = None,
) -> BpmnShape:
    return BpmnShape(
        id=ids.make(f"{element_id}_di"),
        bpmn_element=element_id,
        is_horizontal=horizontal,
        is_expanded=expanded,
        bounds=_bounds(rect),
        label=BpmnLabel(bounds=_bounds(label)) if label else None,
    )


def _bounds(r: Rect) -> Bounds:
    return Bounds(x=r.x, y=r.y, width=r.width, height=r.height)
