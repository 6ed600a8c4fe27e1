"""Timer event listeners with a date (UTC unless it carries an offset) or an expression on the
case file, besides the durations and repeating intervals of test_engine_rules: each occurs at
its due time on the case's clock, not before."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.runtime.engine_helpers import Case, case_xml, task


def timer_case(expression: str, data: dict | None = None) -> Case:
    body = task("keep") + (
        '<planItem id="t" definitionRef="tl"/><timerEventListener id="tl">'
        f"<timerExpression>{expression}</timerExpression></timerEventListener>"
    )
    return Case(case_xml(body, auto_complete=False), data)  # starts 2026-01-05T09:00:00Z


@pytest.mark.parametrize(
    ("expression", "data", "due_after"),
    [
        ("2026-01-06T09:00:00Z", None, timedelta(days=1)),
        ("2026-01-06T09:00:00", None, timedelta(days=1)),  # no offset: UTC
        ("2026-01-05T12:00:00+02:00", None, timedelta(hours=1)),  # 10:00 UTC
        ("deadline", {"deadline": "2026-01-05T11:30:00Z"}, timedelta(hours=2, minutes=30)),
        ("wait", {"wait": "PT45M"}, timedelta(minutes=45)),
    ],
)
def test_a_timer_occurs_at_its_due_time_and_not_before(expression, data, due_after):
    case = timer_case(expression, data)
    assert [t.due - case.now for t in case.state.timers] == [due_after]
    case.advance(due_after - timedelta(seconds=1))
    assert case.latest("t") == "available"
    case.advance(timedelta(seconds=1))
    assert case.events_of("t") == ["create", "occur"] and case.latest("t") == "completed"


def test_a_repeating_interval_from_an_expression_occurs_once_per_repetition_even_stored():
    from studio.runtime.store.serialize import dump_state, load_state

    case = timer_case("reminder", {"reminder": "R3/PT1H"})
    case.do("set", None, {"reminder": "PT5M"})  # read once, when the timer started
    case.advance(timedelta(hours=1))
    case.state = load_state(dump_state(case.state))  # as a stored case would come back
    case.advance(timedelta(hours=4))
    assert case.events_of("t") == ["create", "occur", "occur", "occur"]
    assert case.latest("t") == "completed"
