"""BPMN groups after a layout: a group names no members, it holds what its frame encloses. So a
group is drawn again around the new places of the elements its old frame enclosed; a group that
enclosed nothing keeps its place relative to its pool, lane or diagram, on free ground (see
`bpmn_group_places`), in the diagram that now shows what its old diagram showed; one with no
such place, or no frame before, goes under that diagram's content."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from studio.editor.layout.bpmn_group_places import Ground, free_place
from studio.editor.layout.geometry import Rect
from studio.notation.binding import iter_elements
from studio.notation.bpmn import local_ref
from studio.notation.bpmn_di import BpmnDiagram, BpmnShape
from studio.notation.bpmn_flow import Group, Lane
from studio.notation.bpmn_model import BpmnDefinitions, Participant
from studio.notation.dc import Bounds

PADDING = 20  # between a group's frame and what it encloses
EMPTY = (200.0, 100.0)  # a group that encloses nothing


def frame_groups(
    model: BpmnDefinitions, diagrams: list[BpmnDiagram], make_id: Callable[[str], str]
) -> list[BpmnDiagram]:
    """`diagrams` with a shape for every group of `model`, each in the diagram that draws the
    elements its old frame enclosed."""
    semantic = dataclasses.replace(model, diagrams=())
    elements = list(iter_elements(semantic))
    groups = [e for e in elements if isinstance(e, Group) and e.id]
    if not groups or not diagrams:
        return diagrams
    group_ids = {g.id or "" for g in groups}
    pools = {e.id for e in elements if isinstance(e, Participant) and e.id}
    bands = pools | {e.id for e in elements if isinstance(e, Lane) and e.id}
    old = _shape_bounds(model.diagrams)
    frames: dict[str, tuple[int, Bounds]] = {}
    empty: list[Group] = []
    for group in groups:  # those around members first: the empty ones keep clear of them
        number, boxes = _where(diagrams, _enclosed(old, group.id or ""))
        if boxes:
            frames[group.id or ""] = (number, _around(boxes))
        else:
            empty.append(group)
    for group in empty:
        number, before = _old_diagram(model.diagrams, diagrams, group.id or "")
        taken = [_rect(b) for n, b in frames.values() if n == number]
        after = _ground(diagrams[number], bands, pools, group_ids)
        place = None
        if before is not None and group.id in old:
            old_ground = _ground(before, bands, pools, group_ids)
            place = free_place(_rect(old[group.id]), old_ground, after, taken)
        frame = _bounds(place) if place else _below(after, taken)
        frames[group.id or ""] = (number, frame)
    added: list[list[BpmnShape]] = [[] for _ in diagrams]
    for group in groups:
        number, frame = frames[group.id or ""]
        shape = BpmnShape(id=make_id(f"{group.id}_di"), bpmn_element=group.id, bounds=frame)
        added[number].append(shape)
    return [_with_shapes(diagram, shapes) for diagram, shapes in zip(diagrams, added, strict=True)]


def _with_shapes(diagram: BpmnDiagram, shapes: list[BpmnShape]) -> BpmnDiagram:
    """`diagram` drawing `shapes` too, over its pools and lanes."""
    if not shapes or diagram.plane is None:
        return diagram
    drawn = diagram.plane.elements
    at = _after_bands(drawn)
    plane = dataclasses.replace(diagram.plane, elements=(*drawn[:at], *shapes, *drawn[at:]))
    return dataclasses.replace(diagram, plane=plane)


def _old_diagram(
    old: tuple[BpmnDiagram, ...], new: list[BpmnDiagram], group_id: str
) -> tuple[int, BpmnDiagram | None]:
    """The old diagram that framed the group, and the number of the new diagram showing the
    same collaboration or process (0 when none does)."""
    for diagram in old:
        plane = diagram.plane
        if plane is None or not any(
            isinstance(e, BpmnShape) and e.bpmn_element == group_id for e in plane.elements
        ):
            continue
        shown = local_ref(plane.bpmn_element or "")
        for number, candidate in enumerate(new):
            if candidate.plane and local_ref(candidate.plane.bpmn_element or "") == shown:
                return number, diagram
        return 0, diagram
    return 0, None


def _ground(diagram: BpmnDiagram, bands: set[str], pools: set[str], groups: set[str]) -> Ground:
    """The bands of `diagram` and the shapes (and labels) a frame must keep clear of."""
    ground = Ground(pools=pools)
    if diagram.plane is None:
        return ground
    for element in diagram.plane.elements:
        if not isinstance(element, BpmnShape) or element.bounds is None:
            continue
        ref = local_ref(element.bpmn_element or "")
        if ref in groups:
            continue
        if ref in bands:
            ground.bands.setdefault(ref, _rect(element.bounds))
            continue
        ground.obstacles.append(_rect(element.bounds))
        if element.label is not None and element.label.bounds is not None:
            ground.obstacles.append(_rect(element.label.bounds))
    return ground


def _rect(b: Bounds) -> Rect:
    return Rect(b.x, b.y, b.width, b.height)


def _bounds(r: Rect) -> Bounds:
    return Bounds(x=round(r.x), y=round(r.y), width=round(r.width), height=round(r.height))


def _after_bands(elements: tuple) -> int:
    """Where groups go in drawing order: over the pools and lanes, under everything else."""
    at = 0
    for number, element in enumerate(elements):
        if getattr(element, "is_horizontal", None) is not None:
            at = number + 1
    return at


def _shape_bounds(diagrams: tuple[BpmnDiagram, ...] | list[BpmnDiagram]) -> dict[str, Bounds]:
    found: dict[str, Bounds] = {}
    for diagram in diagrams:
        if diagram.plane is None:
            continue
        for element in diagram.plane.elements:
            bounds = getattr(element, "bounds", None)
            if isinstance(element, BpmnShape) and element.bpmn_element and bounds is not None:
                found.setdefault(element.bpmn_element, bounds)
    return found


def _enclosed(old: dict[str, Bounds], group_id: str) -> list[str]:
    """The elements whose old shape lay inside the group's old frame (centre and all)."""
    frame = old.get(group_id)
    if frame is None:
        return []
    return [
        ref
        for ref, b in old.items()
        if ref != group_id
        and b.x >= frame.x
        and b.y >= frame.y
        and b.x + b.width <= frame.x + frame.width
        and b.y + b.height <= frame.y + frame.height
    ]


def _where(diagrams: list[BpmnDiagram], members: list[str]) -> tuple[int, list[Bounds]]:
    """The first diagram drawing any of `members`, and their new bounds there."""
    for number, diagram in enumerate(diagrams):
        new = _shape_bounds([diagram])
        boxes = [new[m] for m in members if m in new]
        if boxes:
            return number, boxes
    return 0, []


def _around(boxes: list[Bounds]) -> Bounds:
    left = min(b.x for b in boxes) - PADDING
    top = min(b.y for b in boxes) - PADDING
    right = max(b.x + b.width for b in boxes) + PADDING
    bottom = max(b.y + b.height for b in boxes) + PADDING
    return Bounds(x=left, y=top, width=right - left, height=bottom - top)


def _below(ground: Ground, taken: list[Rect]) -> Bounds:
    """A free place under everything the diagram draws, right of the frames put there already."""
    content = ground.content
    bottom = content.bottom if content else 0.0
    left = content.x if content else PADDING
    x = max([left, *(r.right + PADDING for r in taken if r.y >= bottom)])
    return Bounds(x=x, y=bottom + 2 * PADDING, width=EMPTY[0], height=EMPTY[1])
