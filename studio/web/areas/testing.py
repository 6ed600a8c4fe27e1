"""Scenario tests and simulations in the browser (the "testing" area).

- `/projects/<id>/scenarios`: a version's scenario files, run all or one, each step's result and
  the diagram coloured with the item states after a step; edit a scenario, save a new version.
- `/simulations`: choose (or edit) a `*.sim.json` of a project version, run it with live progress.
- `/simulations/<job>`: the report of a finished run (KPIs, charts, heat map on the diagram).
- `/simulations/compare?a=<job>&b=<job>`: two runs side by side.

The pages call the REST API (`project_tests.py`, `simulations.py`); their scripts are
`frontend/src/pages/scenarios.js` and `simulation.js`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext

from studio.editor.projects import UnknownProject, UnknownVersion
from studio.simulation.compare import kpis
from studio.simulation.jobs import Job
from studio.simulation.report_html import DASH, fmt_duration, fmt_money, fmt_number, fmt_percent
from studio.testing.scenario_file import SUFFIX as SCENARIO_SUFFIX
from studio.web.auth import current_user, runtime
from studio.web.studio_pages import BUILT, DIAGRAMS, error_page, page

blueprint = Blueprint("testing", __name__, template_folder="../templates")

ROLES = ("analyst", "tester", "admin")
SIM_SUFFIX = ".sim.json"
HEAT_LEVELS = 5


# -- scenarios -------------------------------------------------------------------------------------


@blueprint.get("/projects/<int:project_id>/scenarios")
@page(*ROLES)
def scenarios(project_id: int) -> Any:
    store = runtime().projects
    try:
        project = store.get(project_id)
        versions = store.versions(project_id)
    except UnknownProject:
        return error_page(404, gettext("There is no project %(id)s.", id=project_id))
    if not versions:
        return render_template("testing/scenarios.html", project=project, version=None,
                               versions=[], scenarios=[], selected=None, notation=None,
                               built=BUILT.is_file(), strings=scenario_strings())  # fmt: skip
    number = request.args.get("version", type=int) or max(v.number for v in versions)
    try:
        version = store.version(project_id, number)
        files = store.files(project_id, number, lambda p: p.endswith(SCENARIO_SUFFIX))
        simulated = any(e.path.endswith(SIM_SUFFIX) for e in store.entries(project_id, number))
    except UnknownVersion:
        return error_page(404, gettext("Project %(key)s has no version %(n)s.", key=project.key,
                                       n=number))  # fmt: skip
    listed = [_scenario_entry(path, data) for path, data in sorted(files.items())]
    wanted = request.args.get("scenario")
    selected = next((s for s in listed if s["file"] == wanted), None)
    if selected is None:
        selected = next((s for s in listed if s["notation"]), listed[0] if listed else None)
    return render_template(
        "testing/scenarios.html",
        project=project,
        version=version,
        versions=sorted(versions, key=lambda v: v.number, reverse=True),
        scenarios=listed,
        selected=selected,
        notation=selected["notation"] if selected else None,
        simulated=simulated,
        built=BUILT.is_file(),
        strings=scenario_strings(),
    )


def _first_of(choices: list[dict[str, Any]], project: int | None, version: int | None) -> str:
    """The option value of the first simulation file of a project version ('' without one)."""
    for c in choices:
        if c["project"] == project and c["version"] == version:
            return f"{c['project']}|{c['version']}|{c['file']}"
    return ""


def _scenario_entry(path: str, data: bytes) -> dict[str, Any]:
    """What the page lists of a scenario file: its name, model and the model's notation."""
    try:
        document = json.loads(data)
    except ValueError:
        document = None
    document = document if isinstance(document, dict) else {}
    name = document.get("name") if isinstance(document.get("name"), str) else None
    model = document.get("model") if isinstance(document.get("model"), str) else None
    model_path = str(PurePosixPath(path).parent / model).removeprefix("./") if model else None
    notation = DIAGRAMS.get(PurePosixPath(model_path).suffix.lower()) if model_path else None
    return {"file": path, "name": name or path, "model": model_path, "notation": notation}


# -- simulations -----------------------------------------------------------------------------------


