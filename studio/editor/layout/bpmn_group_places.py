"""Where a BPMN group that enclosed nothing goes after a layout.

A group holds what its frame encloses, so a frame that enclosed nothing must still enclose
nothing. It keeps its place relative to the pool or lane that held it (else to the diagram's
content): the same fractions across and down, moved to the nearest free ground there.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from studio.editor.layout.bpmn_sizes import LANE_STRIP, POOL_STRIP
from studio.editor.layout.geometry import Rect, bounding_box

STEP = 20  # between two tried places
REACH = 30  # rings of STEP tried around the wanted place
GAP = 10  # kept between the frame and any shape
MIN_SIZE = (60.0, 40.0)  # a frame is not shrunk below this to fit its band


@dataclass
class Ground:
    """One diagram's shapes as a frame sees them: bands (pools and lanes, by element id) it may
    lie on, the other shapes it must keep clear of."""

    bands: dict[str, Rect] = field(default_factory=dict)
    pools: set[str] = field(default_factory=set)
    obstacles: list[Rect] = field(default_factory=list)

    @property
    def content(self) -> Rect | None:
        boxes = [*self.bands.values(), *self.obstacles]
        return bounding_box(boxes) if boxes else None

    def band_at(self, frame: Rect) -> str | None:
        """The innermost band holding the centre of `frame`."""
        cx, cy = frame.center
        holding = [
            (r.width * r.height, ref)
            for ref, r in self.bands.items()
            if r.x <= cx <= r.right and r.y <= cy <= r.bottom
        ]
        return min(holding)[1] if holding else None

    def inside(self, ref: str) -> Rect:
        """The part of a band right of its name strip (where its content lies)."""
        r = self.bands[ref]
        strip = POOL_STRIP if ref in self.pools else LANE_STRIP
        return Rect(r.x + strip, r.y, max(r.width - strip, 0), r.height)


def free_place(old_frame: Rect, before: Ground, after: Ground, taken: list[Rect]) -> Rect | None:
    """A frame for a group whose frame `old_frame` (on `before`) enclosed nothing: at the same
    relative place on `after`, enclosing and touching no shape nor any frame of `taken`. None
    when there is no such free place near it."""
    band = before.band_at(old_frame)
    if band is not None and band in after.bands:
        old_box, new_box, bounded = before.bands[band], after.inside(band), True
    else:
        old_box, new_box, bounded = before.content, after.content, False
    if old_box is None or new_box is None:
        return None
    width = _fit(old_frame.width, new_box.width, MIN_SIZE[0]) if bounded else old_frame.width
    height = _fit(old_frame.height, new_box.height, MIN_SIZE[1]) if bounded else old_frame.height
    cx, cy = old_frame.center
    fx = _fraction(cx - old_box.x, old_box.width)
    fy = _fraction(cy - old_box.y, old_box.height)
    wanted = (new_box.x + fx * new_box.width, new_box.y + fy * new_box.height)
    blocked = [_grown(r, GAP) for r in (*after.obstacles, *taken)]
    for x, y in _around(wanted):
        frame = Rect(x - width / 2, y - height / 2, width, height)
        if bounded and not _grown(new_box, -GAP / 2).contains(frame):
            continue
        if not any(frame.overlaps(r) for r in blocked):
            return frame
    return None


def _fit(size: float, room: float, least: float) -> float:
    return max(min(size, room - 2 * GAP), least)


def _fraction(offset: float, length: float) -> float:
    return min(max(offset / length, 0.0), 1.0) if length > 0 else 0.5


def _grown(r: Rect, by: float) -> Rect:
    return Rect(r.x - by, r.y - by, r.width + 2 * by, r.height + 2 * by)


def _around(centre: tuple[float, float]) -> Iterator[tuple[float, float]]:
    """Points on a grid around `centre`, nearest first (the centre itself first)."""
    offsets = [(i, j) for i in range(-REACH, REACH + 1) for j in range(-REACH, REACH + 1)]
    offsets.sort(key=lambda o: (math.hypot(*o), o))
    for i, j in offsets:
        yield centre[0] + i * STEP, centre[1] + j * STEP
