"""The case file over REST, and migrating a running case to a newer deployment."""

from __future__ import annotations

import io
import zipfile

from tests.conftest import shared_path
from tests.web.conftest import admin, token

MISMATCH = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


def project(renamed: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(shared_path("acceptance/mixed").iterdir()):
            if path.suffix in (".cmmn", ".bpmn"):
                text = path.read_text()
                if renamed and path.suffix == ".cmmn":
                    text = text.replace('name="Handle dispute"', 'name="Settle the dispute"')
                archive.writestr(f"invoices/{path.name}", text)
    return buffer.getvalue()


def deploy(client, data: bytes) -> dict:
    done = client.post("/api/v1/deployments", data={"file": (io.BytesIO(data), "i.zip")},
                       headers=admin(client))  # fmt: skip
    assert done.status_code == 201, done.get_json()
    return done.get_json()


def test_the_case_file_is_read_and_written_by_dotted_paths(client) -> None:
    deploy(client, project())
    carl = token(client, "carl")
    case = client.post("/api/v1/cases", json={"case": "InvoiceCase", "data": MISMATCH},
                       headers=carl).get_json()  # fmt: skip
    data = client.get(f"/api/v1/cases/{case['id']}/data", headers=carl).get_json()
    assert data["invoice"]["amount"] == 150
    written = client.patch(f"/api/v1/cases/{case['id']}/data",
                           json={"invoice.amount": 120, "note": "checked"}, headers=carl)  # fmt: skip
    assert written.status_code == 200
    assert (
        written.get_json()["invoice"]["amount"] == 120 and written.get_json()["note"] == "checked"
    )


def test_a_running_case_migrates_to_a_newer_deployment_after_a_dry_run(client) -> None:
    first = deploy(client, project())
    carl = token(client, "carl")
    case = client.post("/api/v1/cases", json={"case": "InvoiceCase", "data": MISMATCH},
                       headers=carl).get_json()  # fmt: skip
    second = deploy(client, project(renamed=True))
    assert second["version"] == 2
    refused = client.post(f"/api/v1/cases/{case['id']}/migrate",
                          json={"deployment": second["id"]}, headers=carl)  # fmt: skip
    assert refused.status_code == 403  # admins migrate
    dry = client.post(f"/api/v1/cases/{case['id']}/migrate",
                      json={"deployment": second["id"], "dry_run": True},
                      headers=admin(client)).get_json()  # fmt: skip
    assert dry["migrated"] is False and dry["from"] == first["id"]
    done = client.post(f"/api/v1/cases/{case['id']}/migrate",
                       json={"deployment": second["id"], "dry_run": False},
                       headers=admin(client)).get_json()  # fmt: skip
    assert done["migrated"] is True
    view = client.get(f"/api/v1/cases/{case['id']}", headers=carl).get_json()
    assert view["deployment"] == second["id"]
    acted = client.post(f"/api/v1/cases/{case['id']}/actions",
                        json={"complete": "Check mismatch", "data": {"approved": False}},
                        headers=carl).get_json()  # fmt: skip
    names = {i["name"]: i["state"] for i in acted["items"]}
    assert names["Settle the dispute"] == "active"  # the new version's name
    missing = client.post(f"/api/v1/cases/{case['id']}/migrate",
                          json={"deployment": 999, "dry_run": True}, headers=admin(client))  # fmt: skip
    assert missing.status_code == 404


def test_cases_are_filtered_by_case_file_values(client) -> None:
    deploy(client, project())
    carl = token(client, "carl")
    small = client.post("/api/v1/cases", json={"case": "InvoiceCase", "data": MISMATCH},
                        headers=carl).get_json()  # fmt: skip
    big_data = {**MISMATCH, "invoice": {**MISMATCH["invoice"], "amount": 9000}}
    big = client.post("/api/v1/cases", json={"case": "InvoiceCase", "data": big_data},
                      headers=carl).get_json()  # fmt: skip
    found = client.get("/api/v1/cases?data.invoice.amount=9000", headers=carl).get_json()
    assert [c["id"] for c in found["cases"]] == [big["id"]]
    found = client.get("/api/v1/cases?data.approved=false", headers=carl).get_json()
    assert {c["id"] for c in found["cases"]} == {small["id"], big["id"]}
    assert client.get("/api/v1/cases?data.nope=1", headers=carl).get_json()["cases"] == []
