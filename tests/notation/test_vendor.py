"""Vendor extensions: translated into execution hints where they map, listed otherwise."""

from __future__ import annotations

from studio.notation import read_model
from studio.notation.cmmn import CmmnIndex
from studio.notation.vendor import execution_hints, vendor_extensions

MODEL = b"""<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"
  xmlns:flowable="http://flowable.org/cmmn" targetNamespace="t"><case id="c">
  <casePlanModel id="p"><planItem id="i" definitionRef="t"/>
  <humanTask id="t" flowable:assignee="kermit" flowable:candidateGroups="managers"
     flowable:formKey="approval" flowable:async="true" flowable:includeInStageOverview="false">
    <extensionElements><flowable:taskListener event="create" class="com.acme.X"/></extensionElements>
  </humanTask></casePlanModel></case></definitions>"""


def test_translated_attributes_become_hints():
    model = read_model(MODEL, "v.cmmn")
    task = CmmnIndex(model).by_id["t"]
    assert execution_hints(task) == {
        "assignee": "kermit",
        "performer": "managers",
        "form": "approval",
        "async": "true",
    }


def test_every_vendor_attribute_and_element_is_listed():
    found = {(e.name, e.is_element) for e in vendor_extensions(read_model(MODEL, "v.cmmn"))}
    assert ("taskListener", True) in found
    assert ("includeInStageOverview", False) in found
    assert len(found) == 6
