"""Case documents: round trips, field-driven defaults, stored fixtures per format version, upgrades.

`fixtures/case_state_v<N>.json` is a real case serialised by format version N; it is never edited
again. When FORMAT_VERSION is bumped, write the new version's fixture with
``.venv/bin/python -m tests.runtime.test_store_serialize`` and register an upgrader: every older
fixture must still load and run.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from studio.messages import text, translate
from studio.notation import read_model
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command
from studio.runtime.engine.incidents import (
    CHILD_FAILED,
    LOOP_BUDGET_EXCEEDED,
    TASK_FAILED,
    TIMER_FAILED,
    UNKNOWN,
    Incident,
)
from studio.runtime.engine.state import CaseState, HistoryEvent, ItemInstance, Timer
from studio.runtime.store import serialize
from studio.runtime.store.serialize import (
    FORMAT_VERSION,
    FormatError,
    dump,
    dump_state,
    format_datetime,
    load,
    load_state,
    parse_datetime,
    upgrade,
    upgrader,
)

FIXTURES = Path(__file__).parent / "fixtures"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

# Tasks A, B, C; milestone M waits for A and B; a timer one hour after the start.
MODEL = b"""<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
<case id="Fixture"><casePlanModel id="plan" autoComplete="true">
  <planItem id="pi_a" definitionRef="ht_a"/>
  <planItem id="pi_b" definitionRef="ht_b"/>
  <planItem id="pi_c" definitionRef="ht_c"/>
  <planItem id="pi_m" definitionRef="ms_m"><entryCriterion id="ec_m" sentryRef="s_m"/></planItem>
  <planItem id="pi_t" definitionRef="tel"/>
  <sentry id="s_m">
    <planItemOnPart id="op_a" sourceRef="pi_a"><standardEvent>complete</standardEvent></planItemOnPart>
    <planItemOnPart id="op_b" sourceRef="pi_b"><standardEvent>complete</standardEvent></planItemOnPart>
  </sentry>
  <humanTask id="ht_a" name="A"/><humanTask id="ht_b" name="B"/><humanTask id="ht_c" name="C"/>
  <milestone id="ms_m" name="M"/>
  <timerEventListener id="tel"><timerExpression>PT1H</timerExpression></timerEventListener>
</casePlanModel></case></definitions>"""


def fixture_engine() -> CaseEngine:
    return CaseEngine(compile_case(read_model(MODEL, "fixture.cmmn")))


def fixture_case() -> CaseState:
    """A case with something in every field: on-part memory, a timer, a suspended task, a team,
    an incident."""
    engine = fixture_engine()
    data = {"claim": {"amount": 1200.5, "tags": ["vip", "car"], "paid": False}, "note": None}
    state = engine.start("case-7", data, T0).state
    for command in (
        Command("complete", "pi_a", {"decision": "ok"}),
        Command("suspend", "pi_c"),
        Command("bind", None, {"role": "clerk", "members": ["ann", "group:claims"]}),
    ):
        state = engine.execute(state, command, T0 + timedelta(minutes=5)).state
    return engine.record_incident(
        state, LOOP_BUDGET_EXCEEDED, "a loop", T0 + timedelta(minutes=6)
    ).state


def fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("case_state_v*.json"))


def write_fixture() -> Path:
    """Write the current version's fixture (never overwriting one)."""
    path = FIXTURES / f"case_state_v{FORMAT_VERSION}.json"
    if path.exists():
        raise SystemExit(f"{path} exists: fixtures of released versions are never rewritten")
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(dump_state(fixture_case()), indent=2) + "\n", encoding="utf-8")
    return path


# -- documents ------------------------------------------------------------------------------------


def test_a_real_case_round_trips_through_json() -> None:
    state = fixture_case()
    document = dump_state(state)
    assert document["format_version"] == FORMAT_VERSION
    text = json.dumps(document)
    again = load_state(json.loads(text))
    assert dump_state(again) == document
    assert again.items == state.items
    assert again.timers == state.timers
    assert again.data == state.data and again.team == state.team


