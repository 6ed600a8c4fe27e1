"""Loading `*.scenario.json`: the format check and its one-line reasons (exit 2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from studio.testing.driver import UnusableScenario
from studio.testing.scenario_file import (
    DEFAULT_START,
    MAX_BYTES,
    ActionStep,
    ExpectStep,
    load_scenario,
)
from tests.conftest import shared_files

ACCEPTANCE = shared_files("acceptance", "**/*.scenario.json")


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        ([{"expect": {"case": "active"}}, {"complete": "A"}, {"finish": "A"}],
         'step 3: unknown action "finish"'),
        ([{"complete": "A", "occur": "B"}], "step 1: one action per step, found complete, occur"),
        ([{"rejected": True}], "step 1: no action (one of complete, occur"),
        ([{"expect": {"case": "active"}, "rejected": True}],
         'step 1: "rejected" goes only with an action'),
        ([{"set": {"a": 1}, "data": {"b": 2}}], 'step 1: "data" goes only with complete or message'),
        ([{"complete": 5}], 'step 1: "complete" must be a string'),
        ([{"complete": ""}], 'step 1: "complete" must not be empty'),
        ([{"complete": "A", "rejected": "yes"}], 'step 1: "rejected" must be true or false'),
        ([{"expect": {"items": {"A": "done"}}}],
         'step 1: "expect.items.A": "done" is not a state (one of available'),
        ([{"expect": {"count": {"A": {"done": 1}}}}], 'step 1: "expect.count.A": "done" is not a state'),
        ([{"expect": {"count": {"A": {"active": -1}}}}],
         'step 1: "expect.count.A.active" must be 0 or more'),
        ([{"expect": {"case": "finished"}}], 'step 1: "expect.case": "finished" is not a state'),
        ([{"expect": {"cases": "active"}}], 'step 1: expect: unknown expectation "cases"'),
        ([{"expect": {}}], 'step 1: "expect" must not be empty'),
        ([{"advance": "P2X"}], "step 1: advance: 'P2X' is not an ISO-8601 duration"),
        ([{"set": {"a..b": 1}}], 'step 1: set: "a..b" is not a dotted path'),
        ([{"expect": {"data": {".x": 1}}}], 'step 1: expect.data: ".x" is not a dotted path'),
        ([{"message": "m", "data": []}], 'step 1: "data" must be an object'),
        ([], '"steps" must not be empty'),
    ],
)  # fmt: skip
def test_format_errors_name_the_file_and_the_step(write, steps, reason):
    path = write(steps)
    with pytest.raises(UnusableScenario) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(f"s.scenario.json: {reason}"), message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("top", "reason"),
    [
        ({"name": 3}, '"name" must be a string'),
        ({"data": [1]}, '"data" must be an object'),
        ({"start": "tomorrow"}, "start: 'tomorrow' is not an ISO-8601 date-time"),
        ({"model": "other.cmmn"}, 'model "other.cmmn" not found'),
        ({"extra": 1}, 'unknown key "extra"'),
    ],
)
def test_top_level_errors(write, top, reason):
    with pytest.raises(UnusableScenario, match=f"^s.scenario.json: {reason}"):
        load_scenario(write([{"complete": "A"}], **top))


def test_a_missing_key(write, tmp_path):
    path = write([], raw=json.dumps({"model": "m.cmmn", "steps": [{"complete": "A"}]}))
    with pytest.raises(UnusableScenario, match=r'^s\.scenario\.json: missing "name"$'):
        load_scenario(path)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("{", "not JSON: Expecting property name"),
        ("[]", "the scenario must be an object"),
        ('{"name": "a", "name": "b"}', 'duplicate key "name"'),
        ('{"a": NaN}', "not JSON: NaN is not a JSON number"),
        ("[" * 100_000, "not JSON"),
    ],
)
def test_unreadable_json(write, raw, reason):
    with pytest.raises(UnusableScenario, match=f"^s.scenario.json: {reason}"):
        load_scenario(write([], raw=raw))


def test_size_and_encoding_are_checked(write):
    big = write([{"set": {"x": "y" * MAX_BYTES}}])
    with pytest.raises(UnusableScenario, match=f"larger than {MAX_BYTES} bytes"):
        load_scenario(big)
    binary = write([])
    binary.write_bytes(b'{"name": "\xff"}')
    with pytest.raises(UnusableScenario, match="not UTF-8 text"):
        load_scenario(binary)


def test_a_valid_scenario_loads_with_defaults(write, tmp_path):
    path = write(
        [
            {"complete": "A", "data": {"x": 1}},
            {"occur": "B", "rejected": True},
            {"advance": "P2D"},
            {"expect": {"items": {"A": "completed"}, "data": {"x": 1}}},
        ]
    )
    scenario = load_scenario(path, shown="here/s.scenario.json")
    assert scenario.file == "here/s.scenario.json"
    assert scenario.model == tmp_path / "m.cmmn"
    assert scenario.case is None and scenario.data == {}
    assert scenario.start == DEFAULT_START == datetime(2026, 1, 5, tzinfo=UTC)
    complete, occur, advance, expect = scenario.steps
    assert complete == ActionStep(1, "complete", "A", data={"x": 1})
    assert occur.rejected and occur.data is None
    assert advance.duration == timedelta(days=2) and advance.describe() == "advance P2D"
    assert isinstance(expect, ExpectStep) and expect.number == 4
    assert scenario.item_names() == {"A": 1, "B": 2}


def test_start_and_case_are_read(write):
    scenario = load_scenario(
        write([{"complete": "A"}], start="2026-03-02T10:00:00+01:00", case="C")
    )
    assert scenario.start == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert scenario.case == "C"


def test_the_model_is_relative_to_the_scenario_file(write, tmp_path):
    path = write([{"complete": "A"}], file="sub/deeper/s.scenario.json", model="../../m.cmmn")
    assert load_scenario(path).model.resolve() == (tmp_path / "m.cmmn").resolve()


@pytest.mark.conformance
@pytest.mark.skipif(not ACCEPTANCE, reason="../shared/acceptance is not available")
@pytest.mark.parametrize("path", ACCEPTANCE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_acceptance_scenario_passes_the_format_check(path):
    scenario = load_scenario(path)
    assert scenario.steps and scenario.model.is_file()
