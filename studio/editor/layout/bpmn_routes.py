"""Routes of BPMN links in the style of bpmn-js: orthogonal, from border to border.

A flow leaves its source by a side (a gateway or an event by a vertex) and enters its target by
a side: straight when the two line up (anywhere along an activity's side), else with one or two
bends (an L or a Z), or round the shapes (a U, for loops back). Several routes are tried and
scored: crossing a shape costs most, then running along another flow, entering a side another
flow leaves by, crossing a label, bends, using an activity's top or bottom, and length. When dot
ran an edge through ranks in between, the route along dot's path is tried too: it goes round
whatever stands in those ranks. Every flow is routed twice, the second time scored against the
others' latest routes. Message flows drop plumb between pools, or turn in the gap between two
pools. Associations and data associations are straight lines.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from studio.editor.layout.bpmn_bands import POOL_GAP, Drawing
from studio.editor.layout.bpmn_paths import (
    Grid,
    Port,
    backtracks,
    connect,
    cross,
    entry_side,
    exit_side,
    overlap,
    path_box,
    stubs,
    tidy_path,
    y_at,
)
from studio.editor.layout.bpmn_scene import Item, Link, Scene
from studio.editor.layout.bpmn_sizes import (
    ACTIVITY_KINDS,
    DATA_OBJECT_KINDS,
    EVENT_KINDS,
    GATEWAY_KINDS,
    POOL_STRIP,
)
from studio.editor.layout.geometry import Point, Rect
from studio.editor.layout.geometry import segment_crosses as _crosses

CROSS_SHAPE = 100.0
OVERLAP = 12.0  # running along another flow (not one sharing an end)
SIDE_CLASH = 8.0  # entering by the side another flow leaves by (or the reverse)
SIDE_SHARED = 3.0  # entering by a side another flow from elsewhere enters by
CROSS_LABEL = 8.0
CROSS_FLOW = 1.0
BEND = 3.0
SIDE_EXIT = 5.0  # leaving or entering an activity by its top or bottom
TOP_ENTRY = 2.0  # entering an event by its top or bottom (gateways are entered by any vertex)
EVENT_EXIT = 4.0  # leaving an event by its top or bottom (gateways are left by any vertex)
OFF_CENTRE = 1.0  # a straight flow meeting an activity away from the middle of its side
PER_PIXEL = 0.01
INSET = 10  # of straight flows from an activity's corners
NUDGE = 2  # a straight flow may meet an event or gateway this far off its middle
ROOM = 6  # kept between a route and the shapes it passes
LANE_SHIFT = 12  # vertical segments may move this far off a gap's middle, to keep apart

Segment = tuple[Point, Point]


@dataclass(frozen=True, slots=True)
class _Drawn:
    """A first-pass route other routes are scored against."""

    link: Link
    exit: tuple[str, str]  # (source id, side of the shape it leaves by)
    entry: tuple[str, str]  # (target id, side of the shape it enters by)


class Router:
    """Routes every link of a laid-out scene."""

    def __init__(self, scene: Scene, drawing: Drawing) -> None:
        self.scene = scene
        self.drawing = drawing
        self.geometry = drawing.geometry
        self.shapes = Grid()
        for item in scene.items.values():
            if item.id in self.geometry.rects:
                self.shapes.add(self.geometry.rects[item.id], item.id)
        self.labels = Grid()
        for key, rect in self.geometry.labels.items():
            self.labels.add(rect, key)
        self.segments = Grid()
        self.drawn: dict[str, _Drawn] = {}
        self.version: dict[str, int] = {}
        self.sides: dict[tuple[str, str], list[tuple[str, bool]]] = {}  # -> (link id, leaving)

    def routes(self) -> dict[str, list[Point]]:
        first = {link.id: self.route(link) for link in self.scene.links}
        for link in self.scene.links:
            points = first[link.id]
            if points is not None:
                self.remember(link, tidy_path(points))
        found: dict[str, list[Point]] = {}
        for link in self.scene.links:  # again, each against the others' latest routes
            points = self.route(link)
            if points is None:
                continue
            points = tidy_path(points)
            self.forget(link)
            self.remember(link, points)
            found[link.id] = points if len(points) > 1 else [points[0], points[0]]
        return found

    def remember(self, link: Link, points: list[Point]) -> None:
        if len(points) < 2:
            return
        drawn = _Drawn(link, (link.source, exit_side(points)), (link.target, entry_side(points)))
        self.drawn[link.id] = drawn
        self.version[link.id] = version = self.version.get(link.id, 0) + 1
        for a, b in itertools.pairwise(points):
            self.segments.add(path_box([a, b]), (a, b, link.id, version))
        if link.kind == "sequenceFlow":
            self.sides.setdefault(drawn.exit, []).append((link.id, True))
            self.sides.setdefault(drawn.entry, []).append((link.id, False))

    def forget(self, link: Link) -> None:
        """Drop the link's earlier route (its segments go stale with their version)."""
        drawn = self.drawn.pop(link.id, None)
        if drawn is None:
            return
        for key in (drawn.exit, drawn.entry):
            self.sides[key] = [entry for entry in self.sides.get(key, ()) if entry[0] != link.id]

    def route(self, link: Link) -> list[Point] | None:
        rects = self.geometry.rects
        if link.source not in rects or link.target not in rects:
            return None
        source = self.scene.items.get(link.source)
        target = self.scene.items.get(link.target)
        if link.kind == "messageFlow":
            return self.message_flow(link, source, target)
        if source is None or target is None:
            return None
        if link.kind == "sequenceFlow" or (
            link.kind == "association" and _flow_node(source) and _flow_node(target)
        ):
            return self.flow(link, source, target)
        return _straight(rects[source.id], rects[target.id], source, target)

    # -- sequence flows -------------------------------------------------------------------------

    def flow(self, link: Link, source: Item, target: Item) -> list[Point]:
        s, t = self.geometry.rects[source.id], self.geometry.rects[target.id]
        skip = _family(source) | _family(target)
        frame = self.frame(source, target)
        best: tuple[float, list[Point]] | None = None
        for points, penalty in self.candidates(link, source, target, s, t):
            cost = penalty + self.cost(points, skip, link)
            if frame is not None and not all(frame.contains(Rect(x, y, 0, 0)) for x, y in points):
                cost += CROSS_SHAPE  # leaves the sub-process or pool it belongs in
            cost += CROSS_SHAPE * _through_ends(
                tidy_path(points), source, s, target, t, self.geometry
            )
            if best is None or cost < best[0] - 1e-9:
                best = (cost, points)
        assert best is not None
        return best[1]

    def frame(self, source: Item, target: Item) -> Rect | None:
        """The sub-process or pool a flow between the two belongs in (None: no bounds)."""
        content = (source.host or source).parent
        if content is not (target.host or target).parent:
            return None
        if content.owner is not None:
            return self.geometry.rects.get(content.owner.id)
        band = self.drawing.band_of.get(source.id)
        if band is None:
            return None
        if self.scene.bands[band].participant is None and not self.scene.bands[band].lanes:
            return None  # a process drawn without a pool or lanes has no border
        return self.drawing.band_rects[band]

    def candidates(
        self, link: Link, source: Item, target: Item, s: Rect, t: Rect
    ) -> Iterator[tuple[list[Point], float]]:
        level = _level(source, s, target, t)
        if level is not None:
            yield level
        exits = _ports(source, s, exit=True)
        entries = _ports(target, t, exit=False)
        gaps = self.gaps(link, s, t)
        for a, pa in exits:
            for b, pb in entries:
                for points in connect(a, b, gaps, s, t):
                    yield points, pa + pb
                for stub in stubs(a):  # a short way out first, then turning
                    for points in connect(stub, b, gaps, s, t):
                        yield [a.point, *points], pa + pb
        guided = self.guided(link, s, t)
        if guided is not None:
            yield guided, SIDE_EXIT

    def gaps(self, link: Link, s: Rect, t: Rect) -> list[float]:
        """x positions for vertical segments: between the two, and in the gaps next to them."""
        xs = [(s.right + t.x) / 2] if t.x > s.right else []
        columns = self.geometry.columns.get(link.id, [])
        first, last = _column(columns, s), _column(columns, t)
        if first is not None and last is not None and last > first:
            xs.append((columns[first][1] + columns[first + 1][0]) / 2)
            xs.append((columns[last - 1][1] + columns[last][0]) / 2)
        xs = [x + shift for x in xs for shift in (0, -LANE_SHIFT, LANE_SHIFT)]
        return sorted({round(x) for x in xs if s.right < x < t.x} or {round(x) for x in xs})

    def guided(self, link: Link, s: Rect, t: Rect) -> list[Point] | None:
        """Along dot's route: straight through each rank in between, turning in the gaps."""
        hint = self.geometry.hints.get(link.id)
        columns = self.geometry.columns.get(link.id, [])
        first, last = _column(columns, s), _column(columns, t)
        if not hint or first is None or last is None or last - first < 2:
            return None
        if math.dist(hint[0], s.center) > math.dist(hint[-1], s.center):
            hint = hint[::-1]
        points: list[Point] = [(s.right, s.center[1])]
        y = s.center[1]
        for index in range(first + 1, last + 1):
            gap = round((columns[index - 1][1] + columns[index][0]) / 2)
            if index == last:
                wanted = t.center[1]
            else:
                centre = (columns[index][0] + columns[index][1]) / 2
                wanted = round(y_at(hint, centre))
            if wanted != y:
                points += [(gap, y), (gap, wanted)]
                y = wanted
        points.append((t.x, t.center[1]))
        return points

    # -- message flows --------------------------------------------------------------------------

    def message_flow(self, link: Link, source: Item | None, target: Item | None) -> list[Point]:
        """Plumb between two pools when the ends overlap, else down (or up), across and on
        in the gap next to one of the two pools."""
        rects, band_of = self.geometry.rects, self.drawing.band_of
        s, t = rects[link.source], rects[link.target]
        if (
            source is not None
            and target is not None
            and band_of.get(source.id) == band_of.get(target.id)
        ):
            return self.flow(link, source, target)
        down = s.center[1] < t.center[1]
        sy, ty = (s.bottom, t.y) if down else (s.y, t.bottom)
        skip = (_family(source) if source else set()) | (_family(target) if target else set())
        options: list[tuple[list[Point], float]] = []
        xs, txs = _drops(source, s, t), _drops(target, t, s)
        for x in sorted(set(xs) & set(txs)):
            options.append(([(x, sy), (x, ty)], 0.0))
        bands = self.drawing.band_rects
        levels = []
        if link.source in band_of and link.target in band_of:
            near, far = bands[band_of[link.source]], bands[band_of[link.target]]
            levels.append(near.bottom + POOL_GAP / 2 if down else near.y - POOL_GAP / 2)
            levels.append(far.y - POOL_GAP / 2 if down else far.bottom + POOL_GAP / 2)
        levels.append((sy + ty) / 2)
        levels += [y + shift for y in levels[:2] for shift in (-8, 8)]
        for sx in xs[:3]:
            for tx in txs[:3]:
                for y in levels:
                    options.append(([(sx, sy), (sx, round(y)), (tx, round(y)), (tx, ty)], 0.0))
        return min(options, key=lambda o: o[1] + self.cost(o[0], skip, link))[0]

    # -- scoring --------------------------------------------------------------------------------

    def cost(self, points: list[Point], skip: set[str], link: Link) -> float:
        tidy = tidy_path(points)
        segments = list(itertools.pairwise(tidy))
        total = PER_PIXEL * sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in segments)
        total += BEND * (len(tidy) - 2)
        if backtracks(points):
            total += CROSS_SHAPE
        box = path_box(tidy)
        near = Rect(box.x - ROOM, box.y - ROOM, box.width + 2 * ROOM, box.height + 2 * ROOM)
        for rect, item_id in self.shapes.near(near):
            if item_id in skip:
                continue
            if any(_crosses(a, b, rect, -ROOM) for a, b in segments):
                total += CROSS_SHAPE
        own = {link.source, link.target}
        for rect, key in self.labels.near(box):
            if key not in own and any(_crosses(a, b, rect, 0) for a, b in segments):
                total += CROSS_LABEL
        if self.drawn and len(tidy) >= 2:
            total += self.interference(tidy, segments, box, link)
        return total

    def interference(
        self, points: list[Point], segments: list[Segment], box: Rect, link: Link
    ) -> float:
        """What running along, crossing or clashing with the other flows' first routes costs."""
        total = 0.0
        for _, (a2, b2, other_id, version) in self.segments.near(box):
            if other_id == link.id or self.version.get(other_id) != version:
                continue
            mate = self.drawn[other_id].link
            shares = link.source == mate.source or link.target == mate.target
            for a, b in segments:
                if overlap(a, b, a2, b2):
                    total += 0 if shares else OVERLAP
                elif not shares and cross(a, b, a2, b2):
                    total += CROSS_FLOW
        if link.kind != "sequenceFlow":
            return total
        for key, leaving in (((link.source, exit_side(points)), True),
                             ((link.target, entry_side(points)), False)):  # fmt: skip
            for other_id, other_leaving in self.sides.get(key, ()):
                if other_id == link.id:
                    continue
                mate = self.drawn[other_id].link
                if other_leaving != leaving:
                    total += SIDE_CLASH
                elif not leaving:
                    total += 0 if mate.source == link.source else SIDE_SHARED
                elif mate.target != link.target and self.scene.items[link.source].kind in (
                    GATEWAY_KINDS
                ):
                    total += SIDE_SHARED + 1  # a gateway's flows leave by vertices of their own
        return total


