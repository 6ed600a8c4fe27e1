"""Durations, random distributions of durations and outcome probabilities of a simulation file.

Every time value is a duration: an ISO-8601 text (``PT20M``, ``P1D``) or a number of seconds.
Samples are seconds, drawn from a ``random.Random`` the caller seeds, so a seed repeats a run.
Optional ``min`` / ``max`` truncate a distribution by clamping each sample into [min, max] (as
Prosimos, the reference BPMN simulator, does), so the bounds themselves can carry probability mass.
Uniform and triangular distributions take ``min`` / ``max`` as their own parameters instead.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from studio.expressions.errors import TimerError
from studio.expressions.iso8601 import parse_duration
from studio.simulation.errors import SpecError

INF = math.inf
PROBABILITY_TOLERANCE = 1e-6
MAX_EMPIRICAL_VALUES = 100_000

DURATION_HINT = "an ISO-8601 duration such as PT20M or P1D, or a number of seconds >= 0"


class Distribution(Protocol):
    """A distribution of durations in seconds."""

    @property
    def mean(self) -> float:
        """The mean of the untruncated distribution, in seconds."""
        ...

    def sample(self, rng: random.Random) -> float:
        """One draw, in seconds (never negative)."""
        ...


@dataclass(frozen=True, slots=True)
class Fixed:
    """Always the same value (clamped once into the truncation bounds)."""

    value: float
    low: float = 0.0
    high: float = INF
    _draw: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_draw", min(max(self.value, self.low), self.high))

    @property
    def mean(self) -> float:
        return self.value

    def sample(self, rng: random.Random) -> float:
        return self._draw


@dataclass(frozen=True, slots=True)
class Uniform:
    """Uniform between ``low`` and ``high``."""

    low: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def sample(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True, slots=True)
class Exponential:
    """Exponential with the given mean."""

    mean: float
    low: float = 0.0
    high: float = INF
    _rate: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rate", 1.0 / self.mean)

    def sample(self, rng: random.Random) -> float:
        x = rng.expovariate(self._rate)
        return self.low if x < self.low else (self.high if x > self.high else x)


@dataclass(frozen=True, slots=True)
class Normal:
    """Normal with the given mean and standard deviation, clamped at ``low`` (at least 0)."""

    mean: float
    stdev: float
    low: float = 0.0
    high: float = INF

    def sample(self, rng: random.Random) -> float:
        x = rng.gauss(self.mean, self.stdev)
        return self.low if x < self.low else (self.high if x > self.high else x)


@dataclass(frozen=True, slots=True)
class Lognormal:
    """Lognormal whose own mean and standard deviation are given (not the underlying normal's)."""

    mean: float
    stdev: float
    low: float = 0.0
    high: float = INF
    _mu: float = field(init=False, repr=False, compare=False)
    _sigma: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        variance = math.log1p((self.stdev / self.mean) ** 2)
        object.__setattr__(self, "_mu", math.log(self.mean) - variance / 2)
        object.__setattr__(self, "_sigma", math.sqrt(variance))

    def sample(self, rng: random.Random) -> float:
        x = math.exp(rng.gauss(self._mu, self._sigma))
        return self.low if x < self.low else (self.high if x > self.high else x)


@dataclass(frozen=True, slots=True)
class Triangular:
    """Triangular between ``low`` and ``high`` peaking at ``mode``."""

    low: float
    mode: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def sample(self, rng: random.Random) -> float:
        if self.high == self.low:
            return self.low
        return rng.triangular(self.low, self.high, self.mode)


@dataclass(frozen=True, slots=True)
class Gamma:
    """Gamma with the given mean and standard deviation (shape mean²/stdev², scale stdev²/mean)."""

    mean: float
    stdev: float
    low: float = 0.0
    high: float = INF
    _shape: float = field(init=False, repr=False, compare=False)
    _scale: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_shape", (self.mean / self.stdev) ** 2)
        object.__setattr__(self, "_scale", self.stdev**2 / self.mean)

    def sample(self, rng: random.Random) -> float:
        x = rng.gammavariate(self._shape, self._scale)
        return self.low if x < self.low else (self.high if x > self.high else x)


@dataclass(frozen=True, slots=True)
class Empirical:
    """One of the observed ``values``, each equally likely."""

    values: tuple[float, ...]
    low: float = 0.0
    high: float = INF
    _clamped: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        clamped = tuple(min(max(v, self.low), self.high) for v in self.values)
        object.__setattr__(self, "_clamped", clamped)

    @property
    def mean(self) -> float:
        return math.fsum(self.values) / len(self.values)

    def sample(self, rng: random.Random) -> float:
        return rng.choice(self._clamped)


PARAMETERS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "uniform": ("min", "max"),
    "exponential": ("mean",),
    "normal": ("mean", "stdev"),
    "lognormal": ("mean", "stdev"),
    "triangular": ("min", "mode", "max"),
    "gamma": ("mean", "stdev"),
    "empirical": ("values",),
}
"""Each distribution's parameters; the others also take ``min`` / ``max`` to truncate."""

TRUNCATION = ("min", "max")


