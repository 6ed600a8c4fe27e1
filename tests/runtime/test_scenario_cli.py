"""`studio test` on the real engine: unusable input (a model that does not validate, an
expression refused as unsafe, an unknown item name) exits 2 with a one-line reason naming the
file; a failing expectation exits 1 with expected, actual and the engine's explanation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cmmn(body: str) -> str:
    return (
        '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">\n'
        '<case id="C"><casePlanModel id="plan" autoComplete="true">\n'
        '<planItem id="a" name="Review" definitionRef="ht_a"/><humanTask id="ht_a"/>\n'
        f"{body}\n</casePlanModel></case></definitions>\n"
    )


MODELS = {
    "ok.cmmn": cmmn(""),
    "broken.cmmn": cmmn('<planItem id="b" definitionRef="nowhere"/>'),
    "unsafe.cmmn": cmmn(
        '<planItem id="b" definitionRef="ht_b"><entryCriterion id="e" sentryRef="s"/></planItem>'
        '<humanTask id="ht_b"/>\n<sentry id="s"><ifPart><condition>claim.__class__ == 1'
        "</condition></ifPart></sentry>"
    ),
}
SCENARIOS = {
    "broken": ("broken.cmmn", [{"expect": {"case": "active"}}]),
    "unsafe": ("unsafe.cmmn", [{"expect": {"case": "active"}}]),
    "unknown": ("ok.cmmn", [{"complete": "Review"}, {"complete": "Approve"}]),
    "failing": ("ok.cmmn", [{"expect": {"items": {"Review": "completed"}}}]),
    "passing": ("ok.cmmn", [{"complete": "Review"}, {"expect": {"case": "completed"}}]),
}
REASONS = {
    "broken": ["broken.cmmn:4: the model does not validate", "cmmn.plan-item.unknown-definition"],
    "unsafe": ["unsafe.cmmn:5: the model does not validate", "expr.forbidden", "__class__"],
    "unknown": ["unknown.scenario.json", 'unknown item "Approve"'],
}


def project(tmp_path: Path, names: list[str]) -> Path:
    for name, text in MODELS.items():
        (tmp_path / name).write_text(text)
    for name in names:
        model, steps = SCENARIOS[name]
        scenario = {"name": name, "model": model, "steps": steps}
        (tmp_path / f"{name}.scenario.json").write_text(json.dumps(scenario))
    return tmp_path


def studio_test(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", "test", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_unusable_scenarios_exit_2_with_a_one_line_reason_each(tmp_path):
    folder = project(tmp_path, ["broken", "unsafe", "unknown", "passing"])
    done = studio_test(str(folder), "--format", "json")
    assert done.returncode == 2, done.stderr
    report = json.loads(done.stdout)
    assert (report["passed"], report["failed"]) == (1, 3)
    errors = {s["name"] or Path(s["file"]).stem: s["error"] for s in report["scenarios"]}
    for name, words in REASONS.items():
        error = next(e for key, e in errors.items() if key.startswith(name))
        assert error is not None and "\n" not in error, error
        assert all(word in error for word in words), error
    text = studio_test(str(folder))
    assert text.returncode == 2
    for name in REASONS:
        lines = [line for line in text.stdout.splitlines() if f"{name}.scenario.json" in line]
        assert len(lines) == 1 and lines[0].startswith("ERROR "), text.stdout
    assert "Traceback" not in text.stdout + text.stderr
    assert text.stdout.rstrip().endswith("1 passed, 3 failed")


def test_a_failing_expectation_exits_1_with_expected_actual_and_why(tmp_path):
    folder = project(tmp_path, ["failing", "passing"])
    done = studio_test(str(folder))
    assert done.returncode == 1
    assert "FAIL failing" in done.stdout and "PASS passing" in done.stdout
    assert "expected completed, actual active; why: 'Review' is active" in done.stdout
    assert done.stdout.rstrip().endswith("1 passed, 1 failed")
