"""Simulations over REST: run a `*.sim.json` of a deployed model project in a worker process.

`POST /api/v1/simulations {"deployment": id, "file": "x.sim.json"}` starts one (one running
simulation per user); progress goes to the user's Socket.IO room as `simulation` events;
`GET /api/v1/simulations/{id}` gives its state, progress and, once done, the result;
`POST /api/v1/simulations/{id}/cancel` stops it. Analysts and testers simulate.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, jsonify, request

from studio.simulation.jobs import AlreadyRunning, SimulationJobs
from studio.web.api import api
from studio.web.auth import current_user, requires, runtime
from studio.web.errors import ApiError

ROLES = ("analyst", "tester")


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
    user = current_user()
    assert user is not None
    try:
        job = jobs().start(user.username, path)
    except AlreadyRunning as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    response = jsonify(job.as_json())
    response.status_code = 201
    return response


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
