"""Naming items: field order, levels, ambiguity, unknown names."""

from __future__ import annotations

import pytest

from studio.testing.driver import ItemView, UnusableScenario
from studio.testing.naming import Target, resolve
from studio.testing.runner import run_file


def view(key, pid=None, name=None, did=None, dname=None, level=0, state="active", created=1):
    return ItemView(key, pid or key, name, did, dname, state, level, created)


ITEMS = [
    view("k_check", "Check", name="Check invoice", did="HT_1", dname="Review"),
    view("k_other", "Other", name="Check", did="HT_2", dname="Review me"),
    view("k_review", "Review", name="Something", did="HT_3", dname="Review doc", created=2),
    view("k_sub", "Task_sub", name="Review doc", level=1, created=3),
    view("k_deep", "Deep", name="Only deep", level=2, created=4),
]


@pytest.mark.parametrize(
    ("name", "key", "level"),
    [
        ("Check", "k_check", 0),  # plan item id before another item's name
        ("Check invoice", "k_check", 0),  # name
        ("HT_2", "k_other", 0),  # definition id
        ("Review", "k_review", 0),  # plan item id before two definition names
        ("Review doc", "k_review", 0),  # level 0 definition name before level 1 name
        ("Task_sub", "k_sub", 1),
        ("Only deep", "k_deep", 2),
    ],
)
def test_first_level_then_first_field_wins(name, key, level):
    assert resolve(name, ITEMS) == Target(key, level)


def test_no_match_is_none():
    assert resolve("Nothing", ITEMS) is None
    assert resolve("Nothing", []) is None


def test_two_items_matching_in_the_winning_level_are_ambiguous():
    items = [*ITEMS, view("k_twin", "Twin", name="Check invoice")]
    with pytest.raises(
        UnusableScenario,
        match=r'ambiguous item name "Check invoice": matches "Check" \(Check invoice\) and "Twin"',
    ):
        resolve("Check invoice", items)


def test_a_repeated_item_is_not_ambiguous():
    items = [view("k", name="Sign", state="completed"), view("k", name="Sign", created=5)]
    target = resolve("Sign", items)
    assert target == Target("k", 0)
    assert [i.created for i in target.instances(reversed(items))] == [1, 5]


def test_a_match_in_a_lower_level_hides_ambiguity_deeper():
    items = [view("a", name="X"), view("b", name="X", level=1), view("c", name="X", level=1)]
    assert resolve("X", items) == Target("a", 0)


def test_an_unknown_name_is_unusable_before_anything_runs(write, factory):
    path = write([{"complete": "Check invoice"}, {"expect": {"count": {"Nope": {"active": 1}}}}])
    result = run_file(path, factory, "s.scenario.json")
    assert result.error == 's.scenario.json: step 2: unknown item "Nope"'
    assert result.exit_code == 2
    assert factory.drivers[0].started_with is None  # never started


def test_known_names_include_every_field(write, factory):
    path = write(
        [
            {
                "expect": {
                    "items": {
                        "HT_check": "active",
                        "Check": "active",
                        "Task_pay": "active",
                        "@case": "active",
                    }
                }
            }
        ]
    )
    assert run_file(path, factory).passed


def test_ambiguity_found_while_running_is_unusable_at_that_step(write):
    from tests.testing.fake_driver import Spec, factory_of

    twins = factory_of(Spec("A", name="Twin"), Spec("B", name="Twin"), Spec("C", name="C"))
    path = write([{"complete": "C"}, {"complete": "Twin"}])
    result = run_file(path, twins, "s.scenario.json")
    assert (
        result.error
        == 's.scenario.json: step 2: ambiguous item name "Twin": matches "A" (Twin) and "B" (Twin)'
    )
    assert result.exit_code == 2
