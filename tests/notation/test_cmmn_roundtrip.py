"""Every CMMN model of ../shared/conformance is rewritten, losslessly, into XSD-valid XML."""

from __future__ import annotations

import subprocess
import sys
from functools import lru_cache

import pytest
from lxml import etree

from studio.notation import read_model, read_model_file
from studio.notation.cmmn import CmmnIndex
from studio.notation.cmmn_model import HumanTask, Stage, TimerEventListener
from tests.conftest import SHARED, shared_files, shared_path
from tests.notation.roundtrip import assert_lossless, assert_stable, rewrite

CMMN_MODELS = shared_files("conformance/cmmn", "flowable/*.cmmn*", "cmmn-js/*.cmmn")
LABEL = "{http://www.omg.org/spec/CMMN/20151109/CMMNDI}CMMNLabel"


@lru_cache(maxsize=1)
def cmmn_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(shared_path("conformance/xsd/cmmn11/CMMN11.xsd"))))


def test_the_conformance_set_is_there():
    if not SHARED.exists():
        pytest.skip("../shared is not available")
    assert len(CMMN_MODELS) == 59


@pytest.mark.conformance
@pytest.mark.parametrize("path", CMMN_MODELS, ids=lambda p: p.name)
def test_rewrite_is_schema_valid_lossless_and_stable(path):
    original = path.read_bytes()
    rewritten = rewrite(path)
    schema = cmmn_schema()
    assert schema.validate(etree.fromstring(rewritten)), schema.error_log.last_error
    assert_lossless(original, rewritten, added={LABEL})
    assert_stable(rewritten, str(path))


@pytest.mark.conformance
def test_fmt_command_rewrites_in_place(tmp_path):
    source = shared_path("conformance/cmmn/cmmn-js/simple.cmmn")
    target = tmp_path / "simple.cmmn"
    target.write_bytes(source.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "studio", "fmt", str(target)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert cmmn_schema().validate(etree.parse(str(target)))
    assert b'di:id="' not in target.read_bytes()  # cmmn-js's di:id became the schema's id


@pytest.mark.conformance
def test_fmt_refuses_unreadable_file_with_exit_2(tmp_path):
    target = tmp_path / "broken.cmmn"
    target.write_bytes(b"<definitions")
    done = subprocess.run(
        [sys.executable, "-m", "studio", "fmt", str(target)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "broken.cmmn" in done.stderr and "Traceback" not in done.stderr
    assert target.read_bytes() == b"<definitions"  # nothing lost


@pytest.mark.conformance
def test_element_order_is_repaired():
    path = shared_path("conformance/cmmn/cmmn-js/CmmnUpdater.case-file-item-on-part.cmmn")
    assert not cmmn_schema().validate(etree.parse(str(path)))
    assert cmmn_schema().validate(etree.fromstring(rewrite(path)))


@pytest.mark.conformance
def test_invalid_ids_are_renamed_with_their_references():
    path = shared_path("conformance/cmmn/cmmn-js/complex.cmmn")
    rewritten = rewrite(path)
    assert b'id="1c9b27425' not in rewritten
    assert b'id="_1c9b27425' in rewritten


@pytest.mark.conformance
def test_typed_content_of_a_flowable_model():
    model = read_model_file(
        shared_path(
            "conformance/cmmn/flowable/TimerEventListenerTest.testTimerExpressionDuration.cmmn"
        )
    )
    plan = model.cases[0].case_plan_model
    timers = [d for d in plan.plan_item_definitions if isinstance(d, TimerEventListener)]
    assert timers and timers[0].timer_expression.source.startswith("PT")
    index = CmmnIndex(model)
    task_items = [i for i in index.plan_items.values() if isinstance(i.definition, HumanTask)]
    assert task_items and task_items[0].item.entry_criteria


@pytest.mark.conformance
def test_vendor_attributes_survive():
    path = shared_path("conformance/cmmn/flowable/RequiredRuleTest.testComplexCase.cmmn")
    model = read_model_file(path)
    stages = [
        d for d in model.cases[0].case_plan_model.plan_item_definitions if isinstance(d, Stage)
    ]
    assert stages
    assert b"flowable:" in rewrite(path)


def test_unknown_extension_elements_keep_their_place():
    data = b"""<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"
      xmlns:x="urn:x" targetNamespace="urn:t">
      <case id="c"><casePlanModel id="p">
        <planItem id="i" definitionRef="t"/>
        <humanTask id="t" x:flag="on"><extensionElements><x:form key="a"><x:f/></x:form>
        </extensionElements></humanTask>
      </casePlanModel></case></definitions>"""
    from studio.notation import write_model

    out = write_model(read_model(data, "x.cmmn"))
    assert b'x:flag="on"' in out
    assert b'<x:form key="a">' in out and b"<x:f/>" in out
    task = read_model(out, "x.cmmn").cases[0].case_plan_model.plan_item_definitions[0]
    assert task.extra("{urn:x}flag") == "on"
