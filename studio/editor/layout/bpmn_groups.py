"""BPMN groups after a layout: a group names no members, it holds what its frame encloses. So a
group is drawn again around the new places of the elements its old frame enclosed; a group that
enclosed nothing (or had no frame) goes under the first diagram."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from studio.notation.binding import iter_elements
from studio.notation.bpmn_di import BpmnDiagram, BpmnShape
from studio.notation.bpmn_flow import Group
from studio.notation.bpmn_model import BpmnDefinitions
from studio.notation.dc import Bounds

PADDING = 20  # between a group's frame and what it encloses
EMPTY = (200.0, 100.0)  # a group that encloses nothing


def frame_groups(
    model: BpmnDefinitions, diagrams: list[BpmnDiagram], make_id: Callable[[str], str]
) -> list[BpmnDiagram]:
    """`diagrams` with a shape for every group of `model`, each in the diagram that draws the
    elements its old frame enclosed."""
    semantic = dataclasses.replace(model, diagrams=())
    groups = [e for e in iter_elements(semantic) if isinstance(e, Group) and e.id]
    if not groups or not diagrams:
        return diagrams
    old = _shape_bounds(model.diagrams)
    added: list[list[BpmnShape]] = [[] for _ in diagrams]
    for group in groups:
        members = _enclosed(old, group.id or "")
        number, boxes = _where(diagrams, members)
        frame = _around(boxes) if boxes else _below(diagrams[0], added[0])
        shape = BpmnShape(id=make_id(f"{group.id}_di"), bpmn_element=group.id, bounds=frame)
        added[number].append(shape)
    result = []
    for diagram, shapes in zip(diagrams, added, strict=True):
        if shapes and diagram.plane is not None:
            elements = diagram.plane.elements
            at = _after_bands(elements)
            plane = dataclasses.replace(
                diagram.plane, elements=(*elements[:at], *shapes, *elements[at:])
            )
            diagram = dataclasses.replace(diagram, plane=plane)
        result.append(diagram)
    return result


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


def _below(diagram: BpmnDiagram, already: list[BpmnShape]) -> Bounds:
    """A free place under everything the diagram draws, right of the groups put there already."""
    boxes = list(_shape_bounds([diagram]).values())
    bottom = max((b.y + b.height for b in boxes), default=0.0)
    left = min((b.x for b in boxes), default=PADDING)
    x = left + sum(EMPTY[0] + PADDING for _ in already)
    return Bounds(x=x, y=bottom + 2 * PADDING, width=EMPTY[0], height=EMPTY[1])
