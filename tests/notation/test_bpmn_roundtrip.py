"""Every BPMN model of ../shared (MIWG reference set, acceptance models) is read into the typed
model and rewritten, losslessly, into XSD-valid, stable XML."""

from __future__ import annotations

from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

import pytest
from lxml import etree

from studio.notation import read_model, read_model_file, write_model
from studio.notation.bpmn import BpmnIndex
from studio.notation.bpmn_model import (
    Activity,
    BoundaryEvent,
    BpmnDefinitions,
    CallActivity,
    Event,
    EventBasedGateway,
    ExclusiveGateway,
    InclusiveGateway,
    IntermediateCatchEvent,
    LinkEventDefinition,
    MultiInstanceLoopCharacteristics,
    ParallelGateway,
    ReceiveTask,
    ScriptTask,
    SendTask,
    StandardLoopCharacteristics,
    SubProcess,
    TimerEventDefinition,
    UserTask,
)
from studio.notation.canonical import repair_ids
from tests.conftest import SHARED, shared_files, shared_path

MIWG = shared_files("conformance/bpmn-miwg", "*.bpmn")
ACCEPTANCE = shared_files("acceptance", "bpmn/*.bpmn", "mixed/*.bpmn")
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
ACTIVITI = "http://activiti.org/bpmn"


@lru_cache(maxsize=1)
def bpmn_schema() -> etree.XMLSchema:
    xsd = shared_path("conformance/xsd/bpmn20/BPMN20.xsd")
    return etree.XMLSchema(etree.parse(str(xsd)))


@cache
def rewritten(path: Path) -> bytes:
    return write_model(read_model_file(path))


@cache
def model(path: Path) -> BpmnDefinitions:
    return read_model_file(path)


def miwg(name: str) -> Path:
    return shared_path("conformance/bpmn-miwg", name)


# -- comparison helpers -------------------------------------------------------------------------


def _resolve_qname(value: str, node: etree._Element) -> str:
    prefix, sep, local = value.rpartition(":")
    return f"{{{node.nsmap.get(prefix if sep else None)}}}{local}"


def _normal(name: str, value: str, node: etree._Element, renames: dict[str, str]) -> str:
    if name == XSI_TYPE:
        return _resolve_qname(value, node)  # the prefix may change, the type may not
    if value in ("1", "0"):
        return {"1": "true", "0": "false"}[value]
    try:
        return repr(float(value))  # numbers are written canonically: 100.0 -> 100
    except ValueError:
        pass
    return " ".join(renames.get(t.rpartition(":")[2], t) for t in value.split(" "))


