"""Due dates of people's tasks: a vendor `dueDate` (Flowable's or Camunda's) on a CMMN human task
or a BPMN user task, worked out when the task becomes active and kept through a store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studio.editor.validation import validate_file
from studio.notation import read_model
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command
from studio.runtime.engine.process_definition import compile_process
from studio.runtime.engine.process_engine import ProcessEngine
from studio.runtime.store.serialize import dump_state, load_state
from tests.runtime.engine_helpers import T0, case_xml, on, task
from tests.runtime.test_process_engine import flow, process_xml

FLOWABLE = ' xmlns:flowable="http://flowable.org/cmmn" flowable:dueDate="{}"'
CAMUNDA = ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:dueDate="{}"'


def case_engine(due: str, second_due: str | None = None) -> CaseEngine:
    second = FLOWABLE.format(second_due) if second_due else ""
    body = task("a", "Check", attrs=FLOWABLE.format(due)) + task(
        "b", "Decide", inner='<entryCriterion id="e" sentryRef="s"/>', attrs=second
    ) + on("a", "complete", "s")  # fmt: skip
    return CaseEngine(compile_case(read_model(case_xml(body), "t.cmmn")))


def due_of(state, item: str):
    return next(i.due for i in state.items.values() if i.item == item)


def test_a_duration_counts_from_the_moment_the_task_becomes_active() -> None:
    engine = case_engine("P2D", "PT4H")
    started = engine.start("c", {}, T0).state
    assert due_of(started, "a") == T0 + timedelta(days=2)
    later = T0 + timedelta(hours=30)
    done = engine.execute(started, Command("complete", "a"), later).state
    assert due_of(done, "b") == later + timedelta(hours=4)  # from its own start, not the case's


def test_a_date_or_an_expression_on_the_case_file() -> None:
    fixed = case_engine("2026-02-01T17:00:00Z").start("c", {}, T0).state
    assert due_of(fixed, "a").isoformat() == "2026-02-01T17:00:00+00:00"
    engine = case_engine("${deadline}")
    state = engine.start("c", {"deadline": "2026-03-01T12:00:00+01:00"}, T0).state
    assert due_of(state, "a").isoformat() == "2026-03-01T11:00:00+00:00"
    # a field that is missing or empty leaves the task without a due date, and it still runs
    assert due_of(engine.start("d", {}, T0).state, "a") is None


def test_the_due_date_survives_a_store() -> None:
    state = case_engine("P2D").start("c", {}, T0).state
    assert due_of(load_state(dump_state(state)), "a") == T0 + timedelta(days=2)


def test_a_bpmn_user_task_with_a_camunda_due_date() -> None:
    body = (
        '<startEvent id="s"/>' + flow("f1", "s", "u")
        + f'<userTask id="u" name="Approve"{CAMUNDA.format("PT8H")}/>' + flow("f2", "u", "e")
        + '<endEvent id="e"/>'
    )  # fmt: skip
    engine = ProcessEngine(compile_process(read_model(process_xml(body), "t.bpmn")))
    state = engine.start("p", {}, T0).state
    assert due_of(state, "u") == T0 + timedelta(hours=8)


def problems_of(xml: bytes, folder) -> list:
    path = folder / "t.cmmn"
    path.write_bytes(xml)
    return validate_file(path)


@pytest.mark.parametrize(
    ("attrs", "code", "words"),
    [
        (FLOWABLE.format("P2X"), "timer.invalid", "the due date of 'ht_a'"),
        (FLOWABLE.format("deadline +"), "timer.invalid", "neither an ISO-8601"),
    ],
)
def test_validation_names_a_bad_due_date(attrs: str, code: str, words: str, tmp_path) -> None:
    problems = problems_of(case_xml(task("a", "Check", attrs=attrs)), tmp_path)
    found = [p for p in problems if p.code == code]
    assert found and words in found[0].message, problems


def test_a_due_date_where_no_person_works_is_a_warning(tmp_path) -> None:
    body = (
        '<planItem id="st" definitionRef="stage"/>'
        f'<stage id="stage" name="Review"{FLOWABLE.format("P1D")}/>'
    )
    problems = problems_of(case_xml(body), tmp_path)
    assert [p.code for p in problems if p.code.startswith("vendor")] == ["vendor.unsupported"]
    assert any("only on human, user and manual tasks" in p.message for p in problems)
