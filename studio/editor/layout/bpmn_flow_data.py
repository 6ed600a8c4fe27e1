"""Data drawn on a sequence flow: a tool's shorthand that a layout keeps.

Some tools (the MIWG model C.7.0) draw a data object passed along a sequence flow as one line
from the data object to the flow's edge: a DI edge that names no element, only its two ends
(`sourceElement`, `targetElement`). It stands for the data output association of the flow's
source and the data input association of its target, which the file leaves undrawn. A new
layout draws that line again, straight from the data object to the nearest point of the flow's
new path, and leaves the associations it stands for undrawn, as they were.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

from studio.editor.layout.geometry import Point, Rect, segment_crosses
from studio.notation.binding import iter_elements
from studio.notation.bpmn import local_ref
from studio.notation.bpmn_di import BpmnDiagram, BpmnEdge, BpmnShape
from studio.notation.bpmn_model import BpmnDefinitions, SequenceFlow
from studio.notation.dc import Bounds
from studio.notation.dc import Point as DiPoint

STEP = 5  # between the points of a flow's path tried as the line's end
END = 10  # near a flow's ends the line would seem to touch the flow's source or target


@dataclass(frozen=True, slots=True)
class FlowData:
    """One shorthand line of the old DI: data `data` on the sequence flow `flow`."""

    edge_id: str
    data: str
    flow: str
    stands_for: frozenset[str]  # the undrawn data associations it shows


def flow_data(model: BpmnDefinitions) -> list[FlowData]:
    """The shorthand lines the model's diagrams draw (a data shape to a sequence flow's edge)."""
    semantic = dataclasses.replace(model, diagrams=())
    elements = {e.id: e for e in iter_elements(semantic) if isinstance(getattr(e, "id", None), str)}
    drawn = {
        local_ref(e.bpmn_element)
        for d in model.diagrams
        if d.plane is not None
        for e in d.plane.elements
        if getattr(e, "bpmn_element", None)
    }
    found = []
    for diagram in model.diagrams:
        if diagram.plane is None:
            continue
        refs = {e.id: local_ref(e.bpmn_element or "") for e in diagram.plane.elements if e.id}
        for edge in diagram.plane.elements:
            if not isinstance(edge, BpmnEdge) or edge.bpmn_element or not edge.id:
                continue
            data = refs.get(edge.source_element or "")
            flow = elements.get(refs.get(edge.target_element or ""))
            if data is None or not isinstance(flow, SequenceFlow) or not flow.id:
                continue
            links = _associations(elements, flow, data) - drawn
            found.append(FlowData(edge.id, data, flow.id, frozenset(links)))
    return found


def draw_flow_data(
    diagram: BpmnDiagram, lines: Iterable[FlowData], make_id: Callable[[str], str]
) -> BpmnDiagram:
    """`diagram` with the shorthand lines whose data and flow it draws, without the edges of
    the associations they stand for."""
    plane = diagram.plane
    if plane is None:
        return diagram
    shapes = {e.bpmn_element: e for e in plane.elements if isinstance(e, BpmnShape)}
    edges = {e.bpmn_element: e for e in plane.elements if isinstance(e, BpmnEdge)}
    kept = [line for line in lines if line.data in shapes and line.flow in edges]
    if not kept:
        return diagram
    hidden = set().union(*(line.stands_for for line in kept))
    elements = [e for e in plane.elements if getattr(e, "bpmn_element", None) not in hidden]
    obstacles = [
        _rect(e.bounds)
        for e in plane.elements
        if isinstance(e, BpmnShape) and e.bounds is not None and e.is_horizontal is None
    ]
    for line in kept:
        shape, flow = shapes[line.data], edges[line.flow]
        if shape.bounds is None or len(flow.waypoints) < 2:
            continue
        box = _rect(shape.bounds)
        path = [(p.x, p.y) for p in flow.waypoints]
        others = [r for r in obstacles if r != box]
        route = _route(box, path, others)
        elements.append(
            BpmnEdge(
                id=make_id(line.edge_id),
                source_element=shape.id,
                target_element=flow.id,
                waypoints=tuple(DiPoint(x=round(x), y=round(y)) for x, y in route),
            )
        )
    return dataclasses.replace(diagram, plane=dataclasses.replace(plane, elements=tuple(elements)))


def _rect(b: Bounds) -> Rect:
    return Rect(b.x, b.y, b.width, b.height)


def _route(box: Rect, path: list[Point], obstacles: list[Rect]) -> list[Point]:
    """The shortest line from `box` to a point of `path` (away from its ends) crossing none of
    `obstacles`: straight, or one bend; straight to the path's middle when none is clear."""
    best: list[Point] | None = None
    for end in _along(path):
        for bend in (None, (end[0], box.center[1]), (box.center[0], end[1])):
            if bend is not None and box.contains(Rect(bend[0], bend[1], 0, 0)):
                continue
            start = box.boundary_point(bend or end)
            route = [start, bend, end] if bend else [start, end]
            if any(segment_crosses(a, b, r, 1) for a, b in pairwise(route) for r in obstacles):
                continue
            if best is None or _length(route) < _length(best):
                best = route
    if best is not None:
        return best
    middle = _at(path, _length(path) / 2)
    return [box.boundary_point(middle), middle]


def _along(path: list[Point]) -> list[Point]:
    """Points every STEP pixels along `path`, leaving out END pixels at each end."""
    total = _length(path)
    count = int((total - 2 * END) // STEP)
    return [_at(path, END + i * STEP) for i in range(count + 1)] if count >= 0 else []


def _at(path: list[Point], distance: float) -> Point:
    """The point `distance` pixels along `path`."""
    for a, b in pairwise(path):
        length = math.dist(a, b)
        if distance <= length and length:
            t = distance / length
            return a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
        distance -= length
    return path[-1]


def _length(path: list[Point]) -> float:
    return sum(math.dist(a, b) for a, b in pairwise(path))


def _associations(elements: dict, flow: SequenceFlow, data: str) -> set[str]:
    """The data output association of the flow's source writing `data`, and the data input
    association of its target reading it."""
    source = elements.get(local_ref(flow.source_ref or ""))
    target = elements.get(local_ref(flow.target_ref or ""))
    found = {
        a.id
        for a in getattr(source, "data_output_associations", ())
        if a.id and local_ref(a.target_ref or "") == data
    }
    found |= {
        a.id
        for a in getattr(target, "data_input_associations", ())
        if a.id and data in {local_ref(ref) for ref in a.source_refs}
    }
    return found
