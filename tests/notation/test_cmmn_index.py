"""The CMMN index: where plan items sit, how references are read."""

from __future__ import annotations

import pytest

from studio.notation import read_model, read_model_file, write_model
from studio.notation.cmmn import CmmnIndex
from studio.notation.cmmn_model import PlanFragment, Stage
from tests.conftest import shared_path


@pytest.mark.conformance
def test_plan_fragment_items_belong_to_the_enclosing_stage():
    model = read_model_file(
        shared_path(
            "conformance/cmmn/flowable/PlanFragmentTest.testPlanFragmentsHaveNoRuntimeImpact.cmmn.xml"
        )
    )
    index = CmmnIndex(model)
    fragments = [
        e for e in index.by_id.values() if isinstance(e, PlanFragment) and not isinstance(e, Stage)
    ]
    assert fragments
    for fragment in fragments:
        for item in fragment.plan_items:
            stage = index.plan_items[item.id].stage
            assert isinstance(stage, Stage)
            assert fragment in stage.plan_item_definitions


def test_flowable_sentry_ref_is_read_as_the_standard_one():
    data = b"""<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"
      xmlns:flowable="http://flowable.org/cmmn" targetNamespace="t"><case id="c">
      <casePlanModel id="p"><planItem id="i" definitionRef="t">
      <entryCriterion id="e" flowable:sentryRef="s"/></planItem>
      <sentry id="s"><ifPart><condition>true</condition></ifPart></sentry>
      <humanTask id="t"/></casePlanModel></case></definitions>"""
    model = read_model(data, "f.cmmn")
    criterion = CmmnIndex(model).plan_items["i"].item.entry_criteria[0]
    assert criterion.sentry_ref == "s"
    assert b'sentryRef="s"' in write_model(model)
    assert b"flowable:sentryRef" not in write_model(model)


def test_index_knows_nested_stages_and_discretionary_items():
    data = b"""<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
      <case id="c"><casePlanModel id="p">
        <planItem id="pi_s" definitionRef="st"/>
        <stage id="st"><planItem id="pi_t" definitionRef="ht"/>
          <planningTable id="tab"><discretionaryItem id="di" definitionRef="ht2"/></planningTable>
          <humanTask id="ht"/><humanTask id="ht2"/></stage>
      </casePlanModel></case></definitions>"""
    index = CmmnIndex(read_model(data, "n.cmmn"))
    assert index.plan_items["pi_t"].stage.id == "st"
    assert index.plan_items["di"].stage.id == "st"
    assert index.plan_items["pi_s"].stage.id == "p"
