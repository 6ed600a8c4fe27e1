"""Diffs between versions: files added, removed, changed; what changed in a model, element by
element, in lines a person reads; a unified text diff of every text file."""

from __future__ import annotations

from studio.editor.projects.diff import diff_files

CASE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"
    xmlns:cmmndi="http://www.omg.org/spec/CMMN/20151109/CMMNDI"
    xmlns:dc="http://www.omg.org/spec/CMMN/20151109/DC"
    xmlns:flowable="http://flowable.org/cmmn" id="defs" targetNamespace="t">
  <case id="InvoiceCase" name="Invoice">
    <casePlanModel id="plan" name="Invoice">
      <planItem id="pi_check" name="Check invoice" definitionRef="ht_check"/>
      <planItem id="pi_pay" name="Pay" definitionRef="ht_pay">
        <entryCriterion id="ec_pay" sentryRef="S1"/>
      </planItem>
      <planItem id="pi_review" name="Review" definitionRef="stage_review"/>
      <sentry id="S1">
        <planItemOnPart id="op_pay" sourceRef="pi_check">
          <standardEvent>complete</standardEvent>
        </planItemOnPart>
        <ifPart id="if_pay"><condition>amount &lt; 1000</condition></ifPart>
      </sentry>
      <humanTask id="ht_check" name="Check invoice" flowable:assignee="ann"/>
      <humanTask id="ht_pay" name="Pay"/>
      <stage id="stage_review" name="Review">
        <planItem id="pi_audit" name="Audit" definitionRef="ht_audit"/>
        <humanTask id="ht_audit" name="Audit"/>
      </stage>
    </casePlanModel>
  </case>
  <cmmndi:CMMNDI>
    <cmmndi:CMMNDiagram id="diagram">
      <cmmndi:CMMNShape id="pi_check_di" cmmnElementRef="pi_check">
        <dc:Bounds x="100" y="100" width="100" height="80"/>
      </cmmndi:CMMNShape>
    </cmmndi:CMMNDiagram>
  </cmmndi:CMMNDI>
</definitions>
"""

FLOW = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="t">
  <process id="Check" name="Check" isExecutable="true">
    <startEvent id="start"/>
    <exclusiveGateway id="gw" name="Matched?"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
    <sequenceFlow id="f_yes" name="yes" sourceRef="gw" targetRef="end">
      <conditionExpression xsi:type="tFormalExpression">matched</conditionExpression>
    </sequenceFlow>
    <endEvent id="end"/>
  </process>
</definitions>
"""


def changes_of(old: str, new: str, path: str = "invoice.cmmn") -> list[str]:
    diff = diff_files({path: old.encode()}, {path: new.encode()}, "version 1", "version 2")
    (entry,) = diff["files"]
    assert entry["status"] == "changed"
    return [change["text"] for change in entry["changes"]]


def test_a_renamed_task_is_one_readable_line_per_element() -> None:
    new = CASE.replace('name="Check invoice"', 'name="Check the invoice"')
    assert changes_of(CASE, new) == [
        "Plan item pi_check: renamed from 'Check invoice' to 'Check the invoice'",
        "Human task ht_check: renamed from 'Check invoice' to 'Check the invoice'",
    ]


def test_a_changed_sentry_condition_names_the_sentry_and_both_conditions() -> None:
    new = CASE.replace("amount &lt; 1000", "amount &lt; 5000")
    assert changes_of(CASE, new) == [
        "Sentry S1: if-part condition changed from 'amount < 1000' to 'amount < 5000'"
    ]


def test_a_changed_on_part_event_and_extension_attribute_are_properties() -> None:
    new = CASE.replace("<standardEvent>complete", "<standardEvent>terminate").replace(
        'flowable:assignee="ann"', 'flowable:assignee="bob"'
    )
    assert changes_of(CASE, new) == [
        "Sentry S1: on-part op_pay standard event changed from 'complete' to 'terminate'",
        "Human task 'Check invoice' (ht_check): flowable:assignee changed from 'ann' to 'bob'",
    ]


