"""The layered map behind a case's item instances: a dict to its users, cheap to copy."""

from __future__ import annotations

import random

import pytest

from studio.notation import read_model
from studio.runtime.engine import state as state_module
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command
from studio.runtime.engine.layered_map import LayeredMap, changed_keys
from studio.runtime.store.serialize import Document, dump_state
from tests.runtime.test_store import T0
from tests.runtime.test_store_sql import wide_model


def test_a_layered_map_behaves_as_a_dict_through_copies_and_flattening() -> None:
    rng = random.Random(3)
    plain: dict[str, int] = {f"k{n}": n for n in range(200)}
    layered: LayeredMap[str, int] = LayeredMap(dict(plain))
    history: list[tuple[dict[str, int], LayeredMap[str, int]]] = []
    for step in range(400):
        history.append((dict(plain), layered))
        plain, layered = dict(plain), layered.copy()  # every command works on a copy
        for _ in range(rng.randint(1, 4)):
            key = f"k{rng.randint(0, 260)}"  # some keys are new
            plain[key] = layered[key] = step
        if step % 97 == 0:
            victim = rng.choice(list(plain))
            del plain[victim], layered[victim]
        assert len(layered) == len(plain)
        assert list(layered.items()) == list(plain.items())  # the same order as a dict
    for before, was in history:  # no copy ever changed a map it was made from
        assert list(was.items()) == list(before.items())
        assert was.get("k999", "absent") == "absent" and "k999" not in was


def test_a_copy_flattens_once_its_changes_outgrow_the_square_root_of_the_base() -> None:
    layered: LayeredMap[int, int] = LayeredMap({n: n for n in range(100)})
    for n in range(10):
        layered[n] = -n
    shared = layered.copy()  # ten changes: 100 is not above 100, the base stays shared
    assert shared._base is layered._base and changed_keys(layered, shared) == []
    layered[10] = -10
    flat = layered.copy()  # eleven: 121 > 100, a new base
    assert flat._base is not layered._base and not flat._changes
    assert changed_keys(layered, flat) == []  # the same objects, found by a full scan
    assert dict(flat) == dict(layered)


def test_a_map_that_clones_on_read_never_hands_out_the_base_values() -> None:
    base = {"a": [1], "b": [2]}
    handed: LayeredMap[str, list[int]] = LayeredMap(base, clone=list)
    handed["a"].append(99)
    assert handed["a"] == [1, 99] and base["a"] == [1]
    assert all(value is not base[key] for key, value in handed.items())
    assert handed.copy()["a"] == [1, 99]


def test_changed_keys_names_new_and_replaced_entries_only() -> None:
    one, two = object(), object()
    before: LayeredMap[str, object] = LayeredMap({"a": one, "b": two})
    after = before.copy()
    after["b"] = object()
    after["c"] = object()
    assert sorted(changed_keys(before, after) or []) == ["b", "c"]
    handed: LayeredMap[str, object] = LayeredMap(before, clone=lambda value: object())
    assert handed["a"] is not one  # a read clones
    assert changed_keys(before, handed) == ["a"]
    shrunk = before.copy()
    del shrunk["a"]
    assert changed_keys(before, shrunk) is None  # an entry went: the caller diffs everything
    assert changed_keys({"a": one}, {"a": one, "b": two}) == ["b"]


def test_a_big_case_runs_the_same_whether_its_maps_are_layered_or_plain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def drive() -> tuple[list[Document], Document]:
        model = read_model(wide_model(300), "wide.cmmn")
        engine = CaseEngine(compile_case(model), history=False)
        state = engine.start("w", {}, T0).state
        states = [state]
        for n in range(299):  # every command runs on a copy: the states before stay as they were
            state = engine.execute(state, Command("complete", f"pi_{n}"), T0).state
            states.append(state)
        return [dump_state(s) for s in states[::30]], dump_state(state)

    layered = drive()
    monkeypatch.setattr(state_module, "LAYERED_FROM", 10**9)  # plain dicts copied in full
    assert layered == drive()
    first, last = layered[0][0]["case"]["items"], layered[1]["case"]["items"]
    assert first["pi_0#2"]["state"] == "active" and last["pi_0#2"]["state"] == "completed"
    assert last["pi_299#301"]["state"] == "active" and len(last) == 301
