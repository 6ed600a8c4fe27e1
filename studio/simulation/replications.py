"""Several replications of one simulation combined into one result.

One replication is returned unchanged. With several, every number is the mean over the
replications (a key missing from a replication counts as 0; a count stays an integer when every
replication has the same one), and every mean carries the half-width of its 95 % confidence
interval, from Student's t with n - 1 degrees of freedom:

- a key named ``mean`` gets a sibling ``ci95`` right after it:
  ``{"mean": m, "ci95": h, "p90": x}``;
- ``utilization`` and ``cost`` (per-replication figures averaged like means) get siblings
  ``utilization_ci95`` and ``cost_ci95``.

Percentiles, maxima and counts are averaged without an interval. Structural keys keep the order of
the first replication that has them; the names under ``activities``, ``resources``, ``elements``
and ``outcomes`` are sorted.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

# The 0.975 quantile of Student's t for 1..30 degrees of freedom (standard tables).
T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
Z975 = 1.959964

NAMED = frozenset({"activities", "resources", "elements", "outcomes"})
WITH_SUFFIX = frozenset({"utilization", "cost"})


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom: the table up to 30, then
    the first two terms of its expansion around the normal quantile (2.040 at 31, 1.96 at the
    limit)."""
    if df < 1:
        raise ValueError("a t quantile needs at least one degree of freedom")
    if df <= len(T975):
        return T975[df - 1]
    z = Z975
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def half_width(values: Sequence[float]) -> float:
    """The half-width of the 95 % confidence interval of the mean of `values`."""
    n = len(values)
    if n < 2:
        return 0.0
    mean = math.fsum(values) / n
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    return t975(n - 1) * math.sqrt(variance / n)


def combine(results: list[dict]) -> dict:
    """The combined result of per-replication results (see the module docstring)."""
    if not results:
        raise ValueError("no replication to combine")
    if len(results) == 1:
        return copy.deepcopy(results[0])
    return _combine_dicts(results, top=True)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _keys(dicts: Sequence[dict], names: bool) -> list[str]:
    seen: dict[str, None] = {}
    for d in dicts:
        seen.update(dict.fromkeys(d))
    return sorted(seen) if names else list(seen)


def _combine_dicts(dicts: Sequence[dict], top: bool = False, names: bool = False) -> dict:
    """Combine dicts of the same shape; `names` marks a map keyed by names (sorted, and its
    numbers are counts rather than figures with a confidence interval)."""
    out: dict[str, Any] = {}
    for key in _keys(dicts, names):
        sample = next(d[key] for d in dicts if key in d)
        if isinstance(sample, dict):
            children = [d[key] if isinstance(d.get(key), dict) else {} for d in dicts]
            out[key] = _combine_dicts(children, names=top and key in NAMED)
        elif _is_number(sample):
            values = [d[key] if _is_number(d.get(key)) else 0 for d in dicts]
            out[key] = _mean(values)
            if names:
                continue
            if key == "mean":
                out["ci95"] = half_width(values)
            elif key in WITH_SUFFIX:
                out[f"{key}_ci95"] = half_width(values)
        else:
            out[key] = copy.deepcopy(sample)
    return out


def _mean(values: Sequence[float]) -> float:
    if all(v == values[0] and type(v) is type(values[0]) for v in values):
        return values[0]
    return math.fsum(values) / len(values)
