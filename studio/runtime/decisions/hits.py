"""Hit policies: what a decision table returns from the rules that matched.

Single hit (UNIQUE, FIRST, PRIORITY, ANY): one value per output. Multiple hits (COLLECT, RULE
ORDER, OUTPUT ORDER): a list per output, or with a COLLECT aggregation (SUM, MIN, MAX, COUNT)
a number computed over the non-null values (COUNT counts them; no value: SUM/MIN/MAX null).
With no match every output is its default output entry, else null (an empty list for lists).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.runtime.decisions.table import CompiledRule, CompiledTable

POLICIES = frozenset(
    {"UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER"}
)
AGGREGATIONS = frozenset({"SUM", "MIN", "MAX", "COUNT"})
_LISTS = frozenset({"COLLECT", "RULE ORDER", "OUTPUT ORDER"})


def apply_policy(
    table: CompiledTable,
    matched: list[CompiledRule],
    variables: Mapping[str, Any],
    now: datetime | None,
) -> dict[str, Any]:
    """The result by output name for the rules that matched (in rule order)."""
    policy = table.hit_policy
    if not matched:
        if table.defaults is not None:
            return dict(zip(table.outputs, table.row(None, variables, now), strict=True))
        empty: Any = [] if policy in _LISTS and table.aggregation is None else None
        if table.aggregation == "COUNT":
            empty = 0
        return {name: _copy(empty) for name in table.outputs}
    if policy == "UNIQUE" and len(matched) > 1:
        numbers = ", ".join(str(rule.number) for rule in matched)
        raise table.error(
            "dmn.unique",
            f"hit policy UNIQUE but rules {numbers} match (exactly one may match)",
        )
    rows = [table.row(rule, variables, now) for rule in matched]
    if policy in ("PRIORITY", "OUTPUT ORDER"):
        rows = sorted(rows, key=lambda row: _ranks(table, row))
    if policy == "ANY" and any(row != rows[0] for row in rows):
        numbers = ", ".join(str(rule.number) for rule in matched)
        raise table.error(
            "dmn.any", f"hit policy ANY but rules {numbers} match with different outputs"
        )
    if policy not in _LISTS:
        return dict(zip(table.outputs, rows[0], strict=True))
    columns = {name: [row[i] for row in rows] for i, name in enumerate(table.outputs)}
    if table.aggregation is None:
        return columns
    return {name: _aggregate(table, name, values) for name, values in columns.items()}


def _ranks(table: CompiledTable, row: tuple[Any, ...]) -> tuple[int, ...]:
    """A row's rank by the outputs' output values, first output first (unlisted values last)."""
    ranks = []
    for value, priority in zip(row, table.priorities, strict=True):
        if priority is not None:
            try:
                ranks.append(priority.get(value, len(priority)))
            except TypeError:  # an unhashable value is not listed
                ranks.append(len(priority))
    return tuple(ranks)


def _aggregate(table: CompiledTable, name: str, values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    if table.aggregation == "COUNT":
        return len(present)
    if not present:
        return None
    try:
        if table.aggregation == "SUM":
            return sum(present)
        return min(present) if table.aggregation == "MIN" else max(present)
    except TypeError:
        raise table.error(
            "dmn.aggregation",
            f"{table.aggregation} of output {name!r} over values that are not numbers: {present}",
        ) from None


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
