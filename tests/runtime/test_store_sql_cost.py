"""SqlStore: the work a command costs follows what it touched, not the size of the case."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.notation import read_model
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command
from studio.runtime.engine.state import ItemInstance
from studio.runtime.store import rows
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.serialize import dump_state
from studio.runtime.store.sql import SqlStore
from tests.runtime.test_store import T0, sqlite_url
from tests.runtime.test_store_sql import statements, wide_model, writes


def opened(tmp_path: Path, tasks: int, repeating: bool = False) -> tuple[SqlStore, CaseEngine]:
    url = sqlite_url(tmp_path)
    upgrade(url)
    store = SqlStore(url)
    case = CaseEngine(compile_case(read_model(wide_model(tasks, repeating), "wide.cmmn")))
    out = case.start("w1", {"note": "x"}, T0)
    store.create(out.state, "wide", None, out.history)
    return store, case


def command(store: SqlStore, case: CaseEngine, item: str):
    loaded = store.load("w1")
    after = case.execute(case.restore(loaded.state), Command("complete", item), T0)
    store.save("w1", after.state, loaded.version, after.history)
    return after


def test_a_command_on_a_big_case_serialises_only_the_instances_it_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, case = opened(tmp_path, 1000)
    serialised: list[str] = []
    to_row = rows.to_row

    def counting(obj, columns, skip=frozenset()):
        if isinstance(obj, ItemInstance):
            serialised.append(obj.id)
        return to_row(obj, columns, skip)

    monkeypatch.setattr(rows, "to_row", counting)
    for n in range(1, 6):
        serialised.clear()
        with statements(store.engine) as seen:
            after = command(store, case, f"pi_{n}")
        assert [w for w in writes(seen) if "case_items" in w[0]] == [("UPDATE case_items", 1)]
        assert len(serialised) <= 3, serialised  # of 1,001 instances
    fresh = SqlStore(store.engine, cache_size=0)
    assert dump_state(fresh.load("w1").state) == dump_state(after.state)


def test_a_case_that_grows_command_by_command_is_stored_as_the_engine_left_it(
    tmp_path: Path,
) -> None:
    store, case = opened(tmp_path, 100, repeating=True)
    for _ in range(25):  # each completion of pi_0 adds an instance of it
        with statements(store.engine) as seen:
            after = command(store, case, "pi_0")
        assert ("INSERT case_items", 1) in writes(seen)
    assert len(after.state.items) == 126
    fresh = SqlStore(store.engine, cache_size=0)
    assert dump_state(fresh.load("w1").state) == dump_state(after.state)
    assert dump_state(store.load("w1").state) == dump_state(after.state)


def test_callers_changing_a_case_they_loaded_or_saved_change_nothing_stored(
    tmp_path: Path,
) -> None:
    store, case = opened(tmp_path, 100)
    loaded = store.load("w1")
    some = next(i.id for i in loaded.state.items.values() if i.item == "pi_3")
    loaded.state.items[some].state = "changed by a caller"  # read by key, not by iteration
    assert store.load("w1").state.items[some].state == "active"
    after = command(store, case, "pi_3")
    after.state.items[some].state = "changed after saving"
    assert store.load("w1").state.items[some].state == "completed"
    after = command(store, case, "pi_4")
    fresh = SqlStore(store.engine, cache_size=0)
    assert fresh.load("w1").state.items[some].state == "completed"
    assert dump_state(fresh.load("w1").state) == dump_state(store.load("w1").state)
