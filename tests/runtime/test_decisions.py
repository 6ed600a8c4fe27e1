"""DMN decision tables: unary tests, hit policies, and CMMN decision tasks that run them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from studio.notation import read_model
from studio.runtime.decisions import DecisionError, compile_table, compile_unary
from studio.testing.case_driver import open_case_driver
from tests.runtime.engine_helpers import T0

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def matches(cell: str, value, variables=None) -> bool:
    return compile_unary(cell)(value, variables or {}, NOW)


@pytest.mark.parametrize(
    ("cell", "yes", "no"),
    [
        ("-", [1, "a", None], []),
        ("", [1, None], []),
        ("< 10", [9, 9.5, -3], [10, 11, None, "a", True]),
        ("<= 10", [10], [10.5]),
        ("> 5", [6], [5]),
        (">= 5", [5, 6], [4]),
        ('= "a"', ["a"], ["b", None]),
        ('!= "a"', ["b"], ["a"]),
        ("10", [10, 10.0], [11, "10", True]),
        ('"a"', ["a"], ["A"]),
        ("true", [True], [1, False]),
        ("null", [None], [0, ""]),
        ('date("2026-01-01")', ["2026-01-01"], ["2026-01-02"]),
        ('< date("2026-01-01")', ["2025-12-31"], ["2026-01-01", "not a date"]),
        ("[1..5]", [1, 3, 5], [0, 6, None]),
        ("]1..5[", [2, 4.9], [1, 5]),
        ("(1..5)", [2], [1, 5]),
        ("[1..5)", [1], [5]),
        ("(1..5]", [5], [1]),
        ('"a","b"', ["a", "b"], ["c"]),
        ("1, 2", [1, 2], [3]),
        ("< 0, [10..20], 99", [-1, 15, 99], [5, 50]),
        ('"x,y", "z"', ["x,y", "z"], ["x"]),
        ('not("a","b")', ["c", None], ["a", "b"]),
        ("not(< 10)", [10], [9]),
        ("not([1..5])", [0, 6], [3]),
        ("not(null)", [1], [None]),
        ("? > 3 and ? < 9", [4], [3, 9]),
        ('? in ["p", "q"]', ["p"], ["r"]),
        ("[1, 2, 3]", [2], [4]),
    ],
)
def test_unary_tests_of_every_form(cell, yes, no):
    for value in yes:
        assert matches(cell, value), (cell, value)
    for value in no:
        assert not matches(cell, value), (cell, value)


def test_unary_test_values_may_read_variables():
    assert matches("< limit", 5, {"limit": 10})
    assert not matches("< limit", 15, {"limit": 10})
    assert not matches("< limit", 5, {})  # a missing variable is null: no match
    assert matches("[low..high]", 3, {"low": 1, "high": 5})


@pytest.mark.parametrize(
    "cell", ["< ", "[1..5", '"a",', "not(", "x ===", "import os", "__class__", "1,,2"]
)
def test_cells_that_are_not_unary_tests_are_refused(cell):
    with pytest.raises(DecisionError) as raised:
        compile_unary(cell, "decision 'D', rule 3, input 1 ('Amount')")
    assert raised.value.code == "dmn.unary-test"
    assert "rule 3, input 1" in raised.value.message and "is not a unary test" in str(raised.value)


# -- tables -------------------------------------------------------------------------------------


def dmn(
    inputs: list[str],
    outputs: list[str],
    rules: list[tuple[list[str], list[str]]],
    policy: str = "UNIQUE",
    aggregation: str | None = None,
    output_values: str | None = None,
    default: str | None = None,
    ident: str = "risk",
    name: str = "Risk",
) -> str:
    """A DMN 1.3 file with one decision table (output names: `outputs`, "" for none)."""
    agg = f' aggregation="{aggregation}"' if aggregation else ""
    cols = "".join(
        f'<input id="i{n}" label="{escape(e)}"><inputExpression typeRef="string">'
        f"<text>{escape(e)}</text></inputExpression></input>"
        for n, e in enumerate(inputs)
    )
    for n, out in enumerate(outputs):
        values = fallback = ""
        if output_values and n == 0:
            values = f"<outputValues><text>{escape(output_values)}</text></outputValues>"
        if default:
            fallback = f"<defaultOutputEntry><text>{escape(default)}</text></defaultOutputEntry>"
        named = f' name="{out}"' if out else ""
        cols += f'<output id="o{n}"{named} typeRef="string">{values}{fallback}</output>'
    rows = "".join(
        f'<rule id="r{n}">'
        + "".join(f"<inputEntry><text>{escape(t)}</text></inputEntry>" for t in ins)
        + "".join(f"<outputEntry><text>{escape(t)}</text></outputEntry>" for t in outs)
        + "</rule>"
        for n, (ins, outs) in enumerate(rules)
    )
    return (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" '
        f'name="d" namespace="t"><decision id="{ident}" name="{name}">'
        f'<variable name="riskLevel"/><decisionTable hitPolicy="{policy}"{agg}>'
        f"{cols}{rows}</decisionTable></decision></definitions>"
    )


def table(*args, **kwargs):
    model = read_model(dmn(*args, **kwargs).encode(), "t.dmn")
    return compile_table(model.decisions[0])


RULES = [
    (["< 100", '"gold"'], ['"low"']),
    (["[100..1000]", "-"], ['"medium"']),
    (["> 1000", "-"], ['"high"']),
    (["< 100", "-"], ['"medium"']),
]


def test_unique_returns_the_one_match_and_names_the_rules_of_a_violation():
    risk = table(["amount", "tier"], ["level"], RULES[1:3])
    assert risk.evaluate({"amount": 500, "tier": "x"}, NOW) == {"level": "medium"}
    assert risk.evaluate({"amount": 5000, "tier": "x"}, NOW) == {"level": "high"}
    assert risk.evaluate({"amount": 5, "tier": "x"}, NOW) == {"level": None}
    clash = table(["amount", "tier"], ["level"], RULES)
    with pytest.raises(DecisionError) as raised:
        clash.evaluate({"amount": 50, "tier": "gold"}, NOW)
    assert raised.value.code == "dmn.unique"
    assert raised.value.message == (
        "decision 'Risk': hit policy UNIQUE but rules 1, 4 match (exactly one may match)"
    )


def test_first_takes_the_first_match_in_rule_order():
    risk = table(["amount", "tier"], ["level"], RULES, policy="FIRST")
    assert risk.evaluate({"amount": 50, "tier": "gold"}, NOW) == {"level": "low"}
    assert risk.evaluate({"amount": 50, "tier": "silver"}, NOW) == {"level": "medium"}


def test_priority_orders_by_output_values_else_rule_order():
    ranked = table(
        ["amount", "tier"], ["level"], RULES, policy="PRIORITY",
        output_values='"high","medium","low"',
    )  # fmt: skip
    assert ranked.evaluate({"amount": 50, "tier": "gold"}, NOW) == {"level": "medium"}
    unranked = table(["amount", "tier"], ["level"], RULES, policy="PRIORITY")
    assert unranked.evaluate({"amount": 50, "tier": "gold"}, NOW) == {"level": "low"}


def test_any_requires_matches_to_agree():
    rules = [(["< 10"], ['"a"']), (["< 20"], ['"a"']), (["< 5"], ['"b"'])]
    agree = table(["x"], ["out"], rules, policy="ANY")
    assert agree.evaluate({"x": 7}, NOW) == {"out": "a"}
    with pytest.raises(DecisionError, match="rules 1, 2, 3 match with different outputs"):
        agree.evaluate({"x": 1}, NOW)


def test_collect_rule_order_and_output_order_return_lists():
    rules = [(["< 10"], ['"b"']), (["< 20"], ['"a"']), (["< 30"], ['"c"'])]
    assert table(["x"], ["out"], rules, policy="COLLECT").evaluate({"x": 5}) == {
        "out": ["b", "a", "c"]
    }
    assert table(["x"], ["out"], rules, policy="RULE ORDER").evaluate({"x": 15}) == {
        "out": ["a", "c"]
    }
    ordered = table(["x"], ["out"], rules, policy="OUTPUT ORDER", output_values='"a","b","c"')
    assert ordered.evaluate({"x": 5}) == {"out": ["a", "b", "c"]}
    assert table(["x"], ["out"], rules, policy="COLLECT").evaluate({"x": 50}) == {"out": []}


@pytest.mark.parametrize(
    ("aggregation", "expected", "empty"),
    [("SUM", 60, None), ("MIN", 10, None), ("MAX", 30, None), ("COUNT", 3, 0)],
)
def test_collect_with_aggregation_returns_a_number(aggregation, expected, empty):
    rules = [(["< 10"], ["10"]), (["< 20"], ["20"]), (["< 30"], ["30"]), (["< 40"], [""])]
    points = table(["x"], ["points"], rules, policy="COLLECT", aggregation=aggregation)
    assert points.evaluate({"x": 5}) == {"points": expected}
    assert points.evaluate({"x": 50}) == {"points": empty}


def test_no_match_gives_the_default_output_entry():
    rules = [(["< 10"], ['"small"'])]
    sized = table(["x"], ["size"], rules, default='"big"')
    assert sized.evaluate({"x": 5}) == {"size": "small"}
    assert sized.evaluate({"x": 50}) == {"size": "big"}


def test_outputs_are_expressions_and_inputs_read_nested_data():
    rules = [(["> 0"], ["claim.amount * 2", "tier"])]
    doubled = table(["claim.amount"], ["double", "copy"], rules)
    assert doubled.evaluate({"claim": {"amount": 21}, "tier": "gold"}) == {
        "double": 42,
        "copy": "gold",
    }


def test_a_single_unnamed_output_takes_the_decision_variable_name():
    assert table(["x"], [""], [(["-"], ["1"])]).evaluate({"x": 1}) == {"riskLevel": 1}


def test_compile_errors_name_the_decision_rule_and_column():
    with pytest.raises(DecisionError) as raised:
        table(["amount", "tier"], ["level"], [(["< 10", "[1..]"], ['"x"'])])
    assert raised.value.message.startswith("decision 'Risk', rule 1, input 2 ('tier')")
    with pytest.raises(DecisionError, match="rule 1, output 1 \\('level'\\)"):
        table(["x"], ["level"], [(["-"], ["import os"])])
    with pytest.raises(DecisionError, match="aggregation"):
        table(["x"], ["level"], [(["-"], ["1"])], policy="FIRST", aggregation="SUM")


def test_evaluation_errors_name_the_rule_and_column():
    divided = table(["x"], ["out"], [(["-"], ["10 / x"])])
    with pytest.raises(DecisionError) as raised:
        divided.evaluate({"x": 0})
    assert raised.value.code == "dmn.evaluation"
    assert "decision 'Risk': rule 1, output 1 ('out')" in raised.value.message


def test_missing_input_variables_read_as_null():
    assert table(["x"], ["out"], [(["null"], ['"none"'])]).evaluate({}) == {"out": "none"}


# -- CMMN decision tasks ------------------------------------------------------------------------

CASES = """<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
  <case id="Claim">
    <caseFileModel><caseFileItem id="cf_amount" name="amount"/>
      <caseFileItem id="cf_level" name="level"/>
      <caseFileItem id="cf_risk" name="riskLevel"/></caseFileModel>
    <casePlanModel id="plan">
      <planItem id="pi_assess" name="Assess" definitionRef="ct_assess"/>
      <planItem id="pi_escalate" name="Escalate" definitionRef="ht_escalate">
        <entryCriterion id="ec" sentryRef="s"/></planItem>
      <sentry id="s"><caseFileItemOnPart id="op" sourceRef="cf_level">
        <standardEvent>create</standardEvent></caseFileItemOnPart>
        <ifPart><condition>level == "high"</condition></ifPart></sentry>
      <caseTask id="ct_assess" name="Assess" caseRef="Assess"/>
      <humanTask id="ht_escalate" name="Escalate"/>
    </casePlanModel>
  </case>
  <case id="Assess">
    <caseFileModel><caseFileItem id="af_amount" name="amount"/>
      <caseFileItem id="af_level" name="{target}"/></caseFileModel>
    <casePlanModel id="aplan" autoComplete="true">
      <planItem id="pi_rate" name="Rate" definitionRef="dt_rate"/>
      <planItem id="pi_note" name="Note" definitionRef="ht_note">
        <entryCriterion id="aec" sentryRef="as"/></planItem>
      <sentry id="as"><planItemOnPart id="aop" sourceRef="pi_rate">
        <standardEvent>complete</standardEvent></planItemOnPart>
        <ifPart><condition>{target} == "high"</condition></ifPart></sentry>
      <decisionTask id="dt_rate" name="Rate" decisionRef="dec"/>
      <humanTask id="ht_note" name="Note" isBlocking="false"/>
    </casePlanModel>
  </case>
  <decision id="dec" name="Risk decision" externalRef="Risk"/>
