"""Durations, distributions and probabilities of simulation files: what a modeller relies on."""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter

import pytest

from studio.simulation.distributions import (
    draw,
    parse_distribution,
    parse_probabilities,
    parse_seconds,
)
from studio.simulation.errors import SpecError

DRAWS = 200_000
WHERE = "work.Check invoice.duration"


def samples(spec: object, n: int = DRAWS, seed: int = 7) -> list[float]:
    distribution = parse_distribution(spec, WHERE)
    rng = random.Random(seed)
    return [distribution.sample(rng) for _ in range(n)]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("PT20M", 1200.0), ("P1D", 86400.0), ("PT1H30M", 5400.0), (90, 90.0), (0.25, 0.25), (0, 0.0)],
)
def test_durations_are_iso_8601_or_seconds(value: object, seconds: float) -> None:
    assert parse_seconds(value, WHERE) == seconds


@pytest.mark.parametrize("value", [-1, "soon", "20 minutes", True, None, [], math.nan, math.inf])
def test_a_bad_duration_is_refused_with_its_place(value: object) -> None:
    with pytest.raises(SpecError) as caught:
        parse_seconds(value, WHERE)
    assert caught.value.where == WHERE
    assert "PT20M" in caught.value.reason


@pytest.mark.parametrize("spec", ["PT20M", 1200, {"distribution": "fixed", "value": "PT20M"}])
def test_a_plain_duration_is_a_fixed_value(spec: object) -> None:
    assert set(samples(spec, n=100)) == {1200.0}
    assert parse_distribution(spec, WHERE).mean == 1200.0


@pytest.mark.parametrize(
    ("spec", "mean", "stdev"),
    [
        ({"distribution": "exponential", "mean": "PT10M"}, 600, 600),
        ({"distribution": "normal", "mean": "PT20M", "stdev": "PT5M"}, 1200, 300),
        ({"distribution": "lognormal", "mean": "PT20M", "stdev": "PT5M"}, 1200, 300),
        ({"distribution": "lognormal", "mean": 100, "stdev": 150}, 100, 150),
        ({"distribution": "gamma", "mean": "PT1H", "stdev": "PT30M"}, 3600, 1800),
        ({"distribution": "gamma", "mean": 50, "stdev": 100}, 50, 100),
        ({"distribution": "uniform", "min": 60, "max": 180}, 120, 120 / math.sqrt(12)),
    ],
)
def test_samples_have_the_mean_and_stdev_asked_for(spec: dict, mean: float, stdev: float) -> None:
    drawn = samples(spec)
    assert statistics.fmean(drawn) == pytest.approx(mean, rel=0.015)
    assert statistics.pstdev(drawn) == pytest.approx(stdev, rel=0.03)
    assert parse_distribution(spec, WHERE).mean == pytest.approx(mean)


def test_triangular_mean_is_the_average_of_its_three_points() -> None:
    spec = {"distribution": "triangular", "min": "PT10M", "mode": "PT15M", "max": "PT50M"}
    drawn = samples(spec)
    assert statistics.fmean(drawn) == pytest.approx((600 + 900 + 3000) / 3, rel=0.01)
    assert min(drawn) >= 600 and max(drawn) <= 3000
    assert parse_distribution(spec, WHERE).mean == pytest.approx(1500)


def test_uniform_stays_within_its_bounds() -> None:
    drawn = samples({"distribution": "uniform", "min": "PT1M", "max": "PT3M"})
    assert 60 <= min(drawn) < 61 and 179 < max(drawn) <= 180


def test_empirical_draws_each_observed_value_equally_often() -> None:
    spec = {"distribution": "empirical", "values": ["PT1M", 120, "PT5M", "PT5M"]}
    counts = Counter(samples(spec))
    assert set(counts) == {60.0, 120.0, 300.0}
    assert counts[60.0] / DRAWS == pytest.approx(0.25, abs=0.005)
    assert counts[300.0] / DRAWS == pytest.approx(0.5, abs=0.005)
    assert parse_distribution(spec, WHERE).mean == pytest.approx(195)


def test_max_clamps_samples_so_long_tails_pile_up_at_the_bound() -> None:
    spec = {"distribution": "lognormal", "mean": "PT20M", "stdev": "PT10M", "max": "PT30M"}
    drawn = samples(spec)
    assert max(drawn) == 1800.0
    at_bound = sum(1 for x in drawn if x == 1800.0) / DRAWS
    assert 0.05 < at_bound < 0.2  # the untruncated tail beyond 30 minutes, kept at 30 minutes


def test_min_clamps_samples_from_below() -> None:
    drawn = samples({"distribution": "exponential", "mean": "PT10M", "min": "PT5M"})
    assert min(drawn) == 300.0
    assert sum(1 for x in drawn if x == 300.0) / DRAWS == pytest.approx(
        1 - math.exp(-0.5), abs=0.01
    )


def test_fixed_and_empirical_values_are_clamped_too() -> None:
    assert samples({"distribution": "fixed", "value": 500, "max": 100}, n=3) == [100.0] * 3
    spec = {"distribution": "empirical", "values": [1, 50, 500], "min": 10, "max": 100}
    assert set(samples(spec, n=1000)) == {10.0, 50.0, 100.0}


