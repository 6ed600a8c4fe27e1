"""Simulations started from the web run in worker processes: progress events, the result,
cancellation, one running simulation per user, and unusable input reported as a failure."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from studio.simulation.jobs import AlreadyRunning, SimulationJobs
from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[2]


def sim_file(folder: Path, cases: int, name: str = "run.sim.json") -> Path:
    document = json.loads((ROOT / "benchmarks" / "bench_process_sim.sim.json").read_text())
    document["model"] = str(shared_path("bench/peers/bench_process_sim.bpmn"))
    document["cases"] = cases
    path = folder / name
    path.write_text(json.dumps(document))
    return path


class Events:
    def __init__(self) -> None:
        self.seen: list[dict] = []
        self.lock = threading.Lock()

    def __call__(self, event: dict) -> None:
        with self.lock:
            self.seen.append(event)

    def types(self) -> list[str]:
        with self.lock:
            return [e["type"] for e in self.seen]


def test_a_simulation_runs_in_a_worker_process_with_progress_and_a_result(tmp_path: Path):
    events = Events()
    jobs = SimulationJobs(events)
    job = jobs.start("ann", sim_file(tmp_path, 1500))
    assert job.process is not None and job.process.pid != threading.get_native_id()
    done = jobs.wait(job.id, timeout=120)
    assert done.state == "done" and done.result is not None
    assert done.result["cases"]["arrived"] == 1500
    assert "progress" in events.types() and events.types()[-1] == "done"
    assert done.as_json()["progress"] == {"done": 1500, "total": 1500}
    assert not job.process.is_alive()


def test_one_running_simulation_per_user_and_cancellation(tmp_path: Path):
    events = Events()
    jobs = SimulationJobs(events)
    long = jobs.start("ann", sim_file(tmp_path, 2_000_000))
    with pytest.raises(AlreadyRunning):
        jobs.start("ann", sim_file(tmp_path, 10, "other.sim.json"))
    other = jobs.start("bob", sim_file(tmp_path, 10, "other.sim.json"))
    assert jobs.wait(other.id, timeout=120).state == "done"
    assert jobs.cancel(long.id)
    assert long.state == "cancelled" and long.process is not None
    assert not long.process.is_alive()
    assert events.types().count("cancelled") == 1
    assert not jobs.cancel(long.id)  # not running any more
    again = jobs.start("ann", sim_file(tmp_path, 10, "other.sim.json"))
    assert jobs.wait(again.id, timeout=120).state == "done"


def test_unusable_input_fails_the_job_with_the_reason(tmp_path: Path):
    bad = tmp_path / "bad.sim.json"
    bad.write_text('{"model": "missing.bpmn", "cases": 5, "arrivals": {"interval": "PT1M"}}')
    jobs = SimulationJobs()
    job = jobs.wait(jobs.start("ann", bad).id, timeout=120)
    assert job.state == "failed" and job.error is not None
    assert "bad.sim.json" in job.error and "missing.bpmn" in job.error
