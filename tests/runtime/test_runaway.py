"""Runaway models end as an incident on the case within the loop budget: the command that set
them off is refused, the case keeps the state it had before, the incident is recorded (and
stored), and the case goes on working."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.runtime.engine import unit
from studio.runtime.store import SqlStore
from studio.runtime.store.migrate import upgrade
from studio.testing.case_driver import open_case_driver
from studio.testing.driver import ActionRefused
from tests.runtime.engine_helpers import T0

ALWAYS = "<itemControl><repetitionRule/></itemControl>"
MODELS = {
    # A non-blocking task repeating without entry criteria and without a condition, in a stage
    # a user starts: every instance completes at once and makes the next one.
    "repetition": f"""
      <planItem id="st" name="Loop" definitionRef="stage"><itemControl><manualActivationRule/>
        </itemControl></planItem>
      <stage id="stage" autoComplete="true">
        <planItem id="again" name="Again" definitionRef="ht_again">{ALWAYS}</planItem>
        <humanTask id="ht_again" isBlocking="false"/>
      </stage>""",
    # Two repeating milestones, each entered when the other occurs; a task's completion starts it.
    "sentries": f"""
      <planItem id="go" name="Go" definitionRef="ht_go"/><humanTask id="ht_go"/>
      <planItem id="m1" definitionRef="ms1">{ALWAYS}<entryCriterion id="e1" sentryRef="s1"/>
        <entryCriterion id="e1go" sentryRef="s_go"/></planItem>
      <planItem id="m2" definitionRef="ms2">{ALWAYS}<entryCriterion id="e2" sentryRef="s2"/>
        </planItem>
      <sentry id="s1"><planItemOnPart id="o1" sourceRef="m2"><standardEvent>occur</standardEvent>
        </planItemOnPart></sentry>
      <sentry id="s2"><planItemOnPart id="o2" sourceRef="m1"><standardEvent>occur</standardEvent>
        </planItemOnPart></sentry>
      <sentry id="s_go"><planItemOnPart id="og" sourceRef="go"><standardEvent>complete
        </standardEvent></planItemOnPart></sentry>
      <milestone id="ms1"/><milestone id="ms2"/>""",
}
TRIGGER = {"repetition": "st", "sentries": "go"}
ACTION = {"repetition": "start", "sentries": "complete"}


def model_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.cmmn"
    path.write_text(
        '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">'
        '<case id="Runaway"><casePlanModel id="plan" autoComplete="false">'
        '<planItem id="keep" name="Keep" definitionRef="ht_keep"/><humanTask id="ht_keep"/>'
        f"{MODELS[kind]}</casePlanModel></case></definitions>"
    )
    return path


def snapshot(case) -> list[tuple[str, str]]:
    return sorted((i.key, i.state) for i in case.items())


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_a_runaway_is_an_incident_and_the_case_keeps_its_state(tmp_path, kind):
    case = open_case_driver(model_file(tmp_path, kind), None)
    case.start({}, T0)
    before, events = snapshot(case), len(case.history())
    with pytest.raises(ActionRefused, match=r"incident: more than 10000 operations"):
        case.perform(ACTION[kind], TRIGGER[kind])
    state = case._state()
    assert snapshot(case) == before and state.state == "active"
    [incident] = state.incidents
    assert incident.code == "loop.budget" and "keep triggering each other" in incident.message
    assert [e.event for _, e in case.history()[events:]] == ["incident"]
    case.perform("complete", "keep")  # the case still works
    assert dict(snapshot(case))["keep"] == "completed"


@pytest.mark.parametrize("budget", [10_000, 500])
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_a_runaway_stops_after_exactly_the_loop_budget(tmp_path, monkeypatch, kind, budget):
    """The budget, not the model, decides when a runaway ends: the command runs exactly
    `LOOP_BUDGET` operations, then stops."""
    monkeypatch.setattr(unit, "LOOP_BUDGET", budget)
    case = open_case_driver(model_file(tmp_path, kind), None)
    case.start({}, T0)
    ran = [0]
    push = unit.UnitOfWork.push

    def counted(self, operation):
        def run() -> None:
            ran[0] += 1
            operation()

        push(self, run)

    monkeypatch.setattr(unit.UnitOfWork, "push", counted)
    with pytest.raises(ActionRefused, match=f"more than {budget} operations"):
        case.perform(ACTION[kind], TRIGGER[kind])
    assert ran[0] == budget


def test_the_incident_is_stored_with_the_case(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    upgrade(url)
    store = SqlStore(url)
    case = open_case_driver(model_file(tmp_path, "repetition"), None, store=store)
    case.start({}, T0)
    with pytest.raises(ActionRefused):
        case.perform("start", "st")
    stored = SqlStore(url, cache_size=0).load(case._state().id)
    assert [i.code for i in stored.state.incidents] == ["loop.budget"]
    assert {i.item: i.state for i in stored.state.items.values()}["st"] == "enabled"
    history = store.history(case._state().id)
    assert history[-1].event == "incident"