def test_a_normal_duration_is_never_negative() -> None:
    drawn = samples({"distribution": "normal", "mean": 60, "stdev": 60})
    assert min(drawn) == 0.0
    below_zero = statistics.NormalDist().cdf(-1)
    assert sum(1 for x in drawn if x == 0.0) / DRAWS == pytest.approx(below_zero, abs=0.005)


def test_the_same_seed_gives_the_same_durations() -> None:
    spec = {"distribution": "gamma", "mean": "PT1H", "stdev": "PT20M"}
    assert samples(spec, n=1000, seed=3) == samples(spec, n=1000, seed=3)
    assert samples(spec, n=1000, seed=3) != samples(spec, n=1000, seed=4)


@pytest.mark.parametrize(
    ("spec", "where", "reason"),
    [
        ({"distribution": "weibull", "mean": 5}, f"{WHERE}.distribution", "exponential, normal"),
        ({"mean": 5}, f"{WHERE}.distribution", "is missing"),
        ({"distribution": "normal", "mean": 5}, WHERE, "'stdev' is missing"),
        (
            {"distribution": "exponential", "mean": 5, "stdev": 1},
            f"{WHERE}.stdev",
            "mean, min, max",
        ),
        ({"distribution": "uniform", "min": 1, "max": 2, "mode": 1}, f"{WHERE}.mode", "min, max"),
        ({"distribution": "exponential", "mean": -5}, f"{WHERE}.mean", "seconds >= 0"),
        ({"distribution": "exponential", "mean": 0}, f"{WHERE}.mean", "positive"),
        ({"distribution": "lognormal", "mean": "later", "stdev": 1}, f"{WHERE}.mean", "PT20M"),
        ({"distribution": "gamma", "mean": 5, "stdev": 0}, WHERE, "positive"),
        ({"distribution": "normal", "mean": 9, "stdev": 1, "min": 5, "max": 2}, WHERE, "greater"),
        ({"distribution": "uniform", "min": "PT2H", "max": "PT1H"}, WHERE, "greater than max"),
        (
            {"distribution": "triangular", "min": 1, "mode": 9, "max": 5},
            WHERE,
            "min <= mode <= max",
        ),
        ({"distribution": "empirical", "values": []}, f"{WHERE}.values", "non-empty list"),
        ({"distribution": "empirical", "values": [1, "x"]}, f"{WHERE}.values[1]", "PT20M"),
        ([1, 2], WHERE, "distribution"),
        (None, WHERE, "distribution"),
    ],
)
def test_a_bad_distribution_is_refused_naming_the_place_and_what_is_expected(
    spec: object, where: str, reason: str
) -> None:
    with pytest.raises(SpecError) as caught:
        parse_distribution(spec, WHERE)
    assert caught.value.where == where
    assert reason in caught.value.reason
    assert str(caught.value).startswith(where)


def test_probabilities_keep_their_order_and_draw_in_proportion() -> None:
    pairs = parse_probabilities({"approve": 0.7, "dispute": 0.2, "reject": 0.1}, "work.x.output")
    assert pairs == (("approve", 0.7), ("dispute", 0.2), ("reject", 0.1))
    rng = random.Random(11)
    counts = Counter(draw(pairs, rng) for _ in range(DRAWS))
    assert counts["approve"] / DRAWS == pytest.approx(0.7, abs=0.005)
    assert counts["reject"] / DRAWS == pytest.approx(0.1, abs=0.005)


def test_an_outcome_of_probability_zero_is_never_drawn() -> None:
    pairs = parse_probabilities({"yes": 1, "no": 0}, "branches.G")
    rng = random.Random(1)
    assert {draw(pairs, rng) for _ in range(10_000)} == {"yes"}


def test_draws_repeat_with_the_seed() -> None:
    pairs = parse_probabilities({"a": 0.5, "b": 0.25, "c": 0.25}, "x")
    first = [draw(pairs, random.Random(5)) for _ in range(3)]
    rng1, rng2 = random.Random(5), random.Random(5)
    assert [draw(pairs, rng1) for _ in range(500)] == [draw(pairs, rng2) for _ in range(500)]
    assert len(set(first)) == 1


@pytest.mark.parametrize(
    ("spec", "where", "reason"),
    [
        ({"a": 0.5, "b": 0.4}, "branches.G", "sum to 0.9"),
        ({"a": 0.8, "b": 0.8}, "branches.G", "must sum to 1"),
        ({"a": 1.5, "b": -0.5}, "branches.G.a", "from 0 to 1"),
        ({"a": True}, "branches.G.a", "not a probability"),
        ({"a": "0.5", "b": 0.5}, "branches.G.a", "not a probability"),
        ({}, "branches.G", "summing to 1"),
        ([0.5, 0.5], "branches.G", "summing to 1"),
    ],
)
def test_bad_probabilities_are_refused(spec: object, where: str, reason: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_probabilities(spec, "branches.G")
    assert caught.value.where == where
    assert reason in caught.value.reason
