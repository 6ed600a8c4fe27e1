"""The simulator against queueing theory: an M/M/1 and an M/M/c queue (Poisson arrivals,
exponential work, first come first served, no calendars) give the mean wait of the Erlang C
formula and the utilization rho = lambda / (c mu).

The queue is modelled four ways (tests/simulation/models/queue): a CMMN case whose one human task
is worked by the case role `server`, a BPMN user task in the lane `server`, and a BPMN plain task
bound to the resource `clerk` by `work`. The same numbers drawn in the same order must give the
same waits whatever the notation, so the long statistical runs are done once per queue size (M/M/1
as a case, M/M/3 as a process) and the other notation is held to give identical figures.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from studio.simulation.simulator import simulate
from studio.simulation.spec import load_spec

QUEUE = Path(__file__).parent / "models" / "queue"
TOLERANCE = 0.05
"""Largest relative error of a simulated mean against the formula. The files run 8 (M/M/1) and
10 (M/M/3) replications of 40 000 cases, 2 days of warm-up each: the standard error of the mean
wait is then about 1 % (M/M/1) and 1.5 % (M/M/3) of it (measured over seeds 1-6), so the
tolerance is 3.5 standard errors or more."""


def erlang_c(servers: int, arrival_rate: float, service_rate: float) -> float:
    """The probability that an arriving customer waits in an M/M/c queue."""
    load = arrival_rate / service_rate  # offered load a = lambda / mu, in erlangs
    rho = load / servers
    assert rho < 1, "an unstable queue has no steady state"
    below = math.fsum(load**k / math.factorial(k) for k in range(servers))
    top = load**servers / math.factorial(servers) / (1 - rho)
    return top / (below + top)


def mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Wq = P_wait / (c mu - lambda)."""
    return erlang_c(servers, arrival_rate, service_rate) / (servers * service_rate - arrival_rate)


def wait_quantile(q: float, servers: int, arrival_rate: float, service_rate: float) -> float:
    """The q-quantile of the wait: P(Wq > t) = P_wait exp(-(c mu - lambda) t)."""
    waits = erlang_c(servers, arrival_rate, service_rate)
    if waits <= 1 - q:
        return 0.0
    return math.log(waits / (1 - q)) / (servers * service_rate - arrival_rate)


def test_erlang_c_matches_textbook_values() -> None:
    # M/M/1: P_wait = rho, Wq = rho / (mu - lambda).
    assert erlang_c(1, 0.7, 1.0) == pytest.approx(0.7)
    assert mean_wait(1, 0.7, 1.0) == pytest.approx(0.7 / 0.3)
    # Three servers offered 2 erlangs wait with probability 4/9 (C(3, 2) = 0.4444).
    assert erlang_c(3, 2.0, 1.0) == pytest.approx(4 / 9)
    assert mean_wait(3, 2.0, 1.0) == pytest.approx(4 / 9)
    # Median wait of M/M/1 at rho 0.7, mu 1: P(W > t) = 0.7 exp(-0.3 t) = 0.5.
    assert wait_quantile(0.5, 1, 0.7, 1.0) == pytest.approx(math.log(1.4) / 0.3)


def parameters(name: str) -> tuple[int, float, float]:
    """(servers, lambda, mu) of a queue sim file, from the spec as loaded."""
    spec = load_spec(QUEUE / name)
    (resource,) = spec.resources.values()
    (work,) = spec.work.values()
    assert work.duration is not None
    return resource.count, 1 / spec.arrivals.interval.mean, 1 / work.duration.mean


def shortened(name: str, tmp_path: Path, cases: int) -> dict:
    """The result of a queue sim file cut to one replication of `cases` cases."""
    doc = json.loads((QUEUE / name).read_text(encoding="utf-8"))
    doc.update(cases=cases, replications=1, model=str(QUEUE / doc["model"]))
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return simulate(load_spec(path))


def only(mapping: dict) -> dict:
    (value,) = mapping.values()
    return value


@pytest.mark.parametrize(
    ("case", "process"),
    [
        pytest.param("mm1_case.sim.json", "mm1_process.sim.json", id="M/M/1-user-task-in-lane"),
        pytest.param("mmc_case.sim.json", "mmc_process.sim.json", id="M/M/3-plain-task-in-work"),
    ],
)
def test_the_queue_waits_the_same_as_a_case_and_as_a_process(
    tmp_path: Path, case: str, process: str
) -> None:
    assert parameters(case) == parameters(process)
    as_case = shortened(case, tmp_path, 5000)
    as_process = shortened(process, tmp_path, 5000)
    for result in (as_case, as_process):
        assert result["cases"]["completed"] == result["cases"]["arrived"] > 4000
    assert only(as_case["activities"]) == only(as_process["activities"])
    assert only(as_case["resources"]) == only(as_process["resources"])
    assert as_case["cycle_time"] == as_process["cycle_time"]
    assert only(as_case["activities"])["waiting"]["mean"] > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        pytest.param("mm1_case.sim.json", id="M/M/1-as-a-case"),
        pytest.param("mmc_process.sim.json", id="M/M/3-as-a-process"),
    ],
)
def test_the_mean_wait_is_erlang_c_and_the_utilization_rho(name: str) -> None:
    servers, arrival_rate, service_rate = parameters(name)
    rho = arrival_rate / (servers * service_rate)
    assert 0.7 <= rho <= 0.8
    result = simulate(load_spec(QUEUE / name))
    activity = only(result["activities"])
    expected = mean_wait(servers, arrival_rate, service_rate)
    waiting = activity["waiting"]
    assert waiting["mean"] == pytest.approx(expected, rel=TOLERANCE)
    # The replications' own 95 % interval is honest: the formula lies well within 3 half-widths.
    assert abs(waiting["mean"] - expected) < 3 * waiting["ci95"]
    p90 = wait_quantile(0.9, servers, arrival_rate, service_rate)
    assert waiting["p90"] == pytest.approx(p90, rel=TOLERANCE)
    assert activity["processing"]["mean"] == pytest.approx(1 / service_rate, rel=0.01)
    cycle = result["cycle_time"]["mean"]
    assert cycle == pytest.approx(expected + 1 / service_rate, rel=TOLERANCE)
    assert only(result["resources"])["utilization"] == pytest.approx(rho, abs=0.02)
