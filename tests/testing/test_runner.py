"""Running scenarios: actions, rejected actions, expectations and their failure messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from studio.testing.runner import Failure, run_file
from tests.testing.fake_driver import NamelessDriver, Spec, factory_of


def run(write, factory, steps, **top):
    return run_file(write(steps, **top), factory, "s.scenario.json")


def test_a_passing_scenario_drives_the_case(write, factory):
    result = run(
        write,
        factory,
        [
            {
                "expect": {
                    "case": "active",
                    "items": {"Check invoice": "active", "Pay": "available"},
                }
            },
            {"complete": "Check invoice", "data": {"decision": "ok"}},
            {"occur": "Supplier called"},
            {"start": "Call customer"},
            {"suspend": "Call customer"},
            {"resume": "Call customer"},
            {"terminate": "Call customer"},
            {"plan": "Ask expert"},
            {"set": {"invoice.status": "paid", "gone": None}},
            {"advance": "PT48H"},
            {"message": "approved", "data": {"approved": True}},
            {"complete": "Pay"},
            {
                "expect": {
                    "case": "completed",
                    "items": {
                        "Check invoice": "completed",
                        "Supplier called": "completed",
                        "Call customer": "terminated",
                        "Ask expert": "active",
                        "Reminder due": "completed",
                        "Wait for approval": "completed",
                        "Later": "absent",
                    },
                    "data": {"decision": "ok", "invoice.status": "paid", "approved": True},
                }
            },
        ],
        data={"gone": 1},
        start="2026-03-02T09:00:00Z",
    )
    assert result.failures == [] and result.error is None and result.passed
    driver = factory.drivers[0]
    assert driver.started_with == {"gone": 1}
    assert driver.started_at == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert ("complete", "PI_pay") in driver.calls  # level 0 "Pay", not the process's


def test_the_default_start(write, factory):
    run(write, factory, [{"complete": "Check invoice"}])
    assert factory.drivers[0].started_at == datetime(2026, 1, 5, tzinfo=UTC)


def test_case_actions_aim_at_none(write, factory):
    result = run(write, factory, [{"suspend": "@case"}, {"expect": {"case": "suspended"}},
                                  {"complete": "Check invoice", "rejected": True},
                                  {"resume": "@case"}, {"expect": {"case": "active"}}])  # fmt: skip
    assert result.passed, result.failures
    assert factory.drivers[0].calls[0] == ("suspend", None)


def test_a_refused_action_fails_with_the_reason_and_explanation(write, factory):
    result = run(write, factory, [{"complete": "Pay"}, {"complete": "Check invoice"}])
    assert result.failures == [
        Failure(1, 'complete "Pay" was refused: no instance of PI_pay accepts complete; '
                   "why: PI_pay waits for something")
    ]  # fmt: skip
    assert result.exit_code == 1 and result.stopped_at == 1


def test_a_rejected_action_passes_only_when_refused(write, factory):
    assert run(write, factory, [{"complete": "Pay", "rejected": True}]).passed
    assert run(write, factory, [{"set": {"locked.x": 1}, "rejected": True}]).passed
    assert run(write, factory, [{"message": "nobody", "rejected": True}]).passed
    assert run(write, factory, [{"plan": "Small claim expert", "rejected": True}]).passed
    accepted = run(write, factory, [{"complete": "Check invoice", "rejected": True}])
    assert accepted.failures == [
        Failure(1, 'complete "Check invoice" was accepted; expected it to be refused')
    ]
    advance = run(write, factory, [{"advance": "P1D", "rejected": True}])
    assert advance.failures == [Failure(1, "advance P1D was accepted; expected it to be refused")]


def test_rejected_false_means_accepted(write, factory):
    assert run(write, factory, [{"complete": "Check invoice", "rejected": False}]).passed


def test_an_action_on_an_absent_item_is_refused_without_the_engine(write, factory):
    result = run(write, factory, [{"complete": "Later", "rejected": True}, {"complete": "Later"}])
    assert result.failures == [
        Failure(2, 'complete "Later" was refused: there is no instance of "Later"')
    ]
    assert factory.drivers[0].calls == []


def test_a_refused_action_that_changed_something_fails(write):
    leaky = factory_of(Spec("A", name="A", state="available"), leak_on_refuse=True)
    result = run(write, leaky, [{"complete": "A", "rejected": True}])
    assert result.failures == [Failure(1, 'complete "A" was refused but changed the case file')]


def test_planning_without_the_discretionary_extra_is_refused(write):
    nameless = factory_of(Spec("A", name="A"), Spec("E", name="Expert", state=None, discretionary=True),
                          driver_class=NamelessDriver)  # fmt: skip
    result = run(write, nameless, [{"plan": "Expert"}])
    assert result.failures == [
        Failure(1, 'plan "Expert" was refused: there is no plannable item of "Expert"')
    ]
    # without known_names an unknown name is merely absent
    assert run(write, nameless, [{"expect": {"items": {"Nope": "absent"}}}]).passed


def test_item_expectations_use_the_most_recent_instance(write, factory):
    steps = [{"complete": "Collect signature"},
             {"expect": {"items": {"Collect signature": "active"},
                         "count": {"Collect signature": {"completed": 1, "active": 1}}}},
             {"complete": "Collect signature"}, {"complete": "Collect signature"},
             {"expect": {"items": {"Collect signature": "completed"},
                         "count": {"Collect signature": {"completed": 3, "active": 0}}}}]  # fmt: skip
    assert run(write, factory, steps).passed


def test_failure_messages_of_every_expectation(write, factory):
    result = run(
        write,
        factory,
        [
            {
                "expect": {
                    "case": "completed",
                    "items": {"Check invoice": "completed", "Later": "active", "Pay": "absent"},
                    "count": {"Collect signature": {"completed": 2}, "Later": {"active": 1}},
                    "data": {"a.b": 1, "n": True, "list.1": "y", "missing.path": None},
                }
            },
            {"complete": "Check invoice"},
        ],
        data={"a": {"b": "1"}, "n": 1, "list": ["x", "y"]},
    )
    assert result.failures == [
        Failure(1, "case: expected completed, actual active; why: the case waits for something"),
        Failure(1, 'item "Check invoice": expected completed, actual active; '
                   "why: PI_check waits for something"),
        Failure(1, 'item "Later": expected active, actual absent'),
        Failure(1, 'item "Pay": expected absent, actual available; why: PI_pay waits for something'),
        Failure(1, 'count "Collect signature": expected completed 2, actual completed 0 '
                   "(all instances: active 1)"),
        Failure(1, 'count "Later": expected active 1, actual active 0 (all instances: none)'),
        Failure(1, 'data "a.b": expected 1, actual "1"'),
        Failure(1, 'data "n": expected true, actual 1'),
        Failure(1, 'data "missing.path": expected null, actual missing'),
    ]  # fmt: skip
    assert result.stopped_at == 1 and result.steps == 2
    assert factory.drivers[0].calls == []  # stopped: step 2 never ran


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [({"x": [1, 2.0]}, {"x": [1.0, 2]}, True), ({"x": 1}, {"x": 1, "y": 2}, False),
     ([True], [1], False), (None, None, True), ("a", ["a"], False)],
)  # fmt: skip
def test_data_equality_is_json_equality(expected, actual, same):
    from studio.testing.expectations import same as json_same

    assert json_same(expected, actual) is same


def test_engine_errors_are_failures_not_tracebacks(write):
    crashing = factory_of(Spec("A", name="A"), crash_on="complete")
    result = run(write, crashing, [{"expect": {"case": "active"}}, {"complete": "A"}])
    assert result.failures == [Failure(2, "engine error: RuntimeError: boom")]
    assert result.exit_code == 1


def test_a_model_the_engine_cannot_run_is_unusable(write, factory):
    result = run(write, factory, [{"complete": "A"}], case="NoSuchCase")
    assert result.error == 's.scenario.json: m.cmmn: no case "NoSuchCase"'
    assert result.exit_code == 2 and result.name == "s"


def test_a_factory_crash_is_a_failure_at_the_start(write):
    def broken(model, case):
        raise KeyError("oops")

    result = run(write, broken, [{"complete": "A"}])
    assert result.failures == [Failure(0, "the case did not open or start: KeyError: 'oops'")]
