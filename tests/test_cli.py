"""The `studio` command line: every command present, validate's output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import shared_files, shared_path

COMMANDS = ["serve", "validate", "fmt", "test", "simulate", "deploy", "db", "users"]


def studio(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    done = studio(command, "--help")
    assert done.returncode == 0
    assert "Usage:" in done.stdout


def test_simulate_a_missing_file_is_exit_2_naming_it():
    done = studio("simulate", "x.sim.json")
    assert done.returncode == 2
    assert "x.sim.json: no such file" in done.stderr and "Traceback" not in done.stderr


def test_validate_missing_path_is_exit_2():
    done = studio("validate", "no/such/file.cmmn")
    assert done.returncode == 2
    assert "no/such/file.cmmn" in done.stderr


def test_validate_json_contract(tmp_path):
    model = tmp_path / "m.cmmn"
    model.write_text(
        '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">'
        '<case id="c"><casePlanModel id="p"><planItem id="i" definitionRef="missing"/>'
        "</casePlanModel></case></definitions>"
    )
    done = studio("validate", str(model), "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["errors"] == 1 and report["warnings"] == 0
    (entry,) = report["files"]
    assert entry["file"] == str(model)
    (problem,) = entry["problems"]
    assert set(problem) == {"code", "severity", "element", "line", "message"}
    assert problem["code"] == "cmmn.plan-item.unknown-definition"
    assert problem["element"] == "i" and problem["line"] == 1


def test_validate_hostile_file_is_a_finding_not_a_crash(tmp_path):
    model = tmp_path / "evil.bpmn"
    model.write_text('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    done = studio("validate", str(model))
    assert done.returncode == 1
    assert "xml.doctype" in done.stdout and "Traceback" not in done.stderr + done.stdout


def test_validate_text_output_ends_with_a_summary(tmp_path):
    model = tmp_path / "ok.cmmn"
    model.write_text(
        '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">'
        '<case id="c"><casePlanModel id="p"/></case></definitions>'
    )
    done = studio("validate", str(tmp_path))
    assert done.returncode == 0
    assert done.stdout.strip().endswith("1 file checked: 0 errors, 0 warnings")


@pytest.mark.conformance
def test_the_invalid_conformance_model_is_reported():
    path = shared_path("conformance/cmmn/invalid/plan-item-on-part-references-exit-criterion.cmmn")
    done = studio("validate", str(path), "--format", "json")
    assert done.returncode == 1
    problems = json.loads(done.stdout)["files"][0]["problems"]
    duplicate = [p for p in problems if p["code"] == "model.duplicate-id"]
    assert duplicate and duplicate[0]["element"] == "Sentry_1"
    assert duplicate[0]["severity"] == "error"


@pytest.mark.conformance
def test_acceptance_models_validate_without_errors():
    folders = {p.parent for p in shared_files("acceptance", "*/*.cmmn", "*/*.bpmn")}
    if not folders:
        pytest.skip("../shared/acceptance is not available")
    done = studio("validate", *map(str, sorted(folders)), "--format", "json")
    report = json.loads(done.stdout)
    errors = [
        (f["file"], p["code"], p["message"])
        for f in report["files"]
        for p in f["problems"]
        if p["severity"] == "error"
    ]
    assert not errors
    assert done.returncode == 0


def test_the_readme_example_is_a_clean_laid_out_model():
    from pathlib import Path

    from studio.editor.validation import validate_file
    from studio.notation import read_model_file

    path = Path(__file__).resolve().parents[1] / "docs" / "examples" / "claim.cmmn"
    assert validate_file(path) == []
    assert read_model_file(path).cmmndi is not None
