"""The simulation report: one self-contained HTML page (inline CSS and SVG, no script, nothing
fetched) with the KPIs, the distribution of cycle times, waiting per activity, utilization per
role, the most frequent paths, the outcomes and a heat map of element counts on the diagram.

Every text that comes from a model, a specification or a result is escaped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Any

from studio.editor.preview import PreviewError, render_svg
from studio.notation import NotationError, read_model_file
from studio.notation.bpmn import BpmnIndex, local_ref
from studio.notation.cmmn import CmmnIndex
from studio.notation.documents import notation_of

Bins = Sequence[Sequence[float]]

DASH = "\u2013"
MINUS = "\u2212"
ACCENT = "#2f6f9f"
BAR = "#5b8fbd"


# -- formatting -----------------------------------------------------------------------------------


def fmt_duration(seconds: float | None) -> str:
    """Seconds in the unit a person reads best: 45 s, 12 min, 3.5 h, 2.1 d."""
    if seconds is None or not math.isfinite(seconds):
        return DASH
    sign = MINUS if seconds < 0 else ""
    s = abs(seconds)
    for limit, size, unit in ((60, 1, "s"), (3600, 60, "min"), (172800, 3600, "h")):
        if s < limit:
            return sign + _short(s / size) + " " + unit
    return sign + _short(s / 86400) + " d"


def _short(value: float) -> str:
    if value == 0:
        return "0"
    text = f"{value:,.1f}" if abs(value) < 10 else f"{value:,.0f}"
    return text[:-2] if text.endswith(".0") else text


def fmt_number(value: float | None) -> str:
    """A count: thousands separated, one decimal when it is a mean over replications."""
    if value is None:
        return DASH
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) >= 1 else f"{value:.2f}"


def fmt_money(value: float | None) -> str:
    """A cost, without currency (the specification's `cost_per_hour` sets it)."""
    return DASH if value is None else f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def fmt_percent(share: float | None) -> str:
    """A share (0..1) as a percentage."""
    return DASH if share is None else f"{share * 100:.1f} %"


def _compact(value: float) -> str:
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return _short(value / size) + suffix
    return _short(value) if not float(value).is_integer() else str(int(value))


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# -- charts ---------------------------------------------------------------------------------------


def _nice_step(top: float, ticks: int = 4) -> float:
    raw = max(top, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def histogram_svg(
    bins: Bins,
    *,
    markers: Iterable[tuple[str, float]] = (),
    unit: str = "cases",
    width: int = 1000,
    height: int = 250,
) -> str:
    """A histogram of (lo, hi, count) bins with a count axis, duration labels and markers."""
    bins = [(float(lo), float(hi), float(n)) for lo, hi, n in bins]
    if not bins:
        return '<p class="note">No values were recorded.</p>'
    left, right, top, bottom = 48, 12, 16, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    lo, hi = bins[0][0], bins[-1][1]
    span = (hi - lo) or 1.0
    step = _nice_step(max(n for _, _, n in bins))
    y_max = step * math.ceil(max(n for _, _, n in bins) / step) or 1

    def x_of(value: float) -> float:
        return left + (value - lo) / span * plot_w

    def y_of(count: float) -> float:
        return top + plot_h - count / y_max * plot_h

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img">']
    for i in range(int(y_max / step) + 1):
        y = y_of(i * step)
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{_n(y)}" '
            f'y2="{_n(y)}"/><text class="tick" x="{left - 6}" y="{_n(y + 4)}" '
            f'text-anchor="end">{_compact(i * step)}</text>'
        )
    slot = plot_w / len(bins)
    gap = 1 if slot > 4 else 0
    for i, (b_lo, b_hi, n) in enumerate(bins):
        x = left + i * slot if hi > lo else left
        w = slot - gap if hi > lo else plot_w
        tip = f"{fmt_duration(b_lo)} {DASH} {fmt_duration(b_hi)}: {fmt_number(n)} {unit}"
        parts.append(
            f'<rect class="bar" data-count="{_n(n)}" x="{_n(x)}" y="{_n(y_of(n))}" '
            f'width="{_n(max(w, 0.5))}" height="{_n(plot_h - (y_of(n) - top))}">'
            f"<title>{escape(tip)}</title></rect>"
        )
    base = top + plot_h
    parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{base}" y2="{base}"/>')
    for k in range(5):
        value = lo + span * k / 4
        anchor = "start" if k == 0 else "end" if k == 4 else "middle"
        parts.append(
            f'<text class="tick" x="{_n(x_of(value))}" y="{base + 16}" '
            f'text-anchor="{anchor}">{escape(fmt_duration(value))}</text>'
        )
    for index, (label, value) in enumerate(markers):
        if not lo <= value <= hi or hi <= lo:
            continue
        x = _n(x_of(value))
        parts.append(
            f'<line class="marker" x1="{x}" x2="{x}" y1="{top}" y2="{base}"/>'
            f'<text class="marker-label" x="{x}" y="{top + 10 + 12 * (index % 3)}" '
            f'dx="4">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline_svg(bins: Bins, width: int = 150, height: int = 32) -> str:
    """A tiny histogram without axes (for a table cell)."""
    counts = [float(b[2]) for b in bins]
    if not counts or max(counts) <= 0:
        return ""
    slot, peak = width / len(counts), max(counts)
    rects = "".join(
        f'<rect class="bar" data-count="{_n(n)}" x="{_n(i * slot)}" '
        f'y="{_n(height - n / peak * height)}" '
        f'width="{_n(max(slot - 0.5, 0.5))}" height="{_n(n / peak * height)}"/>'
        for i, n in enumerate(counts)
    )
    tip = f"{fmt_duration(float(bins[0][0]))} {DASH} {fmt_duration(float(bins[-1][1]))}"
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{escape(tip)}</title>{rects}</svg>"
    )


def _meter(share: float, css: str = "", label: str = "") -> str:
    width = max(0.0, min(share, 1.0)) * 100
    return (
        f'<div class="meter {css}"><div class="fill" style="width:{width:.1f}%"></div>{label}</div>'
    )


# -- sections -------------------------------------------------------------------------------------


def _kpi(label: str, value: str, detail: str = "") -> str:
    extra = f'<div class="kpi-detail">{detail}</div>' if detail else ""
    return (
        f'<div class="kpi"><div class="kpi-label">{escape(label)}</div>'
        f'<div class="kpi-value">{value}</div>{extra}</div>'
    )


def kpi_section(result: dict) -> str:
    """Cases and cycle time, with the confidence half-width of the mean when there is one."""
    cases = result.get("cases", {})
    arrived = cases.get("arrived") or 0
    case_cards = []
    for key, label in (
        ("arrived", "Arrived"),
        ("completed", "Completed"),
        ("terminated", "Terminated"),
        ("open", "Still open"),
    ):
        value = cases.get(key)
        share = (
            f"{fmt_percent(value / arrived)} of arrivals"
            if arrived and key != "arrived" and value is not None
            else ""
        )
        case_cards.append(_kpi(label, fmt_number(value), share))
    cycle = result.get("cycle_time", {})
    ci = cycle.get("ci95")
    cycle_cards = [
        _kpi(
            "Mean",
            fmt_duration(cycle.get("mean")),
            f"± {fmt_duration(ci)} (95 % CI)" if ci is not None else "",
        )
    ]
    for key, label in (("p50", "Median (p50)"), ("p90", "p90"), ("p95", "p95"), ("max", "Max")):
        cycle_cards.append(_kpi(label, fmt_duration(cycle.get(key))))
    return (
        '<section class="card"><h2>Summary</h2><h3>Cases</h3>'
        f'<div class="kpis">{"".join(case_cards)}</div><h3>Cycle time</h3>'
        f'<div class="kpis">{"".join(cycle_cards)}</div></section>'
    )


def cycle_section(result: dict, extras: dict, width: int = 1000) -> str:
    bins = (extras.get("histograms") or {}).get("cycle_time") or []
    cycle = result.get("cycle_time", {})
    markers = [
        (k, cycle[k]) for k in ("p50", "p90", "p95") if isinstance(cycle.get(k), int | float)
    ]
    chart = (
        histogram_svg(bins, markers=markers, unit="cases", width=width)
        if bins
        else '<p class="note">The result has no cycle-time histogram.</p>'
    )
    return (
        '<section class="card"><h2>Cycle time distribution</h2>'
        '<p class="note">From a case\'s arrival to its end; the dashed lines mark the '
        f"percentiles.</p>{chart}</section>"
    )


def activity_section(result: dict, extras: dict) -> str:
    activities = result.get("activities") or {}
    if not activities:
        return (
            '<section class="card"><h2>Waiting per activity</h2><p class="note">No activity '
            "was performed.</p></section>"
        )
    waiting_bins = (extras.get("histograms") or {}).get("waiting") or {}

    def waits(item: tuple[str, dict]) -> tuple[float, str]:
        return (-float((item[1].get("waiting") or {}).get("mean") or 0), item[0])

    rows = sorted(activities.items(), key=waits)
    scale = (
        max([float((a.get("waiting") or {}).get(k) or 0) for _, a in rows for k in ("mean", "p90")])
        or 1.0
    )
    body = []
    for name, activity in rows:
        waiting = activity.get("waiting") or {}
        mean, p90 = float(waiting.get("mean") or 0), waiting.get("p90")
        tick = (
            (
                f'<span class="tick-mark" style="left:{min(float(p90) / scale, 1) * 100:.1f}%" '
                f'title="p90 {escape(fmt_duration(p90))}"></span>'
            )
            if p90 is not None
            else ""
        )
        ci = waiting.get("ci95")
        mean_text = fmt_duration(mean) + (f" ± {fmt_duration(ci)}" if ci is not None else "")
        body.append(
            f'<tr><th scope="row">{escape(str(name))}</th>'
            f'<td class="num">{fmt_number(activity.get("count"))}</td>'
            f'<td class="wide">{_meter(mean / scale, "waiting", tick)}</td>'
            f'<td class="num">{escape(mean_text)}</td>'
            f'<td class="num">{fmt_duration(p90)}</td>'
            f'<td class="num">{fmt_duration((activity.get("processing") or {}).get("mean"))}</td>'
            f"<td>{sparkline_svg(waiting_bins.get(name) or [])}</td></tr>"
        )
    return (
        '<section class="card"><h2>Waiting per activity</h2><p class="note">From the moment an '
        "item is ready for a person to the moment one starts it, zero waits included; the bar is "
        'the mean, <span class="legend-tick"></span> marks p90; longest waits first.</p>'
        '<div class="scroll"><table><thead><tr><th>Activity</th><th class="num">Count</th>'
        '<th>Mean waiting</th><th class="num">Mean</th><th class="num">p90</th>'
        '<th class="num">Processing (mean)</th><th>Waiting distribution</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div></section>"
    )


def resource_section(result: dict) -> str:
    resources = result.get("resources") or {}
    if not resources:
        return ""
    rows = []
    for role, figures in sorted(resources.items()):
        share = float(figures.get("utilization") or 0)
        level = "high" if share >= 0.9 else "medium" if share >= 0.7 else "low"
        ci = figures.get("utilization_ci95")
        text = fmt_percent(share) + (f" ± {fmt_percent(ci)}" if ci is not None else "")
        cost_ci = figures.get("cost_ci95")
        cost = fmt_money(figures.get("cost")) + (
            f" ± {fmt_money(cost_ci)}" if cost_ci is not None else ""
        )
        rows.append(
            f'<tr><th scope="row">{escape(str(role))}</th><td class="wide">'
            f'{_meter(share, level)}</td><td class="num">{escape(text)}</td>'
            f'<td class="num">{escape(cost)}</td></tr>'
        )
    return (
        '<section class="card"><h2>Utilization per role</h2><p class="note">Busy time over the '
        'time the role\'s resources were available in their calendar. <span class="swatch low">'
        '</span> under 70 % <span class="swatch medium"></span> 70&ndash;90 % '
        '<span class="swatch high"></span> 90 % and above.</p>'
        '<div class="scroll"><table><thead><tr><th>Role</th><th>Utilization</th>'
        '<th class="num">%</th><th class="num">Cost</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def path_section(result: dict, extras: dict, top: int = 10) -> str:
    paths = [(list(p[0]), float(p[1])) for p in extras.get("paths") or [] if len(p) == 2]
    if not paths:
        return ""
    paths.sort(key=lambda p: (-p[1], p[0]))
    cases = result.get("cases") or {}
    ended = float(cases.get("completed") or 0) + float(cases.get("terminated") or 0)
    total = max(sum(n for _, n in paths), ended) or 1.0
    rows = []
    for rank, (names, count) in enumerate(paths[:top], 1):
        steps = (
            '<span class="sep">&rsaquo;</span>'.join(
                f'<span class="step">{escape(str(n))}</span>' for n in names
            )
            or '<span class="note">(no activity)</span>'
        )
        rows.append(
            f'<tr><td class="num">{rank}</td><td class="path">{steps}</td>'
            f'<td class="num">{fmt_number(count)}</td>'
            f'<td class="share">{_meter(count / total, "path")}</td>'
            f'<td class="num">{fmt_percent(count / total)}</td></tr>'
        )
    shown = f"the {min(top, len(paths))} most frequent of {len(paths):,} distinct paths"
    return (
        '<section class="card"><h2>Paths</h2><p class="note">The activities a case went through, '
        f"in order: {shown}; shares are of the cases that ended.</p>"
        '<div class="scroll"><table><thead><tr><th class="num">#</th><th>Path</th>'
        '<th class="num">Cases</th><th>Share</th><th class="num">%</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def outcome_section(result: dict) -> str:
    outcomes = result.get("outcomes") or {}
    if not outcomes:
        return ""
    total = sum(float(n) for n in outcomes.values()) or 1.0
    rows = "".join(
        f'<tr><th scope="row">{escape(str(name))}</th><td class="num">{fmt_number(n)}</td>'
        f'<td class="wide">{_meter(float(n) / total, "path")}</td>'
        f'<td class="num">{fmt_percent(float(n) / total)}</td></tr>'
        for name, n in sorted(outcomes.items(), key=lambda o: (-float(o[1]), o[0]))
    )
    return (
        '<section class="card"><h2>Outcomes</h2><div class="scroll"><table><thead><tr>'
        '<th>Outcome</th><th class="num">Count</th><th>Share</th><th class="num">%</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div></section>"
    )


def spec_section(extras: dict) -> str:
    spec = extras.get("spec")
    if not spec:
        return ""
    text = json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=False)
    return (
        '<section class="card"><details><summary>Simulation specification</summary>'
        f"<pre>{escape(text)}</pre></details></section>"
    )


def report_sections(
    result: dict, extras: dict | None, model_path: Path | None, *, narrow: bool = False
) -> list[str]:
    """The report's sections, in reading order (`narrow` for half a page, as in a comparison)."""
    extras = extras or {}
    sections = [
        kpi_section(result),
        cycle_section(result, extras, 560 if narrow else 1000),
        activity_section(result, extras),
        resource_section(result),
        path_section(result, extras),
        outcome_section(result),
        heatmap_section(result, model_path),
        spec_section(extras),
    ]
    return [s for s in sections if s]


def run_facts(result: dict, extras: dict | None, model_path: Path | None) -> str:
    """What the run was (model, seed, replications, cases) and how to read the figures."""
    extras = extras or {}
    facts = []
    if model_path is not None:
        facts.append(f"Model <b>{escape(Path(model_path).name)}</b>")
    if extras.get("seed") is not None:
        facts.append(f"seed <b>{escape(str(extras['seed']))}</b>")
    replications = extras.get("replications")
    several = isinstance(replications, int) and replications > 1
    if replications:
        plural = "s" if several else ""
        facts.append(f"<b>{escape(str(replications))}</b> replication{plural}")
    arrived = (result.get("cases") or {}).get("arrived")
    if arrived is not None:
        facts.append(
            f"<b>{fmt_number(arrived)}</b> cases" + (" per replication" if several else "")
        )
    note = "Times are shown in seconds (s), minutes (min), hours (h) and days (d)"
    if several:
        note += "; figures are means over the replications, ± the half-width of their 95 % CI"
    return f'<p class="facts">{" · ".join(facts)}</p><p class="note">{note}.</p>'


def header(title: str, result: dict, extras: dict | None, model_path: Path | None) -> str:
    """The page title and the facts of the run."""
    return f"<header><h1>{escape(title)}</h1>{run_facts(result, extras, model_path)}</header>"


def render_report(result: dict, extras: dict | None, model_path: Path | None, title: str) -> str:
    """The whole report page for one simulation result."""
    body = header(title, result, extras, model_path) + "".join(
        report_sections(result, extras, model_path)
    )
    return page(title, body)


def page(title: str, body: str) -> str:
    """A complete HTML document around `body` with the report's style sheet."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}<footer>Case Studio simulation report</footer></main></body></html>\n"
    )


# -- heat map -------------------------------------------------------------------------------------

HEAT_STOPS = ((255, 237, 160), (254, 178, 76), (240, 59, 32), (128, 0, 38))


def heat_color(t: float) -> str:
    """A color from pale yellow (t = 0) to deep red (t = 1)."""
    t = max(0.0, min(t, 1.0)) * (len(HEAT_STOPS) - 1)
    i = min(int(t), len(HEAT_STOPS) - 2)
    a, b, f = HEAT_STOPS[i], HEAT_STOPS[i + 1], t - i
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b, strict=True))


Box = tuple[float, float, float, float]


def _diagrams(model: Any) -> list[tuple[list[tuple[str, Box]], list[tuple[str, list]]]]:
    """Per diagram: the shapes (element id, x, y, w, h) and edges (element id, waypoints)."""
    found = []
    if notation_of(model) == "cmmn":
        for d in model.cmmndi.diagrams if model.cmmndi else ():
            shapes = [(s.cmmn_element_ref or "", s.bounds) for s in d.shapes]
            edges = [(e.cmmn_element_ref or "", e.waypoints) for e in d.edges]
            found.append((shapes, edges))
    elif notation_of(model) == "bpmn":
        for d in model.diagrams:
            plane = d.plane
            shapes = (
                [(local_ref(s.bpmn_element or ""), s.bounds) for s in plane.shapes] if plane else []
            )
            edges = (
                [(local_ref(e.bpmn_element or ""), e.waypoints) for e in plane.edges]
                if plane
                else []
            )
            found.append((shapes, edges))
    return [
        (
            [(ref, (b.x, b.y, b.width, b.height)) for ref, b in shapes if b is not None],
            [(ref, [(p.x, p.y) for p in points]) for ref, points in edges if len(points) >= 2],
        )
        for shapes, edges in found
    ]


def _names(model: Any) -> dict[str, str]:
    if notation_of(model) == "cmmn":
        index = CmmnIndex(model)
        names = {i: getattr(e, "name", None) or "" for i, e in index.by_id.items()}
        for ident, info in index.plan_items.items():
            names[ident] = info.item.name or getattr(info.definition, "name", None) or ""
        return names
    index = BpmnIndex(model)
    return {i: getattr(e, "name", None) or "" for i, e in index.by_id.items()}


def _contains(outer: Box, inner: Box) -> bool:
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner
    return ow * oh > iw * ih and ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


def _badge(x: float, y: float, text: str, color: str) -> str:
    width = 8 + 7 * len(text)
    return (
        f'<rect x="{_n(x - width / 2)}" y="{_n(y - 9)}" width="{width}" height="18" rx="9" '
        f'fill="{color}" stroke="#fff" stroke-width="1.5"/><text x="{_n(x)}" y="{_n(y + 4)}" '
        f'text-anchor="middle" font-size="11" font-weight="bold" fill="#fff">{escape(text)}'
        "</text>"
    )


def heat_overlay(
    shapes: list[tuple[str, Box]],
    edges: list[tuple[str, list]],
    counts: dict[str, float],
    names: dict[str, str],
    peak: float,
) -> tuple[str, set[str]]:
    """SVG overlays for the counted elements of one diagram, and the ids it placed."""
    fills, outlines, badges, placed = [], [], [], set()
    boxes = [box for _, box in shapes]
    for ref, box in shapes:
        count = counts.get(ref)
        if not count:
            continue
        placed.add(ref)
        color = heat_color(count / peak)
        x, y, w, h = box
        tip = f"<title>{escape(names.get(ref) or ref)}: {fmt_number(count)}</title>"
        data = f'class="heat" data-element="{escape(ref)}" data-count="{_n(count)}"'
        if any(_contains(box, other) for other in boxes if other is not box):
            outlines.append(
                f'<rect {data} x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" '
                f'height="{_n(h)}" fill="none" stroke="{color}" stroke-width="5" '
                f'stroke-opacity="0.8">{tip}</rect>'
            )
        else:
            fills.append(
                f'<rect {data} x="{_n(x - 3)}" y="{_n(y - 3)}" width="{_n(w + 6)}" '
                f'height="{_n(h + 6)}" rx="8" fill="{color}" fill-opacity="0.5" '
                f'stroke="{color}" stroke-width="2">{tip}</rect>'
            )
        badges.append(_badge(x + w, y, _compact(count), heat_color(max(count / peak, 0.55))))
    for ref, points in edges:
        count = counts.get(ref)
        if not count:
            continue
        placed.add(ref)
        color = heat_color(count / peak)
        line = " ".join(f"{_n(px)},{_n(py)}" for px, py in points)
        fills.append(
            f'<polyline class="heat-flow" data-element="{escape(ref)}" '
            f'data-count="{_n(count)}" points="{line}" fill="none" stroke="{color}" '
            f'stroke-width="7" stroke-opacity="0.75" stroke-linecap="round">'
            f"<title>{escape(names.get(ref) or ref)}: {fmt_number(count)}</title>"
            "</polyline>"
        )
        mx, my = _halfway(points)
        badges.append(_badge(mx, my, _compact(count), heat_color(max(count / peak, 0.55))))
    blended = f'<g style="mix-blend-mode:multiply">{"".join(fills)}{"".join(outlines)}</g>'
    return blended + f'<g class="heat-badges">{"".join(badges)}</g>', placed


def _halfway(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The point halfway along a polyline."""
    legs = [math.dist(p, q) for p, q in pairwise(points)]
    left = sum(legs) / 2
    for (p, q), leg in zip(pairwise(points), legs, strict=True):
        if leg >= left and leg > 0:
            f = left / leg
            return p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f
        left -= leg
    return points[0]


def _inline(svg: str, overlay: str) -> str:
    """A standalone SVG document made fit for an HTML page, with `overlay` drawn on top."""
    start = svg.find("<svg")
    body = svg[start:].rstrip()
    end = body.rfind("</svg>")
    return body[:end] + overlay + "</svg>"


def _heat_card(content: str) -> str:
    return (
        '<section class="card"><h2>Heat map</h2><p class="note">How often each element was '
        f"performed or passed, over all cases.</p>{content}</section>"
    )


def heatmap_section(result: dict, model_path: Path | None) -> str:
    """The model's diagram(s) with a translucent color per counted element, pale to deep."""
    elements = result.get("elements") or {}
    counts = {
        str(ident): float(value.get("count") or 0)
        for ident, value in elements.items()
        if isinstance(value, dict)
    }
    counts = {ident: n for ident, n in counts.items() if n > 0}
    if model_path is None:
        return _heat_card(
            '<p class="note">No model was given, so there is no diagram to color.</p>'
        )
    try:
        model = read_model_file(model_path)
        diagrams = _diagrams(model)
    except (NotationError, OSError) as exc:
        return _heat_card(f'<p class="note">The model could not be read: {escape(str(exc))}</p>')
    laid_out = ""
    if not any(shapes for shapes, _ in diagrams):
        from studio.editor.layout import LayoutError, layout_model

        try:
            model = layout_model(model)
            diagrams = _diagrams(model)
        except LayoutError as exc:
            return _heat_card(
                '<p class="note">The model has no diagram and could not be laid '
                f"out: {escape(str(exc))}</p>"
            )
        laid_out = " The model has no diagram of its own: it was laid out automatically."
    if not counts:
        return _heat_card('<p class="note">No element was counted.</p>')
    names, peak = _names(model), max(counts.values())
    pictures, placed = [], set()
    for index, (shapes, edges) in enumerate(diagrams):
        overlay, here = heat_overlay(shapes, edges, counts, names, peak)
        if not here:
            continue
        try:
            svg = render_svg(model, index)
        except PreviewError as exc:
            pictures.append(f'<p class="note">{escape(str(exc))}</p>')
            continue
        placed |= here
        pictures.append(f'<div class="diagram">{_inline(svg, overlay)}</div>')
    missing = sorted(set(counts) - placed)
    ramp = ",".join(heat_color(k / 4) for k in range(5))
    legend = (
        f'<div class="heat-legend"><span>0</span>'
        f'<span class="ramp" style="background:linear-gradient(90deg,{ramp})"></span>'
        f"<span>{fmt_number(peak)}</span><span>· badges show the count; a stage or "
        f"sub-process is outlined rather than filled.{escape(laid_out)}</span></div>"
    )
    extra = (
        f'<p class="note">Counted but not in the diagram: '
        f"{escape(', '.join(missing[:20]))}{' …' if len(missing) > 20 else ''}</p>"
        if missing
        else ""
    )
    return _heat_card(legend + "".join(pictures) + extra)


CSS = (
    """
:root{--ink:#1d2733;--muted:#5f6b7a;--line:#e3e7ec;--bg:#f4f6f8;--accent:ACCENT;
--bar:BARCOLOR;--low:#4f9d69;--medium:#e0a030;--high:#d0453a}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 20px 40px}
header h1{margin:0 0 4px;font-size:26px;font-weight:650}
.facts{margin:0;color:var(--muted)}.facts b{color:var(--ink);font-weight:600}
h2{margin:0 0 10px;font-size:18px;font-weight:650}
h3{margin:14px 0 8px;font-size:13px;text-transform:uppercase;letter-spacing:.05em;
color:var(--muted);font-weight:600}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;
margin:18px 0;box-shadow:0 1px 2px rgba(20,30,40,.04)}
.note{color:var(--muted);font-size:13px;margin:0 0 12px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fbfcfd}
.kpi-label{font-size:12px;color:var(--muted)}
.kpi-value{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums}
.kpi-detail{font-size:12px;color:var(--muted)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%%;font-variant-numeric:tabular-nums}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
thead th{font-size:12px;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line)}
tbody th{font-weight:550}
.num{text-align:right;white-space:nowrap}
td.wide{width:32%%;min-width:140px}td.share{width:18%%;min-width:100px}
.meter{position:relative;height:14px;background:#eef1f4;border-radius:7px}
.meter .fill{height:100%%;border-radius:7px;background:var(--bar)}
.meter.low .fill{background:var(--low)}.meter.medium .fill{background:var(--medium)}
.meter.high .fill{background:var(--high)}.meter.path .fill{background:var(--accent)}
.tick-mark{position:absolute;top:-3px;width:2px;height:20px;background:var(--ink);
margin-left:-1px}
.legend-tick{display:inline-block;width:2px;height:12px;background:var(--ink);
vertical-align:middle}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:middle;
margin-left:8px}.swatch.low{background:var(--low)}.swatch.medium{background:var(--medium)}
.swatch.high{background:var(--high)}
.path{line-height:2}
.step{display:inline-block;background:#eaf1f7;color:#1f4e73;border-radius:4px;padding:0 7px;
font-size:13px;line-height:22px;white-space:nowrap}
.sep{color:var(--muted);margin:0 4px}
svg.chart{width:100%%;height:auto;display:block}
svg.chart .bar{fill:var(--bar)}svg.chart .bar:hover{fill:var(--accent)}
svg.chart .grid{stroke:#edf0f3}svg.chart .axis{stroke:#9aa5b1}
svg.chart .tick{font-size:11px;fill:var(--muted)}
svg.chart .marker{stroke:var(--ink);stroke-dasharray:4 3}
svg.chart .marker-label{font-size:11px;fill:var(--ink);font-weight:600;paint-order:stroke;
stroke:#fff;stroke-width:3px}
svg.spark{display:block}svg.spark .bar{fill:var(--bar)}
.diagram{overflow:auto;border:1px solid var(--line);border-radius:8px;background:#fff}
.diagram svg{display:block;max-width:100%%;height:auto}
.heat-legend{display:flex;align-items:center;gap:8px;font-size:12px;color:var(--muted);
margin-bottom:10px}
.heat-legend .ramp{width:220px;height:12px;border-radius:3px;border:1px solid var(--line)}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:18px}
.columns>div>h2.scenario{margin-top:18px}
.columns .kpis{grid-template-columns:repeat(auto-fit,minmax(96px,1fr))}
.columns .kpi-value{font-size:20px}
.up{color:#b3261e}.down{color:#1e7b45}
details summary{cursor:pointer;font-weight:600}
pre{background:#f7f8fa;border:1px solid var(--line);border-radius:6px;padding:12px;
overflow:auto;font-size:12px}
footer{margin-top:24px;color:var(--muted);font-size:12px;text-align:center}
@media (max-width:640px){.kpi-value{font-size:20px}main{padding:16px 10px}}
@media print{body{background:#fff}.card{box-shadow:none;break-inside:avoid}}
""".replace("%%", "%")
    .replace("ACCENT", ACCENT)
    .replace("BARCOLOR", BAR)
)