@blueprint.get("/simulations")
@page(*ROLES)
def simulations() -> Any:
    store = runtime().projects
    wanted = (request.args.get("project", type=int), request.args.get("version", type=int))
    choices = []
    for project in store.list():
        if project.latest is None:
            continue
        numbers = [project.latest.number]
        if wanted[0] == project.id and wanted[1] and wanted[1] != project.latest.number:
            numbers.insert(0, wanted[1])  # an older version asked for by a link
        for number in numbers:
            try:
                entries = store.entries(project.id, number)
            except UnknownVersion:
                continue
            choices.extend(
                {"project": project.id, "key": project.key, "name": project.name,
                 "version": number, "file": entry.path}
                for entry in entries if entry.path.endswith(SIM_SUFFIX)
            )  # fmt: skip
    runs = [_run_summary(job) for job in _jobs_of_user()]
    running = next((run for run in runs if run["state"] == "running"), None)
    return render_template(
        "testing/simulations.html",
        choices=choices,
        runs=runs,
        running=running,
        state_names=state_names(),
        chosen=request.args.get("file", "") or _first_of(choices, *wanted),
        strings=simulation_strings(),
    )


@blueprint.get("/simulations/<job_id>")
@page(*ROLES)
def simulation_report(job_id: str) -> Any:
    job = _own_job(job_id)
    if job is None:
        return error_page(404, gettext("There is no simulation run %(id)s of yours.", id=job_id))
    if job.state != "done" or job.result is None:
        return render_template("testing/report.html", job=job, run=_run_summary(job), report=None,
                               strings=simulation_strings(), built=BUILT.is_file(),
                               notation=None, spec=None)  # fmt: skip
    report = report_view(job.result)
    spec = _stored_spec(job)
    origin = job.origin or {}
    model = origin.get("model")
    notation = DIAGRAMS.get(PurePosixPath(model).suffix.lower()) if model else None
    return render_template(
        "testing/report.html",
        job=job,
        run=_run_summary(job),
        report=report,
        heat=heat_levels(job.result),
        spec=spec,
        hidden_by_warmup=_hidden_by_warmup(job.result, spec),
        notation=notation,
        built=BUILT.is_file(),
        strings=simulation_strings(),
    )


def _hidden_by_warmup(result: dict[str, Any], spec: str | None) -> str | None:
    """The run's warm-up when no case arrived after it (every figure is then empty), else None."""
    if (result.get("cases") or {}).get("arrived") or spec is None:
        return None
    try:
        warmup = json.loads(spec).get("warmup")
    except (ValueError, AttributeError):
        return None
    return str(warmup) if warmup not in (None, 0, "", "P0D", "PT0S") else None


@blueprint.get("/simulations/compare")
@page(*ROLES)
def simulation_compare() -> Any:
    done = [job for job in _jobs_of_user() if job.state == "done" and job.result is not None]
    a, b = (_own_job(request.args.get(side, "")) for side in ("a", "b"))
    rows = []
    if a is not None and b is not None and a.result is not None and b.result is not None:
        rows = compare_rows(a.result, b.result)
    ids = [job.id for job in done]
    chosen_a = a.id if a is not None else (ids[1] if len(ids) > 1 else None)
    chosen_b = b.id if b is not None else next((i for i in ids if i != chosen_a), None)
    return render_template(
        "testing/compare.html",
        runs=[_run_summary(job) for job in done],
        a=_run_summary(a) if a else None,
        b=_run_summary(b) if b else None,
        chosen={"a": chosen_a, "b": chosen_b},
        rows=rows,
        asked=bool(request.args.get("a") and request.args.get("b")),
    )


# -- views of results ------------------------------------------------------------------------------


def _jobs_of_user() -> list[Job]:
    """The user's runs: stored ones (also of earlier server processes) and this process's."""
    from studio.web.api.simulations import runs_of

    user = current_user()
    return runs_of(user.username) if user is not None else []


def _stored_spec(job: Job) -> str | None:
    """The sim file a stored run ran, pretty-printed when it is JSON."""
    from studio.web.api.simulations import runs

    stored = runs().get(job.saved_as) if job.saved_as else None
    if stored is None:
        return None
    try:
        return json.dumps(json.loads(stored.spec), indent=2, ensure_ascii=False)
    except ValueError:
        return stored.spec


def _own_job(job_id: str) -> Job | None:
    from studio.web.api.simulations import run_of

    user = current_user()
    return run_of(user.username, job_id) if job_id and user is not None else None


def state_names() -> dict[str, str]:
    return {
        "running": gettext("running"),
        "done": gettext("done"),
        "failed": gettext("failed"),
        "cancelled": gettext("cancelled"),
    }


