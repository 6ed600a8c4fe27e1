"""`studio test`: finding files, text and JSON output, exit codes, the CLI command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import studio.testing
from studio.cli import main
from studio.testing.report import as_json, text_lines
from studio.testing.suite import find_scenarios, run_paths

PASSING = [{"complete": "Check invoice"}, {"expect": {"items": {"Pay": "active"}}}]
FAILING = [{"complete": "Check invoice"}, {"expect": {"items": {"Pay": "completed"}}},
           {"complete": "Pay"}, {"complete": "Pay"}]  # fmt: skip
UNUSABLE = [{"finish": "Check invoice"}]


@pytest.fixture
def project(write, tmp_path):
    """A folder of three scenarios: one passing, one failing, one unusable."""
    write(PASSING, file="cases/a_pass.scenario.json", name="passes")
    write(FAILING, file="cases/b_fail.scenario.json", name="fails")
    write(UNUSABLE, file="cases/sub/c_bad.scenario.json", name="bad")
    (tmp_path / "cases" / "notes.json").write_text("{}")
    return tmp_path / "cases"


def test_folders_are_searched_in_sorted_order(project, tmp_path):
    found = find_scenarios([str(project), str(project / "a_pass.scenario.json"), "nowhere"])
    assert [shown for shown, _ in found] == [
        str(project / "a_pass.scenario.json"),
        str(project / "b_fail.scenario.json"),
        str(project / "sub" / "c_bad.scenario.json"),
        str(project / "a_pass.scenario.json"),
        "nowhere",
    ]
    assert found[-1][1] is None


def test_json_shape(project, factory):
    suite = run_paths([str(project), "nowhere.scenario.json"], factory)
    document = as_json(suite)
    assert document["passed"] == 1 and document["failed"] == 3
    assert [set(s) for s in document["scenarios"]] == [
        {"name", "file", "passed", "failures", "error"}
    ] * 4
    passed, failed, bad, missing = document["scenarios"]
    assert passed == {"name": "passes", "file": str(project / "a_pass.scenario.json"),
                      "passed": True, "failures": [], "error": None}  # fmt: skip
    assert failed["passed"] is False and failed["error"] is None
    assert failed["failures"] == [
        {"step": 2, "message": 'item "Pay": expected completed, actual active; '
                               "why: PI_pay waits for something"}
    ]  # fmt: skip
    assert bad["name"] is None and bad["failures"] == []
    assert (
        bad["error"]
        == f'{project / "sub" / "c_bad.scenario.json"}: step 1: unknown action "finish"'
    )
    assert missing["error"] == "nowhere.scenario.json: no such file or folder"
    assert suite.exit_code == 2


def test_text_output(project, factory):
    lines = text_lines(run_paths([str(project)], factory))
    assert lines == [
        f"PASS passes ({project / 'a_pass.scenario.json'})",
        f"FAIL fails ({project / 'b_fail.scenario.json'})",
        '  step 2: item "Pay": expected completed, actual active; why: PI_pay waits for something',
        "  stopped at step 2: steps 3-4 not run",
        f'ERROR {project / "sub" / "c_bad.scenario.json"}: step 1: unknown action "finish"',
        "1 passed, 2 failed",
    ]


@pytest.mark.parametrize(
    ("files", "code"),
    [(["a_pass"], 0), (["a_pass", "a_pass"], 0), (["a_pass", "b_fail"], 1),
     (["b_fail", "a_pass"], 1), (["sub/c_bad", "b_fail", "a_pass"], 2), (["a_pass", "sub/c_bad"], 2)],
)  # fmt: skip
def test_exit_code_is_the_highest_over_the_files(project, factory, files, code):
    paths = [str(project / f"{name}.scenario.json") for name in files]
    assert run_paths(paths, factory).exit_code == code


def test_progress_is_reported_per_file(project, factory):
    seen = []
    run_paths([str(project)], factory, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


@pytest.fixture
def cli(monkeypatch, factory):
    """Run `studio test` in-process with the fake engine."""
    monkeypatch.setattr(studio.testing, "engine_driver", lambda: factory)

    def invoke(*args: str):
        return CliRunner().invoke(main, ["test", *args])

    return invoke


def test_cli_text_ends_with_the_summary(cli, project):
    done = cli(str(project / "a_pass.scenario.json"))
    assert done.exit_code == 0
    assert done.stdout.splitlines()[-1] == "1 passed, 0 failed"
    done = cli(str(project / "a_pass.scenario.json"), str(project / "b_fail.scenario.json"))
    assert done.exit_code == 1
    assert done.stdout.splitlines()[-1] == "1 passed, 1 failed"


def test_cli_json_is_printed_even_with_unusable_files(cli, project):
    done = cli(str(project), "--format", "json")
    assert done.exit_code == 2
    document = json.loads(done.stdout)
    assert (document["passed"], document["failed"]) == (1, 2)
    assert document["scenarios"][2]["error"].endswith('step 1: unknown action "finish"')


def test_cli_missing_path_is_exit_2(cli, project):
    done = cli(str(project / "a_pass.scenario.json"), "no/such.scenario.json", "--format", "json")
    assert done.exit_code == 2
    assert (
        json.loads(done.stdout)["scenarios"][1]["error"]
        == "no/such.scenario.json: no such file or folder"
    )
    done = cli("no/such/folder")
    assert done.exit_code == 2
    assert done.stdout.splitlines() == [
        "ERROR no/such/folder: no such file or folder",
        "0 passed, 1 failed",
    ]


def test_cli_folder_without_scenarios_is_exit_2(cli, tmp_path):
    done = cli(str(tmp_path))
    assert done.exit_code == 2
    assert "no scenario files" in done.stderr
    assert done.stdout.splitlines()[-1] == "0 passed, 0 failed"


def test_the_engine_driver_runs_real_cases():
    from studio.testing.case_driver import open_case_driver

    assert studio.testing.engine_driver() is open_case_driver
