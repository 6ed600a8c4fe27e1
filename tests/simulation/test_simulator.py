"""The simulator end to end on small model projects (tests/simulation/models): working calendars,
determinism, replications, warm-up and horizon, sample data, drawn outputs, case workers' choices,
gateway branches, timers, called processes, and unusable input.

Proportions drawn at random are checked within four binomial standard errors of the probability
the file gives; everything deterministic is checked exactly.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import studio.simulation.simulator as simulator
from studio.simulation.errors import SpecError
from studio.simulation.replications import t975
from studio.simulation.simulator import simulate
from studio.simulation.spec import load_spec

MODELS = Path(__file__).parent / "models"
HOUR = 3600.0


def sim_file(tmp_path: Path, folder: str, name: str, **changes: Any) -> Path:
    """A copy of models/<folder>/<name> with top-level keys replaced (None removes one), its
    model and data file named by absolute path so it can live in `tmp_path`."""
    doc = json.loads((MODELS / folder / name).read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    doc["model"] = str(MODELS / folder / doc["model"])
    if "data" in doc:
        doc["data"] = {**doc["data"], "file": str(MODELS / folder / doc["data"]["file"])}
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def run(tmp_path: Path, folder: str, name: str, **changes: Any) -> dict:
    """The result of simulating models/<folder>/<name>, with `changes` (see `sim_file`)."""
    if not changes:
        return simulate(load_spec(MODELS / folder / name))
    return simulate(load_spec(sim_file(tmp_path, folder, name, **changes)))


def only_resource(result: dict) -> dict:
    """The one resource pool of a result."""
    (resource,) = result["resources"].values()
    return resource


def assert_proportion(count: int, total: int, probability: float) -> None:
    """`count` of `total` draws is within four binomial standard errors of `probability`."""
    expected = total * probability
    error = math.sqrt(total * probability * (1 - probability))
    assert abs(count - expected) <= 4 * error, (
        f"{count} of {total}: expected {expected:.0f} +- {4 * error:.0f}"
    )


# -- working calendars ------------------------------------------------------------------------


def test_a_week_of_work_that_fits_the_office_hours_is_never_paused(tmp_path: Path) -> None:
    """One clerk, Mon-Fri 08:00-18:00 Paris; a letter arrives every office hour and takes an hour:
    every letter is answered at once, in one piece, and the clerk is busy all the open time."""
    result = run(tmp_path, "office", "week.sim.json")
    assert result["cases"] == {"arrived": 50, "completed": 50, "terminated": 0, "open": 0}
    letter = result["activities"]["Answer letter"]
    assert letter["count"] == 50
    assert letter["waiting"]["mean"] == 0.0
    assert letter["processing"]["mean"] == HOUR
    assert result["cycle_time"]["max"] == HOUR
    assert result["resources"]["clerk"]["utilization"] == 1.0


OFFICE = {"timezone": "Europe/Paris", "days": ["mon", "tue", "wed", "thu", "fri"]}


@pytest.mark.parametrize(
    ("start", "calendar", "waiting", "processing"),
    [
        pytest.param(
            "2026-01-09T19:00:00+01:00", {}, 61 * HOUR, 20 * 60.0, id="friday-19h-waits-for-monday"
        ),
        pytest.param(
            "2026-01-10T10:00:00+01:00", {}, 46 * HOUR, 20 * 60.0, id="saturday-waits-for-monday"
        ),
        pytest.param(
            "2026-01-05T17:50:00+01:00",
            {},
            0.0,
            (14 * 60 + 20) * 60.0,
            id="monday-17h50-finishes-tuesday-8h10",
        ),
        pytest.param(
            "2026-01-09T17:50:00+01:00",
            {},
            0.0,
            (62 * 60 + 20) * 60.0,
            id="friday-17h50-finishes-monday-8h10",
        ),
        pytest.param(
            "2026-01-05T17:50:00+01:00",
            {"holidays": ["2026-01-06"]},
            0.0,
            (38 * 60 + 20) * 60.0,
            id="holiday-tuesday-finishes-wednesday-8h10",
        ),
        pytest.param(
            "2026-01-05T11:50:00+01:00",
            {"hours": [["08:00", "12:00"], ["13:00", "18:00"]]},
            0.0,
            80 * 60.0,
            id="lunch-break-pauses-the-work",
        ),
        pytest.param(
            "2026-03-27T19:00:00+01:00",
            {},
            60 * HOUR,
            20 * 60.0,
            id="summer-time-weekend-is-an-hour-shorter",
        ),
    ],
)
def test_work_is_done_only_inside_the_working_hours(
    tmp_path: Path, start: str, calendar: dict, waiting: float, processing: float
) -> None:
    """One letter of 20 minutes' work arriving at `start`: it waits for the office to open and
    pauses while the office is closed."""
    office = {**OFFICE, "hours": [["08:00", "18:00"]], **calendar}
    result = run(
        tmp_path, "office", "one_letter.sim.json", start=start, calendars={"office": office}
    )
    letter = result["activities"]["Answer letter"]
    assert letter["count"] == 1
    assert letter["waiting"]["mean"] == waiting
    assert letter["processing"]["mean"] == processing
    assert result["cycle_time"]["mean"] == waiting + processing


# -- determinism --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "name", "changes"),
    [
        pytest.param("routing", "review.sim.json", {"cases": 1000}, id="resources-and-outputs"),
        pytest.param("choices", "service.sim.json", {"cases": 1000}, id="choices"),
        pytest.param(
            "claims",
            "by_amount.sim.json",
            {"data": {"file": "claims.jsonl", "pick": "random"}},
            id="random-data",
        ),
    ],
)
def test_the_same_file_gives_the_same_result_and_another_seed_another(
    tmp_path: Path, folder: str, name: str, changes: dict
) -> None:
    first = run(tmp_path, folder, name, **changes)
    again = run(tmp_path, folder, name, **changes)
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    seed = json.loads((MODELS / folder / name).read_text(encoding="utf-8"))["seed"]
    other = run(tmp_path, folder, name, **changes, seed=seed + 1)
    assert json.dumps(other, sort_keys=True) != json.dumps(first, sort_keys=True)


PRINT_RESULT = """
import json, sys
from pathlib import Path
from studio.simulation.simulator import simulate
from studio.simulation.spec import load_spec
print(json.dumps(simulate(load_spec(Path(sys.argv[1]))), sort_keys=True))
"""


def test_the_same_file_gives_the_same_bytes_in_another_process(tmp_path: Path) -> None:
    """String hashing differs from one Python process to the next (PYTHONHASHSEED): nothing the
    result depends on may follow it."""
    path = sim_file(tmp_path, "called", "intake.sim.json", cases=500)
    here = json.dumps(simulate(load_spec(path)), sort_keys=True)
    for hash_seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", PRINT_RESULT, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            cwd=Path(__file__).resolve().parents[2],
        )
        assert done.stdout.strip() == here


# -- replications, warm-up, horizon -----------------------------------------------------------


def test_replications_report_the_mean_of_each_and_its_confidence_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three replications: every mean is the mean of the three replications' figures and carries
    the half-width of its 95 % interval (Student's t, 2 degrees of freedom)."""
    seen: list[dict] = []
    combine = simulator.combine

    def spy(results: list[dict]) -> dict:
        seen.extend(results)
        return combine(results)

    monkeypatch.setattr(simulator, "combine", spy)
    result = run(tmp_path, "routing", "review.sim.json", cases=1000, replications=3)
    assert len(seen) == 3

    def check(figure: float, interval: float, values: list[float]) -> None:
        assert figure == pytest.approx(statistics.fmean(values), abs=1e-9)
        assert interval == pytest.approx(t975(2) * statistics.stdev(values) / math.sqrt(3))

    waits = [r["activities"]["Review document"]["waiting"]["mean"] for r in seen]
    assert len(set(waits)) == 3, "the replications drew the same numbers"
    waiting = result["activities"]["Review document"]["waiting"]
    check(waiting["mean"], waiting["ci95"], waits)
    cycle = result["cycle_time"]
    check(cycle["mean"], cycle["ci95"], [r["cycle_time"]["mean"] for r in seen])
    reviewer = result["resources"]["reviewer"]
    utilizations = [r["resources"]["reviewer"]["utilization"] for r in seen]
    check(reviewer["utilization"], reviewer["utilization_ci95"], utilizations)
    assert result["cases"]["arrived"] == 1000
    approved = [r["outcomes"]["Document approved"] for r in seen]
    assert result["outcomes"]["Document approved"] == pytest.approx(statistics.fmean(approved))


