"""Streamed statistics of a simulation run: bounded memory whatever the number of cases.

`Tally` keeps an exact count, sum (`math.fsum` of each full buffer), minimum and maximum, and
its values in a deterministic merge-and-halve quantile sketch: the first `2 * capacity` values
are kept exactly; after that, two full sorted buffers of the same level are merged and every
other value is kept (alternating which half, level by level), each kept value standing for
twice as many. The rank error is at most ``levels / (2 * capacity)`` of the count (under
0.3 % for a million values with the default capacity, and under 1 % up to 10^15 values), memory
grows with the logarithm of the count, and the same values in the same order always give the
same numbers: no randomness and no hashing are involved. See docs/decisions.md for the measurement.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from itertools import repeat

CAPACITY = 2048


class Tally:
    """A stream of numbers: exact count, mean, minimum and maximum, approximate quantiles."""

    __slots__ = (
        "_buffer",
        "_cache",
        "_levels",
        "_max",
        "_min",
        "_sums",
        "_toggle",
        "capacity",
        "count",
    )

    def __init__(self, values: Iterable[float] = (), *, capacity: int = CAPACITY) -> None:
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.capacity = capacity
        self.count = 0
        self._sums: list[float] = []
        self._min = math.inf
        self._max = -math.inf
        self._buffer = array("d")
        self._levels: list[array | None] = []
        self._toggle: list[int] = []
        self._cache: tuple[array, array] | None = None
        for value in values:
            self.add(value)

    def add(self, x: float) -> None:
        """Record one value (NaN is refused: it has no place in an order)."""
        if type(x) is not float:
            x = float(x)
        if x != x:
            raise ValueError("a Tally cannot record NaN")
        self.count += 1
        if x < self._min:
            self._min = x
        if x > self._max:
            self._max = x
        self._buffer.append(x)
        self._cache = None
        if len(self._buffer) >= self.capacity:
            # the exact sum of each full buffer (math.fsum), so the mean stays exact to the
            # last bits over millions of values; one float per `capacity` values is kept
            self._sums.append(math.fsum(self._buffer))
            full = array("d", sorted(self._buffer))
            self._buffer = array("d")
            self._carry(full, 0)

    def _carry(self, full: array, level: int) -> None:
        while True:
            if level == len(self._levels):
                self._levels.append(None)
                self._toggle.append(0)
            waiting = self._levels[level]
            if waiting is None:
                self._levels[level] = full
                return
            self._levels[level] = None
            merged = sorted([*waiting, *full])
            offset = self._toggle[level]
            self._toggle[level] ^= 1
            full = array("d", merged[offset::2])
            level += 1

    # -- reading ------------------------------------------------------------------------------

    @property
    def total(self) -> float:
        """The exact sum of the values (correctly rounded)."""
        return math.fsum([*self._sums, *self._buffer])

    @property
    def mean(self) -> float:
        """The exact mean (0.0 when empty)."""
        return self.total / self.count if self.count else 0.0

    @property
    def min(self) -> float:
        """The smallest value (0.0 when empty)."""
        return self._min if self.count else 0.0

    @property
    def max(self) -> float:
        """The largest value (0.0 when empty)."""
        return self._max if self.count else 0.0

    @property
    def exact(self) -> bool:
        """Whether every value is still held, so quantiles are exact."""
        return len(self._levels) <= 1

    @property
    def stored(self) -> int:
        """How many values the sketch holds (its memory, in values)."""
        return len(self._buffer) + sum(len(b) for b in self._levels if b is not None)

    def _weighted(self) -> tuple[array, array]:
        """The held values in order, and the cumulative count each one reaches (cached)."""
        if self._cache is None:
            runs = [((v, 1) for v in sorted(self._buffer))]
            for level, held in enumerate(self._levels):
                if held is not None:
                    runs.append(((v, w) for v, w in zip(held, repeat(1 << level))))
            values, cumulative, running = array("d"), array("q"), 0
            for value, weight in heapq.merge(*runs):
                running += weight
                values.append(value)
                cumulative.append(running)
            self._cache = (values, cumulative)
        return self._cache

    def _at_rank(self, rank: int) -> float:
        """The value of 0-based `rank` in the (estimated) sorted order."""
        values, cumulative = self._weighted()
        return values[min(bisect_right(cumulative, rank), len(values) - 1)]

    def quantile(self, q: float) -> float:
        """The `q` quantile (0..1), interpolating linearly between neighbouring ranks like
        numpy's default; exact while `exact`, within the rank error otherwise."""
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"quantile {q} is not between 0 and 1")
        if not self.count:
            return 0.0
        if q == 0.0:
            return self._min
        if q == 1.0:
            return self._max
        position = q * (self.count - 1)
        low = math.floor(position)
        below, above = self._at_rank(low), self._at_rank(min(low + 1, self.count - 1))
        value = below + (above - below) * (position - low)
        return min(max(value, self._min), self._max)

    def histogram(self, bins: int = 30) -> list[tuple[float, float, int]]:
        """`bins` equal-width bins from the minimum to the maximum, as (lo, hi, count); the
        counts add up to `count` (one bin when every value is the same, none when empty)."""
        if not self.count:
            return []
        lo, hi = self._min, self._max
        if bins < 1:
            raise ValueError("bins must be at least 1")
        if hi <= lo:
            return [(lo, hi, self.count)]
        width = (hi - lo) / bins
        counts = [0] * bins
        values, cumulative = self._weighted()
        previous = 0
        for value, reached in zip(values, cumulative, strict=True):
            index = min(int((value - lo) / width), bins - 1)
            counts[index] += reached - previous
            previous = reached
        edges = [lo + i * width for i in range(bins)] + [hi]
        return [(edges[i], edges[i + 1], counts[i]) for i in range(bins)]

    def summary(self, *keys: str) -> dict[str, float]:
        """Named figures for a JSON result: "mean", "min", "max", "count" or "pNN" (a
        percentile, e.g. "p90")."""
        named = {
            "mean": lambda: self.mean,
            "min": lambda: self.min,
            "max": lambda: self.max,
            "count": lambda: self.count,
        }
        out: dict[str, float] = {}
        for key in keys:
            if key in named:
                out[key] = named[key]()
            elif key.startswith("p") and key[1:].replace(".", "", 1).isdigit():
                out[key] = self.quantile(float(key[1:]) / 100)
            else:
                raise ValueError(f"unknown statistic {key!r}")
        return out
