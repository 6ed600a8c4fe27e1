"""What-if comparison of two simulation results: a text table for the terminal, JSON with the
differences, and an HTML page with both reports side by side.

A difference is always ``b - a`` and a change is relative to ``a``.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from studio.simulation.report_html import (
    DASH,
    MINUS,
    fmt_duration,
    fmt_money,
    fmt_number,
    fmt_percent,
    page,
    report_sections,
    run_facts,
)

Kpi = tuple[str, str, float | None, float | None]  # label, kind, value in a, value in b


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _get(result: dict, *path: str) -> float | None:
    node: Any = result
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return _number(node)


def kpis(a: dict, b: dict) -> list[Kpi]:
    """The main figures of both results, in reading order."""
    rows: list[Kpi] = []
    for key in ("arrived", "completed", "terminated", "open"):
        rows.append((f"Cases {key}", "count", _get(a, "cases", key), _get(b, "cases", key)))
    for key in ("mean", "p50", "p90", "p95", "max"):
        rows.append(
            (f"Cycle time {key}", "duration", *(_get(r, "cycle_time", key) for r in (a, b)))
        )
    for name in _names(a, b, "activities"):
        values = (_get(r, "activities", name, "waiting", "mean") for r in (a, b))
        rows.append((f"Waiting {name}", "duration", *values))
    costs: list[list[float]] = [[], []]
    for role in _names(a, b, "resources"):
        values = [_get(r, "resources", role, "utilization") for r in (a, b)]
        rows.append((f"Utilization {role}", "share", *values))
        for side, r in enumerate((a, b)):
            costs[side].append(_get(r, "resources", role, "cost") or 0.0)
    if costs[0] or costs[1]:
        rows.append(("Total cost", "money", sum(costs[0]), sum(costs[1])))
    return rows


def _names(a: dict, b: dict, section: str) -> list[str]:
    names = {str(k) for r in (a, b) for k in (r.get(section) or {})}
    return sorted(names)


FORMATS: dict[str, Callable[[float | None], str]] = {
    "count": fmt_number,
    "duration": fmt_duration,
    "share": fmt_percent,
    "money": fmt_money,
}


def _difference(kind: str, a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return DASH
    delta = b - a
    text = f"{abs(delta) * 100:.1f} pp" if kind == "share" else FORMATS[kind](abs(delta))
    return ("+" if delta > 0 else MINUS if delta < 0 else "") + text


def _change(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return DASH
    if a == 0:
        return "0.0 %" if b == 0 else "n/a"
    change = (b - a) / abs(a) * 100
    return ("+" if change > 0 else MINUS if change < 0 else "") + f"{abs(change):.1f} %"


def _rows(a: dict, b: dict) -> list[tuple[str, str, str, str, str]]:
    return [
        (label, FORMATS[kind](va), FORMATS[kind](vb), _difference(kind, va, vb), _change(va, vb))
        for label, kind, va, vb in kpis(a, b)
    ]


def render_comparison_text(a: dict, b: dict, name_a: str, name_b: str) -> str:
    """A side-by-side table of the main figures with the difference and the change."""
    head = ("", name_a, name_b, "difference", "change")
    rows = [head, *_rows(a, b)]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, 5)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _diff(a: Any, b: Any) -> Any:
    if isinstance(a, dict) or isinstance(b, dict):
        a = a if isinstance(a, dict) else {}
        b = b if isinstance(b, dict) else {}
        out = {}
        for key in [*a, *(k for k in b if k not in a)]:
            value = _diff(a.get(key), b.get(key))
            if value is not None and value != {}:
                out[key] = value
        return out
    va, vb = _number(a), _number(b)
    if va is None and vb is None:
        return None
    if all(isinstance(v, int) and not isinstance(v, bool) for v in (a, b)):
        return b - a
    return (vb or 0.0) - (va or 0.0)


def comparison_json(a: dict, b: dict) -> dict:
    """``{"a", "b", "difference"}``: the difference (b - a) of every numeric leaf, a missing
    number counting as 0."""
    return {"a": a, "b": b, "difference": _diff(a, b)}


def _better(kind: str, a: float | None, b: float | None) -> str:
    """The CSS class of a change where lower is plainly better (times and cost)."""
    if kind not in ("duration", "money") or a is None or b is None or a == b:
        return ""
    return ' class="num down"' if b < a else ' class="num up"'


def render_comparison_html(
    a: dict,
    extras_a: dict | None,
    b: dict,
    extras_b: dict | None,
    name_a: str = "A",
    name_b: str = "B",
    *,
    model_a: Path | None = None,
    model_b: Path | None = None,
    title: str = "What-if comparison",
) -> str:
    """A page with the figures of both results side by side, then both reports in columns."""
    rows = []
    for label, kind, va, vb in kpis(a, b):
        fmt = FORMATS[kind]
        css = _better(kind, va, vb) or ' class="num"'
        rows.append(
            f'<tr><th scope="row">{escape(label)}</th><td class="num">{escape(fmt(va))}</td>'
            f'<td class="num">{escape(fmt(vb))}</td><td{css}>{escape(_difference(kind, va, vb))}'
            f"</td><td{css}>{escape(_change(va, vb))}</td></tr>"
        )
    table = (
        f'<section class="card"><h2>{escape(name_a)} vs {escape(name_b)}</h2><p class="note">'
        f"Differences are {escape(name_b)} minus {escape(name_a)}; for times and cost, "
        '<span class="down">green</span> is lower and <span class="up">red</span> higher.</p>'
        '<div class="scroll"><table><thead><tr><th>Figure</th>'
        f'<th class="num">{escape(name_a)}</th><th class="num">{escape(name_b)}</th>'
        '<th class="num">Difference</th><th class="num">Change</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )
    columns = "".join(
        f'<div><h2 class="scenario">{escape(name)}</h2>'
        f"{run_facts(result, extras, model)}"
        f"{''.join(report_sections(result, extras, model, narrow=True))}</div>"
        for name, result, extras, model in (
            (name_a, a, extras_a, model_a),
            (name_b, b, extras_b, model_b),
        )
    )
    body = f'<header><h1>{escape(title)}</h1></header>{table}<div class="columns">{columns}</div>'
    return page(title, body)