def test_cases_arriving_during_the_warm_up_are_not_counted(tmp_path: Path) -> None:
    """A case every hour, 100 cases, a 10-hour warm-up: the first ten are left out."""
    hourly = {"interval": {"distribution": "fixed", "value": "PT1H"}}
    changes = {"arrivals": hourly, "cases": 100, "replications": None}
    without = run(tmp_path, "queue", "mm1_case.sim.json", **changes, warmup=None)
    assert without["cases"]["arrived"] == 100
    assert without["activities"]["Serve"]["count"] == 100
    warmed = run(tmp_path, "queue", "mm1_case.sim.json", **changes, warmup="PT10H")
    assert warmed["cases"] == {"arrived": 90, "completed": 90, "terminated": 0, "open": 0}
    assert warmed["activities"]["Serve"]["count"] == 90


def test_a_horizon_stops_the_clock_and_counts_the_open_cases(tmp_path: Path) -> None:
    """A case every hour for 23.5 hours, each needing 3 hours of the only server: 24 arrive, the
    server finishes one every 3 hours (7 by then) and is busy the whole time."""
    result = run(
        tmp_path,
        "queue",
        "mm1_case.sim.json",
        cases=None,
        replications=None,
        warmup=None,
        horizon="PT23H30M",
        arrivals={"interval": {"distribution": "fixed", "value": "PT1H"}},
        work={"Serve": {"duration": {"distribution": "fixed", "value": "PT3H"}}},
    )
    assert result["cases"] == {"arrived": 24, "completed": 7, "terminated": 0, "open": 17}
    assert result["activities"]["Serve"]["count"] == 7
    assert result["resources"]["server"]["utilization"] == 1.0


