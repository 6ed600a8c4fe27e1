"""Streamed statistics (Tally) and the combination of replications."""

from __future__ import annotations

import bisect
import math
import random

import pytest

from studio.simulation.replications import combine, half_width, t975
from studio.simulation.statistics import CAPACITY, Tally


def exact_quantile(ordered: list[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def rank_error(ordered: list[float], estimate: float, q: float) -> float:
    """How far (as a share of the count) the estimate's rank is from q."""
    below = bisect.bisect_left(ordered, estimate) / len(ordered)
    through = bisect.bisect_right(ordered, estimate) / len(ordered)
    return 0.0 if below <= q <= through else min(abs(below - q), abs(through - q))


# -- Tally ----------------------------------------------------------------------------------------


def test_small_samples_give_exact_numpy_style_percentiles():
    tally = Tally([4.0, 1.0, 3.0, 2.0])
    assert tally.exact
    assert (tally.count, tally.mean, tally.min, tally.max) == (4, 2.5, 1.0, 4.0)
    assert tally.quantile(0.5) == 2.5
    assert tally.quantile(0.9) == pytest.approx(3.7)
    assert tally.summary("mean", "p50", "max") == {"mean": 2.5, "p50": 2.5, "max": 4.0}


def test_the_mean_is_exact_over_a_long_stream():
    rng = random.Random(1)
    values = [rng.uniform(0, 1e6) for _ in range(200_000)] + [0.1] * 100_000
    tally = Tally(values)
    assert tally.mean == math.fsum(values) / len(values)
    assert tally.count == 300_000 and not tally.exact


@pytest.mark.parametrize(
    "draw",
    [
        lambda rng: rng.lognormvariate(math.log(1200), 0.8),
        lambda rng: rng.expovariate(1 / 600),
        lambda rng: 0.0 if rng.random() < 0.6 else rng.expovariate(1 / 300),  # waits, many zero
        lambda rng: 3600 + rng.uniform(0, 1),  # values within 0.03 % of each other
    ],
    ids=["lognormal", "exponential", "mostly-zero", "narrow"],
)
def test_percentiles_stay_within_the_documented_rank_error(draw):
    rng = random.Random(7)
    values = [draw(rng) for _ in range(300_000)]
    tally = Tally(values)
    ordered = sorted(values)
    for q in (0.01, 0.25, 0.5, 0.9, 0.95, 0.99):
        assert rank_error(ordered, tally.quantile(q), q) < 0.01
    assert tally.quantile(0) == ordered[0] and tally.quantile(1) == ordered[-1]


def test_lognormal_percentiles_are_close_in_value_too():
    rng = random.Random(3)
    values = [rng.lognormvariate(math.log(1800), 0.5) for _ in range(300_000)]
    tally = Tally(values)
    ordered = sorted(values)
    for q in (0.5, 0.9, 0.95):
        exact = exact_quantile(ordered, q)
        assert abs(tally.quantile(q) - exact) / exact < 0.005


def test_histogram_counts_add_up_and_follow_the_distribution():
    rng = random.Random(5)
    values = [rng.uniform(0, 100) for _ in range(100_000)]
    bins = Tally(values).histogram(10)
    assert len(bins) == 10
    assert sum(count for _, _, count in bins) == 100_000
    assert bins[0][0] == min(values) and bins[-1][1] == max(values)
    assert all(abs(count - 10_000) < 1_000 for _, _, count in bins)
    assert all(lo < hi for lo, hi, _ in bins)


def test_histogram_of_equal_values_and_of_nothing():
    assert Tally([5.0] * 3).histogram() == [(5.0, 5.0, 3)]
    assert Tally().histogram() == []
    empty = Tally()
    assert (empty.mean, empty.quantile(0.9), empty.max, empty.min) == (0.0, 0.0, 0.0, 0.0)


def test_the_same_values_in_the_same_order_give_identical_results():
    rng = random.Random(11)
    values = [rng.expovariate(1 / 900) for _ in range(150_000)]
    first, second = Tally(values), Tally(values)
    figures = [
        (t.quantile(q), t.mean, t.histogram(30)) for t in (first, second) for q in (0.5, 0.9)
    ]
    assert figures[:2] == figures[2:]
    assert repr(figures[:2]) == repr(figures[2:])


def test_memory_grows_only_with_the_logarithm_of_the_count():
    rng = random.Random(2)
    small, large = Tally(), Tally()
    for _ in range(10_000):
        small.add(rng.random())
    for _ in range(1_000_000):
        large.add(rng.random())
    assert small.stored <= 3 * CAPACITY
    assert large.stored <= 6 * CAPACITY  # a million values held in about 11,000
    assert large.stored < 3 * small.stored


def test_nan_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        Tally().add(float("nan"))


# -- replications ---------------------------------------------------------------------------------


def replication(mean: float, completed: int, wait: float | None, utilization: float) -> dict:
    result = {
        "cases": {"arrived": 10, "completed": completed, "terminated": 0, "open": 10 - completed},
        "cycle_time": {"mean": mean, "p50": mean - 10, "p90": mean + 20, "p95": mean + 30,
                       "max": mean + 100},
        "activities": {},
        "resources": {"clerk": {"utilization": utilization, "cost": utilization * 1000}},
        "elements": {"pi_check": {"count": completed}},
        "outcomes": {"approved": completed},
    }  # fmt: skip
    if wait is not None:
        result["activities"]["Check"] = {
            "count": 4,
            "waiting": {"mean": wait, "p90": wait * 2},
            "processing": {"mean": 60.0},
        }
    return result


def test_one_replication_is_returned_unchanged():
    single = replication(100.0, 8, 5.0, 0.5)
    assert combine([single]) == single


def test_three_replications_give_means_and_t_based_half_widths():
    runs = [replication(100.0, 8, 5.0, 0.5), replication(110.0, 9, 7.0, 0.7),
            replication(120.0, 7, 9.0, 0.6)]  # fmt: skip
    combined = combine(runs)
    cycle = combined["cycle_time"]
    assert list(cycle) == ["mean", "ci95", "p50", "p90", "p95", "max"]
    assert cycle["mean"] == 110.0 and cycle["p90"] == 130.0
    # sample stdev 10, n = 3: 4.303 * 10 / sqrt(3)
    assert cycle["ci95"] == pytest.approx(24.8434, abs=1e-4)
    assert combined["cases"]["arrived"] == 10 and isinstance(combined["cases"]["arrived"], int)
    assert combined["cases"]["completed"] == 8.0
    waiting = combined["activities"]["Check"]["waiting"]
    assert waiting == {"mean": 7.0, "ci95": pytest.approx(4.303 * 2 / math.sqrt(3)), "p90": 14.0}
    clerk = combined["resources"]["clerk"]
    assert clerk["utilization"] == pytest.approx(0.6)
    assert clerk["utilization_ci95"] == pytest.approx(4.303 * 0.1 / math.sqrt(3))
    assert clerk["cost_ci95"] == pytest.approx(4.303 * 100 / math.sqrt(3))
    assert "ci95" not in combined["outcomes"] and "ci95" not in combined["cases"]


def test_keys_missing_from_a_replication_count_as_zero():
    runs = [replication(100.0, 8, 6.0, 0.5), replication(100.0, 8, None, 0.5),
            replication(100.0, 8, None, 0.5)]  # fmt: skip
    runs[2]["outcomes"] = {"rejected": 3}
    check = combine(runs)["activities"]["Check"]
    assert check["count"] == pytest.approx(4 / 3)
    assert check["waiting"]["mean"] == pytest.approx(2.0)
    assert check["waiting"]["ci95"] == pytest.approx(4.303 * math.sqrt(12) / math.sqrt(3))
    outcomes = combine(runs)["outcomes"]
    assert list(outcomes) == ["approved", "rejected"]
    assert outcomes == {"approved": pytest.approx(16 / 3), "rejected": 1.0}


def test_identical_replications_have_no_interval():
    runs = [replication(100.0, 8, 5.0, 0.5)] * 4
    combined = combine(runs)
    assert combined["cycle_time"]["ci95"] == 0.0
    assert combined["cases"] == runs[0]["cases"]


def test_t_quantiles():
    assert t975(1) == 12.706 and t975(30) == 2.042
    assert 2.03 < t975(31) < 2.042 and 1.96 < t975(1000) < 1.963
    assert half_width([1.0]) == 0.0
    with pytest.raises(ValueError):
        combine([])
