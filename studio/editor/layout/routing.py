"""Route helpers shared by the notations: bringing a route to a marker on a border, loops."""

from __future__ import annotations

from studio.editor.layout.geometry import Point, Rect


def approach(points: list[Point], end: Point, rect: Rect, *, from_left: bool) -> list[Point]:
    """The route with its end brought to `end`, a marker's corner on a side of `rect`.

    Points at the item (or where the route was clipped) are dropped; a route that arrives from
    the wrong side goes round the item's top or bottom and comes in from outside.
    """
    zone = Rect(rect.x - 12, rect.y, rect.width + 24, rect.height)
    keep = list(points)
    while len(keep) > 1 and _strictly_inside(keep[-1], zone):
        keep.pop()
    last = keep[-1]
    outward = -1 if from_left else 1
    if (last[0] - end[0]) * outward >= 2:
        return [*keep, end]
    side = end[0] + outward * 16
    above = last[1] < rect.center[1]
    y = min(last[1], rect.y - 16) if above else max(last[1], rect.bottom + 16)
    return [*keep, (last[0], y), (side, y), (side, end[1]), end]


def _strictly_inside(point: Point, rect: Rect) -> bool:
    return rect.x < point[0] < rect.right and rect.y < point[1] < rect.bottom


def loop(rect: Rect, end: Point, *, from_left: bool) -> list[Point]:
    """From the top of `rect` up, over and into `end` on one of its sides."""
    cx, top = rect.center[0], rect.y
    side = end[0] - 10 if from_left else end[0] + 10
    return [(cx, top), (cx, top - 24), (side, top - 24), (side, end[1]), end]


def free_height(
    x: float, y: float, low: float, high: float, size: tuple[float, float], taken: list[Rect]
) -> float:
    """The height nearest `y` in [low, high] where a marker of `size` centred at x overlaps
    none of `taken` (which should hold the markers placed so far, see `marker_rect`)."""
    for step in range(200):
        for candidate in (y + 4 * step, y - 4 * step) if step else (y,):
            if low <= candidate <= high and not any(
                marker_rect((x, candidate), size).overlaps(r) for r in taken
            ):
                return candidate
    return y


def marker_rect(center: Point, size: tuple[float, float], room: float = 3) -> Rect:
    """A marker's rectangle with some room around it."""
    w, h = size
    return Rect(center[0] - w / 2 - room, center[1] - h / 2 - room, w + 2 * room, h + 2 * room)
