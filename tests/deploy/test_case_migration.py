"""Migrating running cases and processes to a newer definition: the plan (dry run) and applying
it, checked by running the migrated state on the new definition's engine."""

from __future__ import annotations

import pytest

from studio.deploy.case_migration import MigrationError, apply_migration, plan_migration
from studio.notation import read_model
from studio.runtime.engine.definition import CaseDefinition, compile_case
from studio.runtime.engine.engine import CaseEngine, Command
from studio.runtime.engine.process_definition import ProcessDefinition, compile_process
from studio.runtime.engine.process_engine import ProcessEngine
from studio.runtime.engine.state import CaseState
from tests.runtime.engine_helpers import T0, Case, case_xml, task
from tests.runtime.test_process_engine import PARALLEL, Process, flow, process_xml


def sentry(ident: str, *sources: str) -> str:
    parts = "".join(
        f'<planItemOnPart id="{ident}_{s}" sourceRef="{s}"><standardEvent>complete</standardEvent>'
        "</planItemOnPart>"
        for s in sources
    )
    return f'<sentry id="{ident}">{parts}</sentry>'


WAITS = task("b", inner='<entryCriterion id="e" sentryRef="s"/>')


def case(body: str, plan: str = "plan") -> CaseDefinition:
    xml = case_xml(body).replace(b'id="plan"', f'id="{plan}"'.encode())
    return compile_case(read_model(xml, "t.cmmn"))


def process(body: str) -> ProcessDefinition:
    return compile_process(read_model(process_xml(body), "t.bpmn"))


V1 = task("a") + task("c") + WAITS + sentry("s", "c", "a")


def running() -> Case:
    """A case of V1 whose `a` completed: `b` remembers that half of its sentry."""
    return Case(case_xml(V1)).do("complete", "a")


def run(definition: CaseDefinition, state: CaseState, action: str, item: str) -> CaseState:
    return CaseEngine(definition).execute(state, Command(action, item), T0).state


def states(state: CaseState, item: str) -> list[str]:
    return [i.state for i in state.items.values() if i.item == item]


def instance(state: CaseState, item: str) -> str:
    (found,) = [i.id for i in state.items.values() if i.item == item]
    return found


def test_everything_maps_and_on_part_memory_follows_its_on_part():
    old, new = case(V1), case(task("a") + task("c") + WAITS + sentry("s", "a", "c") + task("d"))
    started = running()
    b = instance(started.state, "b")
    assert started.state.items[b].memory == {"e": {1}}
    plan = plan_migration(started.state, old, new, version="claims v2")
    assert plan.ok and not plan.unmapped and plan.added == ("d",)
    assert {m.instance: m.status for m in plan.items} == dict.fromkeys(
        started.state.items, "mapped"
    )
    migrated = apply_migration(started.state, plan)
    assert migrated.items[b].memory == {"e": {0}}  # the on-part of `a`, now first
    assert started.state.items[b].memory == {"e": {1}}  # the old state is left as it was
    assert {i: s.state for i, s in migrated.items.items()} == {
        i: s.state for i, s in started.state.items.items()
    }
    after = run(new, migrated, "complete", "c")
    assert states(after, "b") == ["active"]


def test_memory_of_a_criterion_part_that_no_longer_exists_is_forgotten():
    old, new = case(V1), case(task("a") + WAITS + sentry("s", "c2") + task("c2"))
    started = running()
    plan = plan_migration(started.state, old, new)
    (b,) = [m for m in plan.items if m.item == "b"]
    assert b.forgotten == ("an on-part of criterion e (a complete)",)
    assert not plan.ok  # `c` is active and gone
    (c,) = plan.unmapped
    assert (c.instance, c.reason) == (instance(started.state, "c"), "no longer in the model")


