"""`studio simulate`: the KPIs as text or JSON, the HTML report, the what-if comparison, and
unusable input (exit 2, nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[2]


def sim_file(folder: Path, name: str = "run.sim.json", **changes) -> Path:
    """The benchmark scenario of ../shared/bench/peers, shortened, in `folder`."""
    document = json.loads((ROOT / "benchmarks" / "bench_process_sim.sim.json").read_text())
    document["model"] = str(shared_path("bench/peers/bench_process_sim.bpmn"))
    document["cases"] = 300
    document.update(changes)
    path = folder / name
    path.write_text(json.dumps(document))
    return path


def studio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studio", "simulate", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip


def test_text_output_shows_cases_cycle_time_activities_and_roles(tmp_path: Path) -> None:
    done = studio(str(sim_file(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert "run.sim.json: 300 cases arrived, 300 completed" in done.stdout
    assert "cycle time: mean" in done.stdout
    for name in ("Prepare", "Handle high", "Handle low", "clerk", "officer"):
        assert name in done.stdout
    assert done.stderr == ""  # no progress bar on a pipe


def test_json_output_has_the_design_shape(tmp_path: Path) -> None:
    done = studio(str(sim_file(tmp_path)), "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"cases", "cycle_time", "activities", "resources", "elements", "outcomes"}
    assert set(result["cases"]) == {"arrived", "completed", "terminated", "open"}
    assert set(result["cycle_time"]) == {"mean", "p50", "p90", "p95", "max"}
    prepare = result["activities"]["Prepare"]
    assert prepare["count"] == 300 and set(prepare["waiting"]) == {"mean", "p90"}
    assert 0 < result["resources"]["clerk"]["utilization"] < 1
    assert result["elements"]["prep"]["count"] == 300
    high, low = (result["elements"][e]["count"] for e in ("high", "low"))
    assert high + low == 300


def test_the_html_report_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = studio(str(sim_file(tmp_path)), "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Prepare" in page and "<svg" in page
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_compare_shows_a_what_if_side_by_side(tmp_path: Path) -> None:
    base = sim_file(tmp_path, "base.sim.json")
    more = sim_file(
        tmp_path, "more_clerks.sim.json",
        resources={
            "clerk": {"count": 5, "calendar": "office_hours", "cost_per_hour": 25},
            "officer": {"count": 2, "calendar": "office_hours", "cost_per_hour": 60},
        },
    )  # fmt: skip
    done = studio(str(base), "--compare", str(more), "--format", "json")
    assert done.returncode == 0, done.stderr
    compared = json.loads(done.stdout)
    waiting = compared["difference"]["activities"]["Prepare"]["waiting"]["mean"]
    assert waiting < 0  # more clerks: less waiting for the clerks' first task
    text = studio(str(base), "--compare", str(more))
    assert "base.sim.json" in text.stdout and "more_clerks.sim.json" in text.stdout


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"work": {"Nope": {"resource": "clerk"}}}, 'work.Nope: no activity or item "Nope"'),
        (
            {"branches": {"xor_split": {"f_and_a": 1}}},
            'branches.xor_split.f_and_a: "f_and_a" does not leave',
        ),
        ({"cases": -1}, "cases"),
    ],
)
def test_unusable_input_exits_2_naming_the_place_and_writes_nothing(
    tmp_path: Path, changes: dict, expected: str
) -> None:
    out = tmp_path / "report.html"
    done = studio(str(sim_file(tmp_path, **changes)), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.startswith("studio simulate: ")
    assert "run.sim.json" in done.stderr and expected in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