def test_added_removed_and_moved_elements() -> None:
    new = (
        CASE.replace('      <planItem id="pi_pay" name="Pay" definitionRef="ht_pay">\n', "")
        .replace('        <entryCriterion id="ec_pay" sentryRef="S1"/>\n      </planItem>\n', "")
        .replace(
            '<humanTask id="ht_pay" name="Pay"/>',
            '<milestone id="ms_paid" name="Paid"/>',
        )
        .replace(
            '        <humanTask id="ht_audit" name="Audit"/>\n      </stage>',
            '      </stage>\n      <humanTask id="ht_audit" name="Audit"/>',
        )
    )
    lines = changes_of(CASE, new)
    assert "Milestone 'Paid' (ms_paid) added" in lines
    assert "Plan item 'Pay' (pi_pay) removed" in lines
    assert "Entry criterion ec_pay removed" in lines
    assert "Human task 'Pay' (ht_pay) removed" in lines
    assert (
        "Human task 'Audit' (ht_audit): moved from stage 'Review' (stage_review) "
        "to stage 'Invoice' (plan)" in lines
    )


def test_moving_a_shape_is_summed_up_as_layout() -> None:
    new = CASE.replace('x="100" y="100"', 'x="140" y="100"')
    assert changes_of(CASE, new) == ["Diagram layout: 1 changed (shapes and edges)"]


def test_a_bpmn_condition_change_names_the_flow() -> None:
    new = FLOW.replace(">matched<", ">not matched<")
    assert changes_of(FLOW, new, "check.bpmn") == [
        "Sequence flow 'yes' (f_yes): condition expression changed from 'matched' to 'not matched'"
    ]


def test_every_text_file_gets_a_unified_diff_and_files_are_added_and_removed() -> None:
    old = {"invoice.cmmn": CASE.encode(), "a.json": b'{"a": 1}\n', "old.csv": b"x\n"}
    new = {
        "invoice.cmmn": CASE.replace("amount &lt; 1000", "amount &lt; 2000").encode(),
        "a.json": b'{"a": 2}\n',
        "new.jsonl": b"{}\n",
    }
    diff = diff_files(old, new, "version 3", "version 4")
    assert diff["summary"] == "1 added, 1 removed, 2 changed (0 unchanged)"
    by_path = {entry["path"]: entry for entry in diff["files"]}
    assert by_path["a.json"]["diff"] == (
        '--- a.json (version 3)\n+++ a.json (version 4)\n@@ -1 +1 @@\n-{"a": 1}\n+{"a": 2}\n'
    )
    assert (by_path["new.jsonl"]["status"], by_path["old.csv"]["status"]) == ("added", "removed")
    assert by_path["new.jsonl"]["diff"].startswith("--- /dev/null\n+++ new.jsonl (version 4)")
    model = by_path["invoice.cmmn"]["diff"]
    assert '-        <ifPart id="if_pay"><condition>amount &lt; 1000' in model
    assert '+        <ifPart id="if_pay"><condition>amount &lt; 2000' in model


def test_a_model_that_does_not_parse_gets_its_text_diff_and_a_note() -> None:
    broken = CASE.replace("</definitions>", "")
    diff = diff_files({"a.cmmn": CASE.encode()}, {"a.cmmn": broken.encode()}, "v1", "v2")
    (entry,) = diff["files"]
    assert entry["changes"] is None
    assert entry["note"].startswith("elements not compared: a.cmmn: the file ends before")
    assert "\n-</definitions>\n" in entry["diff"]


def test_a_file_rewritten_from_top_to_bottom_gets_a_note_instead_of_a_slow_diff() -> None:
    old = "".join(f'{{"n": {n}}}\n' for n in range(5000)).encode()
    new = "".join(f'{{"m": {n}}}\n' for n in range(5000)).encode()
    (entry,) = diff_files({"d.jsonl": old}, {"d.jsonl": new}, "v1", "v2")["files"]
    assert entry["diff"] is None
    assert entry["note"] == "too many changes for a line diff (10000 lines changed)"


def test_a_small_change_in_a_large_file_still_gets_its_diff() -> None:
    lines = [f'{{"n": {n}}}\n' for n in range(20000)]
    changed = [*lines[:10], '{"n": "ten"}\n', *lines[11:]]
    (entry,) = diff_files(
        {"d.jsonl": "".join(lines).encode()}, {"d.jsonl": "".join(changed).encode()}, "v1", "v2"
    )["files"]
    assert '-{"n": 10}\n+{"n": "ten"}' in entry["diff"]