def _at(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _secs(value: float) -> str:
    return f"{value:g} s"


def parse_seconds(value: Any, where: str) -> float:
    """A duration (ISO-8601 text or a number of seconds >= 0) in seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise SpecError(f"{value!r} is not a duration; expected {DURATION_HINT}", where)
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise SpecError(f"{value!r} is not a duration; expected {DURATION_HINT}", where)
        return float(value)
    try:
        return parse_duration(value).total_seconds()
    except TimerError as exc:
        raise SpecError(f"{exc.message}; expected {DURATION_HINT}", where) from None


def parse_distribution(spec: Any, where: str) -> Distribution:
    """A duration (a fixed value) or ``{"distribution": NAME, ...parameters, "min"?, "max"?}``."""
    if isinstance(spec, int | float | str) and not isinstance(spec, bool):
        return Fixed(parse_seconds(spec, where))
    if not isinstance(spec, dict):
        raise SpecError(
            f"{spec!r} is not a duration or a distribution; expected {DURATION_HINT}, or an "
            'object such as {"distribution": "exponential", "mean": "PT10M"}',
            where,
        )
    names = ", ".join(PARAMETERS)
    name = spec.get("distribution")
    if name not in PARAMETERS:
        got = "is missing" if name is None else f"{name!r} is unknown"
        raise SpecError(
            f"the distribution {got}; expected one of {names}", _at(where, "distribution")
        )
    params = PARAMETERS[name]
    allowed = params if "min" in params else params + TRUNCATION
    for key in spec:
        if key != "distribution" and key not in allowed:
            raise SpecError(
                f"{key!r} is not a parameter of {name}; expected {', '.join(allowed)}",
                _at(where, key),
            )
    for key in params:
        if key not in spec:
            raise SpecError(f"{name} needs {', '.join(params)}; {key!r} is missing", where)
    if name == "empirical":
        values = _parse_values(spec["values"], _at(where, "values"))
        return Empirical(values, *_truncation(spec, where))
    args = {key: parse_seconds(spec[key], _at(where, key)) for key in params}
    return _build(name, args, spec, where)


def _build(name: str, args: dict[str, float], spec: dict[str, Any], where: str) -> Distribution:
    if name == "fixed":
        return Fixed(args["value"], *_truncation(spec, where))
    if name == "uniform":
        _ordered(args["min"], args["max"], where)
        return Uniform(args["min"], args["max"])
    if name == "triangular":
        low, mode, high = args["min"], args["mode"], args["max"]
        if not low <= mode <= high:
            raise SpecError(
                f"triangular needs min <= mode <= max; got {_secs(low)}, {_secs(mode)}, "
                f"{_secs(high)}",
                where,
            )
        return Triangular(low, mode, high)
    mean = args["mean"]
    if mean <= 0:
        raise SpecError(f"the mean of {name} must be positive", _at(where, "mean"))
    if name == "exponential":
        return Exponential(mean, *_truncation(spec, where))
    stdev = args["stdev"]
    if name == "normal":
        return Normal(mean, stdev, *_truncation(spec, where))
    if name == "lognormal":
        return Lognormal(mean, stdev, *_truncation(spec, where))
    if stdev <= 0:
        raise SpecError("the stdev of gamma must be positive (use fixed for a constant)", where)
    return Gamma(mean, stdev, *_truncation(spec, where))


def _parse_values(values: Any, where: str) -> tuple[float, ...]:
    if not isinstance(values, list) or not values:
        raise SpecError(f"expected a non-empty list of durations ({DURATION_HINT})", where)
    if len(values) > MAX_EMPIRICAL_VALUES:
        raise SpecError(f"at most {MAX_EMPIRICAL_VALUES} values are allowed", where)
    return tuple(parse_seconds(v, _at(where, i)) for i, v in enumerate(values))


def _truncation(spec: dict[str, Any], where: str) -> tuple[float, float]:
    low = parse_seconds(spec["min"], _at(where, "min")) if "min" in spec else 0.0
    high = parse_seconds(spec["max"], _at(where, "max")) if "max" in spec else INF
    _ordered(low, high, where)
    return low, high


def _ordered(low: float, high: float, where: str) -> None:
    if low > high:
        raise SpecError(f"min ({_secs(low)}) is greater than max ({_secs(high)})", where)


def parse_probabilities(spec: Any, where: str) -> tuple[tuple[str, float], ...]:
    """``{outcome: probability}`` (each in [0, 1], summing to 1) as ordered pairs."""
    if not isinstance(spec, dict) or not spec:
        raise SpecError(
            'expected an object of outcomes and probabilities summing to 1, e.g. {"yes": 0.8, '
            '"no": 0.2}',
            where,
        )
    pairs = []
    for outcome, probability in spec.items():
        number = isinstance(probability, int | float) and not isinstance(probability, bool)
        if not number or not 0 <= probability <= 1:
            raise SpecError(
                f"{probability!r} is not a probability; expected a number from 0 to 1",
                _at(where, outcome),
            )
        pairs.append((outcome, float(probability)))
    total = math.fsum(p for _, p in pairs)
    if abs(total - 1) > PROBABILITY_TOLERANCE:
        raise SpecError(f"the probabilities sum to {total:g}; they must sum to 1", where)
    return tuple(pairs)


def draw(pairs: tuple[tuple[str, float], ...], rng: random.Random) -> str:
    """One outcome, each with its probability (one ``rng.random()`` per draw)."""
    u = rng.random()
    cumulative = 0.0
    chosen = pairs[0][0]
    for outcome, probability in pairs:
        if probability > 0:
            chosen = outcome
            cumulative += probability
            if u < cumulative:
                return outcome
    return chosen