def _run_summary(job: Job) -> dict[str, Any]:
    origin = job.origin or {}
    if "key" in origin:
        where = f"{origin['key']} v{origin['version']}"
    elif "deployment" in origin:
        where = gettext("deployment %(id)s", id=origin["deployment"])
    else:
        where = gettext("deployment")
    cases = origin.get("cases")
    return {
        "id": job.id,
        "when": datetime.fromtimestamp(job.started, UTC),
        "stored": job.saved_as is not None,
        "file": origin.get("file") or job.file.name,
        "where": where,
        "edited": bool(origin.get("edited")),
        "cases": cases if isinstance(cases, int) else None,
        "state": job.state,
        "error": job.error,
        "origin": origin,
        "done": job.done,
        "total": job.total,
    }


def report_view(result: dict[str, Any]) -> dict[str, Any]:
    """The report's figures as display text, with bar widths (0-100) for the charts."""
    cases = result.get("cases", {})
    cycle = result.get("cycle_time", {})
    activities = result.get("activities", {})
    resources = result.get("resources", {})
    longest = max((_seconds(a, "waiting") + _seconds(a, "processing")
                   for a in activities.values()), default=0.0) or 1.0  # fmt: skip
    cycle_max = max((v for k, v in cycle.items() if k != "max" and _is_number(v)), default=0) or 1
    return {
        "cases": {key: fmt_number(cases.get(key)) for key in ("arrived", "completed",
                                                               "terminated", "open")},
        "cycle": [
            {"key": key, "text": fmt_duration(cycle.get(key)),
             "width": round(100 * (cycle.get(key) or 0) / cycle_max, 1)}
            for key in ("mean", "p50", "p90", "p95") if _is_number(cycle.get(key))
        ],
        "cycle_max": fmt_duration(cycle.get("max")),
        "activities": [
            {"name": name, "count": fmt_number(a.get("count")),
             "waiting": fmt_duration(a.get("waiting", {}).get("mean")),
             "waiting_p90": fmt_duration(a.get("waiting", {}).get("p90")),
             "processing": fmt_duration(a.get("processing", {}).get("mean")),
             "wait_width": round(100 * _seconds(a, "waiting") / longest, 1),
             "work_width": round(100 * _seconds(a, "processing") / longest, 1)}
            for name, a in sorted(activities.items(), key=lambda kv: -_total(kv[1]))
        ],
        "resources": [
            {"role": role, "utilization": fmt_percent(r.get("utilization")),
             "width": round(100 * min(1.0, r.get("utilization") or 0.0), 1),
             "cost": fmt_money(r.get("cost"))}
            for role, r in sorted(resources.items())
        ],
        "outcomes": sorted((result.get("outcomes") or {}).items(), key=lambda kv: -kv[1]),
    }  # fmt: skip


