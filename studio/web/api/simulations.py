"""Simulations over REST: run a `*.sim.json` of a deployed model project in a worker process.

`POST /api/v1/simulations {"deployment": id, "file": "x.sim.json"}` starts one (one running
simulation per user); progress goes to the user's Socket.IO room as `simulation` events;
`GET /api/v1/simulations/{id}` gives its state, progress and, once done, the result;
`POST /api/v1/simulations/{id}/cancel` stops it. Analysts, testers and admins simulate.

`POST /api/v1/projects/{id}/versions/{n}/simulations {"file": "path.sim.json", "spec": {...}}`
simulates a file of a project version instead (copied to a temporary folder the job removes when
it ends); `spec`, when given, replaces the file's content (an edited simulation).

A finished run is stored in the database (`SimulationRunStore`) with its sim file as run, who,
when and where from, under its job's id: `GET /api/v1/simulation-runs` lists the user's,
`GET /api/v1/simulation-runs/{id}` gives one (result and sim file), also after a restart.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import isodate
from flask import current_app, jsonify, request

from studio.runtime.store.simulation_runs import SimulationRunStore, StoredRun
from studio.simulation.jobs import AlreadyRunning, Job, SimulationJobs
from studio.web.api import api
from studio.web.auth import current_user, requires, runtime
from studio.web.errors import ApiError

ROLES = ("analyst", "tester", "admin")
SIM_SUFFIX = ".sim.json"
Owned = TypeVar("Owned", Job, StoredRun)


def jobs() -> SimulationJobs:
    found = current_app.extensions.get("studio_simulations")
    if found is None:
        from studio.web.live import simulation_events

        live = current_app.extensions.get("studio_live")
        events = simulation_events(current_app) if live is not None else None
        stored = runs()
        found = SimulationJobs(events, store_finished(stored), name=reserve_in(stored))
        current_app.extensions["studio_simulations"] = found
    return found


def runs() -> SimulationRunStore:
    """The server's store of finished runs."""
    found = current_app.extensions.get("studio_simulation_runs")
    if found is None:
        found = SimulationRunStore(runtime().engine)
        current_app.extensions["studio_simulation_runs"] = found
    return found


def store_finished(store: SimulationRunStore):
    """The jobs' `on_finished`: store the run with its sim file as run (read before the job's
    temporary folder goes); called from the job's listener thread, outside any request."""

    def finished(job: Job) -> str:
        origin = job.origin or {}
        return store.save(
            job.id,
            user=job.user,
            file=origin.get("file") or job.file.name,
            spec=job.file.read_text(encoding="utf-8", errors="replace"),
            result=job.result or {},
            started=datetime.fromtimestamp(job.started, UTC),
            finished=datetime.now(UTC),
            origin=job.origin,
        )

    return finished


def reserve_in(store: SimulationRunStore):
    """The jobs' `name`: a run id from a row of the store, unique across server processes."""

    def name(user: str, file: Path) -> str:
        return store.reserve(user, file.name, datetime.now(UTC))

    return name


def stored_job(run: StoredRun) -> Job:
    """A stored run as a finished job, for the pages and answers that show jobs."""
    cases = (run.result.get("cases") or {}).get("arrived", 0)
    return Job(
        run.id, run.user, Path(run.file), state="done", done=cases, total=cases,
        result=run.result, origin=run.origin, started=run.started.timestamp(), saved_as=run.id,
    )  # fmt: skip


def runs_of(user: str) -> list[Job]:
    """The user's runs, newest first: those of this server process still running or not stored
    (failed, cancelled), and every stored run, also of earlier server processes."""
    live = [job for job in jobs().of(user) if job.saved_as is None]
    stored = [stored_job(run) for run in runs().of(user)]
    return sorted([*live, *stored], key=lambda job: job.started, reverse=True)


def run_of(user: str, run_id: str) -> Job | None:
    """The user's run `run_id` (a job of this process or a stored run), or None."""
    job = jobs().get(run_id)
    if job is None:
        stored = runs().get(run_id)
        job = stored_job(stored) if stored is not None else None
    return job if job is not None and job.user == user else None


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
    return _started(path, {"deployment": body["deployment"], "file": name})


MAX_CASES = 1_000_000
"""The most cases one run from the studio simulates (over all replications)."""
MAX_REPLICATIONS = 100
MAX_HORIZON = timedelta(days=366 * 5)


def too_big(spec: Any) -> str | None:
    """Why a simulation is too big to run on the shared server, or None. The command line
    (`studio simulate`) has no such limits: it runs on the tester's own machine."""
    if not isinstance(spec, dict):
        return None
    cases, replications = spec.get("cases"), spec.get("replications", 1)
    if isinstance(replications, int) and replications > MAX_REPLICATIONS:
        return f"at most {MAX_REPLICATIONS} replications run in the studio, not {replications}"
    runs = replications if isinstance(replications, int) and replications > 0 else 1
    if isinstance(cases, int) and cases * runs > MAX_CASES:
        return (
            f"at most {MAX_CASES:,} cases (over all replications) run in the studio, "
            f"not {cases * runs:,}: run bigger simulations with `studio simulate`"
        )
    horizon = spec.get("horizon")
    if isinstance(horizon, str):
        try:
            length = isodate.parse_duration(horizon)
        except (isodate.ISO8601Error, ValueError):
            return None  # the loader says what is wrong with it
        if isinstance(length, isodate.Duration):
            length = length.totimedelta(start=datetime(2026, 1, 1, tzinfo=UTC))
        if length > MAX_HORIZON:
            return f"a horizon of at most five years runs in the studio, not {horizon}"
    return None


def _started(path: Path, origin: dict | None = None, workdir: Any = None):
    user = current_user()
    assert user is not None
    try:
        reason = too_big(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        reason = None  # unreadable: the run says why
    if reason is not None:
        if workdir is not None:
            workdir.cleanup()
        raise ApiError(422, "invalid-simulation", f"{path.name}: {reason}")
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


def _own(job_id: str) -> Job:
    return _of_caller(jobs().get(job_id), f"no simulation {job_id!r}")


def _of_caller(found: Owned | None, missing: str) -> Owned:
    """`found` when the caller's own; else a 404 saying `missing` (another user's is not shown)."""
    user = current_user()
    assert user is not None
    if found is None or found.user != user.username:
        raise ApiError(404, "not-found", missing)
    return found


@api.get("/simulation-runs")
@requires(*ROLES)
def list_simulation_runs():
    user = current_user()
    assert user is not None
    return jsonify({"runs": [_listed(job) for job in runs_of(user.username)]})


@api.get("/simulation-runs/<run_id>")
@requires(*ROLES)
def get_simulation_run(run_id: str):
    stored = _of_caller(runs().get(run_id), f"no stored simulation run {run_id!r}")
    return jsonify({**_listed(stored_job(stored)), "result": stored.result, "spec": stored.spec,
                    "finished": _iso(stored.finished)})  # fmt: skip


def _listed(job: Job) -> dict[str, Any]:
    shown = {key: value for key, value in job.as_json().items() if key != "result"}
    shown["started"] = _iso(datetime.fromtimestamp(job.started, UTC))
    shown["stored"] = job.saved_as
    return shown


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
