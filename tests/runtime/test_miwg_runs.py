"""The BPMN MIWG reference models that are executable run to their end (issue 4, "Tests").

For every process of ../shared/conformance/bpmn-miwg marked isExecutable="true": when its model
validates without errors and compile_process accepts the process, it runs on the scenario driver
with a simple policy until it ends: complete every active user / manual task, deliver the messages
a token waits for, and move the virtual clock on by a day while timers are pending (at most
MAX_STEPS steps). It must end completed (or terminated, for the models that end that way) without
an engine error. A process refused by validation or by compile_process is skipped with the
element and the reason, so `pytest -ra` lists what does not run yet.

The MIWG models are mostly descriptive (isExecutable="false"): those that compile run with the same
policy too, so the policy and the engine's handling of abstract tasks, pools, lanes and
sub-processes stay covered even while no executable one is runnable.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from studio.editor.validation import ModelProject, validate_file
from studio.notation import NotationError, read_model_file
from studio.runtime.engine.process_definition import ProcessDefinition
from studio.testing.case_driver import EngineDriver, open_case_driver
from studio.testing.driver import ActionRefused, UnusableScenario
from tests.conftest import shared_files

MAX_STEPS = 60
START = datetime(2026, 1, 5, 9, tzinfo=UTC)
WAITING_TASKS = ("user_task", "manual_task")

START_DATA: dict[str, dict[str, Any]] = {
    # model file -> variables its conditions need, chosen so a run reaches an end event
    "C.1.0.bpmn": {"approved": True, "clarified": "yes"},
    "C.8.1.bpmn": {"Vacation Approval": "Approved"},
}
ENDS: dict[str, tuple[str, ...]] = {
    # model file -> the states a run may end in (default: completed)
    "B.1.0.bpmn": ("completed", "terminated"),
}


def _processes() -> tuple[list[Any], list[Any]]:
    executable, descriptive = [], []
    for path in shared_files("conformance/bpmn-miwg", "*.bpmn"):
        model = read_model_file(path)
        if isinstance(model, NotationError):  # pragma: no cover - the reader raises instead
            continue
        for process in model.processes:
            param = pytest.param(path, process.id, id=f"{path.stem}:{process.id}")
            (executable if process.is_executable else descriptive).append(param)
    return executable, descriptive


EXECUTABLE, DESCRIPTIVE = _processes()


def _open(path: Path, process_id: str) -> EngineDriver:
    """The driver of the process, or a skip naming the element and the reason it cannot run."""
    errors = [p for p in validate_file(path, ModelProject(path.parent)) if p.severity == "error"]
    if errors:
        first = errors[0]
        pytest.skip(
            f"{path.name}: validation refuses the model ({len(errors)} errors), first "
            f"{first.code} [{first.element}]: {first.message.splitlines()[0]}"
        )
    try:
        return open_case_driver(path, process_id)
    except UnusableScenario as exc:
        pytest.skip(f"compile_process refuses {process_id}: {exc}")


def _drivers(driver: EngineDriver) -> list[tuple[str, ProcessDefinition]]:
    """(key prefix, definition) of the driver and of the processes it started, depth first."""
    found = []
    if isinstance(driver.definition, ProcessDefinition):
        found.append((driver.prefix, driver.definition))
    for child, _, _ in driver.children.values():
        found.extend(_drivers(child))
    return found


def _message_names(driver: EngineDriver) -> set[str]:
    return {
        node.event_name
        for _, definition in _drivers(driver)
        for node in definition.nodes.values()
        if node.trigger == "message" and node.event_name
    }


def _step(driver: EngineDriver) -> str | None:
    """One step of the policy; what it did (None: nothing left to do)."""
    kinds = {
        prefix + node.id: node.kind
        for prefix, definition in _drivers(driver)
        for node in definition.nodes.values()
    }
    tasks = [
        item.key
        for item in driver.items()
        if item.state == "active" and kinds.get(item.key) in WAITING_TASKS
    ]
    if tasks:
        for key in tasks:
            driver.perform("complete", key)
        return f"complete {tasks}"
    for name in sorted(_message_names(driver)):
        try:
            driver.message(name)
        except ActionRefused:
            continue  # no token waits for it
        return f"message {name!r}"
    if driver.state is not None and driver.state.timers:
        driver.advance(timedelta(days=1))
        return "advance 1 day"
    return None


def _run(path: Path, process_id: str) -> None:
    driver = _open(path, process_id)
    driver.start(dict(START_DATA.get(path.name, {})), START)
    steps: list[str] = []
    while driver.case_state() == "active" and len(steps) < MAX_STEPS:
        done = _step(driver)
        if done is None:
            break
        steps.append(done)
    state = driver.state
    assert state is not None
    assert not state.incidents, f"engine incidents: {state.incidents}"
    expected = ENDS.get(path.name, ("completed",))
    assert driver.case_state() in expected, (
        f"{path.name}:{process_id} is {driver.case_state()} after {len(steps)} steps "
        f"({'; '.join(steps[-5:])}); active: "
        f"{[i.key for i in driver.items() if i.state == 'active']}"
    )


@pytest.mark.conformance
@pytest.mark.parametrize(("path", "process_id"), EXECUTABLE)
def test_executable_miwg_process_runs_to_its_end(path: Path, process_id: str) -> None:
    _run(path, process_id)


@pytest.mark.conformance
@pytest.mark.parametrize(("path", "process_id"), DESCRIPTIVE)
def test_descriptive_miwg_process_that_compiles_runs_too(path: Path, process_id: str) -> None:
    _run(path, process_id)