# -- ports and shapes -----------------------------------------------------------------------------


def _through_ends(
    points: list[Point], source: Item, s: Rect, target: Item, t: Rect, geometry: Any
) -> int:
    """How many times a route runs through its own ends (or the source's host) on its way."""
    segments = list(itertools.pairwise(points))
    count = sum(1 for a, b in segments[1:] if _crosses(a, b, s, 2))
    count += sum(1 for a, b in segments[:-1] if _crosses(a, b, t, 2))
    if source.host is not None and source.host.id in geometry.rects:
        host = geometry.rects[source.host.id]
        count += sum(1 for a, b in segments if _crosses(a, b, host, 2))
    return count


def _drops(item: Item | None, r: Rect, other: Rect) -> list[float]:
    """Where a message flow may leave or reach a shape's top or bottom, best first: a pool
    anywhere (under the other end, if it can), an activity away from its corners, anything
    else in the middle."""
    cx = round(r.center[0])
    if item is None:  # a pool
        low, high = r.x + POOL_STRIP + 10, r.right - 10
        wanted = round(min(max(other.center[0], low), high))
        options = [wanted]
        options += [round(x) for x in (other.x + INSET, other.right - INSET) if low <= x <= high]
        options += range(round(low), round(high), 10)
        return options
    if item.kind in ACTIVITY_KINDS:
        low, high = round(r.x + INSET), round(r.right - INSET)
        options = [cx, low, high]
        options += [round(x) for x in (other.center[0], other.x + INSET, other.right - INSET)]
        return [x for x in dict.fromkeys(options) if low <= x <= high]
    return [cx]


