"""Who acts: items bound to case roles refuse users outside the case team; history says who."""

from __future__ import annotations

import pytest

from studio.runtime.engine.engine import Command, Refused
from tests.runtime.engine_helpers import T0, Case, case_xml

ROLES = '<caseRoles id="roles"><role id="r_clerk" name="clerk"/><role id="r_boss" name="boss"/></caseRoles>'
BODY = (
    '<planItem id="a" definitionRef="ht_a"/><humanTask id="ht_a" performerRef="r_clerk"/>'
    '<planItem id="u" definitionRef="ue"/><userEventListener id="ue" authorizedRoleRefs="r_boss"/>'
    '<planItem id="free" definitionRef="ht_free"/><humanTask id="ht_free"/>'
)


def team_case() -> Case:
    xml = case_xml(BODY).replace(b"</casePlanModel>", b"</casePlanModel>" + ROLES.encode())
    case = Case(xml)
    case.do("bind", None, {"role": "clerk", "members": ["kermit", "group:clerks"]})
    case.do("bind", None, {"role": "boss", "members": ["piggy"]})
    return case


def as_user(case: Case, user: str, action: str, item: str, groups=frozenset()):
    outcome = case.engine.execute(case.state, Command(action, item, user=user, groups=groups), T0)
    case.state = outcome.state
    return outcome


def test_performer_role_is_required():
    case = team_case()
    with pytest.raises(Refused) as refused:
        as_user(case, "fozzie", "complete", "a")
    assert "clerk" in str(refused.value)
    outcome = as_user(case, "kermit", "complete", "a")
    assert [(e.event, e.user) for e in outcome.history if e.item == "a"] == [("complete", "kermit")]


def test_a_group_of_the_team_may_act():
    case = team_case()
    as_user(case, "gonzo", "complete", "a", frozenset({"group:clerks"}))
    assert case.latest("a") == "completed"


def test_authorized_roles_of_a_user_event():
    case = team_case()
    with pytest.raises(Refused):
        as_user(case, "kermit", "occur", "u")
    as_user(case, "piggy", "occur", "u")
    assert case.latest("u") == "completed"


def test_items_without_roles_are_open_to_any_user():
    case = team_case()
    as_user(case, "fozzie", "complete", "free")
    assert case.latest("free") == "completed"


def test_the_system_acts_without_a_team():
    case = Case(case_xml(BODY).replace(b"</casePlanModel>", b"</casePlanModel>" + ROLES.encode()))
    case.do("complete", "a")
    assert case.latest("a") == "completed"


def test_a_role_nobody_is_bound_to_is_open_to_the_group_of_that_name():
    xml = case_xml(BODY).replace(b"</casePlanModel>", b"</casePlanModel>" + ROLES.encode())
    case = Case(xml)  # no team bound yet
    with pytest.raises(Refused):
        as_user(case, "fozzie", "complete", "a", frozenset({"boss"}))
    as_user(case, "fozzie", "complete", "a", frozenset({"clerk"}))
    assert case.latest("a") == "completed"
    case.do("bind", None, {"role": "boss", "members": ["piggy"]})
    with pytest.raises(Refused):  # once bound, the binding alone decides
        as_user(case, "gonzo", "occur", "u", frozenset({"boss"}))


# Discretionary items: d1 names its planners; d2 and d3 inherit from their tables (the nearest
# table with roles wins); the outer table's applicability rule holds for every item in it.
PLANNING = (
    '<planItem id="keep" definitionRef="ht_keep"/><humanTask id="ht_keep"/>'
    '<planningTable id="outer" authorizedRoleRefs="r_boss" applicabilityRuleRefs="open">'
    '<discretionaryItem id="d1" definitionRef="ht_d" authorizedRoleRefs="r_clerk"/>'
    '<discretionaryItem id="d2" definitionRef="ht_d"/>'
    '<planningTable id="inner" authorizedRoleRefs="r_clerk">'
    '<discretionaryItem id="d3" definitionRef="ht_d"/></planningTable>'
    '<applicabilityRule id="open"><condition>is_open</condition></applicabilityRule>'
    '</planningTable><humanTask id="ht_d" performerRef="r_boss"/>'
)


def planning_case(is_open: bool = True) -> Case:
    xml = case_xml(PLANNING).replace(b"</casePlanModel>", b"</casePlanModel>" + ROLES.encode())
    case = Case(xml, {"is_open": is_open})
    case.do("bind", None, {"role": "clerk", "members": ["kermit"]})
    case.do("bind", None, {"role": "boss", "members": ["piggy"]})
    return case


@pytest.mark.parametrize(
    ("item", "planner", "outsider"), [("d1", "kermit", "piggy"), ("d2", "piggy", "kermit"),
                                      ("d3", "kermit", "piggy")],
)  # fmt: skip
def test_planning_is_for_the_roles_of_the_discretionary_item_or_its_planning_table(
    item, planner, outsider
):
    case = planning_case()
    with pytest.raises(Refused) as refused:
        as_user(case, outsider, "plan", item)
    assert f"{outsider} may not plan" in str(refused.value)
    outcome = as_user(case, planner, "plan", item)
    assert next((e.event, e.user) for e in outcome.history if e.item == item) == ("create", planner)
    assert case.latest(item) == "active"


def test_the_applicability_rule_of_a_planning_table_holds_for_its_nested_items():
    case = planning_case(is_open=False)
    for item, planner in (("d1", "kermit"), ("d3", "kermit")):
        with pytest.raises(Refused, match="applicability rule"):
            as_user(case, planner, "plan", item)
