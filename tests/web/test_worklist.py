"""The worklist: tasks by role, claim, unclaim, delegate, complete with the task's form."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.web.conftest import PASSWORD, admin, token

REVIEW = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="d" targetNamespace="t">
  <case id="Review" name="Review">
    <caseRoles id="roles"><role id="r_rev" name="reviewers"/></caseRoles>
    <casePlanModel id="plan" name="Review" autoComplete="true">
      <planItem id="pi_review" name="Review the file" definitionRef="ht_review"/>
      <humanTask id="ht_review" name="Review the file" performerRef="r_rev"/>
    </casePlanModel>
  </case>
</definitions>
"""
FORM = {
    "type": "object",
    "required": ["decision"],
    "properties": {"decision": {"enum": ["accept", "reject"]}},
}


def project_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("review/review.cmmn", REVIEW)
        archive.writestr("review/ht_review.form.json", json.dumps(FORM))
    return buffer.getvalue()


@pytest.fixture
def task(client, app):
    app.extensions["studio"].users.add("cody", PASSWORD, ["caseworker"], groups=["reviewers"])
    done = client.post("/api/v1/deployments", data={"file": (io.BytesIO(project_zip()), "r.zip")},
                       headers=admin(client))  # fmt: skip
    assert done.status_code == 201, done.get_json()
    cora = token(client, "cora")
    case = client.post("/api/v1/cases", json={"case": "Review"}, headers=cora).get_json()
    tasks = client.get("/api/v1/tasks", headers=cora).get_json()["tasks"]
    (found,) = [t for t in tasks if t["case"] == case["id"]]
    return found


def test_only_the_role_sees_the_task_and_admins_see_all(client, task) -> None:
    assert task["role"] == "reviewers" and task["assignee"] is None
    carl = token(client, "carl")
    assert client.get("/api/v1/tasks", headers=carl).get_json()["tasks"] == []
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=carl).status_code == 404
    every = client.get("/api/v1/tasks", headers=admin(client)).get_json()["tasks"]
    assert task["id"] in [t["id"] for t in every]


def test_claim_unclaim_and_delegate(client, task) -> None:
    cora, cody, carl = token(client, "cora"), token(client, "cody"), token(client, "carl")
    claimed = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=cora).get_json()
    assert claimed["assignee"] == "cora"
    taken = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=cody)
    assert taken.status_code == 404  # claimed by cora: not in cody's worklist
    assert client.get("/api/v1/tasks?assignee=me", headers=cora).get_json()["tasks"]
    refused = client.post(f"/api/v1/tasks/{task['id']}/delegate", json={"to": "carl"},
                          headers=cora)  # fmt: skip
    assert refused.status_code == 422 and "reviewers" in refused.get_json()["error"]["message"]
    handed = client.post(f"/api/v1/tasks/{task['id']}/delegate", json={"to": "cody"},
                         headers=cora).get_json()  # fmt: skip
    assert handed["assignee"] == "cody"
    assert client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}},
                       headers=cora).status_code == 404  # fmt: skip
    back = client.post(f"/api/v1/tasks/{task['id']}/unclaim", headers=cody).get_json()
    assert back["assignee"] is None
    assert client.get("/api/v1/tasks", headers=carl).get_json()["tasks"] == []


def test_completion_data_is_checked_against_the_task_form(client, task) -> None:
    cody = token(client, "cody")
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=cody)
    bad = client.post(f"/api/v1/tasks/{task['id']}/complete",
                      json={"data": {"decision": "maybe"}}, headers=cody)  # fmt: skip
    assert bad.status_code == 422 and "decision" in bad.get_json()["error"]["message"]
    good = client.post(f"/api/v1/tasks/{task['id']}/complete",
                       json={"data": {"decision": "accept"}}, headers=cody)  # fmt: skip
    assert good.status_code == 200, good.get_json()
    assert (
        good.get_json()["state"] == "completed" and good.get_json()["data"]["decision"] == "accept"
    )
    assert client.get("/api/v1/tasks?assignee=cody", headers=admin(client)).get_json() == {
        "tasks": []
    }


def test_tasks_carry_their_due_date_soonest_first_and_the_case_view_names_them(client, app) -> None:
    dated = (
        REVIEW.replace('id="Review" name="Review"', 'id="Dated" name="Dated"')
        .replace("<definitions ", '<definitions xmlns:flowable="http://flowable.org/cmmn" ')
        .replace('performerRef="r_rev"/>', 'performerRef="r_rev" flowable:dueDate="${due}"/>')
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("dated/dated.cmmn", dated)
    done = client.post("/api/v1/deployments", data={"file": (io.BytesIO(buffer.getvalue()), "d.zip")},
                       headers=admin(client))  # fmt: skip
    assert done.status_code == 201, done.get_json()
    cora = token(client, "cora")
    started = {}
    for due in ("2026-05-02T09:00:00Z", None, "2026-05-01T09:00:00Z"):
        case = client.post("/api/v1/cases", json={"case": "Dated", "data": {"due": due}},
                           headers=cora).get_json()  # fmt: skip
        started[case["id"]] = case
    tasks = [t for t in client.get("/api/v1/tasks", headers=cora).get_json()["tasks"]
             if t["case"] in started]  # fmt: skip
    assert [t["due"] for t in tasks] == ["2026-05-01T09:00:00Z", "2026-05-02T09:00:00Z", None]
    for task in tasks:  # the case view gives each active task's worklist id (and due date)
        (item,) = started[task["case"]]["items"]
        assert item["task"] == task["id"] and item.get("due") == task["due"]