</definitions>"""

RATING = [(["< 100"], ['"low"']), (["[100..1000]"], ['"medium"']), (["> 1000"], ['"high"'])]


def claims(tmp_path: Path, target: str = "level", rules=RATING):
    (tmp_path / "risk.dmn").write_text(dmn(["amount"], ["level"], rules))
    path = tmp_path / "claims.cmmn"
    path.write_text(CASES.replace("{target}", target))
    return open_case_driver(path, "Claim")


def state_of(driver, name: str) -> str:
    found = [i for i in driver.items() if i.name == name]
    return max(found, key=lambda i: i.created).state if found else "absent"


def test_a_decision_task_writes_its_outputs_and_completes(tmp_path):
    claim = claims(tmp_path)
    claim.start({"amount": 5000}, T0)
    assert state_of(claim, "Rate") == "completed"
    assert state_of(claim, "Note") == "completed"  # the sub-case's sentry heard the decision
    assert state_of(claim, "Assess") == "completed"
    assert claim.data()["level"] == "high"  # written back to the calling case...
    assert state_of(claim, "Escalate") == "active"  # ...whose sentry reacts to it


def test_a_low_rating_does_not_escalate(tmp_path):
    claim = claims(tmp_path)
    claim.start({"amount": 50}, T0)
    assert claim.data()["level"] == "low"
    assert state_of(claim, "Note") == "terminated"  # its sentry did not fire
    assert state_of(claim, "Escalate") == "available"


def test_a_single_output_goes_to_the_decision_variable_the_case_file_declares(tmp_path):
    claim = claims(tmp_path, target="riskLevel")
    claim.start({"amount": 5000}, T0)
    assert claim.data()["riskLevel"] == "high" and state_of(claim, "Note") == "completed"


def test_an_evaluation_error_refuses_the_work_and_fails_the_calling_task(tmp_path):
    claim = claims(tmp_path, rules=[(["> 0"], ['"a"']), (["> 1"], ['"b"'])])
    claim.start({"amount": 5}, T0)  # UNIQUE broken: the sub-case cannot start
    assert state_of(claim, "Assess") == "failed"


def test_without_a_decision_loader_the_task_waits():
    from studio.runtime.engine.definition import compile_case

    model = read_model(CASES.replace("{target}", "level").encode(), "claims.cmmn")
    assert compile_case(model, "Assess").items["pi_rate"].decision is None
    loaded = compile_case(model, "Assess", decisions=lambda key: None if key != "Risk" else _risk())
    call = loaded.items["pi_rate"].decision
    assert call is not None and call.writes == (("level", "level"),)


def _risk():
    return read_model(dmn(["amount"], ["level"], RATING).encode(), "r.dmn").decisions[0]


def test_a_decision_error_refuses_the_command_with_its_message():
    from studio.runtime.engine.definition import compile_case
    from studio.runtime.engine.engine import CaseEngine, Refused

    model = read_model(CASES.replace("{target}", "level").encode(), "claims.cmmn")
    broken = dmn(["amount"], ["level"], [(["> 0"], ['"a"']), (["> 1"], ['"b"'])])
    decision = read_model(broken.encode(), "r.dmn").decisions[0]
    engine = CaseEngine(compile_case(model, "Assess", decisions=lambda key: decision))
    with pytest.raises(Refused, match=r"decision task 'Rate': decision 'Risk'.*rules 1, 2 match"):
        engine.start("a-1", {"amount": 5}, T0)


def test_a_case_opened_directly_runs_its_decision_task(tmp_path):
    (tmp_path / "risk.dmn").write_text(dmn(["amount"], ["level"], RATING))
    path = tmp_path / "claims.cmmn"
    path.write_text(CASES.replace("{target}", "level"))
    assess = open_case_driver(path, "Assess")
    assess.start({"amount": 50}, T0)
    assert state_of(assess, "Rate") == "completed"
    assert assess.data()["level"] == "low"
    assert assess.case_state() == "completed"
