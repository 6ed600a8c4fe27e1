"""The audit log: entries written alone or inside the caller's transaction, read newest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from studio.runtime import audit
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from tests.runtime.test_store import postgres_engine, sqlite_url

__all__ = ["postgres_engine"]  # a fixture, shared with test_store

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        made = make_engine(sqlite_url(tmp_path))
        upgrade(made)
        yield made
        made.dispose()
    else:
        made = request.getfixturevalue("postgres_engine")
        upgrade(made)
        yield made


def test_entries_newest_first_with_filters(engine: sa.Engine) -> None:
    audit.record(engine, "root", "deploy", "claims", {"version": 1}, now=T0)
    audit.record(engine, "root", "user.add", "ann", now=T0 + timedelta(seconds=1))
    audit.record(engine, None, "deploy", "claims", {"version": 2}, now=T0 + timedelta(seconds=2))
    found = audit.entries(engine)
    assert [(e["action"], e["target"]) for e in found] == [
        ("deploy", "claims"), ("user.add", "ann"), ("deploy", "claims")
    ]  # fmt: skip
    assert set(found[0]) == {"id", "at", "actor", "action", "target", "details"}
    assert found[0]["at"] == T0 + timedelta(seconds=2) and found[0]["actor"] is None
    assert [e["details"] for e in audit.entries(engine, action="deploy")] == [
        {"version": 2}, {"version": 1}
    ]  # fmt: skip
    assert [e["action"] for e in audit.entries(engine, target="ann")] == ["user.add"]
    assert len(audit.entries(engine, limit=1)) == 1


def test_an_entry_shares_the_callers_transaction(engine: sa.Engine) -> None:
    with pytest.raises(RuntimeError), engine.begin() as connection:
        audit.record(connection, "root", "deploy", "claims")
        raise RuntimeError("the action failed")
    assert audit.entries(engine) == []
    with engine.begin() as connection:
        audit.record(connection, "root", "deploy", "claims")
        assert [e["action"] for e in audit.entries(connection)] == ["deploy"]
    assert len(audit.entries(engine)) == 1


def test_entries_without_a_time_get_the_current_one(engine: sa.Engine) -> None:
    before = datetime.now(UTC)
    audit.record(engine, "root", "db.upgrade")
    (entry,) = audit.entries(engine)
    assert before - timedelta(seconds=1) <= entry["at"] <= datetime.now(UTC) + timedelta(seconds=1)
