"""Live validation of a project's files: the problems `studio validate --format json` reports,
with paths relative to the project, for a version with unsaved edits laid over it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from studio.editor.projects.importing import read_folder
from studio.editor.projects.validating import overlaid, validate_files
from studio.web.runtime import SAMPLES

CASE = """<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
  <case id="Claim">
    <casePlanModel id="plan">
      <planItem id="pi_a" name="A" definitionRef="ht_a"/>
      <planItem id="pi_b" name="B" definitionRef="ht_b">
        <entryCriterion id="ec_b" sentryRef="s_b"/>
      </planItem>
      <sentry id="s_b">
        <planItemOnPart id="op_b" sourceRef="pi_a"><standardEvent>complete</standardEvent></planItemOnPart>
      </sentry>
      <humanTask id="ht_a" name="A"/>
      <humanTask id="ht_b" name="B"/>
    </casePlanModel>
  </case>
</definitions>
"""


def problems(report: dict) -> list[tuple[str, str, str | None]]:
    return [
        (entry["file"], problem["code"], problem["element"])
        for entry in report["files"]
        for problem in entry["problems"]
    ]


def test_an_unsaved_edit_shows_its_problem_and_the_fix_clears_it() -> None:
    saved = {"claim.cmmn": CASE.encode(), "data.jsonl": b"{}\n"}
    assert validate_files(saved) == {
        "errors": 0,
        "warnings": 0,
        "files": [{"file": "claim.cmmn", "problems": []}],
    }
    broken = CASE.replace('sourceRef="pi_a"', 'sourceRef="pi_gone"').encode()
    report = validate_files(overlaid(saved, {"claim.cmmn": broken}))
    assert report["errors"] >= 1
    assert ("claim.cmmn", "cmmn.sentry.unknown-source", "op_b") in problems(report)
    (problem,) = [p for p in report["files"][0]["problems"] if p["element"] == "op_b"]
    assert problem["severity"] == "error" and problem["line"] == 9
    assert "pi_gone" in problem["message"]
    assert problems(validate_files(overlaid(saved, {"claim.cmmn": CASE.encode()}))) == []


def test_unsafe_xml_in_an_edit_is_a_finding_not_a_failure() -> None:
    evil = b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    report = validate_files({"claim.cmmn": evil})
    assert problems(report) == [("claim.cmmn", "xml.doctype", None)]


def test_a_removed_model_is_no_longer_validated_and_references_to_it_break() -> None:
    files = {"claim.cmmn": CASE.encode(), "sub/other.cmmn": CASE.encode()}
    report = validate_files(overlaid(files, {}, ["claim.cmmn"]))
    assert [entry["file"] for entry in report["files"]] == ["sub/other.cmmn"]


def test_the_report_is_what_studio_validate_prints_for_the_folder(tmp_path: Path) -> None:
    files = read_folder(SAMPLES / "invoice-processing").files
    broken = files["disputed-invoice.cmmn"].replace(b'sourceRef="pi_review"', b'sourceRef="nope"')
    files = {**files, "disputed-invoice.cmmn": broken}
    for path, data in files.items():
        (tmp_path / path).write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "studio", "validate", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
    )
    printed = json.loads(done.stdout)
    for entry in printed["files"]:
        entry["file"] = Path(entry["file"]).relative_to(tmp_path).as_posix()
    assert printed["errors"] > 0
    assert validate_files(files) == printed