def heat_levels(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Element id -> {"count", "level" (1-5, by share of the busiest element)}."""
    counts = {
        ident: value.get("count")
        for ident, value in (result.get("elements") or {}).items()
        if isinstance(value, dict) and _is_number(value.get("count")) and value["count"] > 0
    }
    peak = max(counts.values(), default=0)
    return {
        ident: {"count": count, "level": max(1, min(HEAT_LEVELS, -(-HEAT_LEVELS * count // peak)))}
        for ident, count in counts.items()
    }


def compare_rows(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures of two results side by side (studio.simulation.compare.kpis), in words."""
    formats = {"count": fmt_number, "duration": fmt_duration, "share": fmt_percent,
               "money": fmt_money}  # fmt: skip
    rows = []
    for label, kind, va, vb in kpis(a, b):
        show = formats.get(kind, fmt_number)
        change = None
        if va is not None and vb is not None and va != 0:
            change = (vb - va) / abs(va)
        better = None
        if kind in ("duration", "money") and va is not None and vb is not None and va != vb:
            better = vb < va
        rows.append(
            {"label": _label(label), "a": show(va), "b": show(vb),
             "change": f"{change:+.1%}" if change is not None else DASH, "better": better}
        )  # fmt: skip
    return rows


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _seconds(activity: dict[str, Any], part: str) -> float:
    value = (activity.get(part) or {}).get("mean")
    return float(value) if _is_number(value) else 0.0


def _total(activity: dict[str, Any]) -> float:
    return _seconds(activity, "waiting") + _seconds(activity, "processing")


def _label(label: str) -> str:
    """A figure's label of `compare.kpis`, in the page's language."""
    fixed = {
        "Cases arrived": gettext("Cases arrived"),
        "Cases completed": gettext("Cases completed"),
        "Cases terminated": gettext("Cases terminated"),
        "Cases open": gettext("Cases still open"),
        "Total cost": gettext("Total cost"),
    }
    if label in fixed:
        return fixed[label]
    for prefix, shown in (
        ("Cycle time ", gettext("Cycle time %(which)s")),
        ("Waiting ", gettext("Waiting: %(which)s")),
        ("Utilization ", gettext("Utilization: %(which)s")),
    ):
        if label.startswith(prefix):
            which = label.removeprefix(prefix)
            words = {"mean": gettext("mean"), "max": gettext("maximum")}
            return shown % {"which": words.get(which, which)}
    return label


# -- the pages' messages ---------------------------------------------------------------------------


def scenario_strings() -> dict[str, str]:
    """The scenarios page's script's messages ({name}: filled in by it)."""
    return {
        "loading": gettext("Loading the diagram…"),
        "failed": gettext("The diagram could not be shown: {reason}"),
        "running": gettext("Running {count} scenarios…"),
        "runningOne": gettext("Running “{name}”…"),
        "summary": gettext("{passed} passed, {failed} failed"),
        "passed": gettext("passed"),
        "failedState": gettext("failed"),
        "error": gettext("unusable"),
        "notRun": gettext("not run"),
        "stepPassed": gettext("Step passed"),
        "stepFailed": gettext("Step failed"),
        "stepNotRun": gettext("Step not run"),
        "start": gettext("start"),
        "step": gettext("Step {n}"),
        "caseState": gettext("Case {state}"),
        "after": gettext("Diagram: the states after step {n}."),
        "afterStart": gettext("Diagram: the states once the case has started."),
        "noSteps": gettext("The scenario stopped before its first step: no states to show."),
        "stopped": gettext("Stopped at step {n}: the steps after it did not run."),
        "requestFailed": gettext("The tests could not run: {reason}"),
        "noModel": gettext("This scenario names no model file that the project holds."),
        "invalidJson": gettext("This is not valid JSON: {reason}"),
        "notObject": gettext("A scenario is a JSON object with name, model and steps."),
        "saving": gettext("Saving…"),
        "saved": gettext("Saved as version {n}."),
        "stale": gettext("Someone saved version {n} meanwhile: reload to edit the newest."),
        "saveFailed": gettext("The scenario could not be saved: {reason}"),
        "unchanged": gettext("Nothing changed: there is nothing to save."),
        "states": gettext("{count} elements coloured"),
        **{f"state-{state}": name for state, name in case_state_names().items()},
    }  # fmt: skip


def case_state_names() -> dict[str, str]:
    """The case and plan item states, in the page's language."""
    return {
        "active": gettext("active"),
        "suspended": gettext("suspended"),
        "completed": gettext("completed"),
        "terminated": gettext("terminated"),
        "failed": gettext("failed"),
        "closed": gettext("closed"),
    }


def simulation_strings() -> dict[str, str]:
    """The simulation pages' scripts' messages ({name}: filled in by them)."""
    return {
        "loadingFile": gettext("Reading {file}…"),
        "fileFailed": gettext("The simulation file could not be read: {reason}"),
        "starting": gettext("Starting the simulation…"),
        "progress": gettext("{done} of {total} cases simulated"),
        "done": gettext("Finished: {total} cases simulated."),
        "cancelled": gettext("Cancelled."),
        "failedRun": gettext("The simulation stopped: {reason}"),
        "startFailed": gettext("The simulation could not start: {reason}"),
        "invalidJson": gettext("The advanced settings are not valid JSON: {reason}"),
        "notObject": gettext("The advanced settings must be a JSON object."),
        "needFile": gettext("Choose a simulation file first."),
        "badNumber": gettext("“{field}” must be a whole number of 1 or more."),
        "loading": gettext("Loading the diagram…"),
        "failed": gettext("The diagram could not be shown: {reason}"),
        "heat": gettext("{count} elements shaded by how often cases went through them"),
        "heatTitle": gettext("{count} times"),
        "noHeat": gettext("No element of this diagram was counted."),
        "peopleOf": gettext("{role}: people"),
        "distributionOf": gettext("{activity}: distribution"),
        "meanOf": gettext("{activity}: mean"),
        **{f"distribution.{name}": word for name, word in distribution_names().items()},
    }  # fmt: skip


def distribution_names() -> dict[str, str]:
    """The distributions of a *.sim.json (frontend/src/testing/sim-form.js), in the page's words."""
    return {
        "fixed": gettext("fixed"),
        "exponential": gettext("exponential"),
        "uniform": gettext("uniform"),
        "normal": gettext("normal"),
        "lognormal": gettext("log-normal"),
        "triangular": gettext("triangular"),
        "gamma": gettext("gamma"),
        "empirical": gettext("empirical (observed values)"),
    }
