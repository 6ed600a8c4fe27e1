"""Migrating a case moves the processes and sub-cases it started on the same deployment with it:
the dry run lists them, a migration that one of them cannot make is refused and moves nothing, and
the family is saved in one transaction, so a conflict on any member moves none. On SQLite and on
PostgreSQL (skipped when the test server is unreachable)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from studio.deploy import case_migration
from studio.runtime import audit
from studio.runtime.config import load_settings
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.serialize import dump
from studio.web import create_app
from tests.conftest import shared_path
from tests.runtime.test_store import POSTGRES_URL, postgres_engine
from tests.web.conftest import ADMIN_PASSWORD, PASSWORD, admin, token

__all__ = ["postgres_engine"]  # a fixture, shared with test_store

MISMATCH = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def app(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The server app on the embedded SQLite file or on a fresh PostgreSQL schema."""
    environ = {"STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
               "STUDIO_ADMIN_PASSWORD": ADMIN_PASSWORD}  # fmt: skip
    if request.param == "postgresql":
        engine: sa.Engine = request.getfixturevalue("postgres_engine")
        upgrade(engine)
        with engine.connect() as connection:
            schema = connection.execute(sa.text("SELECT current_schema()")).scalar()
        environ["STUDIO_DATABASE_URL"] = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    made = create_app(load_settings(environ))
    made.config["TESTING"] = True
    made.extensions["studio"].users.add("carl", PASSWORD, ["caseworker"])
    yield made
    made.extensions["studio"].engine.dispose()


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


def as_stored(app, case_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The case as the store holds it now (view, with its version and deployment) and its
    history."""
    runtime = app.extensions["studio"]
    history = [dump(event) for event in runtime.store.history(case_id)]
    return runtime.host.unit().view(case_id), history


def changed_meanwhile(app, monkeypatch, case_id: str) -> dict[str, Any]:
    """Make another request write to `case_id` after the migration planned it and before it
    saves; returns the family member's view and history right after that write (once done)."""
    seen: dict[str, Any] = {}
    apply = case_migration.apply_migration

    def applying(state, plan):
        if state.id == case_id and not seen:
            app.extensions["studio"].host.unit().act(case_id, {"set": {"note": "meanwhile"}})
            seen["then"] = as_stored(app, case_id)
        return apply(state, plan)

    monkeypatch.setattr(case_migration, "apply_migration", applying)
    return seen


def test_a_conflict_on_the_started_process_moves_no_member_of_the_family(
    app, client, monkeypatch
) -> None:
    first = deploy(client, project())
    case_id, process_id = started_case(client)
    second = deploy(client, project(('name="Check mismatch"', 'name="Review the mismatch"')))
    case_before = as_stored(app, case_id)
    seen = changed_meanwhile(app, monkeypatch, process_id)

    url = f"/api/v1/cases/{case_id}/migrate"
    refused = client.post(url, json={"deployment": second, "dry_run": False},
                          headers=admin(client))  # fmt: skip
    assert refused.status_code == 409, refused.get_json()
    message = refused.get_json()["error"]["message"]
    assert process_id in message and "nothing moved" in message
    assert as_stored(app, case_id) == case_before  # the case was saved first, then rolled back
    process_view, process_history = seen["then"]
    assert process_view["data"]["note"] == "meanwhile"  # the other request's write stands
    assert as_stored(app, process_id) == (process_view, process_history)
    assert deployment_of(client, case_id) == first and deployment_of(client, process_id) == first
    engine = app.extensions["studio"].engine
    assert audit.entries(engine, action="case.migrate") == []  # no entry for what did not happen

    monkeypatch.undo()  # planned again, the family moves
    done = client.post(url, json={"deployment": second, "dry_run": False}, headers=admin(client))
    assert done.status_code == 200, done.get_json()
    assert deployment_of(client, case_id) == second and deployment_of(client, process_id) == second
    (entry,) = audit.entries(engine, action="case.migrate")
    assert entry["target"] == case_id and entry["details"]["started"] == [process_id]
