"""Scenario tests of a project version over REST: the JSON of `studio test`, plus each step's
item states; roles, unknown files and a broken expectation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.editor.projects.importing import read_folder
from tests.web.conftest import PASSWORD, token

API = "/api/v1/projects"
FIRST = "01-matched-invoice-is-paid-without-a-touch.scenario.json"


SAMPLE = Path(__file__).resolve().parents[2] / "sample_models" / "invoice-processing"


@pytest.fixture(autouse=True)
def _invoice(app) -> None:
    store = app.extensions["studio"].projects
    upload = read_folder(SAMPLE, store.limits)
    store.create("invoice-processing", "Invoices", "test", upload.files, "imported")


def invoice_project(client, headers) -> dict:
    projects = client.get(API, headers=headers).get_json()["projects"]
    return next(p for p in projects if p["key"] == "invoice-processing")


def test_an_analyst_runs_one_scenario_and_sees_each_step_and_its_states(client) -> None:
    ann = token(client, "ann")
    project = invoice_project(client, ann)
    number = project["latest"]["number"]
    done = client.post(
        f"{API}/{project['id']}/versions/{number}/tests", headers=ann, json={"files": [FIRST]}
    )
    assert done.status_code == 200, done.get_json()
    report = done.get_json()
    assert (report["passed"], report["failed"]) == (1, 0)
    scenario = report["scenarios"][0]
    assert scenario["file"] == FIRST and scenario["passed"] and scenario["error"] is None
    assert scenario["model"] == "invoice-processing.bpmn"
    steps = scenario["steps"]
    assert steps[0]["step"] == 0 and steps[0]["does"] == "start the case"
    assert [s["step"] for s in steps] == list(range(len(steps)))
    assert all(s["passed"] and isinstance(s["states"], dict) for s in steps)
    assert any(state == "completed" for state in steps[-1]["states"].values())


def test_a_broken_expectation_fails_at_its_step_with_the_engine_explanation(client) -> None:
    ann = token(client, "ann")
    project = invoice_project(client, ann)
    number = project["latest"]["number"]
    text = client.get(f"{API}/{project['id']}/versions/{number}/files/{FIRST}", headers=ann).data
    scenario = json.loads(text)
    expect = next(i for i, s in enumerate(scenario["steps"]) if "expect" in s)
    scenario["steps"][expect]["expect"]["case"] = "suspended"
    saved = client.post(
        f"{API}/{project['id']}/versions",
        headers=ann,
        json={"base": number, "files": {FIRST: json.dumps(scenario)}, "message": "break it"},
    )
    assert saved.status_code == 201, saved.get_json()
    newer = saved.get_json()["version"]["number"]
    report = client.post(
        f"{API}/{project['id']}/versions/{newer}/tests", headers=ann, json={"files": [FIRST]}
    ).get_json()
    result = report["scenarios"][0]
    assert report["failed"] == 1 and not result["passed"]
    assert result["failures"][0]["step"] == expect + 1
    assert "suspended" in result["failures"][0]["message"]
    assert result["steps"][-1]["step"] == expect + 1 and not result["steps"][-1]["passed"]


def test_every_scenario_runs_without_a_list_and_unknown_files_are_refused(client) -> None:
    ann = token(client, "ann")
    project = invoice_project(client, ann)
    base = f"{API}/{project['id']}/versions/{project['latest']['number']}/tests"
    report = client.post(base, headers=ann, json={}).get_json()
    assert report["passed"] + report["failed"] == len(report["scenarios"]) >= 9
    assert report["failed"] == 0, [s for s in report["scenarios"] if not s["passed"]]
    missing = client.post(base, headers=ann, json={"files": ["nope.scenario.json"]})
    assert missing.status_code == 404
    bad = client.post(base, headers=ann, json={"files": "all"})
    assert bad.status_code == 400


def test_a_caseworker_may_not_run_tests(client) -> None:
    carl = token(client, "carl")
    answer = client.post(f"{API}/1/versions/1/tests", headers=carl, json={})
    assert answer.status_code == 403


def session_login(client, username: str) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf}
    )
    assert done.status_code in (302, 303)


def test_the_pages_say_in_words_what_is_missing(client, app) -> None:
    store = app.extensions["studio"].projects
    empty = store.create("empty-project", None, "test", None, "")
    session_login(client, "ann")
    assert client.get("/projects/99999/scenarios").status_code == 404
    page = client.get(f"/projects/{empty.id}/scenarios").get_data(as_text=True)
    assert "has no saved version yet" in page or "has no scenario tests" in page
    assert client.get("/simulations/sim-404").status_code == 404
    compare = client.get("/simulations/compare").get_data(as_text=True)
    assert "Comparing needs two finished runs" in compare
    listing = client.get("/simulations").get_data(as_text=True)
    assert "invoices.sim.json" in listing and "You have not run a simulation" in listing


def test_scenarios_left_when_the_time_budget_runs_out_are_reported_not_run(client, app) -> None:
    app.config["STUDIO_TEST_BUDGET"] = 0
    ann = token(client, "ann")
    project = invoice_project(client, ann)
    base = f"{API}/{project['id']}/versions/{project['latest']['number']}/tests"
    report = client.post(base, headers=ann, json={"files": [FIRST]}).get_json()
    result = report["scenarios"][0]
    assert report["failed"] == 1 and "not run" in result["error"]
    assert result["model"] == "invoice-processing.bpmn" and result["steps"] == []


def test_a_scenario_naming_a_model_outside_the_project_is_unusable(client) -> None:
    ann = token(client, "ann")
    project = invoice_project(client, ann)
    number = project["latest"]["number"]
    text = client.get(f"{API}/{project['id']}/versions/{number}/files/{FIRST}", headers=ann).data
    scenario = {**json.loads(text), "model": "../../../etc/hosts.bpmn"}
    saved = client.post(
        f"{API}/{project['id']}/versions",
        headers=ann,
        json={"base": number, "files": {FIRST: json.dumps(scenario)}},
    ).get_json()["version"]["number"]
    report = client.post(
        f"{API}/{project['id']}/versions/{saved}/tests", headers=ann, json={"files": [FIRST]}
    ).get_json()
    assert "outside the project" in report["scenarios"][0]["error"]


SECOND = "02-price-gap-accepted-by-the-business.scenario.json"


FRENCH_STATES = "4 \u00e9tats d\u2019\u00e9l\u00e9ments"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["start the case", "expect case active, 4 item states, 3 values",
                'complete "Review the dispute"', "expect 4 item states"]),
        ("fr", ["d\u00e9marrage du dossier",
                f"attendu : dossier en cours, {FRENCH_STATES}, 3 valeurs",
                "terminer \u00ab Review the dispute \u00bb", f"attendu : {FRENCH_STATES}"]),
    ],
)  # fmt: skip
def test_each_step_is_described_in_the_callers_language(client, language, words) -> None:
    ann = token(client, "ann") | {"Accept-Language": language}
    project = invoice_project(client, ann)
    number = project["latest"]["number"]
    done = client.post(
        f"{API}/{project['id']}/versions/{number}/tests", headers=ann, json={"files": [SECOND]}
    )
    steps = done.get_json()["scenarios"][0]["steps"]
    assert [s["does"] for s in steps[:4]] == words


@pytest.mark.parametrize(
    ("language", "start"),
    [("en", "case: expected suspended, actual active; why: "),
     ("fr", "dossier : attendu suspendu, obtenu en cours ; pourquoi : ")],
)  # fmt: skip
def test_a_failed_step_says_why_in_the_callers_language(client, language, start) -> None:
    ann = token(client, "ann") | {"Accept-Language": language}
    project = invoice_project(client, ann)
    number = project["latest"]["number"]
    scenario = json.loads(
        client.get(f"{API}/{project['id']}/versions/{number}/files/{SECOND}", headers=ann).data
    )
    scenario["steps"][0]["expect"]["case"] = "suspended"
    saved = client.post(
        f"{API}/{project['id']}/versions",
        headers=ann,
        json={"base": number, "files": {SECOND: json.dumps(scenario)}, "message": "break it"},
    )
    newer = saved.get_json()["version"]["number"]
    report = client.post(
        f"{API}/{project['id']}/versions/{newer}/tests", headers=ann, json={"files": [SECOND]}
    ).get_json()
    (message,) = report["scenarios"][0]["steps"][1]["messages"]
    assert message.startswith(start), message
    assert "\n" not in message
    if language == "fr":
        assert "attend DisputedInvoice (en cours)" in message, message