def test_values_are_encoded_as_json() -> None:
    case = dump_state(fixture_case())["case"]
    milestone = next(i for i in case["items"].values() if i["item"] == "pi_m")
    assert milestone["memory"] == {"ec_m": [0]}  # a set, as a sorted list
    suspended = next(i for i in case["items"].values() if i["item"] == "pi_c")
    assert (suspended["state"], suspended["resume_to"]) == ("suspended", "active")
    assert case["timers"][0]["due"] == "2026-01-05T10:00:00Z"
    assert case["team"] == {"clerk": ["ann", "group:claims"]}
    state = load_state(dump_state(fixture_case()))
    assert state.team["clerk"] == ("ann", "group:claims")  # tuples come back as tuples


def test_derived_indexes_are_not_stored() -> None:
    case = dump_state(fixture_case())["case"]
    assert not {"by_item", "by_stage", "blocking"} & case.keys()
    state = load_state(dump_state(fixture_case()))
    engine = fixture_engine()
    done = engine.execute(engine.restore(state), Command("complete", "pi_b"), T0)
    assert any(e.item == "pi_m" and e.event == "occur" for e in done.history)


def test_sets_are_sorted() -> None:
    item = ItemInstance("x#1", "x", None, "available", 1, memory={"c": {3, 1, 2}})
    assert dump(item)["memory"] == {"c": [1, 2, 3]}
    assert load(ItemInstance, dump(item)).memory == {"c": {1, 2, 3}}


def test_date_times_are_iso_8601_utc() -> None:
    paris = timezone(timedelta(hours=1))
    timer = Timer("t#1", datetime(2026, 1, 5, 11, 0, tzinfo=paris), 2, datetime(2026, 1, 5, 9, 0))
    document = dump(timer)
    assert document == {
        "instance": "t#1",
        "due": "2026-01-05T10:00:00Z",
        "occurrence": 2,
        "started": "2026-01-05T09:00:00Z",
        "cycle": None,
    }
    back = load(Timer, document)
    assert back.due == datetime(2026, 1, 5, 10, 0, tzinfo=UTC) and back.due.tzinfo is UTC
    assert parse_datetime("2026-01-05T12:00:00+02:00") == datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert format_datetime(datetime(2026, 1, 5, 10, 0, 0, 500)) == "2026-01-05T10:00:00.000500Z"
    with pytest.raises(FormatError, match="not an ISO-8601 date-time"):
        parse_datetime("next tuesday")


def test_missing_fields_take_their_defaults() -> None:
    """What a document written before a field existed looks like: the field is absent."""
    document = dump_state(fixture_case())
    del document["case"]["team"], document["case"]["incidents"]
    for item in document["case"]["items"].values():
        del item["occurrences"], item["memory"]
    state = load_state(document)
    assert state.team == {} and state.incidents == []
    assert all(i.occurrences == 0 and i.memory == {} for i in state.items.values())


def test_malformed_documents_are_refused() -> None:
    document = dump_state(fixture_case())
    unknown = copy.deepcopy(document)
    unknown["case"]["colour"] = "blue"
    with pytest.raises(FormatError, match="CaseState has no field colour"):
        load_state(unknown)
    missing = copy.deepcopy(document)
    del missing["case"]["id"]
    with pytest.raises(FormatError, match="CaseState lacks id"):
        load_state(missing)
    wrong = copy.deepcopy(document)
    wrong["case"]["items"] = []
    with pytest.raises(FormatError, match="expected a JSON dict"):
        load_state(wrong)
    with pytest.raises(FormatError, match="no integer format_version"):
        load_state(document["case"])


def test_the_case_file_must_be_json() -> None:
    state = fixture_case()
    state.data["claim"] = {"at": {1, 2}}
    with pytest.raises(FormatError, match=r"case 'case-7': claim.at: set is not a JSON value"):
        dump_state(state)
    state.data = {"claim": {1: "numeric key"}}
    with pytest.raises(FormatError, match="JSON object keys must be text"):
        dump_state(state)


