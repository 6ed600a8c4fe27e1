"""Running one scenario against a case driver: start the case, then each step in order.

A scenario stops at its first failing step (later steps build on it). Only `UnusableScenario`
makes a scenario unusable; any other error of the engine is a failure of the step it happened in.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.testing.driver import ActionRefused, CaseDriver, DriverFactory, UnusableScenario
from studio.testing.expectations import check, explained
from studio.testing.naming import check_known, resolve
from studio.testing.scenario_file import ActionStep, Scenario, Step, load_scenario
from studio.testing.scenario_schema import CASE, ITEM_ACTIONS

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2

StepObserver = Callable[[Scenario, Step | None, CaseDriver, list[str]], None]
"""Called once the case has started (step None) and after each step run, with the step's failure
messages (empty when it passed): how the web studio records the item states after each step."""


@dataclass(frozen=True, slots=True)
class Failure:
    """A failed step (1-based; 0 when the case could not be opened or started)."""

    step: int
    message: str


@dataclass(slots=True)
class ScenarioResult:
    """The outcome of one scenario file; `error` is set when it is unusable."""

    file: str
    name: str | None = None
    failures: list[Failure] = field(default_factory=list)
    error: str | None = None
    steps: int = 0
    """How many steps the scenario has."""

    @property
    def passed(self) -> bool:
        return self.error is None and not self.failures

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_UNUSABLE
        return EXIT_FAILED if self.failures else EXIT_OK

    @property
    def stopped_at(self) -> int | None:
        """The step the scenario stopped at, when it failed."""
        return self.failures[0].step if self.failures else None


def run_file(
    path: Path,
    factory: DriverFactory,
    shown: str | None = None,
    observe: StepObserver | None = None,
) -> ScenarioResult:
    """Load and run one scenario file (`shown`: how the report names it)."""
    shown = shown or str(path)
    try:
        scenario = load_scenario(path, shown)
    except UnusableScenario as exc:
        return ScenarioResult(shown, error=str(exc))
    return run_scenario(scenario, factory, observe)


def run_scenario(
    scenario: Scenario, factory: DriverFactory, observe: StepObserver | None = None
) -> ScenarioResult:
    """Open the case with `factory`, start it and run the steps until one fails (`observe`: told
    after the start and after each step)."""
    result = ScenarioResult(scenario.file, scenario.name, steps=len(scenario.steps))
    number = 0
    try:
        driver = factory(scenario.model, scenario.case)
        known_names = getattr(driver, "known_names", None)
        if callable(known_names):
            check_known(scenario, set(known_names()))
        try:
            driver.start(copy.deepcopy(scenario.data), at=scenario.start)
        except ActionRefused as exc:
            result.failures.append(Failure(0, f"the case did not start: {exc}"))
            return result
        if observe is not None:
            observe(scenario, None, driver, [])
        for step in scenario.steps:
            number = step.number
            messages = run_step(step, driver)
            if observe is not None:
                observe(scenario, step, driver, messages)
            if messages:
                result.failures.extend(Failure(number, message) for message in messages)
                break
    except UnusableScenario as exc:
        where = f"step {number}: " if number else ""
        result.error = f"{scenario.file}: {where}{exc}"
    except Exception as exc:  # an engine error fails the step; it never escapes as a traceback
        doing = "the case did not open or start" if number == 0 else "engine error"
        result.failures.append(Failure(number, f"{doing}: {type(exc).__name__}: {exc}"))
    return result


def run_step(step: Step, driver: CaseDriver) -> list[str]:
    """Failure messages of one step (empty when it passed)."""
    if isinstance(step, ActionStep):
        return _act(step, driver)
    return check(step, driver)


def _act(step: ActionStep, driver: CaseDriver) -> list[str]:
    before = _snapshot(driver) if step.rejected else None
    aimed = step.action in ITEM_ACTIONS
    key: str | None = None
    try:
        if aimed and step.target != CASE:
            keys = _keys(step, driver)
            key = keys[0]
            _perform_first(step, keys, driver)
        else:
            _perform(step, key, driver)
    except ActionRefused as exc:
        if not step.rejected:
            message = f"{step.describe()} was refused: {exc}"
            return [explained(message, driver, key) if aimed and (key or step.target == CASE)
                    else message]  # fmt: skip
        changed = _changes(before, _snapshot(driver))
        if changed:
            return [f"{step.describe()} was refused but changed {changed}"]
        return []
    if step.rejected:
        return [f"{step.describe()} was accepted; expected it to be refused"]
    return []


def _perform(step: ActionStep, key: str | None, driver: CaseDriver) -> None:
    """Carry out the action (`key`: the item an item action aims at, None for `@case`)."""
    if step.action == "set":
        driver.set(copy.deepcopy(step.target))
    elif step.action == "advance":
        assert step.duration is not None
        driver.advance(step.duration)
    else:
        data = copy.deepcopy(step.data) if step.data is not None else None
        if step.action == "message":
            driver.message(step.target, data, step.correlation)
        elif step.action == "signal":
            driver.signal(step.target)
        else:
            driver.perform(step.action, key, data)


def _perform_first(step: ActionStep, keys: tuple[str, ...], driver: CaseDriver) -> None:
    """Aim at the item's started instances oldest first: the first that accepts the action
    takes it (a refused attempt changes nothing); all refusing, the first refusal stands."""
    first: ActionRefused | None = None
    for key in keys:
        try:
            _perform(step, key, driver)
            return
        except ActionRefused as exc:
            first = first or exc
    assert first is not None
    raise first


def _keys(step: ActionStep, driver: CaseDriver) -> tuple[str, ...]:
    candidates = driver.items()
    discretionary = getattr(driver, "discretionary", None)
    if step.action == "plan" and callable(discretionary):
        candidates = [*candidates, *discretionary()]
    target = resolve(step.target, candidates)
    if target is None:
        what = "plannable item" if step.action == "plan" else "instance"
        raise ActionRefused(f'there is no {what} of "{step.target}"')
    return target.all_keys


def _snapshot(driver: CaseDriver) -> tuple[str, list[Any], Any]:
    items = sorted(driver.items(), key=lambda i: (i.created, i.level, i.key, i.plan_item_id))
    return driver.case_state(), items, copy.deepcopy(driver.data())


def _changes(before: Any, after: Any) -> str:
    """What differs between two snapshots, in words ('' when nothing does)."""
    parts = []
    if before[0] != after[0]:
        parts.append(f"the case state ({before[0]} to {after[0]})")
    if before[1] != after[1]:
        parts.append("the items")
    if before[2] != after[2]:
        parts.append("the case file")
    return " and ".join(parts)
