"""Who may change a case's team over the API: an admin any role, anyone else only the roles they
hold in that case (studio/web/api/team_rights.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.web.conftest import admin, token

APPEAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="appeal_defs"
             targetNamespace="http://example.org/team">
  <case id="Appeal" name="Appeal">
    <casePlanModel id="plan" name="Appeal" autoComplete="false">
      <planItem id="pi_review" name="Review" definitionRef="ht_review"/>
      <planItem id="pi_approve" name="Approve" definitionRef="ht_approve"/>
      <humanTask id="ht_review" name="Review" performerRef="r_reviewers"/>
      <humanTask id="ht_approve" name="Approve" performerRef="r_approvers"/>
    </casePlanModel>
    <caseRoles id="roles"><role id="r_reviewers" name="reviewers"/>
      <role id="r_approvers" name="approvers"/></caseRoles>
  </case>
</definitions>
"""
"""Review is for the reviewers (cora's group), Approve for the approvers (nobody's group)."""


@pytest.fixture
def appeal(client) -> str:
    """An Appeal case, started by cora: its id."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("appeal/appeal.cmmn", APPEAL)
    deployed = client.post("/api/v1/deployments", headers=admin(client),
                           data={"file": (io.BytesIO(buffer.getvalue()), "appeal.zip")})  # fmt: skip
    assert deployed.status_code in (200, 201), deployed.get_json()
    started = client.post("/api/v1/cases", headers=token(client, "cora"), json={"case": "Appeal"})
    assert started.status_code == 201, started.get_json()
    return started.get_json()["id"]


def bind(role: str, *members: str) -> dict:
    return {"bind": role, "data": {"role": role, "members": list(members)}}


def team(client, case_id: str) -> dict[str, list[str]]:
    return client.get(f"/api/v1/cases/{case_id}", headers=admin(client)).get_json()["team"]


def test_binding_oneself_into_a_role_one_does_not_hold_is_refused_naming_it(client, appeal) -> None:
    cora = token(client, "cora")
    refused = client.post(
        f"/api/v1/cases/{appeal}/actions", headers=cora, json=bind("approvers", "cora")
    )
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "forbidden"
    assert "'approvers'" in error["message"] and error["details"] == {"role": "approvers"}
    assert team(client, appeal) == {}
    approve = client.post(
        f"/api/v1/cases/{appeal}/actions", headers=cora, json={"complete": "Approve"}
    )
    assert approve.status_code in (403, 422)


def test_a_holder_hands_their_role_to_a_colleague_and_then_no_longer_holds_it(
    client, appeal
) -> None:
    bound = client.post(
        f"/api/v1/cases/{appeal}/actions", headers=admin(client), json=bind("approvers", "cora")
    )
    assert bound.status_code == 200, bound.get_json()
    cora, carl = token(client, "cora"), token(client, "carl")
    handed = client.post(
        f"/api/v1/cases/{appeal}/actions", headers=cora, json=bind("reviewers", "carl")
    )
    assert handed.status_code == 200, handed.get_json()
    assert team(client, appeal) == {"approvers": ["cora"], "reviewers": ["carl"]}
    done = client.post(f"/api/v1/cases/{appeal}/actions", headers=carl, json={"complete": "Review"})
    assert done.status_code == 200, done.get_json()
    taken_back = client.post(
        f"/api/v1/cases/{appeal}/actions", headers=cora, json=bind("reviewers", "cora")
    )
    assert taken_back.status_code == 403, taken_back.get_json()
    assert team(client, appeal) == {"approvers": ["cora"], "reviewers": ["carl"]}


def test_an_admin_binds_anyone_into_any_role_and_that_member_may_then_rebind_it(
    client, appeal
) -> None:
    bound = client.post(
        f"/api/v1/cases/{appeal}/actions", headers=admin(client), json=bind("approvers", "carl")
    )
    assert bound.status_code == 200, bound.get_json()
    carl = token(client, "carl")
    shared = client.post(
        f"/api/v1/cases/{appeal}/actions", headers=carl, json=bind("approvers", "carl", "cora")
    )
    assert shared.status_code == 200, shared.get_json()
    assert team(client, appeal) == {"approvers": ["carl", "cora"]}
    done = client.post(
        f"/api/v1/cases/{appeal}/actions",
        headers=token(client, "cora"),
        json={"complete": "Approve"},
    )
    assert done.status_code == 200, done.get_json()


def test_the_action_names_the_role_it_binds_in_its_data_and_that_is_the_one_checked(
    client, appeal
) -> None:
    disguised = {"bind": "reviewers", "data": {"role": "approvers", "members": ["cora"]}}
    refused = client.post(
        f"/api/v1/cases/{appeal}/actions", headers=token(client, "cora"), json=disguised
    )
    assert refused.status_code == 403
    assert team(client, appeal) == {}


def test_the_case_view_lists_the_roles_the_caller_may_change(client, appeal) -> None:
    def may_bind(headers: dict[str, str]) -> list[str]:
        view = client.get(f"/api/v1/cases/{appeal}", headers=headers)
        assert view.status_code == 200, view.get_json()
        return view.get_json()["may_bind"]

    assert may_bind(token(client, "cora")) == ["reviewers"]
    assert may_bind(admin(client)) == ["approvers", "reviewers"]
    client.post(
        f"/api/v1/cases/{appeal}/actions", headers=admin(client), json=bind("approvers", "cora")
    )
    assert may_bind(token(client, "cora")) == ["approvers", "reviewers"]