def test_documents_share_nothing_with_states() -> None:
    state = fixture_case()
    document = dump_state(state)
    state.data["claim"]["tags"].append("changed")
    assert document["case"]["data"]["claim"]["tags"] == ["vip", "car"]
    loaded = load_state(document)
    loaded.data["claim"]["tags"].append("changed")
    assert document["case"]["data"]["claim"]["tags"] == ["vip", "car"]


def test_history_events_round_trip() -> None:
    event = HistoryEvent(3, T0, "pi_a#2", "pi_a", "complete", "completed", None, "ann")
    assert load(HistoryEvent, json.loads(json.dumps(dump(event)))) == event


# -- stored fixtures ------------------------------------------------------------------------------


def test_there_is_a_fixture_of_the_current_format() -> None:
    assert (FIXTURES / f"case_state_v{FORMAT_VERSION}.json").exists(), (
        "write it: .venv/bin/python -m tests.runtime.test_store_serialize"
    )


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.stem)
def test_stored_fixtures_load_and_run(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    state = load_state(document)
    if document["format_version"] == FORMAT_VERSION:
        assert dump_state(state) == document  # the format is stable
    assert state.id == "case-7" and state.data["claim"]["amount"] == 1200.5
    engine = fixture_engine()
    done = engine.execute(engine.restore(state), Command("complete", "pi_b"), T0)
    states = {i.item: i.state for i in done.state.items.values()}
    assert states["pi_m"] == "completed"  # the on-part memory of A's completion survived
    fired = engine.fire_due_timer(done.state, T0 + timedelta(hours=1))
    assert (
        fired is not None
        and {i.item: i.state for i in fired.state.items.values()}["pi_t"] == "completed"
    )


# -- upgrades -------------------------------------------------------------------------------------


def test_version_3_children_of_a_suspended_stage_resume_with_it() -> None:
    """Format 3 did not say who suspended an item: a suspended child of a suspended stage (here
    the case) was suspended with it, so it comes back with parentResume."""
    document = json.loads((FIXTURES / "case_state_v3.json").read_text(encoding="utf-8"))
    case = document["case"]
    case["state"] = case["items"]["plan#1"]["state"] = "suspended"
    case["items"]["pi_b#6"].update(state="suspended", resume_to="active")
    state = load_state(document)
    assert state.items["pi_b#6"].suspended_by_parent
    assert not state.items["pi_a#4"].suspended_by_parent  # completed
    engine = fixture_engine()
    resumed = engine.execute(engine.restore(state), Command("resume", None), T0).state
    assert resumed.items["pi_b#6"].state == "active"


def test_version_5_incidents_get_the_code_their_message_meant() -> None:
    """Format 5 kept an incident as its English message: the upgrade reads its code (and the
    BPMN element it names) from the wording of the time, once."""
    document = json.loads((FIXTURES / "case_state_v5.json").read_text(encoding="utf-8"))
    messages = [
        "timer failed 3 times: the mail server is away",
        "more than 10000 operations in one command: a repetition rule or sentries that keep "
        "triggering each other",
        "script task 'Divide (by zero)' (divide) failed at line 1: division by zero",
        "business-rule task 'Grade' (grade) failed: no rule matches",
        "service task 'Pay' (pay) failed after 3 attempts: timed out",
        "call activity 'Check' (check#7): Looper could not start: more than 10000 operations "
        "in one command: a repetition rule or sentries that keep triggering each other",
        "the disk is full",
    ]
    document["case"]["incidents"] = list(messages)
    state = load_state(document)
    assert [(i.code, i.element) for i in state.incidents] == [
        (TIMER_FAILED, None),
        (LOOP_BUDGET_EXCEEDED, None),
        (TASK_FAILED, "divide"),
        (TASK_FAILED, "grade"),
        (TASK_FAILED, "pay"),
        (CHILD_FAILED, "check"),
        (UNKNOWN, None),
    ]
    assert [i.message for i in state.incidents] == messages
    assert all(i.at is None for i in state.incidents)  # the time was not kept then


def test_incidents_keep_code_message_time_and_element() -> None:
    incident = Incident(TASK_FAILED, "script task 'S' (s) failed", T0, "s")
    assert dump(incident) == {
        "code": "task.failed",
        "message": "script task 'S' (s) failed",
        "at": "2026-01-05T09:00:00Z",
        "element": "s",
    }
    assert load(Incident, dump(incident)) == incident
    [stored] = load_state(dump_state(fixture_case())).incidents
    assert (stored.code, stored.message, stored.at) == (
        LOOP_BUDGET_EXCEEDED,
        "a loop",
        T0 + timedelta(minutes=6),
    )


def test_an_incident_message_made_to_translate_translates_again_once_loaded() -> None:
    """A message made with `text` is stored with its template and values beside the English
    sentence, which readers of the document find where it always was."""
    template = "timer failed {attempts} times: {error}"
    message = text(template, attempts=3, error="OSError: down")
    state = fixture_case()
    state.incidents = [Incident(TIMER_FAILED, message, T0)]
    document = json.loads(json.dumps(dump_state(state)))
    assert document["case"]["incidents"] == [
        {
            "code": "timer.failed",
            "message": "timer failed 3 times: OSError: down",
            "template": template,
            "values": {"attempts": 3, "error": "OSError: down"},
            "at": "2026-01-05T09:00:00Z",
            "element": None,
        }
    ]
    [loaded] = load_state(document).incidents
    assert loaded == Incident(TIMER_FAILED, "timer failed 3 times: OSError: down", T0)
    french = {template: "le minuteur a échoué {attempts} fois : {error}"}
    assert translate(loaded.message, lambda t: french.get(t, t)) == (
        "le minuteur a échoué 3 fois : OSError: down"
    )


@pytest.fixture
def no_upgraders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Upgraders registered in a test stay in that test (the product's own stay registered)."""
    monkeypatch.setattr(serialize, "UPGRADERS", dict(serialize.UPGRADERS))


def version_0_document() -> dict:
    """A made-up format 0: items as a list, the case file under `file`."""
    current = dump_state(fixture_case())["case"]
    case = {key: value for key, value in current.items() if key not in ("items", "data")}
    case["item_list"] = list(current["items"].values())
    case["file"] = current["data"]
    return {"format_version": 0, "case": case}


@pytest.mark.usefixtures("no_upgraders")
def test_upgraders_run_version_by_version() -> None:
    calls = []

    @upgrader(from_version=0)
    def items_by_id(document: dict) -> dict:
        calls.append(document["format_version"])
        case = document["case"]
        case["items"] = {item["id"]: item for item in case.pop("item_list")}
        case["data"] = case.pop("file")
        return document

    old = version_0_document()
    kept = copy.deepcopy(old)
    assert upgrade(old)["format_version"] == FORMAT_VERSION
    assert old == kept  # the input is left alone
    state = load_state(old)
    assert dump_state(state) == dump_state(fixture_case())
    assert calls == [0, 0]
    current = dump_state(fixture_case())
    assert upgrade(current) is current  # nothing to do


@pytest.mark.usefixtures("no_upgraders")
def test_upgrade_errors() -> None:
    with pytest.raises(FormatError, match="no upgrader from case format version 0"):
        load_state(version_0_document())
    newer = {"format_version": FORMAT_VERSION + 1, "case": {}}
    with pytest.raises(FormatError, match="by a newer Case Studio"):
        load_state(newer)

    @upgrader(from_version=0)
    def once(document: dict) -> dict:
        return document

    with pytest.raises(ValueError, match="registered"):
        upgrader(from_version=0)(once)


if __name__ == "__main__":
    print(f"wrote {write_fixture()}")
