"""Running a project version's scenario tests over REST.

`POST /api/v1/projects/{id}/versions/{n}/tests {"files": [...]}` runs the version's
`*.scenario.json` files (all of them, or those listed) with the scenario runner of `studio test`,
on a copy of the version's files in a temporary folder, within a time budget. It answers the JSON
of `studio test --format json`, each scenario adding its `model` (the model file's path in the
project) and its `steps`: what each step did and the item states after it, so that a page can
colour the diagram step by step.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path, PurePosixPath
from typing import Any

from flask import current_app, jsonify, request

from studio.testing import engine_driver
from studio.testing.driver import CaseDriver
from studio.testing.report import as_json
from studio.testing.runner import ScenarioResult, run_file
from studio.testing.scenario_file import SUFFIX, Scenario, Step
from studio.testing.suite import SuiteResult
from studio.web.api import api
from studio.web.api.project_test_steps import START, describe
from studio.web.api.projects import _answer, _id, _project
from studio.web.auth import requires, runtime
from studio.web.errors import ApiError

ROLES = ("analyst", "tester", "admin")
BUDGET_SECONDS = 60.0
"""How long one request may run scenarios; those left are reported as not run."""


@api.post("/projects/<int:project_id>/versions/<int:number>/tests")
@requires(*ROLES)
def run_project_tests(project_id: int, number: int):
    body = request.get_json(silent=True)
    if body is None and not request.get_data(cache=True):
        body = {}
    if not isinstance(body, dict):
        raise ApiError(400, "bad-request", 'send {"files": ["<name>.scenario.json", ...]} or {}')
    _project(project_id)
    files: dict[str, bytes] = _answer(lambda: runtime().projects.files(project_id, _id(number)))
    wanted = _wanted(body.get("files"), files)
    budget = float(current_app.config.get("STUDIO_TEST_BUDGET", BUDGET_SECONDS))
    return jsonify(run_scenarios(files, wanted, budget))


def _wanted(value: Any, files: dict[str, bytes]) -> list[str]:
    scenarios = sorted(path for path in files if path.endswith(SUFFIX))
    if value is None:
        return scenarios
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ApiError(400, "bad-request", "files is a list of *.scenario.json paths")
    missing = [path for path in value if path not in scenarios]
    if missing:
        raise ApiError(404, "not-found", f"the version has no scenario file {missing[0]!a}")
    return list(dict.fromkeys(value))


def run_scenarios(files: dict[str, bytes], wanted: list[str], budget: float) -> dict[str, Any]:
    """Run the `wanted` scenario files of a project's `files` in a temporary copy of it."""
    factory = engine_driver()
    deadline = time.monotonic() + budget
    suite = SuiteResult()
    steps: dict[str, list[dict[str, Any]]] = {}
    models: dict[str, str | None] = {}
    with tempfile.TemporaryDirectory(prefix="studio-tests-") as folder:
        root = Path(folder)
        for path, data in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for path in wanted:
            if time.monotonic() > deadline:
                reason = f"{path}: not run, the tests took longer than {budget:.0f} s"
                suite.scenarios.append(ScenarioResult(path, error=reason))
                continue
            model = _model_of(path, files)
            if model is not None and not (root / model).resolve().is_relative_to(root.resolve()):
                reason = f"{path}: the model {model!a} is outside the project"
                suite.scenarios.append(ScenarioResult(path, error=reason))
                continue
            recorded: list[dict[str, Any]] = []
            steps[path] = recorded
            models[path] = None

            def observe(
                scenario: Scenario,
                step: Step | None,
                driver: CaseDriver,
                messages: list[str],
                recorded: list[dict[str, Any]] = recorded,
                path: str = path,
            ) -> None:
                if models[path] is None:
                    models[path] = _relative(scenario.model, root)
                recorded.append(_record(step, driver, messages))

            suite.scenarios.append(run_file(root / path, factory, path, observe))
    report = as_json(suite)
    for entry, result in zip(report["scenarios"], suite.scenarios, strict=True):
        entry["step_count"] = result.steps
        entry["model"] = models.get(entry["file"]) or _model_of(entry["file"], files)
        entry["steps"] = steps.get(entry["file"], [])
    return report


def _record(step: Step | None, driver: CaseDriver, messages: list[str]) -> dict[str, Any]:
    """One step as the page shows it: number, what it does, passed, states after it."""
    return {
        "step": 0 if step is None else step.number,
        "does": START if step is None else describe(step),
        "passed": not messages,
        "messages": messages,
        "case": driver.case_state(),
        "states": _states(driver),
    }


def _states(driver: CaseDriver) -> dict[str, str]:
    """The state of the most recent instance of each of the case's own items, by element id."""
    newest: dict[str, tuple[int, str]] = {}
    for item in driver.items():
        if item.level != 0:
            continue
        known = newest.get(item.plan_item_id)
        if known is None or item.created > known[0]:
            newest[item.plan_item_id] = (item.created, item.state)
    return {ident: state for ident, (_, state) in sorted(newest.items())}


def _relative(model: Path, root: Path) -> str | None:
    try:
        return model.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _model_of(path: str, files: dict[str, bytes]) -> str | None:
    """The model a scenario names, read from its text (for one that did not run)."""
    try:
        model = json.loads(files.get(path) or b"").get("model")
    except (ValueError, AttributeError):
        return None
    if not isinstance(model, str):
        return None
    return str(PurePosixPath(path).parent / model).removeprefix("./")
