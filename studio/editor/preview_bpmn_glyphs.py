"""Small BPMN glyphs for the SVG preview: event triggers, task markers, loop markers."""

from __future__ import annotations

import math

from studio.editor.layout.geometry import Point, Rect

INK = "#222"
Path = tuple[str, dict[str, object]]  # SVG path data and its attributes


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _poly(points: list[Point], closed: bool = True) -> str:
    head, *rest = points
    d = f"M{_fmt(head[0])},{_fmt(head[1])}" + "".join(f"L{_fmt(x)},{_fmt(y)}" for x, y in rest)
    return d + ("Z" if closed else "")


def _circle(cx: float, cy: float, r: float) -> str:
    return (
        f"M{_fmt(cx - r)},{_fmt(cy)}a{_fmt(r)},{_fmt(r)} 0 1 0 {_fmt(2 * r)},0"
        f"a{_fmt(r)},{_fmt(r)} 0 1 0 {_fmt(-2 * r)},0Z"
    )


def _regular(cx: float, cy: float, r: float, sides: int, turn: float = -90) -> list[Point]:
    return [
        (
            cx + r * math.cos(math.radians(turn + 360 * i / sides)),
            cy + r * math.sin(math.radians(turn + 360 * i / sides)),
        )
        for i in range(sides)
    ]


def trigger_glyph(trigger: str, cx: float, cy: float, filled: bool) -> list[Path]:
    """The glyph of an event trigger (`message`, `timer`...) centred in an event's circle."""
    fill = INK if filled else "none"
    solid = {"fill": fill, "stroke": INK, "stroke_width": 1.3}
    line = {"fill": "none", "stroke": INK, "stroke_width": 1.3}
    if trigger == "message":
        box = Rect(cx - 9, cy - 6, 18, 12)
        flap = [(box.x, box.y), (cx, cy + 1), (box.right, box.y)]
        paths = [(_poly([(box.x, box.y), (box.right, box.y), (box.right, box.bottom),
                         (box.x, box.bottom)]), solid)]  # fmt: skip
        return [*paths, (_poly(flap, closed=False), {**line, "stroke": "#fff" if filled else INK})]
    if trigger == "timer":
        hands = _poly([(cx, cy - 7), (cx, cy), (cx + 5, cy + 2)], closed=False)
        ticks = "".join(
            _poly([(cx + 8 * math.cos(a), cy + 8 * math.sin(a)),
                   (cx + 10 * math.cos(a), cy + 10 * math.sin(a))], closed=False)
            for a in (math.radians(30 * i) for i in range(12))
        )  # fmt: skip
        return [(_circle(cx, cy, 11), {**line, "fill": "#fff"}), (ticks + hands, line)]
    if trigger == "signal":
        return [(_poly(_regular(cx, cy + 1, 10, 3)), solid)]
    if trigger == "multiple":
        return [(_poly(_regular(cx, cy + 1, 10, 5)), solid)]
    if trigger == "error":
        bolt = [(cx - 9, cy + 8), (cx - 4, cy - 7), (cx + 2, cy + 2), (cx + 9, cy - 8),
                (cx + 4, cy + 7), (cx - 2, cy - 2)]  # fmt: skip
        return [(_poly(bolt), solid)]
    if trigger == "escalation":
        arrow = [(cx, cy - 10), (cx + 7, cy + 9), (cx, cy + 2), (cx - 7, cy + 9)]
        return [(_poly(arrow), solid)]
    if trigger == "compensate":
        left = [(cx - 10, cy), (cx - 1, cy - 6), (cx - 1, cy + 6)]
        right = [(cx - 1, cy), (cx + 8, cy - 6), (cx + 8, cy + 6)]
        return [(_poly(left) + _poly(right), solid)]
    if trigger == "conditional":
        page = Rect(cx - 7, cy - 9, 14, 18)
        rows = "".join(
            _poly([(page.x + 3, page.y + 4 + 3.5 * i), (page.right - 3, page.y + 4 + 3.5 * i)],
                  closed=False)
            for i in range(4)
        )  # fmt: skip
        outline = _poly([(page.x, page.y), (page.right, page.y), (page.right, page.bottom),
                         (page.x, page.bottom)])  # fmt: skip
        return [(outline, {**line, "fill": "#fff"}), (rows, line)]
    if trigger == "link":
        arrow = [(cx - 9, cy - 4), (cx + 1, cy - 4), (cx + 1, cy - 9), (cx + 10, cy),
                 (cx + 1, cy + 9), (cx + 1, cy + 4), (cx - 9, cy + 4)]  # fmt: skip
        return [(_poly(arrow), solid)]
    if trigger == "terminate":
        return [(_circle(cx, cy, 11), {"fill": INK, "stroke": "none"})]
    if trigger == "cancel":
        cross = [(cx - 9, cy - 6), (cx - 6, cy - 9), (cx, cy - 3), (cx + 6, cy - 9),
                 (cx + 9, cy - 6), (cx + 3, cy), (cx + 9, cy + 6), (cx + 6, cy + 9),
                 (cx, cy + 3), (cx - 6, cy + 9), (cx - 9, cy + 6), (cx - 3, cy)]  # fmt: skip
        return [(_poly(cross), solid)]
    return []


