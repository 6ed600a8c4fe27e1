"""`studio test` output: one line per scenario and a summary, or the JSON document of DESIGN."""

from __future__ import annotations

import json
from typing import Any, TextIO

from studio.testing.runner import ScenarioResult
from studio.testing.suite import SuiteResult


def as_json(suite: SuiteResult) -> dict[str, Any]:
    """`{"passed", "failed", "scenarios": [{"name", "file", "passed", "failures", "error"}]}`."""
    return {
        "passed": suite.passed,
        "failed": suite.failed,
        "scenarios": [
            {
                "name": result.name,
                "file": result.file,
                "passed": result.passed,
                "failures": [{"step": f.step, "message": f.message} for f in result.failures],
                "error": result.error,
            }
            for result in suite.scenarios
        ],
    }


def text_lines(suite: SuiteResult) -> list[str]:
    """PASS/FAIL/ERROR lines, failures indented under their scenario, then `N passed, M failed`."""
    lines: list[str] = []
    for result in suite.scenarios:
        lines.extend(_scenario_lines(result))
    lines.append(f"{suite.passed} passed, {suite.failed} failed")
    return lines


def print_report(suite: SuiteResult, output_format: str, out: TextIO) -> None:
    """Write the report in `text` or `json` form."""
    if output_format == "json":
        json.dump(as_json(suite), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write("\n".join(text_lines(suite)) + "\n")


def _scenario_lines(result: ScenarioResult) -> list[str]:
    if result.error is not None:
        return [f"ERROR {result.error}"]
    if result.passed:
        return [f"PASS {result.name} ({result.file})"]
    lines = [f"FAIL {result.name} ({result.file})"]
    for failure in result.failures:
        where = f"step {failure.step}" if failure.step else "start"
        lines.append(f"  {where}: {failure.message}")
    stopped = result.stopped_at
    if stopped and stopped < result.steps:
        rest = (
            f"step {result.steps}"
            if stopped + 1 == result.steps
            else (f"steps {stopped + 1}-{result.steps}")
        )
        lines.append(f"  stopped at step {stopped}: {rest} not run")
    return lines
