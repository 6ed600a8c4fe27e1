"""Simulations over REST: run a `*.sim.json` of a deployed model project in a worker process.

`POST /api/v1/simulations {"deployment": id, "file": "x.sim.json"}` starts one (one running
simulation per user); progress goes to the user's Socket.IO room as `simulation` events;
`GET /api/v1/simulations/{id}` gives its state, progress and, once done, the result;
`POST /api/v1/simulations/{id}/cancel` stops it. Analysts, testers and admins simulate.

`POST /api/v1/projects/{id}/versions/{n}/simulations {"file": "path.sim.json", "spec": {...}}`
simulates a file of a project version instead (copied to a temporary folder the job removes when
it ends); `spec`, when given, replaces the file's content (an edited simulation).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app, jsonify, request

from studio.simulation.jobs import AlreadyRunning, SimulationJobs
from studio.web.api import api
from studio.web.auth import current_user, requires, runtime
from studio.web.errors import ApiError

ROLES = ("analyst", "tester", "admin")
SIM_SUFFIX = ".sim.json"


def jobs() -> SimulationJobs:
    found = current_app.extensions.get("studio_simulations")
    if found is None:
        from studio.web.live import simulation_events

        live = current_app.extensions.get("studio_live")
        found = SimulationJobs(simulation_events(current_app) if live is not None else None)
        current_app.extensions["studio_simulations"] = found
    return found


@api.post("/simulations")
@requires(*ROLES)
def start_simulation():
    body = request.get_json(silent=True)
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("deployment"), int)
        or not isinstance(body.get("file"), str)
    ):
        raise ApiError(400, "bad-request", 'send {"deployment": <id>, "file": "<name>.sim.json"}')
    name = body["file"]
    if not name.endswith(".sim.json") or "/" in name or "\\" in name or name.startswith("."):
        raise ApiError(400, "bad-request", "file names a *.sim.json of the deployed project")
    try:
        folder = runtime().deployments.folder(body["deployment"])
    except LookupError:
        raise ApiError(404, "not-found", f"no deployment {body['deployment']}") from None
    path = Path(folder) / name
    if not path.is_file():
        raise ApiError(404, "not-found", f"the deployment has no {name}")
    return _started(path)


def _started(path: Path, origin: dict | None = None, workdir: Any = None):
    user = current_user()
    assert user is not None
    try:
        job = jobs().start(user.username, path, origin, workdir)
    except AlreadyRunning as exc:
        if workdir is not None:
            workdir.cleanup()
        raise ApiError(409, "conflict", str(exc)) from None
    response = jsonify(job.as_json())
    response.status_code = 201
    return response


@api.post("/projects/<int:project_id>/versions/<int:number>/simulations")
@requires(*ROLES)
def simulate_project_version(project_id: int, number: int):
    from studio.simulation.errors import SpecError
    from studio.simulation.spec import load_spec
    from studio.web.api.projects import _answer, _id, _project

    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("file"), str):
        raise ApiError(400, "bad-request", 'send {"file": "<path>.sim.json", "spec": {...}}')
    name, spec = body["file"], body.get("spec")
    if not name.endswith(SIM_SUFFIX):
        raise ApiError(400, "bad-request", "file names a *.sim.json of the project version")
    if spec is not None and not isinstance(spec, dict):
        raise ApiError(400, "bad-request", "spec is the simulation as a JSON object")
    project = _project(project_id)
    files = _answer(lambda: runtime().projects.files(project_id, _id(number)))
    if name not in files:
        raise ApiError(404, "not-found", f"version {number} has no file {name!a}")
    workdir = tempfile.TemporaryDirectory(prefix="studio-sim-")
    root = Path(workdir.name)
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    sim = root / name
    if spec is not None:
        outside = _outside(root, sim, spec)
        if outside:
            workdir.cleanup()
            raise ApiError(
                422, "invalid-simulation", f"{name}: {outside} names a file outside the project"
            )
        sim.write_text(json.dumps(spec), encoding="utf-8")
    try:
        loaded = load_spec(sim, name)
    except SpecError as exc:
        workdir.cleanup()
        raise ApiError(422, "invalid-simulation", str(exc)) from None
    model = loaded_model(loaded, root)
    origin = {
        "project": project.id,
        "key": project.key,
        "version": number,
        "file": name,
        "model": model,
        "edited": spec is not None,
        "cases": spec.get("cases") if spec else _cases(files[name]),
    }
    return _started(sim, origin, workdir)


def _outside(root: Path, sim: Path, spec: dict[str, Any]) -> str | None:
    """The first of an edited simulation's file references (model, data.file) that leads out of
    the project's folder, if any: an edited file reads nothing else of the server."""
    data = spec.get("data")
    named = {
        "model": spec.get("model"),
        "data.file": data.get("file") if isinstance(data, dict) else None,
    }
    base = root.resolve()
    for field, value in named.items():
        if isinstance(value, str) and not (sim.parent / value).resolve().is_relative_to(base):
            return field
    return None


def loaded_model(spec: Any, root: Path) -> str | None:
    """The path, within the project, of the model a loaded simulation runs."""
    try:
        return Path(spec.model).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _cases(data: bytes) -> Any:
    try:
        return json.loads(data).get("cases")
    except (ValueError, AttributeError):
        return None


@api.get("/simulations/<job_id>")
@requires(*ROLES)
def get_simulation(job_id: str):
    return jsonify(_own(job_id).as_json())


@api.post("/simulations/<job_id>/cancel")
@requires(*ROLES)
def cancel_simulation(job_id: str):
    job = _own(job_id)
    jobs().cancel(job.id)
    return jsonify(job.as_json())


def _own(job_id: str):
    user = current_user()
    assert user is not None
    job = jobs().get(job_id)
    if job is None or job.user != user.username:
        raise ApiError(404, "not-found", f"no simulation {job_id!r}")
    return job
