"""JUEL from Flowable and Camunda models: translated where it translates directly."""

from __future__ import annotations

import pytest

from studio.expressions import ExpressionError, translate_juel


@pytest.mark.parametrize(
    ("juel", "python"),
    [
        ("${amount > 100}", "amount > 100"),
        ("#{amount > 100}", "amount > 100"),
        ("  ${approved}  ", "approved"),
        ("${approved && !rejected}", "approved and not rejected"),
        ("${a || b && c}", "a or b and c"),
        ("${(a || b) && c}", "(a or b) and c"),
        ("${a != b}", "a != b"),
        ("${!(a == b)}", "not (a == b)"),
        ("${!a == b}", "(not a) == b"),
        ("${a eq 'x' and b ne 2}", "a == 'x' and b != 2"),
        ("${a lt 1 or a gt 9 or a le 2 or a ge 3}", "a < 1 or a > 9 or a <= 2 or a >= 3"),
        ("${a < b == c < d}", "(a < b) == (c < d)"),
        ("${x div 2 mod 3}", "x / 2 % 3"),
        ("${true && !false || x == null}", "True and not False or x == None"),
        ("${empty list}", 'list in (None, "", [], {})'),
        ("${not empty a.b}", 'not (a.b in (None, "", [], {}))'),
        ("${gender == 'male' ? 'Mr.' : 'Mrs.'}", "'Mr.' if gender == 'male' else 'Mrs.'"),
        ("${a ? b : c ? d : e}", "b if a else d if c else e"),
        ("${x ? (y ? 1 : 2) : 3}", "(1 if y else 2) if x else 3"),
        ("${claim.amount >= 10000}", "claim.amount >= 10000"),
        ("${x['k'].y[0]}", "x['k'].y[0]"),
        ("${x.class}", 'x["class"]'),
        ("${-x + 1}", "-x + 1"),
        ("${a - (b - c)}", "a - (b - c)"),
        ("${[1, 2]}", "[1, 2]"),
        ("${len(x)}", "len(x)"),
        # Flowable variable functions that read a variable
        ("${var:get(approved)}", "approved"),
        ("${var:get('milestoneOne')}", "milestoneOne"),
        ("${variables:get(x)}", "x"),
        ("${var:eq(myVar, 'test')}", "(myVar == 'test')"),
        ("${var:lt(myVar, 10)}", "(myVar < 10)"),
        ("${var:lowerThanOrEquals(myVar, 10)}", "(myVar <= 10)"),
        ("${var:gte(myVar, 10)}", "(myVar >= 10)"),
        ("${vars:notEquals(x, 1 + 2)}", "(x != 1 + 2)"),
        ("${var:contains(tags, 'a')}", "contains(tags, 'a')"),
        ("${var:contains(tags, 'a', 'b')}", "(contains(tags, 'a') and contains(tags, 'b'))"),
        ("${var:isEmpty(x)}", '(x in (None, "", [], {}))'),
        ("${var:isNotEmpty(x)}", '(x not in (None, "", [], {}))'),
        # bare JUEL (no wrapper) translates too
        ("a && !b", "a and not b"),
    ],
)
def test_translates(juel, python):
    assert translate_juel(juel) == python


@pytest.mark.parametrize(
    "juel",
    [
        "${task.getVariable('x')}",
        "${myBean.doSomething()}",
        "${execution.setVariable('a', 1)}",
        "${caseInstance.getVariable('x') != null && x}",
        "${cmmn:isStageCompletable()}",
        "${vars:getOrDefault('x', false)}",
        "${vars:exists(decided) && decided == 3}",
        "${x instanceof y}",
        "${a = 1}",
        "${a += 1}",
        "${x -> x + 1}",
        "${a; b}",
        "${...}",
        "${}",
        "${class}",
        "${_x}",
        "${'unterminated}",
        "${a} and ${b}",
        "Dear ${name}",
        "${a ? b}",
        "${(a}",
        "${{'a': 1}}",
    ],
)
def test_does_not_translate(juel):
    assert translate_juel(juel) is None


def test_engine_compiles_juel(engine):
    compiled = engine.compile("${amount > 100 && !rejected}")
    assert compiled.source == "${amount > 100 && !rejected}"
    assert compiled.translated == "amount > 100 and not rejected"
    assert compiled.names == {"amount", "rejected"}
    assert compiled.evaluate({"amount": 150, "rejected": False}) is True
    assert engine.compile("${x}").evaluate({"x": 3}) == 3
    assert engine.compile("${var:get(x)}").evaluate({"x": 3}) == 3
    assert engine.compile("${empty list}").evaluate({"list": []}) is True
    assert engine.compile("${empty list}").evaluate({"list": 0}) is False


def test_engine_reports_untranslatable_juel(engine):
    with pytest.raises(ExpressionError) as info:
        engine.compile("${task.getVariable('x')}")
    assert info.value.code == "expr.juel-untranslatable"
    assert "JUEL" in info.value.message


def test_translated_juel_is_still_checked(engine):
    with pytest.raises(ExpressionError) as info:
        engine.compile("${_secret}")
    assert info.value.code == "expr.juel-untranslatable"
    with pytest.raises(ExpressionError) as info:
        engine.compile("${open('f')}")
    assert info.value.code == "expr.unknown-function"
    assert info.value.offset is None  # offsets of a translation would mislead


def test_bare_juel_operators_get_a_hint(engine):
    with pytest.raises(ExpressionError) as info:
        engine.compile("a && b")
    assert info.value.code == "expr.syntax"
    assert "and" in info.value.message
