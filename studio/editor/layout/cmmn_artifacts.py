"""What a CMMN diagram shows besides the case plan: the dashed connectors from human tasks to the
discretionary items they plan, and text annotations beside what they annotate, with their
associations.

An annotation stands just beside (right, above, below or left of) the element it annotates where
that place covers no shape, label or other annotation and cuts no stage border; otherwise in a
column right of the case plan model, at the height of that element.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from studio.editor.layout.cmmn_drawing import CaseDrawing
from studio.editor.layout.geometry import Point, Rect
from studio.editor.layout.text import wrap
from studio.notation.cmmn_di import CmmnEdge, CmmnShape
from studio.notation.cmmn_model import Association, CmmnDefinitions, TextAnnotation
from studio.notation.dc import Bounds
from studio.notation.dc import Point as DiPoint

ANNOTATION_WIDTH = 140
COLUMN_GAP = 60  # between the right edge of the drawing and the annotations
ANNOTATION_GAP = 12  # between two annotations in the column
LINE_HEIGHT = 15

MakeId = Callable[[str], str]


NEAR = 24  # between an annotation placed beside its element and that element


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where an element of a drawing is: its box (criteria: their diamond's box)."""

    rect: Rect
    ellipse: bool = False
    container: bool = False  # a case plan model, stage or plan fragment: things stand inside


def planning_connectors(drawing: CaseDrawing, make_id: MakeId) -> list[CmmnEdge]:
    """One straight connector from each human task to each discretionary item it plans."""
    edges = []
    for task, item in drawing.scene.planned_by:
        a, b = drawing.rects.get(task.id), drawing.rects.get(item.id)
        if a is None or b is None:
            continue
        start, end = a.boundary_point(b.center), b.boundary_point(a.center)
        edges.append(
            CmmnEdge(
                id=make_id(f"{task.id}_{item.id}"),
                source_cmmn_element_ref=task.id,
                target_cmmn_element_ref=item.id,
                waypoints=_points([start, end]),
            )
        )
    return edges


def anchors(drawing: CaseDrawing, criterion_size: tuple[float, float]) -> dict[str, Anchor]:
    """The boxes of everything a drawing shows, by element id."""
    from studio.editor.layout.cmmn_scene import CONTAINER_KINDS
    from studio.editor.layout.cmmn_sizes import LISTENER_KINDS

    found = {}
    for shape_id, rect in drawing.rects.items():
        shape = drawing.scene.shapes.get(shape_id)
        kind = shape.kind if shape is not None else ""
        container = kind in CONTAINER_KINDS or (shape is not None and shape.is_container)
        found[shape_id] = Anchor(rect, kind in LISTENER_KINDS, container)
    w, h = criterion_size
    for criterion_id, (x, y) in drawing.centers.items():
        found[criterion_id] = Anchor(Rect(x - w / 2, y - h / 2, w, h))
    return found


def annotations_of(model: CmmnDefinitions) -> tuple[list[TextAnnotation], list[Association]]:
    """The model's text annotations and associations (with ids)."""
    notes = [a for a in model.artifacts if isinstance(a, TextAnnotation) and a.id]
    links = [a for a in model.artifacts if isinstance(a, Association) and a.id]
    return notes, links


def annotated(note: TextAnnotation, links: Iterable[Association]) -> list[str]:
    """The ids of the elements an annotation is associated with."""
    found = []
    for link in links:
        if link.target_ref == note.id and link.source_ref:
            found.append(link.source_ref)
        elif link.source_ref == note.id and link.target_ref:
            found.append(link.target_ref)
    return found


def place_annotations(
    notes: list[TextAnnotation],
    links: list[Association],
    boxes: dict[str, Anchor],
    right: float,
    make_id: MakeId,
    obstacles: Sequence[Rect] = (),
) -> list[CmmnShape | CmmnEdge]:
    """Shapes of `notes`, each beside the element it annotates where there is room (clear of
    `obstacles`, e.g. labels, and of every box), else in a column at x = `right` + gap; and the
    edges of every association whose two ends are then drawn."""
    elements: list[CmmnShape | CmmnEdge] = []
    placed: dict[str, Anchor] = dict(boxes)
    taken = [*obstacles, *(a.rect for a in boxes.values() if not a.container)]
    borders = [a.rect for a in boxes.values() if a.container]
    x = right + COLUMN_GAP
    below = -1e9
    wanted = []
    for number, note in enumerate(notes):
        targets = [boxes[t] for t in annotated(note, links) if t in boxes]
        y = min((a.rect.y for a in targets), default=None)
        wanted.append((y if y is not None else 1e9, number, note, targets))
    top = min((a.rect.y for a in boxes.values()), default=0.0)
    for y, _, note, targets in sorted(wanted, key=lambda w: (w[0], w[1])):
        lines = wrap(note.text or "", ANNOTATION_WIDTH - 10) or [""]
        height = max(30, len(lines) * LINE_HEIGHT + 12)
        rect = next(
            (r for r in _beside(targets, height, [*taken, *borders]) if _free(r, taken, borders)),
            None,
        )
        if rect is None:
            y = max(y if y < 1e9 else top, below + ANNOTATION_GAP)
            rect = Rect(x, round(y), ANNOTATION_WIDTH, height)
            below = rect.bottom
        taken.append(rect)
        placed[note.id or ""] = Anchor(rect)
        elements.append(
            CmmnShape(id=make_id(note.id or ""), cmmn_element_ref=note.id, bounds=_bounds(rect))
        )
    for link in links:
        a, b = placed.get(link.source_ref or ""), placed.get(link.target_ref or "")
        if a is None or b is None:
            continue
        start = a.rect.boundary_point(b.rect.center, ellipse=a.ellipse)
        end = b.rect.boundary_point(a.rect.center, ellipse=b.ellipse)
        elements.append(
            CmmnEdge(
                id=make_id(link.id or ""),
                cmmn_element_ref=link.id,
                source_cmmn_element_ref=link.source_ref,
                target_cmmn_element_ref=link.target_ref,
                waypoints=_points([start, end]),
            )
        )
    return elements


def _beside(targets: list[Anchor], height: float, drawn: list[Rect]) -> list[Rect]:
    """Places for an annotation near the first element it annotates: right, above, below or
    left of it; else straight below the whole drawing (above it would leave the page)."""
    if not targets:
        return []
    r = targets[0].rect
    w = ANNOTATION_WIDTH
    bottom = max(t.bottom for t in drawn)
    return [
        Rect(round(r.right + NEAR), round(r.y - height / 2), w, height),
        Rect(round(r.x + r.width / 2), round(r.y - NEAR - height), w, height),
        Rect(round(r.x + r.width / 2), round(r.bottom + NEAR), w, height),
        Rect(round(r.x - NEAR - w), round(r.y - height / 2), w, height),
        Rect(round(r.x), round(bottom + NEAR), w, height),
    ]


def _free(rect: Rect, taken: list[Rect], borders: list[Rect]) -> bool:
    """True when `rect` (with a margin) covers nothing taken and lies wholly inside or wholly
    outside every container."""
    grown = Rect(rect.x - 8, rect.y - 8, rect.width + 16, rect.height + 16)
    if any(grown.overlaps(other) for other in taken):
        return False
    return all(b.contains(grown) or not grown.overlaps(b) for b in borders)


def _bounds(rect: Rect) -> Bounds:
    return Bounds(x=rect.x, y=rect.y, width=rect.width, height=rect.height)


def _points(points: list[Point]) -> tuple[DiPoint, ...]:
    return tuple(DiPoint(x=round(x), y=round(y)) for x, y in points)
