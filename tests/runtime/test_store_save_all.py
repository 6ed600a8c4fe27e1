"""`Store.save_all`: several cases in one transaction (a migrating family), all or none; run on
MemoryStore, SqlStore on SQLite and SqlStore on PostgreSQL (the contract's `store` fixture)."""

from __future__ import annotations

import pytest

from studio.runtime.engine.engine import Command
from studio.runtime.store import ConflictError, Save, Store
from studio.runtime.store.serialize import dump_state
from tests.runtime.test_store import events, postgres_engine, run, started, store

__all__ = ["postgres_engine", "store"]  # fixtures, shared with test_store


def two_cases(store: Store) -> dict[str, tuple]:
    """Cases c1 and c2 on definition version "1": {id: (engine, stored case)}."""
    found = {}
    for case_id in ("c1", "c2"):
        engine, out = started(case_id)
        store.create(out.state, "claims", "1", out.history)
        found[case_id] = (engine, store.load(case_id))
    return found


def completing_a(found: dict[str, tuple], version: str | None = "2") -> list[Save]:
    """Each case with task A completed, moved to definition version `version`."""
    saves = []
    for case_id, (engine, loaded) in found.items():
        after = run(engine, loaded.state, Command("complete", "pi_a"))
        saves.append(Save(case_id, after.state, loaded.version, after.history, version))
    return saves


def snapshot(store: Store, case_id: str) -> tuple:
    loaded = store.load(case_id)
    return (
        dump_state(loaded.state),
        loaded.version,
        loaded.definition_version,
        events(store.history(case_id)),
    )


def test_every_case_is_saved_and_moves_to_its_definition_version(store: Store) -> None:
    saves = completing_a(two_cases(store))
    assert store.save_all(saves) == [2, 2]
    for save in saves:
        loaded = store.load(save.case_id)
        assert (loaded.version, loaded.definition_version) == (2, "2")
        assert dump_state(loaded.state) == dump_state(save.state)
        assert "complete" in {e.event for e in store.history(save.case_id)}


def test_without_a_definition_version_the_cases_stay_on_theirs(store: Store) -> None:
    store.save_all(completing_a(two_cases(store), version=None))
    assert {store.load(c).definition_version for c in ("c1", "c2")} == {"1"}


def test_a_conflict_on_the_second_case_leaves_both_as_they_were(store: Store) -> None:
    found = two_cases(store)
    saves = completing_a(found)
    engine, loaded = found["c2"]
    meanwhile = run(engine, loaded.state, Command("complete", "pi_b"))
    store.save("c2", meanwhile.state, loaded.version, meanwhile.history)  # another request
    before = {case_id: snapshot(store, case_id) for case_id in found}
    with pytest.raises(ConflictError) as refused:
        store.save_all(saves)
    assert refused.value.case_id == "c2"
    assert {case_id: snapshot(store, case_id) for case_id in found} == before
    # The first case was not half-written: it saves on from the version it was read at.
    first = saves[0]
    assert store.save("c1", first.state, first.expected_version, first.history) == 2


def test_one_case_twice_is_refused(store: Store) -> None:
    save = completing_a(two_cases(store))[0]
    with pytest.raises(ValueError, match="c1"):
        store.save_all([save, save])
    assert store.load("c1").version == 1
