"""Simulations from the web: a worker process per run, its progress and result, one per user,
cancellation, and only for analysts and testers."""

from __future__ import annotations

import io
import json
import time
import zipfile

from tests.conftest import shared_path
from tests.web.conftest import PASSWORD, admin, token


def project(cases: int) -> bytes:
    from pathlib import Path

    sim = json.loads(
        (
            Path(__file__).resolve().parents[2] / "benchmarks" / "bench_process_sim.sim.json"
        ).read_text()
    )
    sim["model"] = "bench_process_sim.bpmn"
    sim["cases"] = cases
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bench/bench_process_sim.bpmn",
                         shared_path("bench/peers/bench_process_sim.bpmn").read_bytes())  # fmt: skip
        archive.writestr("bench/run.sim.json", json.dumps(sim))
        archive.writestr("bench/long.sim.json", json.dumps({**sim, "cases": 1_000_000}))
        archive.writestr(
            "bench/huge.sim.json", json.dumps({**sim, "cases": 400_000, "replications": 3})
        )
    return buffer.getvalue()


def test_an_analyst_runs_a_simulation_of_a_deployed_project(client, app) -> None:
    app.extensions["studio"].users.add("tess", PASSWORD, ["tester"])
    deployed = client.post("/api/v1/deployments", data={"file": (io.BytesIO(project(400)), "b.zip")},
                           headers=admin(client)).get_json()  # fmt: skip
    ann, tess = token(client, "ann"), token(client, "tess")
    body = {"deployment": deployed["id"], "file": "run.sim.json"}
    assert (
        client.post("/api/v1/simulations", json=body, headers=token(client, "carl")).status_code
        == 403
    )
    started = client.post("/api/v1/simulations", json=body, headers=ann)
    assert started.status_code == 201, started.get_json()
    job = started.get_json()
    assert client.get(f"/api/v1/simulations/{job['id']}", headers=tess).status_code == 404
    deadline = time.monotonic() + 120
    while job["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/v1/simulations/{job['id']}", headers=ann).get_json()
    assert job["state"] == "done" and job["result"]["cases"]["arrived"] == 400
    missing = client.post(
        "/api/v1/simulations", json={**body, "file": "../x.sim.json"}, headers=ann
    )
    assert missing.status_code == 400


def test_one_running_simulation_per_user_and_cancellation(client) -> None:
    deployed = client.post("/api/v1/deployments", data={"file": (io.BytesIO(project(10)), "b.zip")},
                           headers=admin(client)).get_json()  # fmt: skip
    ann = token(client, "ann")
    long = client.post("/api/v1/simulations", headers=ann,
                       json={"deployment": deployed["id"], "file": "long.sim.json"}).get_json()  # fmt: skip
    second = client.post("/api/v1/simulations", headers=ann,
                         json={"deployment": deployed["id"], "file": "run.sim.json"})  # fmt: skip
    assert second.status_code == 409
    cancelled = client.post(f"/api/v1/simulations/{long['id']}/cancel", headers=ann).get_json()
    assert cancelled["state"] == "cancelled"


def test_a_simulation_too_big_for_the_shared_server_is_refused_saying_why(client) -> None:
    deployed = client.post("/api/v1/deployments", data={"file": (io.BytesIO(project(10)), "b.zip")},
                           headers=admin(client)).get_json()  # fmt: skip
    huge = client.post("/api/v1/simulations", headers=token(client, "ann"),
                       json={"deployment": deployed["id"], "file": "huge.sim.json"})  # fmt: skip
    assert huge.status_code == 422
    message = huge.get_json()["error"]["message"]
    assert "huge.sim.json" in message and "at most 1,000,000 cases" in message
    assert "1,200,000" in message and "studio simulate" in message


def test_a_tester_simulates_an_edited_sim_file_of_a_project_version(client, app) -> None:
    from pathlib import Path

    from studio.editor.projects.importing import read_folder

    app.extensions["studio"].users.add("tess", PASSWORD, ["tester"])
    store = app.extensions["studio"].projects
    folder = Path(__file__).resolve().parents[2] / "sample_models" / "invoice-processing"
    created = store.create("invoices", None, "test", read_folder(folder, store.limits).files, "")
    tess = token(client, "tess")
    base = f"/api/v1/projects/{created.id}/versions/1/simulations"
    spec = json.loads((folder / "invoices.sim.json").read_text())
    spec.update(cases=150, warmup="P0D")
    started = client.post(base, json={"file": "invoices.sim.json", "spec": spec}, headers=tess)
    assert started.status_code == 201, started.get_json()
    job = started.get_json()
    assert job["origin"]["model"] == "invoice-processing.bpmn" and job["origin"]["edited"]
    deadline = time.monotonic() + 120
    while job["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/v1/simulations/{job['id']}", headers=tess).get_json()
    assert job["state"] == "done", job
    assert job["result"]["cases"]["arrived"] == 150
    broken = client.post(
        base, json={"file": "invoices.sim.json", "spec": {**spec, "cases": -1}}, headers=tess
    )
    assert broken.status_code == 422 and "cases" in broken.get_json()["error"]["message"]
    missing = client.post(base, json={"file": "nope.sim.json"}, headers=tess)
    assert missing.status_code == 404
    for escape in ({"model": "/etc/hosts"}, {"data": {"file": "../../x.jsonl"}}):
        refused = client.post(
            base, json={"file": "invoices.sim.json", "spec": {**spec, **escape}}, headers=tess
        )
        assert (
            refused.status_code == 422
            and "outside the project" in refused.get_json()["error"]["message"]
        )
    carl = client.post(base, json={"file": "invoices.sim.json"}, headers=token(client, "carl"))
    assert carl.status_code == 403


def test_the_report_page_figures_heat_levels_and_comparison_rows(app) -> None:
    from studio.web.areas.testing import compare_rows, heat_levels, report_view

    result = {
        "cases": {"arrived": 10, "completed": 9, "terminated": 1, "open": 0},
        "cycle_time": {"mean": 3600, "p50": 1800, "p90": 7200, "p95": 9000, "max": 20000},
        "activities": {"Check": {"count": 9, "waiting": {"mean": 60, "p90": 120},
                                 "processing": {"mean": 600}}},
        "resources": {"clerk": {"utilization": 0.5, "cost": 123.4}},
        "elements": {"Task_1": {"count": 10}, "Task_2": {"count": 1}, "Gone": {"count": 0}},
    }  # fmt: skip
    with app.test_request_context():
        view = report_view(result)
        rows = compare_rows(
            result, {**result, "cycle_time": {**result["cycle_time"], "mean": 1800}}
        )
    assert view["cases"]["arrived"] == "10" and view["cycle"][-1]["width"] == 100.0
    activity = view["activities"][0]
    assert (
        activity["wait_width"] + activity["work_width"] == 100.0
        and view["resources"][0]["width"] == 50.0
    )
    heat = heat_levels(result)
    assert heat == {"Task_1": {"count": 10, "level": 5}, "Task_2": {"count": 1, "level": 1}}
    mean = next(row for row in rows if row["label"] == "Cycle time mean")
    assert mean["change"] == "-50.0%" and mean["better"] is True


def test_the_studio_limits_replications_and_horizons_but_not_ordinary_runs() -> None:
    from studio.web.api.simulations import too_big

    assert too_big({"cases": 10_000, "replications": 5}) is None
    assert too_big({"horizon": "P1Y", "replications": 10}) is None
    assert "at most 100 replications" in too_big({"cases": 10, "replications": 101})
    assert "five years" in too_big({"horizon": "P6Y"})
    assert "five years" in too_big({"horizon": "P2000D"})
