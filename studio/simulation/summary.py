"""A simulation result as text for the terminal."""

from __future__ import annotations

from studio.simulation.report_html import fmt_duration, fmt_money, fmt_number, fmt_percent


def render_text(result: dict, title: str) -> str:
    """The KPIs of one result: cases, cycle time, activities, roles and outcomes."""
    cases = result["cases"]
    lines = [
        f"{title}: {fmt_number(cases['arrived'])} cases arrived, "
        f"{fmt_number(cases['completed'])} completed, {fmt_number(cases['terminated'])} "
        f"terminated, {fmt_number(cases['open'])} open"
        + (f", {fmt_number(cases['failed'])} failed" if cases.get("failed") else ""),
    ]
    cycle = result["cycle_time"]
    lines.append(
        "cycle time: "
        + ", ".join(f"{key} {fmt_duration(cycle[key])}" for key in ("mean", "p50", "p90", "p95"))
        + f", max {fmt_duration(cycle['max'])}"
        + (f" (mean ± {fmt_duration(cycle['ci95'])})" if "ci95" in cycle else "")
    )
    activities = result["activities"]
    if activities:
        rows = [("activity", "count", "waiting mean", "waiting p90", "processing mean")]
        for name, figures in activities.items():
            rows.append(
                (
                    name,
                    fmt_number(figures["count"]),
                    fmt_duration(figures["waiting"]["mean"]),
                    fmt_duration(figures["waiting"]["p90"]),
                    fmt_duration(figures["processing"]["mean"]),
                )
            )
        lines.extend(["", *_table(rows)])
    resources = result["resources"]
    if resources:
        rows = [("role", "utilization", "cost")]
        rows.extend(
            (role, fmt_percent(figures["utilization"]), fmt_money(figures["cost"]))
            for role, figures in resources.items()
        )
        lines.extend(["", *_table(rows)])
    if result["outcomes"]:
        shown = ", ".join(f"{name} {fmt_number(n)}" for name, n in result["outcomes"].items())
        lines.extend(["", f"outcomes: {shown}"])
    return "\n".join(lines)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
