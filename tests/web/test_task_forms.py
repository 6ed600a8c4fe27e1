"""A task's form and a case's offers (studio/web/api/task_forms.py)."""

from __future__ import annotations

import io
import json
import zipfile

from tests.web.conftest import admin, token

CASE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="d" targetNamespace="t">
  <case id="Claim" name="Claim">
    <casePlanModel id="plan" name="Claim" autoComplete="false">
      <planningTable id="pt">
        <discretionaryItem id="di_call" name="Call the client" definitionRef="ht_call"/>
      </planningTable>
      <planItem id="pi_check" name="Check the claim" definitionRef="ht_check"/>
      <planItem id="pi_pay" name="Pay" definitionRef="ht_pay">
        <itemControl id="ic"><manualActivationRule id="mar"/></itemControl>
      </planItem>
      <planItem id="pi_stop" name="Client gives up" definitionRef="ue_stop"/>
      <humanTask id="ht_check" name="Check the claim"/>
      <humanTask id="ht_pay" name="Pay"/>
      <humanTask id="ht_call" name="Call the client"/>
      <userEventListener id="ue_stop" name="Client gives up"/>
    </casePlanModel>
  </case>
</definitions>
"""
FORM = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "number"}}}


def deploy(client) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("claim/claim.cmmn", CASE)
        archive.writestr("claim/ht_check.form.json", json.dumps(FORM))
    done = client.post("/api/v1/deployments", data={"file": (io.BytesIO(buffer.getvalue()), "c.zip")},
                       headers=admin(client))  # fmt: skip
    assert done.status_code == 201, done.get_json()


def test_a_task_form_is_its_json_schema_or_null(client) -> None:
    deploy(client)
    carl = token(client, "carl")
    case = client.post("/api/v1/cases", json={"case": "Claim"}, headers=carl).get_json()
    tasks = {i["name"]: i.get("task") for i in case["items"]}
    answer = client.get(f"/api/v1/tasks/{tasks['Check the claim']}/form", headers=carl)
    assert answer.status_code == 200
    assert answer.get_json() == {"task": tasks["Check the claim"], "name": "Check the claim",
                                 "schema": FORM}  # fmt: skip
    assert client.get("/api/v1/tasks/nope:x/form", headers=carl).status_code == 404
    assert client.get(f"/api/v1/tasks/{tasks['Check the claim']}/form",
                      headers=token(client, "ann")).status_code == 403  # fmt: skip


def test_a_case_offers_start_plan_occur_and_complete(client) -> None:
    deploy(client)
    carl = token(client, "carl")
    case = client.post("/api/v1/cases", json={"case": "Claim"}, headers=carl).get_json()
    answer = client.get(f"/api/v1/cases/{case['id']}/offers", headers=carl)
    assert answer.status_code == 200
    offers = {(o["action"], o["target"]): o["refused"] for o in answer.get_json()["offers"]}
    assert set(offers) == {("complete", "@case"), ("start", "pi_pay"), ("occur", "pi_stop"),
                           ("plan", "di_call")}  # fmt: skip
    assert "cannot complete yet" in offers[("complete", "@case")]
    assert offers[("start", "pi_pay")] is None and offers[("plan", "di_call")] is None
    assert client.get("/api/v1/cases/nope/offers", headers=carl).status_code == 404
