"""The whole BPMN diagram: pools and lanes as horizontal bands, one above the other.

All items of all pools are laid out in one dot graph (pools and lanes as clusters, see
`bpmn_graph`), so ranks line up across bands. Afterwards each innermost band (a lane, or a
pool without lanes) becomes a row, as high as its content (dot's clusters may be higher):
rows are stacked without gaps inside a pool, pools with a gap between them, every band as wide
as the widest content; a row grows to a minimum height and to hold the process's event
sub-processes in a row under its content. Each row's content moves down rigidly with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.editor.layout.bpmn_graph import Frame
from studio.editor.layout.bpmn_place import ROW_GAP, Geometry, Placer
from studio.editor.layout.bpmn_scene import Band, Item, LaneNode, Scene
from studio.editor.layout.bpmn_sizes import (
    BLACK_BOX_HEIGHT,
    LANE_STRIP,
    MIN_LANE_HEIGHT,
    POOL_STRIP,
)
from studio.editor.layout.geometry import Rect
from studio.editor.layout.runner import GraphvizRunner

POOL_GAP = 40  # between two pools
SIDE_PAD = 40  # between a band's content and its ends
MARGIN = 20  # around the drawing
ROW_PAD = 30  # above and under the content of a lane or pool
EMPTY_WIDTH = 600  # of pools when there is no content at all


@dataclass(eq=False, slots=True)
class Row:
    band: int  # index of the band
    key: str  # the frame's key ("" when nothing is clustered)
    lane: LaneNode | None
    items: list[Item]
    subs: list[Item] = field(default_factory=list)  # its event sub-processes
    top: float = 0.0  # old (dot) extent
    bottom: float = 0.0
    new_top: float = 0.0
    height: float = 0.0


@dataclass(slots=True)
class Drawing:
    """Geometry of the whole diagram, in whole pixels from (MARGIN, MARGIN)."""

    geometry: Geometry
    band_rects: list[Rect]  # every band's extent, pools or not
    band_of: dict[str, int]  # item or participant id -> index of its band
    width: float = 0.0
    height: float = 0.0


def lay_out_scene(scene: Scene, runner: GraphvizRunner) -> Drawing:
    """Lay out every band of `scene`, sub-processes first."""
    placer = Placer(scene, runner)
    top = [item for band in scene.bands if band.content for item in band.content.items]
    placer.prepare(top)
    frames, rows = _frames(scene)
    geometry = placer.level(frames)
    for row in rows:
        box = geometry.extent([i.id for item in row.items for i in _walk(item)])
        pad = ROW_PAD if row.key else 0
        if box is not None:
            row.top, row.bottom = box.y - pad, box.bottom + pad
    return _Stacker(scene, placer, geometry, rows).stack()


def _walk(item: Item) -> list[Item]:
    return [item, *(item.content.walk() if item.content else ())]


def _frames(scene: Scene) -> tuple[list[Frame], list[Row]]:
    """The frames of the dot graph and the rows they become."""
    rows: list[Row] = []
    bands = scene.bands
    if len(bands) == 1 and bands[0].participant is None and not bands[0].lanes:
        items = bands[0].content.items if bands[0].content else []
        row = Row(0, "", None, [i for i in items if not i.event_sub_process])
        row.subs = [i for i in items if i.event_sub_process]
        return [Frame("", row.items)], [row]
    frames = []
    for index, band in enumerate(bands):
        items = band.content.items if band.content else []
        flowing = [i for i in items if not i.event_sub_process]
        key = f"band{index}"
        if not band.lanes:
            row = Row(index, key, None, flowing, [i for i in items if i.event_sub_process])
            rows.append(row)
            frames.append(Frame(key, flowing))
            continue
        frame = Frame(key)
        for lane in band.lanes:
            frame.children.append(_lane_frame(index, lane, items, rows))
        frames.append(frame)
    return frames, rows


def _lane_frame(band: int, lane: LaneNode, items: list[Item], rows: list[Row]) -> Frame:
    key = f"lane:{lane.lane.id}"
    if lane.children:
        return Frame(key, children=[_lane_frame(band, c, items, rows) for c in lane.children])
    mine = [i for i in items if i.lane == lane.lane.id]
    flowing = [i for i in mine if not i.event_sub_process]
    rows.append(Row(band, key, lane, flowing, [i for i in mine if i.event_sub_process]))
    return Frame(key, flowing)


class _Stacker:
    def __init__(self, scene: Scene, placer: Placer, geometry: Geometry, rows: list[Row]) -> None:
        self.scene = scene
        self.placer = placer
        self.geometry = geometry
        self.rows = rows

    def stack(self) -> Drawing:
        left, right = self.x_extent()
        strip = max((_strip(b) for b in self.scene.bands), default=0)
        x0 = left - strip
        y = 0.0
        band_rects: list[Rect] = []
        out = Geometry()
        for index in range(len(self.scene.bands)):
            top = y
            for row in (r for r in self.rows if r.band == index):
                y = self.place_row(row, y, left, out)
            if y == top:  # a band without rows cannot happen, but keep it visible
                y += BLACK_BOX_HEIGHT
            band_rects.append(Rect(x0, top, right - x0, y - top))
            y += POOL_GAP
        self.hints(out)
        for index, band in enumerate(self.scene.bands):
            rect = band_rects[index]
            if band.participant is not None and band.participant.id:
                out.rects[band.participant.id] = rect
            self.lanes(band, index, rect, out)
        self.free_row(y, x0, out)
        drawing = Drawing(out, band_rects, self.band_of())
        _normalise(drawing)
        return drawing

    def x_extent(self) -> tuple[float, float]:
        ids = [i.id for row in self.rows for item in row.items for i in _walk(item)]
        box = self.geometry.extent(ids)
        if box is None:
            return 0.0, float(EMPTY_WIDTH)
        width = max(box.width, max((self.sub_width(r) for r in self.rows), default=0))
        return box.x - SIDE_PAD, box.x + width + SIDE_PAD

    def sub_width(self, row: Row) -> float:
        sizes = [self.placer.size_of(item)[0] for item in row.subs]
        return sum(sizes) + ROW_GAP * (len(sizes) - 1) if sizes else 0.0

    def place_row(self, row: Row, y: float, left: float, out: Geometry) -> float:
        """Move the row's content to `y`, add its event sub-processes; the row's bottom."""
        dy = y - row.top
        for item in row.items:
            for inner in _walk(item):
                if inner.id in self.geometry.rects:
                    out.rects[inner.id] = self.geometry.rects[inner.id].translate(0, dy)
                if inner.id in self.geometry.labels:
                    out.labels[inner.id] = self.geometry.labels[inner.id].translate(0, dy)
        height = row.bottom - row.top
        if row.subs:
            sub_top = y + height + (ROW_GAP if row.items else ROW_GAP / 2)
            x = left + SIDE_PAD
            row_height = 0
            for item in row.subs:
                width, h = self.placer.size_of(item)
                rect = Rect(x, sub_top, width, h)
                out.rects[item.id] = rect
                block = self.placer.blocks.get(item.id)
                if block is not None:
                    out.merge(block.geometry, rect.x, rect.y)
                x += width + ROW_GAP
                row_height = max(row_height, h)
            height = sub_top + row_height + ROW_GAP - y
        band = self.scene.bands[row.band]
        if row.key:
            least = MIN_LANE_HEIGHT if band.process is not None else BLACK_BOX_HEIGHT
            height = max(height, least)
        row.new_top, row.height = y, height
        return y + height

    def hints(self, out: Geometry) -> None:
        """Dot's routes, moved with the row of the flow's source."""
        shift = {
            inner.id: row.new_top - row.top
            for row in self.rows
            for item in row.items
            for inner in _walk(item)
        }
        for link in self.scene.links:
            points = self.geometry.hints.get(link.id)
            if points is None:
                continue
            dy = shift.get(link.source, 0.0)
            out.hints[link.id] = [(x, y + dy) for x, y in points]
            out.columns[link.id] = self.geometry.columns[link.id]

    def lanes(self, band: Band, index: int, pool: Rect, out: Geometry) -> None:
        rows = {r.lane.lane.id: r for r in self.rows if r.band == index and r.lane is not None}
        start = pool.x + (POOL_STRIP if band.participant is not None else 0)

        def extent(node: LaneNode) -> tuple[float, float]:
            if not node.children:
                row = rows[node.lane.id]
                return row.new_top, row.new_top + row.height
            spans = [extent(child) for child in node.children]
            return spans[0][0], spans[-1][1]

        for lane in band.all_lanes():
            top, bottom = extent(lane)
            x = start + LANE_STRIP * lane.depth
            out.rects[lane.lane.id or ""] = Rect(x, top, pool.right - x, bottom - top)

    def free_row(self, y: float, x: float, out: Geometry) -> None:
        for item in self.scene.free:
            width, height = self.placer.size_of(item)
            out.rects[item.id] = Rect(x, y, width, height)
            x += width + ROW_GAP

    def band_of(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, band in enumerate(self.scene.bands):
            if band.participant is not None and band.participant.id:
                found[band.participant.id] = index
            if band.content is not None:
                for item in band.content.walk():
                    found[item.id] = index
        return found


def _strip(band: Band) -> int:
    """Room on the left of a band for its pool's and lanes' names."""
    strip = POOL_STRIP if band.participant is not None else 0
    if band.lanes:
        strip += LANE_STRIP * (max(n.depth for n in band.all_lanes()) + 1)
    return strip


def _normalise(drawing: Drawing) -> None:
    """Move the drawing to (MARGIN, MARGIN), in whole pixels, and measure it."""
    g = drawing.geometry
    rects = [*g.rects.values(), *g.labels.values()]
    if not rects:
        return
    x0 = min(r.x for r in rects)
    y0 = min(r.y for r in rects)
    dx, dy = MARGIN - round(x0), MARGIN - round(y0)
    moved = Geometry()
    moved.merge(g, dx, dy)
    moved.rects = {k: _whole(r) for k, r in moved.rects.items()}
    moved.labels = {k: _whole(r) for k, r in moved.labels.items()}
    drawing.geometry = moved
    drawing.band_rects = [_whole(r.translate(dx, dy)) for r in drawing.band_rects]
    rects = [*moved.rects.values(), *moved.labels.values()]
    drawing.width = max(r.right for r in rects) + MARGIN
    drawing.height = max(r.bottom for r in rects) + MARGIN


def _whole(r: Rect) -> Rect:
    x, y = round(r.x), round(r.y)
    return Rect(x, y, round(r.right) - x, round(r.bottom) - y)
