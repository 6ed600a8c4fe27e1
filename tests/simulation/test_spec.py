"""Loading `*.sim.json` files: the DESIGN example, defaults, and a SpecError naming the file, the
place and the reason for every kind of bad input."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from studio.simulation.calendars import ALWAYS, Calendar
from studio.simulation.distributions import PARAMETERS
from studio.simulation.errors import SpecError
from studio.simulation.spec import load_spec, validate_document

EXAMPLE = {
    "model": "invoice.cmmn",
    "case": "InvoiceCase",
    "seed": 7,
    "start": "2026-01-05T08:00:00Z",
    "cases": 10000,
    "arrivals": {
        "interval": {"distribution": "exponential", "mean": "PT10M"},
        "calendar": "office",
    },
    "data": {"file": "invoices.jsonl", "pick": "sequential"},
    "calendars": {
        "office": {
            "timezone": "Europe/Paris",
            "days": ["mon", "tue", "wed", "thu", "fri"],
            "hours": [["08:00", "18:00"]],
        }
    },
    "resources": {"clerk": {"count": 3, "calendar": "office", "cost_per_hour": 40}},
    "work": {
        "Check invoice": {
            "resource": "clerk",
            "duration": {
                "distribution": "lognormal",
                "mean": "PT20M",
                "stdev": "PT5M",
                "max": "PT2H",
            },
            "output": {"decision": {"approve": 0.8, "dispute": 0.2}},
        }
    },
    "choices": {
        "Escalate": {"probability": 0.2},
        "Supplier called": {"probability": 0.1, "after": "P1D"},
    },
    "branches": {"Gateway_match": {"Flow_yes": 0.8, "Flow_no": 0.2}},
    "replications": 1,
    "warmup": "P0D",
}

MINIMAL = {"model": "invoice.cmmn", "cases": 5, "arrivals": {"interval": "PT1H"}}


def project(tmp_path: Path, document, name: str = "invoice.sim.json") -> Path:
    """A sim file with its model and data file next to it."""
    (tmp_path / "invoice.cmmn").write_text("<definitions/>")
    (tmp_path / "invoices.jsonl").write_text('{"invoice": {"amount": 10}}\n')
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def changed(base: dict, **changes) -> dict:
    document = json.loads(json.dumps(base))
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def refusal(tmp_path: Path, document) -> SpecError:
    with pytest.raises(SpecError) as caught:
        load_spec(project(tmp_path, document))
    return caught.value


def test_the_design_example_loads(tmp_path):
    spec = load_spec(project(tmp_path, EXAMPLE))
    assert spec.model == tmp_path / "invoice.cmmn"
    assert spec.case == "InvoiceCase"
    assert (spec.seed, spec.cases, spec.horizon) == (7, 10000, None)
    assert (spec.replications, spec.warmup) == (1, 0)
    assert spec.start == datetime(2026, 1, 5, 8, tzinfo=UTC).timestamp()
    assert spec.arrivals.calendar == "office"
    assert spec.arrivals.interval.mean == 600
    assert spec.data.file == tmp_path / "invoices.jsonl" and spec.data.pick == "sequential"
    office = spec.calendars["office"]
    monday_nine_paris = datetime(2026, 1, 5, 8, tzinfo=UTC).timestamp()
    assert office.is_open(monday_nine_paris)
    assert not office.is_open(monday_nine_paris + 6 * 86400)  # sunday
    clerk = spec.resources["clerk"]
    assert (clerk.count, clerk.calendar, clerk.cost_per_hour) == (3, "office", 40)
    work = spec.work["Check invoice"]
    assert work.resource == "clerk"
    rng = random.Random(1)
    assert all(0 <= work.duration.sample(rng) <= 7200 for _ in range(200))
    decisions = [work.output["decision"].draw(rng) for _ in range(2000)]
    assert set(decisions) == {"approve", "dispute"}
    assert 0.75 < decisions.count("approve") / 2000 < 0.85
    assert spec.choices["Escalate"].probability == 0.2 and spec.choices["Escalate"].after is None
    assert spec.choices["Supplier called"].after.sample(rng) == 86400
    assert spec.branches == {"Gateway_match": (("Flow_yes", 0.8), ("Flow_no", 0.2))}
    assert spec.raw == EXAMPLE


def test_defaults(tmp_path):
    spec = load_spec(project(tmp_path, MINIMAL))
    assert spec.case is None and spec.seed == 0 and spec.replications == 1 and spec.warmup == 0
    assert spec.start == datetime(2026, 1, 5, tzinfo=UTC).timestamp()
    assert spec.arrivals.calendar is None and spec.arrivals.interval.sample(random.Random()) == 3600
    assert spec.data is None
    assert spec.calendars == spec.resources == spec.work == spec.choices == spec.branches == {}


def test_resource_work_and_data_defaults(tmp_path):
    document = changed(
        MINIMAL,
        data={"file": "invoices.jsonl"},
        resources={"clerk": {"count": 1}},
        work={"Pay": {}, "Check": {"resource": "clerk"}},
    )
    spec = load_spec(project(tmp_path, document))
    assert spec.data.pick == "sequential"
    clerk = spec.resources["clerk"]
    assert (clerk.count, clerk.calendar, clerk.cost_per_hour) == (1, None, 0)
    assert spec.work["Pay"].resource is None and spec.work["Pay"].duration is None
    assert spec.work["Pay"].output == {}
    assert spec.work["Check"].resource == "clerk"


def test_a_calendar_open_all_the_time_is_always(tmp_path):
    spec = load_spec(project(tmp_path, changed(MINIMAL, calendars={"all": {}})))
    assert spec.calendars["all"] is ALWAYS
    assert isinstance(spec.calendars["all"], Calendar)


def test_horizon_replaces_cases_and_start_takes_an_offset(tmp_path):
    document = changed(
        MINIMAL, cases=None, horizon="P30D", warmup="P2D", start="2026-03-02T09:00:00+01:00"
    )
    spec = load_spec(project(tmp_path, document))
    assert (spec.cases, spec.horizon, spec.warmup) == (None, 30 * 86400, 2 * 86400)
    assert spec.start == datetime(2026, 3, 2, 8, tzinfo=UTC).timestamp()


def test_an_output_may_draw_numbers(tmp_path):
    output = {"amount": {"distribution": "uniform", "min": 10, "max": 20}}
    spec = load_spec(project(tmp_path, changed(MINIMAL, work={"Quote": {"output": output}})))
    draws = [spec.work["Quote"].output["amount"].draw(random.Random(n)) for n in range(50)]
    assert all(10 <= value <= 20 for value in draws)


def test_name_description_and_schema_keys_are_allowed(tmp_path):
    document = changed(
        MINIMAL, name="Busy week", description="Peak load", **{"$schema": "sim.schema.json"}
    )
    assert load_spec(project(tmp_path, document)).raw["name"] == "Busy week"


@pytest.mark.parametrize(
    ("changes", "where", "reason"),
    [
        ({"replicatons": 3}, "", 'unknown key "replicatons" (did you mean "replications"?)'),
        ({"bogus": 1}, "", 'unknown key "bogus" (known: $schema, name, description, model, '),
        ({"model": None}, "", 'missing "model"'),
        ({"arrivals": None}, "", 'missing "arrivals"'),
        ({"arrivals": {}}, "arrivals", 'missing "interval"'),
        ({"seed": "seven"}, "seed", "must be a whole number"),
        ({"cases": 2.5}, "cases", "must be a whole number"),
        ({"cases": 0}, "cases", "must be at least 1, not 0"),
        ({"replications": 0}, "replications", "must be at least 1, not 0"),
        (
            {"resources": {"clerk": {"count": -3}}},
            "resources.clerk.count",
            "must be at least 1, not -3",
        ),
        ({"resources": {"clerk": {}}}, "resources.clerk", 'missing "count"'),
        (
            {"resources": {"clerk": {"count": 1, "cost": 5}}},
            "resources.clerk",
            'unknown key "cost"',
        ),
        (
            {"resources": {"clerk": {"count": "3"}}},
            "resources.clerk.count",
            "must be a whole number",
        ),
        ({"resources": {"": {"count": 1}}}, "resources", "a name must not be empty"),
        (
            {"data": {"file": "invoices.jsonl", "pick": "first"}},
            "data.pick",
            '"first" is not one of sequential, random',
        ),
        (
            {"choices": {"Escalate": {"probability": 1.5}}},
            "choices.Escalate.probability",
            "must be at most 1, not 1.5",
        ),
        (
            {"horizon": True, "cases": None},
            "horizon",
            "must be an ISO-8601 duration or a number of seconds",
        ),
        ({"warmup": -1}, "warmup", "must be at least 0, not -1"),
        (
            {"work": {"Pay": {"duration": {"distribution": "poisson"}}}},
            "work.Pay.duration.distribution",
            '"poisson" is not one of fixed, ',
        ),
        (
            {"work": {"Pay": {"output": {"decision": {}}}}},
            "work.Pay.output.decision",
            "must not be empty",
        ),
        ({"calendars": {"office": {"hours": "9-5"}}}, "calendars.office.hours", "must be an array"),
        (
            {"calendars": {"office": {"hours": [["08:00", 17]]}}},
            "calendars.office.hours[0][1]",
            "must be a string",
        ),
    ],
)
def test_the_schema_refuses_bad_input_naming_file_place_and_reason(
    tmp_path, changes, where, reason
):
    error = refusal(tmp_path, changed(MINIMAL, **changes))
    assert error.file == "invoice.sim.json"
    assert error.where == where
    assert error.reason.startswith(reason)
    assert str(error).startswith("invoice.sim.json: " + (f"{where}: " if where else "") + reason)


@pytest.mark.parametrize(
    ("changes", "where", "reason"),
    [
        ({"horizon": "P1D"}, "horizon", 'give "cases" or "horizon", not both'),
        ({"cases": None}, "", 'missing "cases" (or "horizon")'),
        ({"cases": None, "horizon": "PT0S"}, "horizon", "must be longer than 0"),
        (
            {"cases": None, "horizon": "P1D", "warmup": "P2D"},
            "warmup",
            "must be shorter than the horizon",
        ),
        ({"start": "next monday"}, "start", "'next monday' is not an ISO-8601 date-time"),
        ({"model": "missing.cmmn"}, "model", '"missing.cmmn" not found'),
        ({"data": {"file": "missing.csv"}}, "data.file", '"missing.csv" not found'),
        ({"data": {"file": "invoices.xml"}}, "data.file", "must name a .json, .jsonl, .csv file"),
        (
            {"arrivals": {"interval": "PT1H", "calendar": "office"}},
            "arrivals.calendar",
            'unknown calendar "office"; none is defined',
        ),
        (
            {
                "calendars": {"office": {}, "night": {}},
                "resources": {"clerk": {"count": 1, "calendar": "day"}},
            },
            "resources.clerk.calendar",
            'unknown calendar "day"; known: night, office',
        ),
        (
            {"resources": {"clerk": {"count": 1}}, "work": {"Pay": {"resource": "payer"}}},
            "work.Pay.resource",
            'unknown resource "payer"; known: clerk',
        ),
        (
            {"work": {"Pay": {"duration": {"distribution": "normal", "mean": "PT1H"}}}},
            "work.Pay.duration",
            "normal needs mean, stdev",
        ),
        ({"work": {"Pay": {"duration": "soon"}}}, "work.Pay.duration", "'soon'"),
        (
            {"arrivals": {"interval": {"distribution": "exponential", "mean": "PT1H", "men": 1}}},
            "arrivals.interval.men",
            "'men' is not a parameter of exponential",
        ),
        (
            {
                "choices": {
                    "Escalate": {
                        "probability": 0.5,
                        "after": {"distribution": "uniform", "min": 5, "max": 1},
                    }
                }
            },
            "choices.Escalate.after",
            "min (5 s) is greater than max (1 s)",
        ),
        (
            {"branches": {"Gateway_1": {"Flow_a": 0.5, "Flow_b": 0.4}}},
            "branches.Gateway_1",
            "the probabilities sum to 0.9",
        ),
        (
            {"work": {"Pay": {"output": {"decision": {"yes": 0.3, "no": 0.3}}}}},
            "work.Pay.output.decision",
            "the probabilities sum to 0.6",
        ),
        (
            {"calendars": {"office": {"timezone": "Mars/Olympus"}}},
            "calendars.office.timezone",
            "'Mars/Olympus' is not a known timezone",
        ),
    ],
)
def test_the_loader_refuses_bad_input_naming_file_place_and_reason(
    tmp_path, changes, where, reason
):
    error = refusal(tmp_path, changed(MINIMAL, **changes))
    assert (error.file, error.where) == ("invoice.sim.json", where)
    assert error.reason.startswith(reason), error.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[1, 2]", "must be an object"),
        ('{"model": "invoice.cmmn",', "not JSON: "),
        ('{"cases": 1, "cases": 2}', 'not JSON: key "cases" appears twice in one object'),
        ('{"cases": NaN}', "not JSON: NaN is not a JSON number"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, content, reason):
    error = refusal(tmp_path, content)
    assert error.file == "invoice.sim.json" and error.reason.startswith(reason)


def test_files_that_are_not_utf8_too_large_or_missing(tmp_path, monkeypatch):
    from studio.simulation import spec as spec_module

    path = project(tmp_path, MINIMAL)
    path.write_bytes(b'{"model": "\xff"}')
    with pytest.raises(SpecError, match=r"^invoice.sim.json: not UTF-8 text$"):
        load_spec(path)
    monkeypatch.setattr(spec_module, "MAX_BYTES", 10)
    path.write_text(json.dumps(MINIMAL))
    with pytest.raises(SpecError, match=r"^invoice.sim.json: larger than 10 bytes$"):
        load_spec(path)
    with pytest.raises(SpecError, match=r"^gone.sim.json: cannot read"):
        load_spec(tmp_path / "gone.sim.json")


def test_errors_name_the_file_as_shown(tmp_path):
    path = project(tmp_path, changed(MINIMAL, cases=0))
    with pytest.raises(SpecError, match=r"^sims/invoice.sim.json: cases: "):
        load_spec(path, shown="sims/invoice.sim.json")


def test_validate_document_checks_everything_but_other_files(tmp_path):
    validate_document(changed(EXAMPLE, model="elsewhere.cmmn"), "project/invoice.sim.json")
    with pytest.raises(SpecError) as caught:
        validate_document(
            changed(MINIMAL, resources={"clerk": {"count": 0}}), "project/invoice.sim.json"
        )
    assert (
        str(caught.value)
        == "project/invoice.sim.json: resources.clerk.count: must be at least 1, not 0"
    )
    with pytest.raises(SpecError, match=r"^must be an object$"):
        validate_document([])


def test_the_schema_names_every_distribution():
    from importlib.resources import files

    schema = json.loads(files("studio.simulation").joinpath("sim.schema.json").read_text())
    names = schema["$defs"]["distributionObject"]["properties"]["distribution"]["enum"]
    assert names == list(PARAMETERS)
