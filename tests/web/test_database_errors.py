"""The database away: a 503 in words that says to try again, not an internal error."""

from __future__ import annotations

import sqlalchemy as sa

from studio.web.errors import database_unavailable


class Lost(Exception):
    pass


def test_lost_connections_and_an_empty_pool_are_the_database_being_away_not_a_bug():
    lost = sa.exc.OperationalError("SELECT 1", {}, Lost("server closed the connection"))
    assert database_unavailable(lost)
    assert database_unavailable(sa.exc.TimeoutError("QueuePool limit reached"))
    missing = sa.exc.OperationalError("SELECT 1", {}, Lost("no such table: cases"))
    assert not database_unavailable(missing)
    assert not database_unavailable(sa.exc.IntegrityError("INSERT", {}, Lost("duplicate key")))
    assert not database_unavailable(ValueError("a bug"))


def test_a_request_that_loses_the_database_answers_503_with_retry_after(app, monkeypatch):
    def away(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Lost("connection refused"))

    monkeypatch.setattr(app.extensions["studio"].users, "authenticate", away)
    answer = app.test_client().post("/api/v1/auth/token", json={"username": "a", "password": "b"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
    assert answer.get_json()["error"]["code"] == "database-unavailable"
    assert "nothing was changed" in answer.get_json()["error"]["message"]