def _attributes_by_id(root: etree._Element, renames: dict[str, str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("id") is not None:
            ident = renames.get(node.get("id"), node.get("id"))
            found[ident] = {k: _normal(k, v, node, renames) for k, v in node.attrib.items()}
    return found


def _texts(root: etree._Element) -> Counter:
    return Counter(
        (node.tag, (node.text or "").strip()) for node in root.iter() if isinstance(node.tag, str)
    )


def assert_lossless(path: Path, output: bytes) -> None:
    """Same elements (counted per tag), same ids, same attribute values, same texts."""
    before = etree.parse(str(path)).getroot()
    after = etree.fromstring(output)
    counts_before = Counter(n.tag for n in before.iter() if isinstance(n.tag, str))
    counts_after = Counter(n.tag for n in after.iter() if isinstance(n.tag, str))
    assert counts_after == counts_before, {
        tag: (counts_before[tag], counts_after[tag])
        for tag in counts_before | counts_after
        if counts_before[tag] != counts_after[tag]
    }
    renames = repair_ids(model(path))[1]  # ids that are not NCNames get valid ones
    attrs_before = _attributes_by_id(before, renames)
    attrs_after = _attributes_by_id(after, {})
    assert set(attrs_after) == set(attrs_before)
    for ident, attrs in attrs_before.items():
        assert attrs_after[ident] == attrs, ident
    assert _texts(after) == _texts(before)


# -- the conformance set ------------------------------------------------------------------------


def test_the_miwg_reference_set_is_there():
    if not SHARED.exists():
        pytest.skip("../shared is not available (it must sit beside the repository)")
    assert len(MIWG) == 21


@pytest.mark.conformance
@pytest.mark.parametrize("path", MIWG, ids=lambda p: p.name)
def test_miwg_rewrite_is_schema_valid_lossless_and_stable(path):
    output = rewritten(path)
    schema = bpmn_schema()
    assert schema.validate(etree.fromstring(output)), schema.error_log.last_error
    assert_lossless(path, output)
    assert write_model(read_model(output, path.name)) == output


@pytest.mark.conformance
@pytest.mark.parametrize("path", MIWG, ids=lambda p: p.name)
def test_miwg_models_are_fully_typed(path):
    """Every BPMN element lands in a typed field: only vendor content stays untyped."""
    from studio.notation.binding import iter_elements
    from studio.notation.bpmn_di import DiExtension
    from studio.notation.bpmn_model import ExtensionElements

    untyped = [
        (type(element).__name__, raw.tag)
        for element in iter_elements(model(path))
        if not isinstance(element, ExtensionElements | DiExtension)
        for _, raw in element.unknown
        if raw.tag.startswith("{http://www.omg.org/spec/")
    ]
    assert untyped == []


@pytest.mark.conformance
def test_c_1_0_conditions_lanes_and_vendor_attributes():
    definitions = model(miwg("C.1.0.bpmn"))
    index = BpmnIndex(definitions)
    process = index.processes["bpmn-miwg-test-case-c.1.0"]
    conditions = {f.id: f.condition for f in process.sequence_flows if f.condition is not None}
    assert conditions == {
        "invoiceApproved": "${approved}",
        "invoiceNotApproved": "${!approved}",
        "reviewSuccessful": "${clarified == 'yes'}",
        "reviewNotSuccessful": "${clarified == 'no'}",
    }
    flow = index.sequence_flows["invoiceApproved"]
    assert flow.condition_expression.xsi_type == "tFormalExpression"
    gateway = index.by_id["invoice_approved"]
    assert isinstance(gateway, ExclusiveGateway)
    assert [f.id for f in index.outgoing(gateway.id)] == ["invoiceApproved", "invoiceNotApproved"]
    approve = index.by_id["approveInvoice"]
    assert isinstance(approve, UserTask)
    assert approve.extra(f"{{{ACTIVITI}}}assignee") == "${approver}"
    assert index.lane_of["approveInvoice"].name == "Approver"
    assert {lane.name for lane in process.lanes} >= {"Approver", "Team Assistant", "Accountant"}
    assert index.messages_by_name["invoice-received-C.1.0"].id.startswith("sid-")
    assert len(index.message_flows) == 5
    assert index.participant_of[process.id].name == "Process Engine - Invoice Receipt"
    team_assistant = index.processes["sid-5FBB6CB3-8A7C-42B5-9024-15BB2684EC57"]
    assert any(isinstance(n, EventBasedGateway) for n in index.flow_nodes_of(team_assistant.id))


@pytest.mark.conformance
def test_b_2_0_gateways_events_and_loops():
    definitions = model(miwg("B.2.0.bpmn"))
    nodes = [e for process in definitions.processes for e in process.iter_flow_elements()]
    kinds = Counter(type(n) for n in nodes)
    assert kinds[ExclusiveGateway] == 2
    assert kinds[InclusiveGateway] == 2
    assert kinds[ParallelGateway] == 3
    assert kinds[EventBasedGateway] == 1
    assert kinds[SendTask] == kinds[ReceiveTask] == 1
    assert kinds[CallActivity] == 3
    triggers = Counter(n.trigger for n in nodes if isinstance(n, Event))
    for kind in ("message", "timer", "signal", "error", "escalation", "conditional", "link"):
        assert triggers[kind] >= 1, kind
    assert triggers["terminate"] == 1
    inclusive = next(n for n in nodes if isinstance(n, InclusiveGateway) and n.default)
    assert inclusive.default == "_be19c2da-316a-47f6-ad7b-eb6c82bf8609"
    links = [d for n in nodes if isinstance(n, Event) for d in n.event_definitions]
    assert {d.name for d in links if isinstance(d, LinkEventDefinition)} == {
        "Intermediate Event Link"
    }
    events = [n for n in nodes if isinstance(n, Event)]
    timers = [n.definition(TimerEventDefinition) for n in events if n.trigger == "timer"]
    assert all(t.time_date is not None for t in timers)
    loops = [n.loop_characteristics for n in nodes if isinstance(n, Activity)]
    multi = [loop for loop in loops if isinstance(loop, MultiInstanceLoopCharacteristics)]
    assert sorted(loop.sequential for loop in multi) == [False, False, True]
    assert any(isinstance(loop, StandardLoopCharacteristics) for loop in loops)
    assert {m.id for m in definitions.messages} == {
        "Message_1373638080954",
        "Message_1373638080955",
    }


@pytest.mark.conformance
def test_a_3_0_boundary_events_are_attached_to_their_hosts():
    definitions = model(miwg("A.3.0.bpmn"))
    index = BpmnIndex(definitions)
    boundaries = [e for p in definitions.processes for e in p.boundary_events]
    assert len(boundaries) == 2
    host = "_1ae31d1b-2559-4f78-a3ec-47986a49db48"
    assert {b.attached_to_ref for b in boundaries} == {host}
    assert isinstance(index.by_id[host], SubProcess)
    assert index.boundary_events_of(host) == tuple(boundaries)
    by_trigger = {b.trigger: b for b in boundaries}
    assert by_trigger["message"].interrupting is False
    assert by_trigger["escalation"].interrupting is True
    assert all(isinstance(b, BoundaryEvent) for b in boundaries)
    assert index.shapes[host].is_expanded is False  # drawn collapsed


# -- acceptance models --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ACCEPTANCE, ids=lambda p: p.name)
def test_acceptance_models_rewrite_valid_and_stable(path):
    output = rewritten(path)
    schema = bpmn_schema()
    assert schema.validate(etree.fromstring(output)), schema.error_log.last_error
    assert_lossless(path, output)
    assert write_model(read_model(output, path.name)) == output


def test_acceptance_order_process():
    definitions = model(shared_path("acceptance/bpmn/order.bpmn"))
    index = BpmnIndex(definitions)
    process = definitions.process("Order")
    assert process is not None and process.is_executable is True
    gateway = index.by_id["xor_amount"]
    assert isinstance(gateway, ExclusiveGateway) and gateway.default == "f_small"
    assert index.sequence_flows["f_large"].condition == "total > 1000"
    assert index.sequence_flows["f_small"].condition is None
    assert [f.target_ref for f in index.outgoing("split")] == ["pack", "invoice"]
    assert [f.source_ref for f in index.incoming("join")] == ["pack", "invoice"]
    ship = index.by_id["ship"]
    assert isinstance(ship, ScriptTask) and ship.script_format == "python"
    assert ship.script_source.splitlines() == ['status = "shipped"', "shipped_total = total"]
    assert [n.id for n in process.start_events] == ["start"]


def test_acceptance_payment_timers():
    definitions = model(shared_path("acceptance/bpmn/payment.bpmn"))
    index = BpmnIndex(definitions)
    (late,) = index.boundary_events_of("wait")
    assert late.id == "late" and late.interrupting
    assert late.definition(TimerEventDefinition).timer == ("duration", "PT72H")
    grace = index.by_id["grace"]
    assert isinstance(grace, IntermediateCatchEvent)
    assert grace.definition(TimerEventDefinition).timer == ("duration", "P7D")
    assert index.process_of["grace"].id == "Payment"


def test_acceptance_mixed_invoice_check():
    definitions = model(shared_path("acceptance/mixed/invoice_check.bpmn"))
    index = BpmnIndex(definitions)
    match = index.by_id["match"]
    assert isinstance(match, ScriptTask)
    assert match.script_source.startswith('matched = invoice["po_amount"]')
    assert index.by_id["xor"].default == "f_manual"
    assert index.sequence_flows["f_auto"].condition == "matched"