def task_marker(kind: str, x: float, y: float) -> list[Path]:
    """The marker of a task type, in the 16 x 16 square at (x, y)."""
    line = {"fill": "none", "stroke": INK, "stroke_width": 1.2}
    if kind == "userTask":
        head = _circle(x + 8, y + 5, 3.5)
        body = f"M{_fmt(x + 1)},{_fmt(y + 16)}a7,6 0 0 1 14,0Z"
        return [(head, line), (body, line)]
    if kind == "serviceTask":
        teeth = "".join(
            _poly([(x + 8 + 5 * math.cos(a), y + 8 + 5 * math.sin(a)),
                   (x + 8 + 8 * math.cos(a), y + 8 + 8 * math.sin(a))], closed=False)
            for a in (math.radians(45 * i) for i in range(8))
        )  # fmt: skip
        return [(_circle(x + 8, y + 8, 5), {**line, "stroke_width": 1.8}), (teeth, {
            **line, "stroke_width": 2.4})]  # fmt: skip
    if kind == "scriptTask":
        page = _poly([(x + 3, y), (x + 15, y), (x + 13, y + 16), (x + 1, y + 16)])
        rows = "".join(_poly([(x + 4.5, y + 4 + 4 * i), (x + 12, y + 4 + 4 * i)], closed=False)
                       for i in range(3))  # fmt: skip
        return [(page, line), (rows, line)]
    if kind in ("sendTask", "receiveTask"):
        filled = kind == "sendTask"
        box = _poly([(x, y + 3), (x + 16, y + 3), (x + 16, y + 14), (x, y + 14)])
        flap = _poly([(x, y + 3), (x + 8, y + 9), (x + 16, y + 3)], closed=False)
        fill = {**line, "fill": INK} if filled else line
        return [(box, fill), (flap, {**line, "stroke": "#fff" if filled else INK})]
    if kind == "businessRuleTask":
        table = _poly([(x, y + 2), (x + 16, y + 2), (x + 16, y + 15), (x, y + 15)])
        head = _poly([(x, y + 2), (x + 16, y + 2), (x + 16, y + 6), (x, y + 6)])
        grid = _poly([(x, y + 10.5), (x + 16, y + 10.5)], closed=False)
        grid += _poly([(x + 5, y + 6), (x + 5, y + 15)], closed=False)
        return [(table, line), (head, {**line, "fill": "#999"}), (grid, line)]
    if kind == "manualTask":
        hand = _poly([(x, y + 7), (x + 6, y + 3), (x + 15, y + 3), (x + 15, y + 6),
                      (x + 9, y + 6), (x + 15, y + 9), (x + 14, y + 12), (x + 12, y + 15),
                      (x + 2, y + 15), (x, y + 12)])  # fmt: skip
        return [(hand, line)]
    return []


def bottom_markers(
    cx: float, bottom: float, *, loop: str | None, collapsed: bool, ad_hoc: bool, compensation: bool
) -> list[Path]:
    """Markers along the bottom middle of an activity: loop, collapsed [+], ad hoc, compensation."""
    names = [m for m in (loop, "collapsed" if collapsed else None) if m]
    if ad_hoc:
        names.append("adhoc")
    if compensation:
        names.append("compensation")
    line = {"fill": "none", "stroke": INK, "stroke_width": 1.3}
    paths: list[Path] = []
    x = cx - 9 * len(names) + 9
    for name in names:
        top = bottom - 16
        if name == "parallel":
            d = "".join(_poly([(x - 4 + 4 * i, top), (x - 4 + 4 * i, top + 12)], closed=False)
                        for i in range(3))  # fmt: skip
            paths.append((d, {**line, "stroke_width": 2}))
        elif name == "sequential":
            d = "".join(_poly([(x - 6, top + 2 + 4 * i), (x + 6, top + 2 + 4 * i)], closed=False)
                        for i in range(3))  # fmt: skip
            paths.append((d, {**line, "stroke_width": 2}))
        elif name == "standard":
            arc = f"M{_fmt(x - 3)},{_fmt(top + 12)}a6,6 0 1 1 6,0"
            tip = _poly([(x + 3, top + 12), (x + 6, top + 9), (x + 1, top + 9)])
            paths += [(arc, line), (tip, {**line, "fill": INK})]
        elif name == "collapsed":
            box = _poly([(x - 7, top - 1), (x + 7, top - 1), (x + 7, top + 13), (x - 7, top + 13)])
            plus = _poly([(x - 4, top + 6), (x + 4, top + 6)], closed=False)
            plus += _poly([(x, top + 2), (x, top + 10)], closed=False)
            paths += [(box, {**line, "fill": "#fff"}), (plus, line)]
        elif name == "adhoc":
            wave = f"M{_fmt(x - 7)},{_fmt(top + 8)}q3.5,-5 7,0t7,0"
            paths.append((wave, line))
        else:
            left = _poly([(x - 7, top + 6), (x, top + 1), (x, top + 11)])
            right = _poly([(x, top + 6), (x + 7, top + 1), (x + 7, top + 11)])
            paths.append((left + right, line))
        x += 18
    return paths