def _flow_node(item: Item) -> bool:
    return item.kind not in DATA_OBJECT_KINDS | {"dataStoreReference", "textAnnotation"}


def _family(item: Item) -> set[str]:
    """Ids a route of `item` may cross: the item, its host and the sub-processes around it."""
    found = {item.id}
    if item.host is not None:
        found.add(item.host.id)
    owner = item.parent.owner
    while owner is not None:
        found.add(owner.id)
        owner = owner.parent.owner
    return found


def _ports(item: Item, r: Rect, *, exit: bool) -> list[tuple[Port, float]]:
    """Where routes may leave (or enter) a shape, each with its penalty."""
    cx, cy = r.center
    if item.host is not None and exit:
        return [(Port((cx, r.bottom), "s"), 0.0)]
    side = SIDE_EXIT if item.kind in ACTIVITY_KINDS else 0.0
    if item.kind not in GATEWAY_KINDS:
        side = max(side, TOP_ENTRY if not exit else EVENT_EXIT)
    if exit:
        return [
            (Port((r.right, cy), "e"), 0.0),
            (Port((cx, r.bottom), "s"), side),
            (Port((cx, r.y), "n"), side),
        ]
    return [
        (Port((r.x, cy), "e"), 0.0),  # entering the west side, travelling east
        (Port((cx, r.y), "s"), side),
        (Port((cx, r.bottom), "n"), side),
        (Port((r.right, cy), "w"), SIDE_EXIT * 2),
    ]