# -- sample data and drawn outputs --------------------------------------------------------------


def test_sequential_records_route_the_cases_by_their_data(tmp_path: Path) -> None:
    """10 sample claims, 3 above 10 000: cycling through them, exactly 30 % of 1000 cases get an
    expert review (2 h more than the 1 h assessment)."""
    result = run(tmp_path, "claims", "by_amount.sim.json")
    assert result["cases"]["completed"] == 1000
    assert result["activities"]["Expert review"]["count"] == 300
    assert result["elements"]["pi_expert"]["count"] == 300
    assert result["cycle_time"]["mean"] == (3 * 3 * HOUR + 7 * HOUR) / 10


def test_randomly_picked_records_route_about_their_share_of_cases(tmp_path: Path) -> None:
    data = {"file": "claims.jsonl", "pick": "random"}
    result = run(tmp_path, "claims", "by_amount.sim.json", data=data, cases=3000)
    assert result["cases"]["completed"] == 3000
    assert_proportion(result["elements"]["pi_expert"]["count"], 3000, 0.3)


def test_a_drawn_task_output_drives_the_sentries_that_follow(tmp_path: Path) -> None:
    """`decision` drawn approve 0.8 / reject 0.2 on completion of the assessment."""
    result = run(tmp_path, "claims", "decisions.sim.json")
    elements = result["elements"]
    assert elements["pi_pay"]["count"] + elements["pi_reject"]["count"] == 4000
    assert_proportion(elements["pi_pay"]["count"], 4000, 0.8)


def test_a_drawn_task_output_drives_the_gateway_that_follows(tmp_path: Path) -> None:
    result = run(tmp_path, "routing", "review.sim.json")
    outcomes = result["outcomes"]
    assert outcomes["Document approved"] + outcomes["Document rejected"] == 4000
    assert_proportion(outcomes["Document approved"], 4000, 0.8)
    assert result["elements"]["r_approved"]["count"] == outcomes["Document approved"]


