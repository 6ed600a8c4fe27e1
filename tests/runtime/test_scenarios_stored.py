"""Every acceptance scenario (CMMN, BPMN and mixed), run again with each step's state saved to
the SQL store and read back before the next step: the results are identical to the in-memory
run."""

from __future__ import annotations

import functools

import pytest

from studio.runtime.store import SqlStore
from studio.runtime.store.migrate import upgrade
from studio.testing.case_driver import open_case_driver
from studio.testing.report import as_json
from studio.testing.suite import run_paths
from tests.conftest import SHARED


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
    assert store.list_cases(), "the cases were stored"
