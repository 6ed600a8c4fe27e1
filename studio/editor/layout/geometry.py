"""Geometry shared by the layouts and the preview: rectangles, curves, polylines, spacing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle in pixels, y pointing down."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def center(self) -> Point:
        return self.x + self.width / 2, self.y + self.height / 2

    def translate(self, dx: float, dy: float) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.width, self.height)

    def contains(self, other: Rect, tolerance: float = 0.0) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.bottom <= self.bottom + tolerance
        )

    def overlaps(self, other: Rect) -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def boundary_point(self, toward: Point, *, ellipse: bool = False) -> Point:
        """Where the ray from the centre toward `toward` leaves the rectangle (or its ellipse)."""
        cx, cy = self.center
        dx, dy = toward[0] - cx, toward[1] - cy
        if dx == 0 and dy == 0:
            return cx, cy
        rx, ry = self.width / 2, self.height / 2
        if ellipse:
            scale = 1 / math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2)
        else:
            scale = min(rx / abs(dx) if dx else math.inf, ry / abs(dy) if dy else math.inf)
        return cx + dx * scale, cy + dy * scale


def segment_crosses(a: Point, b: Point, rect: Rect, inset: float = 0.0) -> bool:
    """True when the segment a-b passes through the inside of `rect` shrunk by `inset` (a
    negative inset grows it)."""
    x0, y0 = rect.x + inset, rect.y + inset
    x1, y1 = rect.right - inset, rect.bottom - inset
    if x0 >= x1 or y0 >= y1:
        return False
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q <= 0:
                return False
            continue
        ratio = q / p
        if p < 0:
            t0 = max(t0, ratio)
        else:
            t1 = min(t1, ratio)
        if t0 >= t1:
            return False
    return True


def bounding_box(rects: Sequence[Rect]) -> Rect:
    """The smallest rectangle holding every rectangle of `rects` (which must not be empty)."""
    x0 = min(r.x for r in rects)
    y0 = min(r.y for r in rects)
    x1 = max(r.right for r in rects)
    y1 = max(r.bottom for r in rects)
    return Rect(x0, y0, x1 - x0, y1 - y0)


def bezier_polyline(controls: Sequence[Point], samples: int = 4) -> list[Point]:
    """Sample a piecewise cubic Bézier curve (3n+1 control points) into a polyline."""
    if len(controls) < 4:
        return list(controls)
    points = [controls[0]]
    for i in range(0, len(controls) - 3, 3):
        p0, p1, p2, p3 = controls[i : i + 4]
        for step in range(1, samples + 1):
            t = step / samples
            u = 1 - t
            points.append(
                (
                    u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                    u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
                )
            )
    return points


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Ramer-Douglas-Peucker: drop points closer than `tolerance` to the simplified line."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.dist(p, a)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    return math.dist(p, (a[0] + t * dx, a[1] + t * dy))


def dedupe(points: Sequence[Point]) -> list[Point]:
    """Drop consecutive repeated points."""
    result: list[Point] = []
    for p in points:
        if not result or p != result[-1]:
            result.append(p)
    return result


def spread(wanted: Sequence[float], low: float, high: float, gap: float) -> list[float]:
    """Positions near `wanted` (kept in their order) at least `gap` apart inside [low, high].

    When they cannot fit, they are spaced evenly over the range instead.
    """
    n = len(wanted)
    if n == 0:
        return []
    if high - low < gap * (n - 1):
        if n == 1:
            return [(low + high) / 2]
        step = (high - low) / (n - 1)
        return [low + i * step for i in range(n)]
    result = [min(max(w, low), high) for w in wanted]
    for i in range(1, n):
        result[i] = max(result[i], result[i - 1] + gap)
    result[-1] = min(result[-1], high)
    for i in range(n - 2, -1, -1):
        result[i] = min(result[i], result[i + 1] - gap)
    return result


def split_evenly(total: int, parts: int) -> list[int]:
    """`total` split into `parts` integers differing by at most one, larger first."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def port_centers(start: float, length: int, count: int) -> list[float]:
    """Centres of `count` ports splitting a side of `length` pixels that begins at `start`."""
    centers: list[float] = []
    offset = 0
    for size in split_evenly(length, count):
        centers.append(start + offset + size / 2)
        offset += size
    return centers