def _span(item: Item, r: Rect, vertical: bool) -> tuple[float, float]:
    """Where along a side a straight flow may meet the shape: an activity's side away from
    the corners, the middle (a vertex) of anything else."""
    low, high = (r.y, r.bottom) if vertical else (r.x, r.right)
    if item.kind in ACTIVITY_KINDS and item.host is None:
        return low + INSET, high - INSET
    middle = (low + high) / 2
    return middle - NUDGE, middle + NUDGE


def _level(source: Item, s: Rect, target: Item, t: Rect) -> tuple[list[Point], float] | None:
    """A straight level flow when the two shapes face each other, off-centre if need be."""
    if t.x <= s.right or source.host is not None:
        return None
    (a0, a1), (b0, b1) = _span(source, s, True), _span(target, t, True)
    low, high = max(a0, b0), min(a1, b1)
    if low > high:
        return None
    sy, ty = s.center[1], t.center[1]
    y = ty if low <= ty <= high else sy if low <= sy <= high else (low + high) / 2
    y = round(y)
    penalty = (OFF_CENTRE if y != sy else 0.0) + (OFF_CENTRE if y != ty else 0.0)
    return [(s.right, y), (t.x, y)], penalty


def _column(columns: list[tuple[float, float]], r: Rect) -> int | None:
    cx = r.center[0]
    for index, (left, right) in enumerate(columns):
        if left - 1 <= cx <= right + 1:
            return index
    return None


def _straight(s: Rect, t: Rect, source: Item, target: Item) -> list[Point]:
    """A straight line between two shapes: level or plumb when they overlap, else centre to
    centre clipped at both borders."""
    low, high = max(s.x, t.x), min(s.right, t.right)
    if high - low >= 4:
        x = round((low + high) / 2)
        return [(x, s.bottom), (x, t.y)] if s.bottom <= t.y else [(x, s.y), (x, t.bottom)]
    low, high = max(s.y, t.y), min(s.bottom, t.bottom)
    if high - low >= 4:
        y = round((low + high) / 2)
        return [(s.right, y), (t.x, y)] if s.right <= t.x else [(s.x, y), (t.right, y)]
    a = s.boundary_point(t.center, ellipse=source.kind in EVENT_KINDS)
    b = t.boundary_point(s.center, ellipse=target.kind in EVENT_KINDS)
    return [(round(a[0]), round(a[1])), (round(b[0]), round(b[1]))]


# -- geometry of routes ---------------------------------------------------------------------------
