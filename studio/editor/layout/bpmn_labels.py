"""External labels once the routes are known: out of the way of flows, shapes and each other.

Event and gateway labels stay under their shape, moved aside when a flow runs through them.
Flow names go near the flow's source, beside its first segment.
"""

from __future__ import annotations

import itertools
import math

from studio.editor.layout.bpmn_bands import Drawing
from studio.editor.layout.bpmn_scene import Scene
from studio.editor.layout.bpmn_sizes import (
    EVENT_KINDS,
    GATEWAY_KINDS,
    LABEL_GAP,
    SUB_PROCESS_KINDS,
    label_size,
)
from studio.editor.layout.geometry import Point, Rect

OFFSET = 5  # between a flow and its label


def place_labels(scene: Scene, drawing: Drawing, routes: dict[str, list[Point]]) -> dict[str, Rect]:
    """Move item labels off the routes; the labels of named flows, by link id."""
    g = drawing.geometry
    segments = [(a, b) for points in routes.values() for a, b in itertools.pairwise(points)]
    shapes = {k: (r, scene.items[k].kind) for k, r in g.rects.items() if k in scene.items}
    placed: list[Rect] = []
    for item_id in sorted(g.labels, key=lambda k: (g.labels[k].y, g.labels[k].x, k)):
        item = scene.items.get(item_id)
        if item is None:
            placed.append(g.labels[item_id])
            continue
        shape, label = g.rects[item_id], g.labels[item_id]
        if item.host is not None:
            options = _beside_boundary(shape, label)
        else:
            options = _around(shape, label.width, label.height)
        best = min(
            enumerate(options),
            key=lambda o: (_clash(o[1], segments, shapes, placed, item_id), o[0]),
        )[1]
        g.labels[item_id] = best
        placed.append(best)
    found: dict[str, Rect] = {}
    for link in scene.links:
        points = routes.get(link.id)
        if not link.text.strip() or not points or len(points) < 2:
            continue
        width, height = label_size(link.text)
        options = _beside(points, width, height)
        best = min(
            enumerate(options),
            key=lambda o: (_clash(o[1], segments, shapes, placed, ""), o[0]),
        )[1]
        found[link.id] = best
        placed.append(best)
    return found


def _around(shape: Rect, width: float, height: float) -> list[Rect]:
    """Places for a label under (first), beside or above a shape."""
    cx = shape.center[0]
    below = shape.bottom + LABEL_GAP
    above = shape.y - LABEL_GAP - height
    return [
        Rect(math.floor(cx - width / 2), below, width, height),
        Rect(math.floor(cx - 8 - width), below, width, height),
        Rect(math.ceil(cx + 8), below, width, height),
        Rect(math.floor(cx - width / 2), above, width, height),
        Rect(math.floor(cx - 8 - width), above, width, height),
        Rect(math.ceil(cx + 8), above, width, height),
    ]


def _beside_boundary(event: Rect, label: Rect) -> list[Rect]:
    """Places for a boundary event's label: where it is (left of the flow going down from the
    event, or under it), right of that flow, under the event."""
    top = event.center[1] + LABEL_GAP
    cx = event.center[0]
    return [
        label,
        Rect(math.ceil(event.right + 2), top, label.width, label.height),
        Rect(math.floor(cx - label.width / 2), event.bottom + LABEL_GAP, label.width, label.height),
        Rect(math.floor(event.x - 2 - label.width), top, label.width, label.height),
    ]


def _beside(points: list[Point], width: float, height: float) -> list[Rect]:
    """Places for a flow's label along its first segments, nearest the source first."""
    options: list[Rect] = []
    for (ax, ay), (bx, by) in list(itertools.pairwise(points))[:2]:
        if ay == by:  # level: above, then under; at the start, the middle, the end
            forward = bx >= ax
            xs = [ax + OFFSET if forward else ax - OFFSET - width]
            xs += [(ax + bx - width) / 2, bx - OFFSET - width if forward else bx + OFFSET]
            for x in xs:
                options.append(Rect(x, ay - OFFSET - height, width, height))
                options.append(Rect(x, ay + OFFSET, width, height))
        else:  # plumb: right, then left; at the start, the middle
            down = by > ay
            ys = [ay + OFFSET if down else ay - OFFSET - height, (ay + by - height) / 2]
            for y in ys:
                options.append(Rect(ax + OFFSET, y, width, height))
                options.append(Rect(ax - OFFSET - width, y, width, height))
    return [Rect(round(r.x), round(r.y), r.width, r.height) for r in options]


def _clash(
    label: Rect,
    segments: list[tuple[Point, Point]],
    shapes: dict[str, tuple[Rect, str]],
    placed: list[Rect],
    own: str,
) -> float:
    """How badly a label placed at `label` would clash with flows, shapes and other labels."""
    score = 0.0
    for a, b in segments:
        if _touches(a, b, label):
            score += 1
    for key, (rect, kind) in shapes.items():
        if key != own and rect.overlaps(label) and _hits(label, rect, kind):
            score += 3
    score += 2 * sum(1 for r in placed if r.overlaps(label))
    return score


def _hits(label: Rect, shape: Rect, kind: str) -> bool:
    """True when a label overlapping a shape's box covers part of the shape itself: a
    diamond's or circle's corners of the box are free, so is the inside of a sub-process."""
    if kind in SUB_PROCESS_KINDS and shape.width > 120:
        return not shape.contains(label)
    if kind not in GATEWAY_KINDS and kind not in EVENT_KINDS:
        return True
    cx, cy = shape.center
    hw, hh = shape.width / 2, shape.height / 2
    nx = min(max(cx, label.x), label.right)  # the label's point nearest the centre
    ny = min(max(cy, label.y), label.bottom)
    dx, dy = abs(nx - cx) / hw, abs(ny - cy) / hh
    return dx + dy <= 1 if kind in GATEWAY_KINDS else dx * dx + dy * dy <= 1


def _touches(a: Point, b: Point, r: Rect) -> bool:
    """True when an axis-parallel segment passes through `r` (slanted ones: by their box)."""
    x0, x1 = min(a[0], b[0]), max(a[0], b[0])
    y0, y1 = min(a[1], b[1]), max(a[1], b[1])
    return x0 <= r.right and x1 >= r.x and y0 <= r.bottom and y1 >= r.y
