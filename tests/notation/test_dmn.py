"""DMN 1.3 decision tables: typed content, lossless and stable round trips, older versions.

There is no DMN XSD in ../shared, so the output is checked for losslessness and stability only.
"""

from __future__ import annotations

from collections import Counter

import pytest
from lxml import etree

from studio.notation import read_model, write_model
from studio.notation.dmn_model import (
    BusinessKnowledgeModel,
    Decision,
    DecisionTable,
    DmnDefinitions,
    InputData,
    KnowledgeSource,
    LiteralExpression,
)
from studio.notation.namespaces import DMN, DMNDI

DMN12 = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMNDI12 = "http://www.omg.org/spec/DMN/20180521/DMNDI/"
DMN11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"

RISK = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{model}" xmlns:dmndi="{dmndi}" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/"
    xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="risk_defs" name="Risk" namespace="http://example.org/dmn">
  <itemDefinition id="t_kind" name="kind" isCollection="false">
    <typeRef>string</typeRef>
    <allowedValues><text>"vip","regular"</text></allowedValues>
  </itemDefinition>
  <inputData id="in_amount" name="amount">
    <variable id="v_amount" name="amount" typeRef="number"/>
  </inputData>
  <inputData id="in_customer" name="customer"/>
  <decision id="risk" name="Risk level" camunda:historyTimeToLive="30">
    <description>How risky an order is</description>
    <variable id="v_risk" name="risk"/>
    <informationRequirement id="ir1"><requiredInput href="#in_amount"/></informationRequirement>
    <informationRequirement id="ir2"><requiredInput href="#in_customer"/></informationRequirement>
    <informationRequirement id="ir3"><requiredDecision href="#discount"/></informationRequirement>
    <knowledgeRequirement id="kr1"><requiredKnowledge href="#bkm"/></knowledgeRequirement>
    <authorityRequirement id="ar1"><requiredAuthority href="#policy"/></authorityRequirement>
    <decisionTable id="dt" hitPolicy="FIRST" outputLabel="Risk">
      <input id="i1" label="Amount">
        <inputExpression id="ie1" typeRef="number"><text>amount</text></inputExpression>
      </input>
      <input id="i2" label="Customer">
        <inputExpression id="ie2" typeRef="string"><text>customer.kind</text></inputExpression>
        <inputValues><text>"vip","regular"</text></inputValues>
      </input>
      <output id="o1" name="level" label="Level" typeRef="string">
        <outputValues><text>"high","low"</text></outputValues>
        <defaultOutputEntry><text>"low"</text></defaultOutputEntry>
      </output>
      <output id="o2" name="review" typeRef="boolean"/>
      <annotation name="Why"/>
      <rule id="r1">
        <description>big ones</description>
        <inputEntry id="r1i1"><text>&gt; 1000</text></inputEntry>
        <inputEntry id="r1i2"><text>-</text></inputEntry>
        <outputEntry id="r1o1"><text>"high"</text></outputEntry>
        <outputEntry id="r1o2"><text>true</text></outputEntry>
        <annotationEntry><text>large amounts</text></annotationEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="r2i1"><text>[1..1000]</text></inputEntry>
        <inputEntry id="r2i2"><text></text></inputEntry>
        <outputEntry id="r2o1"><text>"low"</text></outputEntry>
        <outputEntry id="r2o2"><text>false</text></outputEntry>
        <annotationEntry><text/></annotationEntry>
      </rule>
    </decisionTable>
  </decision>
  <decision id="discount" name="Discount">
    <literalExpression id="le" typeRef="number">
      <text>if amount &gt; 100 then 0.1 else 0</text>
    </literalExpression>
  </decision>
  <decision id="greeting" name="Greeting">
    <context id="ctx">
      <contextEntry>
        <variable id="cv" name="x"/><literalExpression><text>1</text></literalExpression>
      </contextEntry>
    </context>
  </decision>
  <businessKnowledgeModel id="bkm" name="Scoring">
    <encapsulatedLogic id="fd" kind="FEEL">
      <formalParameter id="fp" name="score" typeRef="number"/>
      <literalExpression><text>score * 2</text></literalExpression>
    </encapsulatedLogic>
  </businessKnowledgeModel>
  <knowledgeSource id="policy" name="Credit policy" locationURI="http://example.org/policy">
    <type>document</type>
  </knowledgeSource>
  <textAnnotation id="note"><text>Reviewed yearly</text></textAnnotation>
  <association id="assoc"><sourceRef href="#note"/><targetRef href="#risk"/></association>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram id="diagram">
      <dmndi:DMNShape id="risk_di" dmnElementRef="risk">
        <dc:Bounds height="80" width="180" x="150" y="80"/>
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>
"""


def risk(model: str = DMN, dmndi: str = DMNDI) -> bytes:
    return RISK.format(model=model, dmndi=dmndi).encode()


def _shape(data: bytes) -> Counter:
    """Elements by local name, with their id and non-namespace attributes (namespace-blind)."""
    root = etree.fromstring(data)
    return Counter(
        (
            etree.QName(node).localname,
            tuple(sorted((k, v) for k, v in node.attrib.items() if not k.startswith("{"))),
            (node.text or "").strip(),
        )
        for node in root.iter()
        if isinstance(node.tag, str)
    )


def test_decision_table_is_typed():
    model = read_model(risk(), "risk.dmn")
    assert isinstance(model, DmnDefinitions) and model.notation == "dmn"
    assert (model.name, model.namespace) == ("Risk", "http://example.org/dmn")
    decision = model.decision("risk")
    assert isinstance(decision, Decision) and decision is model.decision("Risk level")
    assert decision.description == "How risky an order is"
    assert decision.variable.name == "risk"
    assert decision.extra("{http://camunda.org/schema/1.0/dmn}historyTimeToLive") == "30"
    assert decision.required_inputs == ("in_amount", "in_customer")
    assert decision.required_decisions == ("discount",)
    assert decision.knowledge_requirements[0].required_knowledge.ref == "bkm"
    assert decision.authority_requirements[0].required_authority.href == "#policy"
    table = decision.table
    assert isinstance(table, DecisionTable) and decision.literal is None
    assert (table.hit_policy, table.output_label) == ("FIRST", "Risk")
    assert [i.label for i in table.inputs] == ["Amount", "Customer"]
    assert [i.expression for i in table.inputs] == ["amount", "customer.kind"]
    assert table.inputs[0].input_expression.type_ref == "number"
    assert table.inputs[1].input_values.text == '"vip","regular"'
    assert [(o.name, o.label, o.type_ref) for o in table.outputs] == [
        ("level", "Level", "string"),
        ("review", None, "boolean"),
    ]
    assert table.outputs[0].output_values.source == '"high","low"'
    assert table.outputs[0].default_output_entry.source == '"low"'
    assert table.annotations[0].name == "Why"
    assert [r.inputs for r in table.rules] == [("> 1000", "-"), ("[1..1000]", "")]
    assert [r.outputs for r in table.rules] == [('"high"', "true"), ('"low"', "false")]
    assert table.rules[0].description == "big ones"
    assert table.rules[0].annotation_entries[0].text == "large amounts"
    assert table.rules[1].annotation_entries[0].text == ""


def test_other_drg_elements():
    model = read_model(risk())
    assert [d.name for d in model.input_data] == ["amount", "customer"]
    assert isinstance(model.input_data[0], InputData)
    assert model.input_data[0].variable.type_ref == "number"
    discount = model.decision("discount")
    assert discount.table is None and isinstance(discount.literal, LiteralExpression)
    assert discount.literal.source == "if amount > 100 then 0.1 else 0"
    greeting = model.decision("greeting")
    assert greeting.expression is None  # a context: kept verbatim, not typed
    assert [raw.tag for _, raw in greeting.unknown] == [f"{{{DMN}}}context"]
    bkm = next(e for e in model.drg_elements if isinstance(e, BusinessKnowledgeModel))
    assert bkm.encapsulated_logic.formal_parameters[0].name == "score"
    assert bkm.encapsulated_logic.expression.source == "score * 2"
    source = next(e for e in model.drg_elements if isinstance(e, KnowledgeSource))
    assert (source.type, source.location_uri) == ("document", "http://example.org/policy")
    item = model.item_definitions[0]
    assert (item.type_ref, item.allowed_values.source) == ("string", '"vip","regular"')
    note, association = model.artifacts
    assert note.text == "Reviewed yearly"
    assert (association.source_ref.ref, association.target_ref.ref) == ("note", "risk")


def test_hit_policy_defaults_to_unique():
    data = risk().replace(b' hitPolicy="FIRST"', b"")
    assert read_model(data).decision("risk").table.hit_policy == "UNIQUE"


def test_round_trip_is_lossless_and_stable():
    data = risk()
    output = write_model(read_model(data))
    assert _shape(output) == _shape(data)  # nothing lost, nothing added
    assert output.count(b"<text></text>") == 2  # empty cells are kept
    assert b"dmndi:DMNShape" in output and b"camunda:historyTimeToLive" in output
    assert read_model(output) == read_model(data)
    assert write_model(read_model(output)) == output


@pytest.mark.parametrize(("model_ns", "dmndi_ns"), [(DMN12, DMNDI12), (DMN11, DMNDI12)])
def test_older_versions_are_read_and_written_as_dmn_1_3(model_ns, dmndi_ns):
    data = risk(model_ns, dmndi_ns)
    model = read_model(data, "old.dmn")
    table = model.decision("risk").table
    assert [r.inputs for r in table.rules] == [("> 1000", "-"), ("[1..1000]", "")]
    assert model.decision("risk").description == "How risky an order is"
    output = write_model(model)
    assert model_ns.encode() not in output and dmndi_ns.encode() not in output
    root = etree.fromstring(output)
    assert {etree.QName(n).namespace for n in root.iter() if "DMN" in n.tag} <= {
        DMN,
        DMNDI,
        "http://www.omg.org/spec/DMN/20180521/DC/",
    }
    assert _shape(output) == _shape(data)
    assert read_model(output).decision("risk") == model.decision("risk")  # fully typed
    assert write_model(read_model(output)) == output


def test_invalid_ids_are_repaired_with_their_hrefs():
    data = risk().replace(b'"in_amount"', b'"1amount"').replace(b"#in_amount", b"#1amount")
    output = write_model(read_model(data))
    again = read_model(output)
    assert again.input_data[0].id == "_1amount"
    assert again.decision("risk").required_inputs == ("_1amount", "in_customer")
