"""Artifacts in the SVG previews, the same in CMMN and BPMN: text annotations and groups.

A text annotation is an open bracket on its left side with its text beside it; a group is a
dashed rounded frame with its name (a BPMN category value) where its DI label says, else just
inside its top edge. The text goes
through `Svg.text`, which escapes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.editor.layout.geometry import Rect
from studio.editor.layout.text import text_width, wrap

if TYPE_CHECKING:
    from studio.editor.preview import Svg

INK = "#222"
BRACKET = 10  # length of the bracket's arms
INSET = 5  # between the bracket and the text
GROUP_DASHES = "8 4 2 4"  # dash-dot, as the BPMN specification draws groups
GROUP_RADIUS = 10


def draw_annotation(out: Svg, r: Rect, text: str, font_size: float) -> None:
    """A text annotation: `[` along the left side of `r`, `text` wrapped inside `r`; lines
    that do not fit its height end in an ellipsis."""
    arms = min(BRACKET, r.width / 2)
    bracket = [(r.x + arms, r.y), (r.x, r.y), (r.x, r.bottom), (r.x + arms, r.bottom)]
    out.polyline(bracket, stroke=INK, stroke_width=1.3)
    lines = wrap(text, max(r.width - 2 * INSET, 20), font_size)
    most = max(1, int((r.height - INSET) // out.line_height))
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1].rstrip() + "…"]
    out.text(r.x + INSET, r.y + INSET + font_size - 1, lines, "start", size=font_size)


def draw_group(out: Svg, r: Rect, name: str, label: Rect | None, font_size: float) -> None:
    """A group: a dashed rounded frame, `name` in its label bounds when the DI gives them,
    else centred just inside the frame's top edge (at most two lines)."""
    out.rect(r, GROUP_RADIUS, fill="none", stroke=INK, stroke_width=1.5,
             stroke_dasharray=GROUP_DASHES)  # fmt: skip
    if not name.strip():
        return
    if label is not None and label.width > 0:
        widest = max((text_width(word, font_size) for word in name.split()), default=0)
        lines = wrap(name, max(label.width, widest), font_size)
        out.text(label.center[0], label.y + font_size - 1, lines, size=font_size)
        return
    lines = wrap(name, max(r.width - 2 * INSET, 40), font_size)[:2]
    out.text(r.center[0], r.y + INSET + font_size - 1, lines, size=font_size)
