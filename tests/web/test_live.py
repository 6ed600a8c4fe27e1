"""Live updates over Socket.IO: who may connect, who may watch which case, who hears what."""

from __future__ import annotations

import io
import threading
import time
import zipfile

import pytest

import studio.web.live
from studio.web.live import options, same_origin, simulation_events
from tests.web.conftest import admin, mixed_zip, token

MISMATCH = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}
REVIEW = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="review_defs"
             targetNamespace="http://example.org/live">
  <case id="Review" name="Review">
    <casePlanModel id="plan" name="Review" autoComplete="true">
      <planItem id="pi_review" name="Review" definitionRef="ht_review"/>
      <humanTask id="ht_review" name="Review" performerRef="r_reviewers"/>
    </casePlanModel>
    <caseRoles id="roles"><role id="r_reviewers" name="reviewers"/></caseRoles>
  </case>
</definitions>
"""


def deploy(client, project: bytes) -> None:
    done = client.post(
        "/api/v1/deployments",
        data={"file": (io.BytesIO(project), "project.zip")},
        headers=admin(client),
    )
    assert done.status_code in (200, 201), done.get_json()


def review_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("review/review.cmmn", REVIEW)
    return buffer.getvalue()


def start(client, user: str, case: str, data: dict | None = None) -> str:
    done = client.post("/api/v1/cases", json={"case": case, "data": data or {}},
                       headers=token(client, user))  # fmt: skip
    assert done.status_code == 201, done.get_json()
    return done.get_json()["id"]


def complete(client, user: str, case_id: str, task: str, data: dict | None = None) -> None:
    done = client.post(f"/api/v1/cases/{case_id}/actions", json={"complete": task, "data": data},
                       headers=token(client, user))  # fmt: skip
    assert done.status_code == 200, done.get_json()


def live(app, client, user: str | None = None, **kwargs):
    """A Socket.IO test client, logged in with a bearer token of `user` (anonymous if None)."""
    bearer = admin(client) if user == "admin" else token(client, user) if user else None
    auth = {"token": bearer["Authorization"][7:]} if bearer else None
    socketio = app.extensions["studio_live"]
    return socketio.test_client(app, flask_test_client=client, auth=auth, **kwargs)


def received(sio, name: str) -> list:
    return [event["args"][0] for event in sio.get_received() if event["name"] == name]


@pytest.fixture
def invoices(client) -> str:
    deploy(client, mixed_zip())
    return start(client, "carl", "InvoiceCase", MISMATCH)


@pytest.fixture
def review(client) -> str:
    deploy(client, review_zip())
    return start(client, "cora", "Review")


def test_anonymous_connections_and_bad_tokens_are_refused(app, client) -> None:
    assert not live(app, client).is_connected()
    socketio = app.extensions["studio_live"]
    forged = socketio.test_client(app, flask_test_client=client, auth={"token": "cs_forged"})
    assert not forged.is_connected()


def test_a_bearer_token_or_a_session_connects(app, client) -> None:
    assert live(app, client, "carl").is_connected()
    user = app.extensions["studio"].users.get("cora")
    with client.session_transaction() as session:
        session["user_id"] = user.id
    assert app.extensions["studio_live"].test_client(app, flask_test_client=client).is_connected()


def test_other_origins_are_refused(app, client) -> None:
    foreign = live(app, client, "carl", headers={"Origin": "https://evil.example"})
    assert not foreign.is_connected()
    assert live(app, client, "carl", headers={"Origin": "http://localhost"}).is_connected()
    handshake = "/socket.io/?EIO=4&transport=polling"
    refused = client.get(handshake, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 400
    accepted = client.get(handshake, headers={"Origin": "http://localhost"})
    assert accepted.status_code == 200
    assert accepted.headers["Access-Control-Allow-Origin"] == "http://localhost"


def test_the_origin_check() -> None:
    environ = {"wsgi.url_scheme": "http", "HTTP_HOST": "studio.example:8000"}
    assert same_origin("http://studio.example:8000", environ)
    assert same_origin(None, environ)  # not a browser: left to authentication
    assert not same_origin("http://studio.example", environ)
    assert not same_origin("https://studio.example:8000", environ)
    proxied = {**environ, "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "s.example"}
    assert same_origin("https://s.example", proxied)
    assert not same_origin("https://evil.example", proxied)


def test_the_server_options() -> None:
    chosen = options(None)
    assert chosen["async_mode"] == "threading" and chosen["cors_allowed_origins"] is same_origin
    assert "message_queue" not in chosen
    assert options("redis://queue:6379/0")["message_queue"] == "redis://queue:6379/0"


def test_a_watcher_hears_of_changes_made_over_rest(app, client, invoices) -> None:
    cora = live(app, client, "cora")
    ack = cora.emit("watch", {"case": invoices}, callback=True)
    assert ack == {"ok": True, "case": invoices}
    cora.get_received()
    complete(client, "carl", invoices, "Check mismatch", {"approved": False})
    changes = received(cora, "case")
    assert changes and all(change["case"] == invoices for change in changes)
    child = next(c for c in changes if c["changed"] != invoices)
    assert child["state"] == "completed"
    assert any(e["item"] == "manual" and e["user"] == "carl" for e in child["events"])
    parent = next(c for c in changes if c["changed"] == invoices)
    assert {"item": "pi_dispute", "event": "start"}.items() <= parent["events"][-1].items()
    assert cora.emit("unwatch", {"case": invoices}, callback=True) == {"ok": True}
    complete(client, "carl", invoices, "Handle dispute")
    assert received(cora, "case") == []


def test_watching_a_started_process_watches_its_case(app, client, invoices) -> None:
    child = app.extensions["studio"].host.links.children_of(invoices)[0].child
    carl = live(app, client, "carl")
    assert carl.emit("watch", {"case": child}, callback=True) == {"ok": True, "case": invoices}


def test_a_user_who_may_not_see_the_case_cannot_watch_it_nor_hear_of_it(
    app, client, review
) -> None:
    carl, cora = live(app, client, "carl"), live(app, client, "cora")
    refused = carl.emit("watch", {"case": review}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "not-found"
    assert received(carl, "error") == [{"error": refused["error"]}]
    assert carl.emit("watch", {"case": "no-such-case"}, callback=True) == {
        "ok": False, "error": {"code": "not-found", "message": "no case 'no-such-case'"}
    }  # fmt: skip
    assert cora.emit("watch", {"case": review}, callback=True)["ok"] is True
    app.extensions["studio_live.hub"].settle()  # the hints the case's start still owed
    carl.get_received()
    cora.get_received()
    complete(client, "cora", review, "Review")
    # worklist hints go out in batches; once the changes settle, watchers are checked again
    app.extensions["studio_live.hub"].settle()
    assert carl.get_received() == []  # no case event, no worklist hint
    heard = cora.get_received()
    assert [e["args"][0] for e in heard if e["name"] == "tasks"] == [{"changed": True}]
    assert [e["args"][0]["state"] for e in heard if e["name"] == "case"] == ["completed"]
    # the case completed: no work left for cora's group, so she may not see it any more
    assert [e["args"][0] for e in heard if e["name"] == "unwatched"] == [{"case": review}]
    closed = client.post(f"/api/v1/cases/{review}/actions", json={"close": "@case"},
                         headers=admin(client))  # fmt: skip
    assert closed.status_code == 200, closed.get_json()
    assert received(cora, "case") == []


def test_worklist_hints_reach_the_users_the_work_is_for(app, client, invoices) -> None:
    carl, ann, boss = (
        live(app, client, "carl"),
        live(app, client, "ann"),
        live(app, client, "admin"),
    )
    complete(client, "cora", invoices, "Check mismatch", {"approved": False})
    app.extensions["studio_live.hub"].settle()  # worklist hints are sent in batches
    assert received(carl, "tasks") and received(boss, "tasks")
    assert received(ann, "tasks") == []


def test_events_need_a_case_role_and_a_valid_login(app, client, invoices) -> None:
    ann = live(app, client, "ann")
    assert ann.is_connected()
    refused = ann.emit("watch", {"case": invoices}, callback=True)
    assert refused["error"]["code"] == "forbidden"
    carl_token = token(client, "carl")["Authorization"][7:]
    carl = app.extensions["studio_live"].test_client(
        app, flask_test_client=client, auth={"token": carl_token}
    )
    app.extensions["studio"].users.revoke_token(carl_token)
    refused = carl.emit("watch", {"case": invoices}, callback=True)
    assert refused["error"]["code"] == "unauthorized" and not carl.is_connected()
    bad = live(app, client, "carl").emit("watch", ["nope"], callback=True)
    assert bad["error"]["code"] == "bad-request"


def test_simulation_events_reach_only_their_user(app, client) -> None:
    ann, carl = live(app, client, "ann"), live(app, client, "carl")
    on_event = simulation_events(app)
    worker = threading.Thread(  # SimulationJobs reports from a listener thread
        target=on_event, args=({"job": "sim-1", "user": "ann", "type": "progress", "done": 1},)
    )
    worker.start()
    worker.join()
    assert received(ann, "simulation") == [
        {"job": "sim-1", "user": "ann", "type": "progress", "done": 1}
    ]
    assert received(carl, "simulation") == []


def test_the_start_of_a_process_is_pushed_to_its_case_room(app, client, invoices) -> None:
    hub = app.extensions["studio_live.hub"]
    rooms = []
    app.extensions["studio"].host.listeners.insert(
        0, lambda change: rooms.append(hub.top_case(change.case_id))
    )
    start(client, "carl", "InvoiceCase", MISMATCH)
    assert len(set(rooms)) == 1, rooms


def test_worklist_hints_are_coalesced_per_room(app, client, monkeypatch) -> None:
    deploy(client, mixed_zip())
    carl = live(app, client, "carl")
    carl.get_received()
    monkeypatch.setattr(studio.web.live, "HINT_EVERY", 60.0)
    for _ in range(5):
        start(client, "carl", "InvoiceCase", MISMATCH)
    assert received(carl, "tasks") == []  # gathered, not yet sent
    app.extensions["studio_live.hub"].settle()
    assert received(carl, "tasks") == [{"changed": True}]  # one hint for five changes
    # without anyone settling, the hub's background task sends what is owed in time
    monkeypatch.setattr(studio.web.live, "HINT_EVERY", 0.05)
    start(client, "carl", "InvoiceCase", MISMATCH)
    deadline = time.monotonic() + 10
    heard: list = []
    while not heard and time.monotonic() < deadline:
        time.sleep(0.05)
        heard = received(carl, "tasks")
    assert heard and all(hint == {"changed": True} for hint in heard)


def test_a_claim_or_a_release_hints_the_worklists_that_show_the_task(app, client, review) -> None:
    hub = app.extensions["studio_live.hub"]
    hub.settle()  # the hints the case's start owed
    cora, carl, boss = (
        live(app, client, "cora"),
        live(app, client, "carl"),
        live(app, client, "admin"),
    )
    tasks = client.get("/api/v1/tasks", headers=token(client, "cora")).get_json()["tasks"]
    (task,) = [t for t in tasks if t["case"] == review]
    for step in ("claim", "unclaim"):
        for sio in (cora, carl, boss):
            sio.get_received()
        done = client.post(f"/api/v1/tasks/{task['id']}/{step}", headers=token(client, "cora"))
        assert done.status_code == 200, done.get_json()
        hub.settle()
        assert received(cora, "tasks") == [{"changed": True}], step  # a reviewer, the assignee
        assert received(boss, "tasks") == [{"changed": True}], step
        assert received(carl, "tasks") == [], step  # not a reviewer: the task is not on his list