def test_ended_items_that_are_gone_are_dropped_and_the_case_runs_on():
    started = Case(case_xml(V1)).do("complete", "c")
    new = case(task("a") + WAITS + sentry("s", "a"))
    plan = plan_migration(started.state, case(V1), new)
    assert plan.ok
    (c,) = [m for m in plan.items if m.item == "c"]
    assert (c.status, c.state, c.reason) == ("dropped", "completed", "no longer in the model")
    migrated = apply_migration(started.state, plan)
    assert instance(started.state, "c") not in migrated.items
    assert migrated.items[instance(started.state, "b")].memory == {"e": set()}
    assert states(run(new, migrated, "complete", "a"), "b") == ["active"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            '<planItem id="c" definitionRef="ms"/><milestone id="ms"/>' + task("a") + WAITS
            + sentry("s", "c", "a"),
            "is a milestone now, was a human_task",
        ),
        (
            task("a") + WAITS + sentry("s", "a")
            + '<planItem id="st" definitionRef="stage"/><stage id="stage">'
            + task("c") + "</stage>",
            "moved from plan to st",
        ),
    ],
)  # fmt: skip
def test_a_running_item_that_changed_kind_or_stage_is_unmapped(body, reason):
    started = running()
    plan = plan_migration(started.state, case(V1), case(body))
    assert not plan.ok
    (c,) = plan.unmapped
    iid = instance(started.state, "c")
    assert (c.instance, c.kind, c.state, c.reason) == (iid, "human_task", "active", reason)
    text = plan.describe()
    assert f"UNMAPPED {iid} (human_task, active): {reason}" in text
    assert text.endswith("cannot migrate: 1 unmapped")
    with pytest.raises(MigrationError, match=f"{iid}: {reason}"):
        apply_migration(started.state, plan)


def test_a_renamed_case_plan_model_still_maps():
    started = running()
    new = case(V1, plan="casePlan")
    plan = plan_migration(started.state, case(V1), new)
    assert plan.ok
    (root,) = [m for m in plan.items if m.item == "plan"]
    assert root.target == "casePlan"
    assert "mapped   plan#1 (stage, active) as casePlan" in plan.describe()
    migrated = apply_migration(started.state, plan)
    after = run(new, run(new, migrated, "complete", "c"), "complete", "b")
    assert after.state == "completed"


def test_a_plan_is_refused_once_the_case_moved_on():
    started = running()
    plan = plan_migration(started.state, case(V1), case(V1))
    heard = started.state.copy()
    waiting = heard.items[instance(heard, "b")].clone()
    waiting.memory["e"].add(0)  # an on-part heard: no item changed state
    heard.put(waiting)
    assert started.state.items[waiting.id].memory == {"e": {1}}
    for moved_on in (heard, started.do("complete", "c").state):
        with pytest.raises(MigrationError, match="changed since the plan"):
            apply_migration(moved_on, plan)


def test_a_case_cannot_become_a_process_nor_migrate_once_ended():
    started = running()
    plan = plan_migration(started.state, case(V1), process(PARALLEL))
    assert plan.problems == ("a case cannot become a process",)
    assert not plan.ok and all(m.status == "unmapped" for m in plan.items)
    done = running().do("complete", "c").do("complete", "b")
    assert done.state.state == "completed"
    assert plan_migration(done.state, case(V1), case(V1)).problems == ("the case is completed",)


def test_a_process_instance_migrates_and_a_join_keeps_its_arrivals():
    running_process = Process(PARALLEL).do("complete", "a")
    assert running_process.state.instances_of("join")[0].memory == {"in": {0}}
    reordered = PARALLEL.replace(flow("f4", "a", "join") + flow("f5", "b", "join"), "") + (
        flow("f5", "b", "join") + flow("f4", "a", "join")
    )
    new = process(reordered)
    plan = plan_migration(running_process.state, process(PARALLEL), new)
    assert plan.ok and plan.added == ()
    migrated = apply_migration(running_process.state, plan)
    (join,) = [i for i in migrated.items.values() if i.item == "join"]
    assert join.memory == {"in": {1}}  # flow f4 is the join's second incoming flow now
    after = ProcessEngine(new).execute(migrated, Command("complete", "b"), T0).state
    assert states(after, "after") == ["active"]


def test_a_process_whose_waiting_task_is_gone_cannot_migrate():
    start_task_end = (
        '<startEvent id="s"/>' + flow("f1", "s", "t") + '<userTask id="t"/>'
        + flow("f2", "t", "e") + '<endEvent id="e"/>'
    )  # fmt: skip
    state = ProcessEngine(process(start_task_end)).start("p", {}, T0).state
    renamed = start_task_end.replace('"t"', '"t2"')
    plan = plan_migration(state, process(start_task_end), process(renamed))
    unmapped = [(m.instance, m.reason) for m in plan.unmapped]
    assert unmapped == [(instance(state, "t"), "no longer in the model")]
    assert plan.added == ("t2",)
    assert plan.as_json()["ok"] is False
