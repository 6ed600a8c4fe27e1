"""Geometry the layout tests check drawn bounds with, independent of the layout's own code."""

from __future__ import annotations

from studio.notation.dc import Bounds


def overlap(a: Bounds, b: Bounds) -> bool:
    """Whether the two rectangles share some area (touching edges do not count)."""
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def inside(outer: Bounds, inner: Bounds, tolerance: float = 0.0) -> bool:
    """Whether `inner` lies within `outer`, allowing `tolerance` on every side."""
    return (
        inner.x >= outer.x - tolerance
        and inner.y >= outer.y - tolerance
        and inner.x + inner.width <= outer.x + outer.width + tolerance
        and inner.y + inner.height <= outer.y + outer.height + tolerance
    )