WITHDRAWN = {
    "cases": 1,
    "resources": {"agent": {"count": 2, "cost_per_hour": 60}},
    "work": {
        "Handle request": {"resource": "agent", "duration": "PT1H"},
        "Call customer": {"resource": "agent", "duration": "PT10M"},
    },
    "choices": {
        "Call customer": {"probability": 1},
        "Customer withdraws": {"probability": 1, "after": "PT30M"},
    },
}
"""Two agents: one calls the customer (10 minutes, done), the other handles the request until the
customer withdraws after 30 minutes, which ends the case and stops that work."""


def test_work_of_a_withdrawn_case_stops_and_costs_only_its_time(tmp_path: Path) -> None:
    result = run(tmp_path, "choices", "service.sim.json", **WITHDRAWN)
    assert result["cases"]["terminated"] == 1
    assert result["cycle_time"]["max"] == 0.5 * HOUR
    assert result["activities"]["Call customer"]["count"] == 1
    assert result["resources"]["agent"]["cost"] == 40.0  # 10 + 30 busy minutes at 60 an hour


def test_a_task_interrupted_by_a_timer_frees_its_worker(tmp_path: Path) -> None:
    """A call-back every 30 minutes needs 90 minutes of the only agent, but a boundary timer gives
    up after an hour: the agent works on the first for an hour, then 30 minutes on each of the
    others (each has waited 30 minutes), and no call-back is ever finished."""
    result = run(tmp_path, "routing", "callback.sim.json")
    assert result["cases"] == {"arrived": 4, "completed": 4, "terminated": 0, "open": 0}
    assert result["outcomes"] == {"Call-back missed": 4}
    assert result["cycle_time"]["max"] == HOUR
    assert result["resources"]["agent"]["cost"] == 150.0  # 60 + 3 x 30 minutes at 60 an hour


@pytest.mark.parametrize(
    ("folder", "name", "changes", "utilization"),
    [
        pytest.param("choices", "service.sim.json", WITHDRAWN, 40 / 60, id="withdrawn-case"),
        pytest.param("routing", "callback.sim.json", {}, 1.0, id="interrupting-timer"),
    ],
)
def test_utilization_counts_the_time_until_stopped_work_stopped(
    tmp_path: Path, folder: str, name: str, changes: dict, utilization: float
) -> None:
    result = run(tmp_path, folder, name, **changes)
    assert only_resource(result)["utilization"] == pytest.approx(utilization, abs=1e-6)


# -- choices, branches, timers ------------------------------------------------------------------


def test_case_workers_start_plan_and_raise_items_as_often_as_the_choices_say(
    tmp_path: Path,
) -> None:
    """Per case: `Call customer` (enabled) is started with probability 0.3, `Ask expert`
    (discretionary) planned with 0.5, and `Customer withdraws` raised with 0.2 half an hour
    after the case starts, which ends it before the one-hour `Handle request` is done."""
    result = run(tmp_path, "choices", "service.sim.json")
    cases = result["cases"]
    assert cases["arrived"] == 4000 and cases["open"] == 0
    assert cases["completed"] + cases["terminated"] == 4000
    assert_proportion(cases["terminated"], 4000, 0.2)
    elements = result["elements"]
    assert elements["pi_withdraw"]["count"] == cases["terminated"]
    assert_proportion(elements["pi_call"]["count"], 4000, 0.3)
    assert_proportion(elements["di_expert"]["count"], 4000, 0.5)
    assert result["activities"]["Handle request"]["count"] == cases["completed"]
    withdrawn, done = cases["terminated"], cases["completed"]
    expected = (withdrawn * 0.5 * HOUR + done * HOUR) / 4000
    assert result["cycle_time"]["mean"] == pytest.approx(expected, abs=0.001)
    assert result["cycle_time"]["max"] == HOUR


def test_a_gateway_takes_its_flows_with_the_branch_probabilities(tmp_path: Path) -> None:
    result = run(tmp_path, "routing", "triage.sim.json")
    simple = result["elements"]["t_simple"]["count"]
    complex_ = result["elements"]["t_complex"]["count"]
    assert simple + complex_ == 4000
    assert_proportion(complex_, 4000, 0.25)
    assert result["outcomes"] == {
        "Complex request answered": complex_,
        "Simple request answered": simple,
    }


