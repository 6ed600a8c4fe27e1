"""Placing BPMN items with dot, one level at a time, expanded sub-processes inside out.

The content of an expanded sub-process is laid out first, on its own: the sub-process then is
one box of that size in its parent's graph, and its content moves with it. Sequence flows never
cross a sub-process border, so nothing is lost. Event sub-processes stand in a row under the
rest of their parent's content. Boundary events are put on their host's bottom border.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from studio.editor.layout.bpmn_graph import FlowGraph, Frame, build_graph
from studio.editor.layout.bpmn_scene import Content, Item, Scene
from studio.editor.layout.bpmn_sizes import (
    BOUNDARY_SPACING,
    EVENT,
    GATEWAY_KINDS,
    LABEL_GAP,
    LABELLED_BELOW,
    SUB_PROCESS_HEADER,
    SUB_PROCESS_PAD,
    TASK,
    label_size,
    shape_size,
)
from studio.editor.layout.geometry import Point, Rect, bounding_box, segment_crosses, spread
from studio.editor.layout.graph import Placement, placement, to_dot
from studio.editor.layout.runner import GraphvizRunner
from studio.editor.layout.text import text_width

ROW_GAP = 30  # between the content and a row of event sub-processes, and within that row
SATELLITE_GAP = 30  # between a data object or annotation and the item it stands by


@dataclass(slots=True)
class Geometry:
    """Shapes, labels and dot's routes of laid-out items (one block, or the whole diagram)."""

    rects: dict[str, Rect] = field(default_factory=dict)  # element id -> bounds
    labels: dict[str, Rect] = field(default_factory=dict)  # element id -> its label's bounds
    hints: dict[str, list[Point]] = field(default_factory=dict)  # link id -> dot's route
    columns: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # link id ->
    # the x extents of the ranks of the graph the link was laid out in, left to right

    def merge(self, other: Geometry, dx: float = 0, dy: float = 0) -> None:
        """Add `other`, moved by (dx, dy)."""
        for key, r in other.rects.items():
            self.rects[key] = r.translate(dx, dy)
        for key, r in other.labels.items():
            self.labels[key] = r.translate(dx, dy)
        for key, points in other.hints.items():
            self.hints[key] = [(x + dx, y + dy) for x, y in points]
        for key, columns in other.columns.items():
            self.columns[key] = [(a + dx, b + dx) for a, b in columns]

    def extent(self, ids: list[str]) -> Rect | None:
        """The box around the shapes and labels of `ids` (None: nothing there)."""
        rects = [self.rects[i] for i in ids if i in self.rects]
        rects += [self.labels[i] for i in ids if i in self.labels]
        return bounding_box(rects) if rects else None


@dataclass(slots=True)
class Block:
    """The laid-out content of an expanded sub-process, relative to the sub-process's corner."""

    width: int
    height: int
    geometry: Geometry


