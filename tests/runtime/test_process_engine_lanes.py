"""The BPMN process engine: lanes as performer roles of the case team."""

from __future__ import annotations

import pytest

from studio.runtime.engine.errors import Refused
from studio.runtime.engine.outcome import Command
from tests.runtime.test_process_engine import T0, Process, flow

LANES = (
    '<laneSet id="ls"><lane id="l1" name="clerk"><flowNodeRef>check</flowNodeRef></lane>'
    '<lane id="l2"><flowNodeRef>s</flowNodeRef><flowNodeRef>free</flowNodeRef></lane></laneSet>'
    '<startEvent id="s"/>' + flow("f1", "s", "check") + '<userTask id="check" name="Check"/>'
    + flow("f2", "check", "free") + '<userTask id="free"/>'
)  # fmt: skip


def complete(process: Process, item: str, user: str | None, groups=()) -> Process:
    command = Command("complete", item, None, user, frozenset(groups))
    process.state = process.engine.execute(process.state, command, T0).state
    return process


def bound() -> Process:
    return Process(LANES).do("bind", None, {"role": "clerk", "members": ["ann", "clerks"]})


def test_a_task_in_a_lane_refuses_users_outside_the_lane_role():
    process = bound()
    with pytest.raises(Refused, match="bob may not complete 'Check': only the case team's clerk"):
        complete(process, "check", "bob")
    assert process.states("check") == ["active"]


@pytest.mark.parametrize(("user", "groups"), [("ann", ()), ("carl", ("clerks",)), (None, ())])
def test_members_of_the_role_and_the_system_may_complete_it(user, groups):
    process = complete(bound(), "check", user, groups)
    assert process.states("check") == ["completed"]


def test_an_unbound_role_admits_only_the_system_and_an_unnamed_lane_is_named_by_its_id():
    process = Process(LANES)
    with pytest.raises(Refused):
        complete(process, "check", "ann")
    complete(process, "check", None)
    with pytest.raises(Refused, match="only the case team's l2 may"):
        complete(process, "free", "bob")
    process.do("bind", None, {"role": "l2", "members": ["bob"]})
    assert complete(process, "free", "bob").state.state == "completed"


def test_bind_needs_a_role_and_members():
    with pytest.raises(Refused, match="bind takes"):
        Process(LANES).do("bind", None, {"role": "clerk"})
