"""/admin/incidents lists every kind of incident: a timer that failed (Retry puts it back on the
schedule), a user's action that ran past the loop budget (rolled back: nothing to retry, the
page says why and offers Dismiss), a BPMN task that failed (Run again) and a call activity whose
process could not start (its own kind: nothing to run again, the page says what the admin can do). The kind comes from the incident's code, which
the case view shows too, never from its wording."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

from studio.messages import text
from studio.runtime.engine.incidents import TIMER_FAILED
from tests.runtime.engine_helpers import case_xml, on, task
from tests.runtime.test_process_engine import flow
from tests.web.conftest import ADMIN_PASSWORD, admin
from tests.web.test_pages import csrf_token

HOURS = timedelta(hours=2)  # the reminder timer (PT1H) is due: its failure parks it
REPEAT = "<itemControl><repetitionRule/></itemControl>"
LOOPING = (
    task("go", name="Approve") + f'<planItem id="m1" name="Loop A" definitionRef="ms1">{REPEAT}'
    '<entryCriterion id="e1" sentryRef="s1"/><entryCriterion id="e1b" sentryRef="s_go"/></planItem>'
    f'<planItem id="m2" name="Loop B" definitionRef="ms2">{REPEAT}'
    '<entryCriterion id="e2" sentryRef="s2"/></planItem>'
    '<milestone id="ms1" name="A"/><milestone id="ms2" name="B"/>'
    '<planItem id="t" name="Reminder" definitionRef="tl"/>'
    '<timerEventListener id="tl"><timerExpression>PT1H</timerExpression></timerEventListener>'
    + on("m2", "occur", "s1")
    + on("m1", "occur", "s2")
    + on("go", "complete", "s_go")
)


def looping_project() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("loop.cmmn", case_xml(LOOPING, auto_complete=False))
    return buffer.getvalue()


def start_cases(client) -> tuple[str, str]:
    """Two cases of the looping model: one whose user action ran past the loop budget, one whose
    timer failed for good (in the words the job executor records it with)."""
    headers = admin(client)
    deployed = client.post("/api/v1/deployments", headers=headers,
                           data={"file": (io.BytesIO(looping_project()), "loop.zip")})  # fmt: skip
    assert deployed.status_code == 201, deployed.get_json()
    looped = client.post("/api/v1/cases", json={"case": "C"}, headers=headers).get_json()["id"]
    refused = client.post(f"/api/v1/cases/{looped}/actions", json={"complete": "Approve"},
                          headers=headers)  # fmt: skip
    assert refused.status_code == 422
    timed = client.post("/api/v1/cases", json={"case": "C"}, headers=headers).get_json()["id"]
    failure = text("timer failed {attempts} times: {error}", attempts=3,
                   error="ConnectionError: mail server down")  # fmt: skip
    client.application.extensions["studio"].host.record_incident(
        timed, failure, datetime.now(UTC) + HOURS
    )
    return looped, timed


def login_admin(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    done = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD,
                                       "csrf_token": csrf_token(page)})  # fmt: skip
    assert done.status_code == 302


def row_of(page: str, case_id: str) -> str:
    found = re.search(rf'<tr data-case="{case_id}">(.*?)</tr>', page, re.S)
    assert found, f"case {case_id} is not listed"
    return found.group(1)


def test_every_kind_of_incident_is_listed_with_what_a_retry_does(client) -> None:
    looped, timed = start_cases(client)
    login_admin(client)
    page = client.get("/admin/incidents").get_data(as_text=True)

    loop_row = row_of(page, looped)
    assert "Loop budget exceeded" in loop_row and "operations in one command" in loop_row
    assert "Not retried: the action was rolled back" in loop_row
    assert "data-dismiss" in loop_row and f'data-retry="{looped}"' not in loop_row
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT", loop_row)

    timer_row = row_of(page, timed)
    assert "A timer failed" in timer_row and "mail server down" in timer_row
    assert f'data-retry="{timed}"' in timer_row and "data-dismiss" not in timer_row


def test_dismissing_a_rolled_back_command_clears_it_and_the_case_kept_its_state(client) -> None:
    looped, timed = start_cases(client)
    headers = admin(client)
    case = client.get(f"/api/v1/cases/{looped}", headers=headers).get_json()
    assert {i["name"]: i["state"] for i in case["items"]}["Approve"] == "active"
    done = client.post(f"/api/v1/cases/{looped}/actions", json={"retry": "@case"}, headers=headers)
    assert done.status_code == 200
    login_admin(client)
    page = client.get("/admin/incidents").get_data(as_text=True)
    assert f'data-case="{looped}"' not in page and f'data-case="{timed}"' in page


def test_the_page_is_in_french_for_a_french_admin(client) -> None:
    _, timed = start_cases(client)
    login_admin(client)
    page = client.get("/admin/incidents", headers={"Accept-Language": "fr"}).get_data(True)
    assert "Budget de boucles dépassé" in page and "Une minuterie a échoué" in page
    failure = "la minuterie a échoué 3 fois : ConnectionError: mail server down"
    assert failure in row_of(page, timed)
    french = {**admin(client), "Accept-Language": "fr"}
    view = client.get(f"/api/v1/cases/{timed}", headers=french).get_json()
    assert view["incidents"] == [failure] and view["incident_details"][0]["message"] == failure


# Divide: its script fails (the token waits in it). Caller: its call activity starts Looper, whose
# plain tasks pass the token round for ever, so Looper cannot start (a runaway).
PROCESSES = (
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">'
    '<process id="Divide" isExecutable="true"><startEvent id="s"/>' + flow("f1", "s", "x")
    + '<scriptTask id="x" name="Divide"><script>r = 1 / zero</script></scriptTask>'
    + flow("f2", "x", "done") + '<userTask id="done" name="Look"/></process>'
    '<process id="Caller" isExecutable="true"><startEvent id="cs"/>' + flow("c1", "cs", "call")
    + '<callActivity id="call" name="Run loop" calledElement="Looper"/>' + flow("c2", "call", "ce")
    + '<endEvent id="ce"/></process>'
    '<process id="Looper" isExecutable="true"><startEvent id="ls"/>' + flow("l1", "ls", "a")
    + '<task id="a" name="A"/>' + flow("l2", "a", "b") + '<task id="b" name="B"/>'
    + flow("l3", "b", "a") + "</process></definitions>"
)  # fmt: skip


def start_processes(client) -> tuple[str, str]:
    """A Divide process whose script failed and a Caller whose called process could not start."""
    headers = admin(client)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("work.bpmn", PROCESSES)
    deployed = client.post("/api/v1/deployments", headers=headers,
                           data={"file": (io.BytesIO(buffer.getvalue()), "work.zip")})  # fmt: skip
    assert deployed.status_code == 201, deployed.get_json()
    started = [
        client.post("/api/v1/cases", json={"case": name, "data": {"zero": 0}}, headers=headers)
        for name in ("Divide", "Caller")
    ]
    assert [done.status_code for done in started] == [201, 201]
    return started[0].get_json()["id"], started[1].get_json()["id"]


def test_every_kind_of_incident_shows_its_code_in_the_case_view_and_history(client) -> None:
    looped, timed = start_cases(client)
    divided, called = start_processes(client)
    headers = admin(client)
    found = {}
    for case_id in (looped, timed, divided, called):
        view = client.get(f"/api/v1/cases/{case_id}", headers=headers).get_json()
        [incident] = view["incident_details"]
        assert view["incidents"] == [incident["message"]]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", incident["at"])
        found[case_id] = (incident["code"], incident["element"])
        history = client.get(f"/api/v1/cases/{case_id}/history", headers=headers).get_json()
        [event] = [e for e in history["history"] if e["event"] == "incident"]
        assert (event["code"], event["element"], event["cause"]) == (
            incident["code"],
            incident["element"],
            incident["message"],
        )
    assert found == {
        looped: ("loop.budget", None),
        timed: ("timer.failed", None),
        divided: ("task.failed", "x"),
        called: ("child.failed", "call"),
    }


def test_a_failed_task_can_run_again_and_a_failed_call_cannot(client) -> None:
    divided, called = start_processes(client)
    login_admin(client)
    page = client.get("/admin/incidents").get_data(as_text=True)

    task_row = row_of(page, divided)
    assert 'data-kind="task" data-code="task.failed"' in task_row and "A task failed" in task_row
    assert f'data-retry="{divided}" data-task="x"' in task_row and "data-dismiss" not in task_row

    # its message quotes the loop budget's words: the code, not the wording, tells the kind
    call_row = row_of(page, called)
    assert "operations in one command" in call_row
    assert 'data-kind="child" data-code="child.failed"' in call_row
    assert "A called process failed" in call_row and "A step failed" not in call_row
    assert "Not retried: the process the call activity calls failed or could not" in call_row
    assert "then terminate this case and start a new one" in call_row
    assert "data-dismiss" in call_row and "Run again" not in call_row

    headers = admin(client)
    for action in ({"set": {"zero": 4}}, {"retry": "x"}):
        done = client.post(f"/api/v1/cases/{divided}/actions", json=action, headers=headers)
        assert done.status_code == 200, done.get_json()
    assert client.get(f"/api/v1/cases/{divided}", headers=headers).get_json()["incidents"] == []
    page = client.get("/admin/incidents").get_data(as_text=True)
    assert f'data-case="{divided}"' not in page and f'data-case="{called}"' in page


def test_a_failed_call_reads_in_french_for_a_french_admin(client) -> None:
    _, called = start_processes(client)
    login_admin(client)
    page = client.get("/admin/incidents", headers={"Accept-Language": "fr"}).get_data(True)
    call_row = row_of(page, called)
    assert "Un processus appelé a échoué" in call_row
    assert "puis interrompez ce dossier et démarrez-en un nouveau" in call_row


def test_a_timer_incident_in_other_words_is_still_a_timer_that_retries(client) -> None:
    headers = admin(client)
    deployed = client.post("/api/v1/deployments", headers=headers,
                           data={"file": (io.BytesIO(looping_project()), "loop.zip")})  # fmt: skip
    assert deployed.status_code == 201
    case_id = client.post("/api/v1/cases", json={"case": "C"}, headers=headers).get_json()["id"]
    client.application.extensions["studio"].host.record_incident(
        case_id, "la minuterie a échoué 3 fois", datetime.now(UTC) + HOURS, TIMER_FAILED
    )
    login_admin(client)
    row = row_of(client.get("/admin/incidents").get_data(as_text=True), case_id)
    assert 'data-kind="timer" data-code="timer.failed"' in row and "A timer failed" in row
    assert f'data-retry="{case_id}"' in row and "data-dismiss" not in row
