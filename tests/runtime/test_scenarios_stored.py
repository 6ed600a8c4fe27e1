"""Every acceptance scenario (CMMN, BPMN and mixed), run again with each step's state saved to
the SQL store and read back before the next step: the results are identical to the in-memory
run — the report, and after every step the case's state, every item's state, the case file and
the history."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from studio.runtime.store import SqlStore
from studio.runtime.store.migrate import upgrade
from studio.testing.case_driver import open_case_driver
from studio.testing.report import as_json
from studio.testing.runner import run_file
from studio.testing.suite import find_scenarios, run_paths
from tests.conftest import SHARED


def observed_run(factory) -> dict[str, list[Any]]:
    """Scenario file -> what the case looked like after its start and after each step."""
    seen: dict[str, list[Any]] = {}

    def observe(scenario, step, driver, messages) -> None:
        items = sorted((i.key, i.plan_item_id, i.state) for i in driver.items())
        history = [(prefix, e.item, e.event, e.state, e.user) for prefix, e in driver.history()]
        snapshot = (driver.case_state(), items, driver.data(), history, messages)
        seen.setdefault(scenario.file, []).append(snapshot)

    for shown, path in find_scenarios([str(SHARED / "acceptance")]):
        assert path is not None
        run_file(path, factory, shown, observe)
    return seen


@pytest.mark.conformance
def test_acceptance_scenarios_give_identical_results_with_a_reload_between_steps(tmp_path):
    folder = SHARED / "acceptance"
    if not folder.exists():
        pytest.skip("../shared/acceptance is not available")
    in_memory = as_json(run_paths([str(folder)], open_case_driver))
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    upgrade(url)
    store = SqlStore(url)
    stored = as_json(run_paths([str(folder)], functools.partial(open_case_driver, store=store)))
    assert in_memory["failed"] == 0
    assert stored == in_memory
    assert {s["file"].split("/acceptance/")[1].split("/")[0] for s in stored["scenarios"]} == {
        "bpmn", "cmmn", "mixed",
    }  # fmt: skip
    assert store.list_cases(), "the cases were stored"


@pytest.mark.conformance
def test_every_step_leaves_the_same_case_in_memory_and_after_a_reload(tmp_path):
    if not (SHARED / "acceptance").exists():
        pytest.skip("../shared/acceptance is not available")
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    upgrade(url)
    # a store without its identity map: every load reads the rows back
    store = SqlStore(url, cache_size=0)
    in_memory = observed_run(open_case_driver)
    stored = observed_run(functools.partial(open_case_driver, store=store))
    assert len(in_memory) == len(list((SHARED / "acceptance").glob("*/*.scenario.json")))
    for file, steps in in_memory.items():
        assert len(steps) > 1, file
        assert stored[file] == steps, file
