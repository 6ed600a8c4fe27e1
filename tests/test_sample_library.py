"""The sample library (sample_models/): every project validates without problems, has its data
generator, schema, scenarios, simulations and README, and every scenario passes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "sample_models"
PROJECTS = sorted(p for p in LIBRARY.iterdir() if p.is_dir()) if LIBRARY.is_dir() else []


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_the_project_has_what_a_new_user_needs(project: Path) -> None:
    models = [*project.glob("*.cmmn"), *project.glob("*.bpmn")]
    assert models, "no model"
    assert (project / "README.md").is_file()
    assert list(project.glob("*.schema.json")), "no JSON Schema for the case file"
    assert len(list(project.glob("*.scenario.json"))) >= 6
    assert list(project.glob("*.sim.json")), "no simulation"
    generators = list(project.glob("generate*.py"))
    assert generators, "no data generator"
    records = 0
    for data in [*project.glob("*.jsonl"), *project.glob("*.csv")]:
        records = max(records, sum(1 for line in data.read_text().splitlines() if line.strip()))
    for data in project.glob("*.json"):
        if data.name.endswith((".schema.json", ".scenario.json", ".sim.json")):
            continue
        loaded = json.loads(data.read_text())
        if isinstance(loaded, list):
            records = max(records, len(loaded))
    assert records >= 200, "fewer than 200 sample records"


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_the_models_validate_without_problems(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "studio", "validate", str(project), "--format", "json"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    report = json.loads(done.stdout)
    problems = [
        f"{f['file']}: {p['code']} [{p['element']}] {p['message']}"
        for f in report["files"]
        for p in f["problems"]
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_every_scenario_passes(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "studio", "test", str(project), "--format", "json"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    report = json.loads(done.stdout)
    failing = [s for s in report["scenarios"] if not s.get("passed") or s.get("error")]
    assert not failing, json.dumps(failing, indent=2)
    assert report["passed"] >= 6 and done.returncode == 0