class Placer:
    """Lays out the items of a scene, sub-processes first."""

    def __init__(self, scene: Scene, runner: GraphvizRunner) -> None:
        self.scene = scene
        self.runner = runner
        self.blocks: dict[str, Block] = {}

    def size_of(self, item: Item) -> tuple[int, int]:
        block = self.blocks.get(item.id)
        if block is not None:
            return block.width, block.height
        width, height = shape_size(item.kind, item.name)
        if len(item.boundary) > 1:  # room for the boundary events (and a marker between them)
            width = max(width, len(item.boundary) * BOUNDARY_SPACING + 80)
        return width, height

    def prepare(self, items: list[Item]) -> None:
        """Lay out the expanded sub-processes among `items` (and inside them)."""
        for item in items:
            if item.content is not None and item.id not in self.blocks:
                self.blocks[item.id] = self.block(item.content)

    def block(self, content: Content) -> Block:
        """The content of an expanded sub-process, laid out."""
        self.prepare(content.items)
        flowing = [i for i in content.items if not i.event_sub_process]
        geometry = Geometry()
        if flowing:
            geometry = self.level([Frame("", flowing)])
        ids = [i.id for i in content.walk()]
        box = geometry.extent(ids) or Rect(0, 0, 0, 0)
        row = self.sub_row([i for i in content.items if i.event_sub_process], box, geometry)
        box = geometry.extent(ids) or Rect(0, 0, TASK[0], TASK[1] // 2)
        owner = content.owner
        name = text_width(owner.name, 12) + 2 * SUB_PROCESS_PAD if owner else 0
        width = _even(max(box.width + 2 * SUB_PROCESS_PAD, name, TASK[0] + 40, row))
        height = _even(box.height + SUB_PROCESS_HEADER + SUB_PROCESS_PAD + 6)
        dx = (width - box.width) / 2 - box.x
        dy = SUB_PROCESS_HEADER + 6 - box.y
        moved = Geometry()
        moved.merge(geometry, math.floor(dx), dy)
        return Block(width, height, moved)

    def sub_row(self, items: list[Item], below: Rect, geometry: Geometry) -> float:
        """Put event sub-processes in a row under `below`; the row's width."""
        x, y = below.x, (below.bottom + ROW_GAP if below.height else 0)
        for item in items:
            width, height = self.size_of(item)
            rect = Rect(x, y, width, height)
            geometry.rects[item.id] = rect
            block = self.blocks.get(item.id)
            if block is not None:
                geometry.merge(block.geometry, rect.x, rect.y)
            x += width + ROW_GAP
        return x - ROW_GAP - below.x if items else 0

    # -- one dot run ----------------------------------------------------------------------------

    def level(self, frames: list[Frame]) -> Geometry:
        """Lay out the items of `frames` (their sub-processes must be prepared)."""
        flow = build_graph(frames, self.scene.links, self.scene.items, self.size_of)
        place = placement(flow.graph, self.runner.run(to_dot(flow.graph).source))
        geometry = Geometry()
        for item_id, node in flow.nodes.items():
            box = place.nodes[node.name]
            cx, cy = round(box.x + box.width / 2), round(box.y + node.height / 2)
            item = self.scene.items[item_id]
            rect = Rect(cx - node.width / 2, cy - node.height / 2, node.width, node.height)
            geometry.rects[item_id] = rect
            block = self.blocks.get(item_id)
            if block is not None:
                geometry.merge(block.geometry, rect.x, rect.y)
            elif item.kind in LABELLED_BELOW:
                self.label_below(item, rect, geometry)
        for item_id in flow.nodes:
            item = self.scene.items[item_id]
            if item.boundary and item_id in geometry.rects:
                self.put_on_border(item, geometry, flow.boundary_ports)
        pending = set(flow.partners)
        kept = {  # the room under activities where their boundary events' flows go down
            i: Rect(r.x, r.bottom, r.width, flow.nodes[i].label_height)
            for i, r in geometry.rects.items()
            if i in flow.nodes and self.scene.items[i].boundary
        }
        rows = _rows(frames)
        for item_id, (partner, above) in flow.partners.items():
            pending.discard(item_id)
            row = {k for k, v in rows.items() if v == rows.get(item_id)}
            _pull(item_id, partner, above, geometry, pending, row, kept)
        columns = _columns(place, flow)
        for link_id, edge in flow.edges.items():
            if edge in place.edges:
                geometry.hints[link_id] = place.edges[edge]
                geometry.columns[link_id] = columns
        return geometry

    @staticmethod
    def label_below(item: Item, rect: Rect, geometry: Geometry) -> None:
        width, height = label_size(item.name)
        if width:
            cx = rect.center[0]
            geometry.labels[item.id] = Rect(
                math.floor(cx - width / 2), rect.bottom + LABEL_GAP, width, height
            )

    def put_on_border(self, host: Item, geometry: Geometry, ports: dict[str, int]) -> None:
        """Boundary events along the host's bottom border, centres on it, spread out.

        The event whose flows leave lowest goes leftmost: its route down and right passes
        under the others' instead of crossing them.
        """
        rect = geometry.rects[host.id]
        events = sorted(host.boundary, key=lambda e: -ports.get(e.id, 0))
        n = len(events)
        half = EVENT[0] / 2
        low, high = rect.x + half + 4, rect.right - half - 4
        wanted = [rect.x + rect.width * (i + 1) / (n + 1) for i in range(n)]
        if n == 1 and host.kind not in GATEWAY_KINDS:
            wanted = [rect.x + rect.width * 2 / 3]
        xs = spread(wanted, low, high, BOUNDARY_SPACING)
        outgoing = {link.source for link in self.scene.links}
        for event, x in zip(events, xs, strict=True):
            x = round(x)
            ev = Rect(x - half, rect.bottom - half, EVENT[0], EVENT[1])
            geometry.rects[event.id] = ev
            width, height = label_size(event.name)
            if not width:
                continue
            if event.id in outgoing:  # left of the flow going down from the event
                label = Rect(x - half - 2 - width, rect.bottom + 4, width, height)
            else:
                label = Rect(math.floor(x - width / 2), ev.bottom + LABEL_GAP, width, height)
            geometry.labels[event.id] = label


def _pull(
    item_id: str,
    partner_id: str,
    above: bool,
    geometry: Geometry,
    pending: set[str],
    row: set[str],
    kept: dict[str, Rect],
) -> None:
    """Put a data object or annotation in its partner's rank, next to it: on its side (above
    or under) if there is room, else on the other side, else farther away (the nearest free
    place, preferably with nothing between the two); where dot put it when nothing is free.
    Only what is in its `row` (pool or lane) can be in the way: not the `pending` ones (to be
    moved afterwards), but the `kept` room under activities."""
    rect, partner = geometry.rects[item_id], geometry.rects[partner_id]
    label = geometry.labels.get(item_id)
    under = label.height + LABEL_GAP if label else 0
    partner_label = geometry.labels.get(partner_id)
    skip = {item_id, partner_id, *pending}
    others = [r for k, r in geometry.rects.items() if k in row and k not in skip]
    others += [
        r for k, r in geometry.labels.items() if k in row and (k not in skip or k == partner_id)
    ]
    others += [r for k, r in kept.items() if k in row]
    top = partner.y - SATELLITE_GAP - rect.height - under
    bottom = (partner_label.bottom if partner_label else partner.bottom) + SATELLITE_GAP
    x = round(partner.center[0] - rect.width / 2)
    best: tuple[float, Rect] | None = None
    for start, step, preferred in ((top, -1, above), (bottom, 1, not above)):
        for k in range(0, 400, 10):
            moved = Rect(x, start + step * k, rect.width, rect.height)
            box = Rect(moved.x, moved.y, moved.width, moved.height + under)
            if any(_near(box, r) for r in others):
                continue
            line = (moved.center, partner.center)
            hidden = any(segment_crosses(*line, r, -2) for r in others if r is not partner_label)
            cost = k + (0 if preferred else 15) + (200 if hidden else 0)
            if best is None or cost < best[0]:
                best = (cost, moved)
            if not hidden:
                break
    if best is not None:
        moved = best[1]
        geometry.rects[item_id] = moved
        if label is not None:
            geometry.labels[item_id] = label.translate(moved.x - rect.x, moved.y - rect.y)


def _rows(frames: list[Frame]) -> dict[str, str]:
    """The key of the frame (pool or lane) each item is in, sub-processes' content included."""
    found: dict[str, str] = {}
    stack = list(frames)
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        for item in frame.items:
            found[item.id] = frame.key
            if item.content is not None:
                for inner in item.content.walk():
                    found[inner.id] = frame.key
    return found


def _near(a: Rect, b: Rect, room: float = 8) -> bool:
    return (
        a.x - room < b.right
        and b.x < a.right + room
        and a.y - room < b.bottom
        and (b.y < a.bottom + room)
    )


def _even(value: float) -> int:
    n = math.ceil(value)
    return n + n % 2


def _columns(place: Placement, flow: FlowGraph) -> list[tuple[float, float]]:
    """The ranks of a laid-out graph as x extents, left to right."""
    spans: dict[int, tuple[float, float]] = {}
    for node in flow.nodes.values():
        box = place.nodes[node.name]
        key = round(box.x + box.width / 2)
        left, right = spans.get(key, (box.x, box.right))
        spans[key] = (min(left, box.x), max(right, box.right))
    return [spans[k] for k in sorted(spans)]
