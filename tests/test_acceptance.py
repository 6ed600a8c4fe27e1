"""The public acceptance scenarios of ../shared/acceptance.

Every scenario names a model that exists and validates without errors, the case it names, and
items that exist in that model project; every scenario (bpmn/, cmmn/ and mixed/) runs and passes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.editor.validation import validate_file
from studio.notation import read_model_file
from studio.notation.binding import iter_elements
from tests.conftest import SHARED, shared_files

SCENARIOS = shared_files("acceptance", "*/*.scenario.json")
ACTIONS = ("complete", "occur", "start", "disable", "reenable", "terminate", "suspend", "resume",
           "plan")  # fmt: skip


def _names(folder: Path) -> tuple[set[str], set[str]]:
    """(case/process ids, names and ids of every element) of the models in a project folder."""
    roots, names = set(), set()
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".cmmn", ".bpmn"):
            continue
        model = read_model_file(path)
        roots.update(c.id for c in getattr(model, "cases", ()) if c.id)
        roots.update(p.id for p in getattr(model, "processes", ()) if p.id)
        for element in iter_elements(model):
            names.update(
                v for v in (getattr(element, "id", None), getattr(element, "name", None)) if v
            )
    return roots, names


def _items_named(scenario: dict) -> set[str]:
    named = set()
    for step in scenario["steps"]:
        for action in ACTIONS:
            if isinstance(step.get(action), str) and step[action] != "@case":
                named.add(step[action])
        expect = step.get("expect", {})
        named.update(expect.get("items", {}))
        named.update(expect.get("count", {}))
    return named


@pytest.mark.conformance
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scenario_refers_to_a_valid_model_and_its_items(path):
    scenario = json.loads(path.read_text())
    model = path.parent / scenario["model"]
    assert model.is_file(), f"{path.name}: model {scenario['model']} is missing"
    errors = [p for p in validate_file(model) if p.severity == "error"]
    assert not errors, errors
    roots, names = _names(path.parent)
    if "case" in scenario:
        assert scenario["case"] in roots
    missing = _items_named(scenario) - names
    assert not missing, f"{path.name} names items its models do not have: {sorted(missing)}"


def test_acceptance_scenarios_are_there():
    if not SCENARIOS:
        pytest.skip("../shared/acceptance is not available")
    assert len(SCENARIOS) >= 15


@pytest.mark.conformance
def test_all_acceptance_scenarios_pass():
    import subprocess
    import sys

    folder = SHARED / "acceptance"
    if not folder.exists():
        pytest.skip("../shared/acceptance is not available")
    done = subprocess.run(
        [sys.executable, "-m", "studio", "test", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout)
    failures = [
        (s["file"], s["failures"], s["error"]) for s in report["scenarios"] if not s["passed"]
    ]
    assert not failures
    assert report["passed"] == len(list(folder.glob("*/*.scenario.json")))
    assert done.returncode == 0
