"""Socket.IO under attack: pages of other origins (cross-site WebSocket hijacking with the
session cookie), watching cases one may not see, hostile event payloads, logins that lapse."""

from __future__ import annotations

from tests.attack.conftest import admin, log_in, start, token

FOREIGN = ["https://evil.example", "null", "http://localhost.evil.example", "http://localhost:1",
           "https://localhost", "http://evil.example/http://localhost", "file://"]  # fmt: skip
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def live(app, client, user: str | None = None, **kwargs):
    bearer = token(client, user) if user else None
    auth = {"token": bearer["Authorization"][7:]} if bearer else None
    return app.extensions["studio_live"].test_client(
        app, flask_test_client=client, auth=auth, **kwargs
    )


def test_pages_of_other_origins_cannot_connect_even_with_the_session(app, client) -> None:
    log_in(client, "carl")  # the browser would send this session cookie along
    assert live(app, client, headers={"Origin": "http://localhost"}).is_connected()
    for origin in FOREIGN:
        assert not live(app, client, headers={"Origin": origin}).is_connected(), origin
        assert not live(app, client, "carl", headers={"Origin": origin}).is_connected(), origin
        assert client.get(HANDSHAKE, headers={"Origin": origin}).status_code == 400, origin


def test_watching_a_case_one_may_not_see_is_refused_and_nothing_is_heard(
    app, client, deployed
) -> None:
    hidden = start(client, "cora", "Review")
    carl = live(app, client, "carl")
    for payload in ({"case": hidden}, {"case": f"case:{hidden}"}, {"case": "../" + hidden},
                    {"case": [hidden]}, {"case": "x" * 1_000_000}, [hidden], hidden, None,
                    {"case": {"$ne": ""}}):  # fmt: skip
        answer = carl.emit("watch", payload, callback=True)
        assert answer["ok"] is False, payload
        assert answer["error"]["code"] in ("not-found", "bad-request")
    app.extensions["studio_live.hub"].settle()
    carl.get_received()
    done = client.post(f"/api/v1/cases/{hidden}/actions", headers=token(client, "cora"),
                       json={"complete": "Review"})  # fmt: skip
    assert done.status_code == 200
    app.extensions["studio_live.hub"].settle()
    assert carl.get_received() == []


def test_a_deactivated_user_loses_the_connection_at_the_next_event(app, client, deployed) -> None:
    case = start(client, "cora", "Review")
    cora = live(app, client, "cora")
    assert cora.emit("watch", {"case": case}, callback=True)["ok"] is True
    changed = client.patch("/api/v1/users/cora", headers=admin(client), json={"active": False})
    assert changed.status_code == 200, changed.get_json()
    refused = cora.emit("watch", {"case": case}, callback=True)
    assert refused["error"]["code"] == "unauthorized" and not cora.is_connected()


def test_an_analyst_connection_hears_no_case(app, client, deployed) -> None:
    case = start(client, "cora", "Review")
    ann = live(app, client, "ann")
    assert ann.emit("watch", {"case": case}, callback=True)["error"]["code"] == "forbidden"
    client.post(f"/api/v1/cases/{case}/actions", headers=token(client, "cora"),
                json={"complete": "Review"})  # fmt: skip
    app.extensions["studio_live.hub"].settle()
    assert [e for e in ann.get_received() if e["name"] in ("case", "tasks")] == []
