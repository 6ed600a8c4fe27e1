"""Explain: why an item is not active (the missing sentry part, the false rule) and what keeps a
stage or the case from completing — in agreement with what the engine then does."""

from __future__ import annotations

from studio.runtime.engine.explain import explain_case, explain_item
from tests.runtime.engine_helpers import Case, case_xml, on, task

REPEAT_ON_EVENT = (
    task(
        "a",
        name="Check",
        inner="<itemControl><repetitionRule/></itemControl>"
        '<entryCriterion id="ec_a" sentryRef="s_u"/>',
    )
    + '<planItem id="u" name="Ask" definitionRef="ue"/><userEventListener id="ue"/>'
    + on("u", "occur", "s_u")
    + task("keep", name="Keep")
)


def why(case: Case, item: str | None = None) -> str:
    definition = case.engine.definition
    if item is None:
        return explain_case(definition, case.state, case.now)
    return explain_item(definition, case.state, item, case.now)


def test_an_unplanned_discretionary_item_names_its_false_applicability_rule():
    body = task("a") + (
        '<planningTable id="pt"><discretionaryItem id="d" name="Expert" definitionRef="ht_d" '
        'applicabilityRuleRefs="ar"/><applicabilityRule id="ar"><condition>amount &gt; 100'
        '</condition></applicabilityRule></planningTable><humanTask id="ht_d"/>'
    )
    small = Case(case_xml(body), {"amount": 5})
    assert why(small, "d") == (
        "'Expert' is discretionary and has not been planned: its applicability rule "
        "`amount > 100` is false"
    )
    big = Case(case_xml(body), {"amount": 500})
    assert why(big, "d") == "'Expert' is discretionary and has not been planned"


def test_a_waiting_repetition_does_not_keep_a_stage_open_nor_is_named_as_keeping_it():
    case = Case(case_xml(REPEAT_ON_EVENT, auto_complete=False)).do("occur", "u")
    assert case.states("a") == ["active", "available"]
    case.do("complete", "a")
    assert why(case) == "the case is active: 'Keep' is active"
    case.do("complete", "keep")
    assert case.case == "completed"  # what the explanation said: nothing else kept it open


def test_an_item_waiting_for_its_entry_criterion_names_the_missing_on_part():
    case = Case(case_xml(REPEAT_ON_EVENT))
    assert (
        why(case, "a") == "'Check' is available: entry criterion 'ec_a' waits for 'occur' of 'Ask'"
    )


def test_a_required_item_is_named_as_keeping_the_case_open():
    required = "<itemControl><requiredRule/><manualActivationRule/></itemControl>"
    case = Case(case_xml(task("a", name="Sign", inner=required) + task("b", name="Read")))
    case.do("complete", "b")
    assert case.case == "active"
    assert why(case) == "the case is active: 'Sign' is enabled (required)"
    assert why(case, "a") == (
        "'Sign' is enabled: its manual activation rule (no condition) holds, so it waits for a "
        "manual start"
    )


def test_items_of_a_stage_that_is_not_active_do_not_exist_yet():
    body = (
        '<planItem id="st" name="Review" definitionRef="stage"><itemControl><manualActivationRule/>'
        "</itemControl></planItem>"
        f'<stage id="stage">{task("c", name="Check")}</stage>' + task("keep")
    )
    case = Case(case_xml(body))
    assert why(case, "c") == "'Check' does not exist yet: its stage 'Review' is not active"
    assert why(Case(case_xml(task("a"))).do("suspend", None)) == "the case is suspended"
