"""Orthogonal paths for the BPMN router: candidate shapes of routes and their geometry.

`connect` lists the routes with at most a few bends from a port leaving one shape to a port
entering another; the rest measures routes (bends, overlaps, crossings) and indexes them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from studio.editor.layout.geometry import Point, Rect, dedupe

CLEARANCE = 20  # of a route going round shapes
CELL = 150  # of the grid indexing shapes and segments
NEAR = 6  # parallel segments closer than this run along each other
DIRECTIONS = {"e": (1, 0), "w": (-1, 0), "s": (0, 1), "n": (0, -1)}


@dataclass(frozen=True, slots=True)
class Port:
    point: Point
    side: str  # 'e', 'w', 's' or 'n': the way a route leaves (or travels when entering)


def connect(a: Port, b: Port, gaps: list[float], s: Rect, t: Rect) -> Iterator[list[Point]]:
    """Orthogonal routes from port `a` (leaving) to port `b` (entering, travelling b.side)."""
    (ax, ay), (bx, by) = a.point, b.point
    horizontal_a, horizontal_b = a.side in "ew", b.side in "ew"
    if horizontal_a and horizontal_b:
        if a.side == b.side:
            sign = 1 if a.side == "e" else -1
            if (bx - ax) * sign > 0:
                if ay == by:
                    yield [a.point, b.point]
                for x in gaps or [(ax + bx) / 2]:
                    yield [a.point, (x, ay), (x, by), b.point]
            else:  # round: out, over or under both, and in
                out, back = ax + sign * CLEARANCE, bx - sign * CLEARANCE
                for y in around(s, t):
                    yield [a.point, (out, ay), (out, y), (back, y), (back, by), b.point]
        return
    if not horizontal_a and not horizontal_b:
        if a.side == b.side:
            sign = 1 if a.side == "s" else -1
            if (by - ay) * sign > 0:
                if ax == bx:
                    yield [a.point, b.point]
                mid = (ay + by) / 2
                yield [a.point, (ax, mid), (bx, mid), b.point]
        else:  # a U: down and up again (or up and down)
            sign = 1 if a.side == "s" else -1
            y = max(ay, by) + CLEARANCE if sign > 0 else min(ay, by) - CLEARANCE
            for level in (y, y + sign * CLEARANCE * 2):
                yield [a.point, (ax, level), (bx, level), b.point]
        return
    # one bend: along a's direction to b's line, then along b's direction
    corner = (bx, ay) if horizontal_a else (ax, by)
    da, db = DIRECTIONS[a.side], DIRECTIONS[b.side]
    first = (corner[0] - ax, corner[1] - ay)
    second = (bx - corner[0], by - corner[1])
    if along(first, da) and along(second, db):
        yield [a.point, corner, b.point]


def stubs(port: Port) -> list[Port]:
    """Ports a short way out of `port`, turned either way."""
    dx, dy = DIRECTIONS[port.side]
    point = (port.point[0] + dx * CLEARANCE, port.point[1] + dy * CLEARANCE)
    turns = "ns" if port.side in "ew" else "ew"
    return [Port(point, side) for side in turns]


def along(vector: tuple[float, float], direction: tuple[int, int]) -> bool:
    return vector[0] * direction[0] + vector[1] * direction[1] > 0


def around(s: Rect, t: Rect) -> list[float]:
    below = max(s.bottom, t.bottom) + CLEARANCE
    above = min(s.y, t.y) - CLEARANCE
    return [below, above, below + 2 * CLEARANCE]


def y_at(points: list[Point], x: float) -> float:
    """The height of a polyline where it first reaches `x` (its nearest point otherwise)."""
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        if min(ax, bx) <= x <= max(ax, bx) and ax != bx:
            return ay + (by - ay) * (x - ax) / (bx - ax)
    return min(points, key=lambda p: abs(p[0] - x))[1]


class Grid:
    """Rectangles (with a payload) bucketed in square cells, for nearby look-ups."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[Rect, Any]]] = {}

    @staticmethod
    def keys(r: Rect) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(r.x / CELL), math.floor(r.right / CELL) + 1):
            for j in range(math.floor(r.y / CELL), math.floor(r.bottom / CELL) + 1):
                yield i, j

    def add(self, rect: Rect, payload: Any) -> None:
        for key in self.keys(rect):
            self.cells.setdefault(key, []).append((rect, payload))

    def near(self, box: Rect) -> Iterator[tuple[Rect, Any]]:
        """(rect, payload) of the entries whose rectangle meets `box`, each once."""
        seen: set[int] = set()
        for key in self.keys(box):
            for rect, payload in self.cells.get(key, ()):
                if id(payload) in seen or not meets(rect, box):
                    continue
                seen.add(id(payload))
                yield rect, payload


def meets(a: Rect, b: Rect) -> bool:
    return a.x <= b.right and b.x <= a.right and a.y <= b.bottom and b.y <= a.bottom


def exit_side(points: list[Point]) -> str:
    (ax, ay), (bx, by) = points[0], points[1]
    if ax == bx:
        return "s" if by > ay else "n"
    return "e" if bx > ax else "w"


def entry_side(points: list[Point]) -> str:
    (ax, ay), (bx, by) = points[-2], points[-1]
    if ax == bx:
        return "n" if by > ay else "s"
    return "w" if bx > ax else "e"


def tidy_path(points: list[Point]) -> list[Point]:
    """Whole pixels, no repeated points, no points in the middle of a straight run."""
    points = dedupe([(round(x), round(y)) for x, y in points])
    kept: list[Point] = []
    for p in points:
        if len(kept) >= 2 and collinear(kept[-2], kept[-1], p):
            kept[-1] = p
        else:
            kept.append(p)
    return kept


def collinear(a: Point, b: Point, c: Point) -> bool:
    cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    dot = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1])
    return cross == 0 and dot >= 0


def backtracks(points: list[Point]) -> bool:
    """True when a route doubles back on itself (a segment reversing the previous one)."""
    for a, b, c in zip(points, points[1:], points[2:], strict=False):
        cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        dot = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1])
        if cross == 0 and dot < 0:
            return True
    return False


def path_box(points: list[Point]) -> Rect:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Rect(min(xs) - 1, min(ys) - 1, max(xs) - min(xs) + 2, max(ys) - min(ys) + 2)


def overlap(a: Point, b: Point, c: Point, d: Point) -> bool:
    """True when two axis-parallel segments run along (or close by) each other for more than
    a few pixels."""
    if a[0] == b[0] and c[0] == d[0] and abs(a[0] - c[0]) < NEAR:
        low, high = max(min(a[1], b[1]), min(c[1], d[1])), min(max(a[1], b[1]), max(c[1], d[1]))
        return high - low > 4
    if a[1] == b[1] and c[1] == d[1] and abs(a[1] - c[1]) < NEAR:
        low, high = max(min(a[0], b[0]), min(c[0], d[0])), min(max(a[0], b[0]), max(c[0], d[0]))
        return high - low > 4
    return False


def cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    """True when a level and a plumb segment cross inside both."""
    if a[1] == b[1] and c[0] == d[0]:
        (h0, h1), (v0, v1) = sorted((a[0], b[0])), sorted((c[1], d[1]))
        return h0 < c[0] < h1 and v0 < a[1] < v1
    if a[0] == b[0] and c[1] == d[1]:
        return cross(c, d, a, b)
    return False