@pytest.mark.parametrize(
    ("folder", "name", "duration"),
    [
        pytest.param("choices", "deadline.sim.json", 2 * HOUR, id="cmmn-timer-event-listener"),
        pytest.param("routing", "cooling.sim.json", 3 * HOUR, id="bpmn-timer-catch-event"),
    ],
)
def test_timers_fire_in_virtual_time(
    tmp_path: Path, folder: str, name: str, duration: float
) -> None:
    """500 overlapping cases that each wait for a timer: every one ends when its timer fires."""
    result = run(tmp_path, folder, name)
    assert result["cases"] == {"arrived": 500, "completed": 500, "terminated": 0, "open": 0}
    cycle = result["cycle_time"]
    assert cycle["mean"] == cycle["p50"] == cycle["max"] == duration


# -- called processes ---------------------------------------------------------------------------


def test_a_process_task_runs_the_called_process_and_its_work_counts(tmp_path: Path) -> None:
    """The case's process task calls a BPMN process whose user task a clerk works for 30
    minutes; its result (`verified`) comes back to the case, which files it (15 minutes)."""
    result = run(tmp_path, "called", "intake.sim.json")
    assert result["cases"] == {"arrived": 2000, "completed": 2000, "terminated": 0, "open": 0}
    verify = result["activities"]["Verify documents"]
    file_ = result["activities"]["File the case"]
    assert verify["count"] == file_["count"] == 2000
    assert verify["processing"]["mean"] == 1800.0
    assert result["resources"]["clerk"]["cost"] == 2000 * 0.75 * 30
    waited = verify["waiting"]["mean"] + file_["waiting"]["mean"]
    assert result["cycle_time"]["mean"] == pytest.approx(2700.0 + waited, abs=0.002)


# -- unusable input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "name", "changes", "file", "where", "reason"),
    [
        pytest.param(
            "claims",
            "by_amount.sim.json",
            {"work": {"Assess claims": {"duration": "PT1H"}}},
            None,
            "work.Assess claims",
            'no activity or item "Assess claims"',
            id="unknown-activity",
        ),
        pytest.param(
            "called",
            "intake.sim.json",
            {"work": {"Record the check": {"duration": "PT1M"}}},
            None,
            "work.Record the check",
            "runs by itself",
            id="work-on-a-script-task",
        ),
        pytest.param(
            "queue",
            "mm1_case.sim.json",
            {"resources": {"server": {"count": 1}, "ghost": {"count": 2}}},
            None,
            "resources.ghost",
            'role "ghost"',
            id="unknown-role",
        ),
        pytest.param(
            "choices",
            "service.sim.json",
            {"choices": {"Handle requests": {"probability": 0.5}}},
            None,
            "choices.Handle requests",
            'no activity or item "Handle requests"',
            id="unknown-choice",
        ),
        pytest.param(
            "routing",
            "triage.sim.json",
            {"branches": {"gw_kind": {"f_simple": 0.5, "t_f_in": 0.5}}},
            None,
            "branches.gw_kind.t_f_in",
            '"t_f_in" does not leave gateway "gw_kind"',
            id="flow-not-leaving-the-gateway",
        ),
        pytest.param(
            "routing",
            "triage.sim.json",
            {"branches": {"gw_kind": {"f_simple": 0.5, "f_complex": 0.5}, "t_simple": {"x": 1}}},
            None,
            "branches.t_simple",
            "not an exclusive or inclusive gateway",
            id="branches-on-a-task",
        ),
        pytest.param(
            "claims",
            "by_amount.sim.json",
            {"data": {"file": "bad_claims.jsonl"}},
            "bad_claims.jsonl",
            "line 3",
            "claim.amount",
            id="record-not-fitting-the-case-file-schema",
        ),
    ],
)
def test_unusable_input_is_a_spec_error_naming_the_place(
    tmp_path: Path,
    folder: str,
    name: str,
    changes: dict,
    file: str | None,
    where: str,
    reason: str,
) -> None:
    with pytest.raises(SpecError) as caught:
        run(tmp_path, folder, name, **changes)
    error = caught.value
    assert error.where == where
    assert reason in error.reason
    if file is not None:
        assert error.file == file
