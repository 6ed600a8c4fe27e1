"""Migrating a case moves the processes and sub-cases it started on the same deployment with it:
the dry run lists them, a migration that one of them cannot make is refused and moves nothing."""

from __future__ import annotations

import io
import zipfile

from tests.conftest import shared_path
from tests.web.conftest import admin, token

MISMATCH = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


def project(bpmn_edit: tuple[str, str] = ("", "")) -> bytes:
    """The mixed acceptance project (a case whose process task starts a BPMN process), its BPMN
    file edited by one replacement."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(shared_path("acceptance/mixed").iterdir()):
            if path.suffix in (".cmmn", ".bpmn"):
                text = path.read_text()
                if path.suffix == ".bpmn" and bpmn_edit[0]:
                    text = text.replace(*bpmn_edit)
                archive.writestr(f"invoices/{path.name}", text)
    return buffer.getvalue()


def deploy(client, data: bytes) -> int:
    done = client.post("/api/v1/deployments", data={"file": (io.BytesIO(data), "i.zip")},
                       headers=admin(client))  # fmt: skip
    assert done.status_code == 201, done.get_json()
    return done.get_json()["id"]


def started_case(client) -> tuple[str, str]:
    """A case whose invoice check process waits in its user task: (case id, process id)."""
    case = client.post("/api/v1/cases", json={"case": "InvoiceCase", "data": MISMATCH},
                       headers=token(client, "carl")).get_json()  # fmt: skip
    waiting = [i for i in case["items"] if i["name"] == "Check mismatch"]
    assert waiting and waiting[0]["state"] == "active", case["items"]
    return case["id"], waiting[0]["case"]


def deployment_of(client, case_id: str) -> int:
    return client.get(f"/api/v1/cases/{case_id}", headers=admin(client)).get_json()["deployment"]


def test_the_started_process_moves_with_its_case_after_a_dry_run_listing_it(client) -> None:
    first = deploy(client, project())
    case_id, process_id = started_case(client)
    assert process_id != case_id
    second = deploy(client, project(('name="Check mismatch"', 'name="Review the mismatch"')))
    url = f"/api/v1/cases/{case_id}/migrate"
    dry = client.post(url, json={"deployment": second, "dry_run": True},
                      headers=admin(client)).get_json()  # fmt: skip
    assert dry["ok"] and dry["migrated"] is False
    (process,) = dry["started"]
    assert process["case"] == process_id and process["from"] == first and process["to"] == second
    assert {i["item"]: i["status"] for i in process["items"]}["manual"] == "mapped"
    assert deployment_of(client, process_id) == first  # a dry run moves nothing

    done = client.post(url, json={"deployment": second, "dry_run": False}, headers=admin(client))
    assert done.status_code == 200 and done.get_json()["migrated"] is True
    assert deployment_of(client, case_id) == second
    assert deployment_of(client, process_id) == second
    view = client.get(f"/api/v1/cases/{case_id}", headers=admin(client)).get_json()
    assert "Review the mismatch" in {i["name"] for i in view["items"]}  # the new version's
    finished = client.post(f"/api/v1/cases/{case_id}/actions", headers=token(client, "carl"),
                           json={"complete": "Review the mismatch"})  # fmt: skip
    assert finished.status_code == 200, finished.get_json()


def test_a_started_process_that_cannot_map_refuses_the_whole_migration(client) -> None:
    first = deploy(client, project())
    case_id, process_id = started_case(client)
    third = deploy(client, project(('"manual"', '"manual_review"')))
    url = f"/api/v1/cases/{case_id}/migrate"
    dry = client.post(url, json={"deployment": third, "dry_run": True},
                      headers=admin(client)).get_json()  # fmt: skip
    assert dry["ok"] is False
    (process,) = dry["started"]
    assert {i["item"]: i["status"] for i in process["items"]}["manual"] == "unmapped"
    refused = client.post(url, json={"deployment": third, "dry_run": False}, headers=admin(client))
    assert refused.status_code == 422
    assert process_id in refused.get_json()["error"]["message"]
    assert deployment_of(client, case_id) == first and deployment_of(client, process_id) == first
