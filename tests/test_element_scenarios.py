"""Element-by-element BPMN scenario tests (tests/scenarios/bpmn) run through the CLI."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios" / "bpmn"


def test_every_bpmn_element_scenario_passes() -> None:
    written = sorted(SCENARIOS.glob("*.scenario.json"))
    result = subprocess.run(
        [sys.executable, "-m", "studio", "test", str(SCENARIOS), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    failing = [s for s in report["scenarios"] if not s.get("passed") or s.get("error")]
    assert not failing, json.dumps(failing, indent=2)
    assert report["failed"] == 0
    assert report["passed"] >= len(written) >= 26
    assert result.returncode == 0, result.stderr
