"""The case file: declared items only, JSON Schema checked on every write, every write recorded."""

from __future__ import annotations

import pytest

from studio.notation import read_model
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command, Refused
from tests.runtime.engine_helpers import T0, case_xml, task

CASE_FILE = '<caseFileModel id="cfm"><caseFileItem id="cfi" name="claim"/></caseFileModel>'
SCHEMA = {
    "type": "object",
    "properties": {
        "claim": {
            "type": "object",
            "properties": {"amount": {"type": "number", "minimum": 0}},
            "required": ["amount"],
        }
    },
}


def engine(schema=None) -> CaseEngine:
    model = read_model(case_xml(task("a") + task("b"), case_extra=CASE_FILE), "t.cmmn")
    loader = (lambda name: schema if name == "C.schema.json" else None) if schema else None
    return CaseEngine(compile_case(model, None, loader))


def test_writes_to_undeclared_items_are_refused():
    eng = engine()
    state = eng.start("c", {}, T0).state
    with pytest.raises(Refused) as refused:
        eng.execute(state, Command("set", None, {"invoice.amount": 3}), T0)
    assert "invoice" in str(refused.value) and "claim" in str(refused.value)
    eng.execute(state, Command("set", None, {"claim.amount": 3}), T0)


def test_writes_breaking_the_schema_are_refused_naming_the_path():
    eng = engine(SCHEMA)
    state = eng.start("c", {"claim": {"amount": 1}}, T0).state
    with pytest.raises(Refused) as refused:
        eng.execute(state, Command("set", None, {"claim.amount": -5}), T0)
    assert "claim.amount" in str(refused.value)
    with pytest.raises(Refused):
        eng.execute(state, Command("complete", "a", {"claim": {"amount": "many"}}), T0)
    assert state.data == {"claim": {"amount": 1}}  # nothing changed
    ok = eng.execute(state, Command("set", None, {"claim.amount": 7}), T0).state
    assert ok.data == {"claim": {"amount": 7}}


def test_every_write_is_recorded_with_its_event_and_user():
    eng = engine()
    state = eng.start("c", {}, T0).state
    out = eng.execute(state, Command("set", None, {"claim": {"amount": 1}}, user="kermit"), T0)
    writes = [(e.item, e.event, e.user) for e in out.history if e.cause == "case file"]
    assert writes == [("claim", "create", "kermit")]
    again = eng.execute(out.state, Command("set", None, {"claim.amount": 1}), T0)
    assert not [e for e in again.history if e.cause == "case file"]  # identical: no event
