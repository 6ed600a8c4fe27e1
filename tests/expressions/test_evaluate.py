"""Evaluation results of every allowed construct."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studio.expressions import ExpressionEvaluationError

from .conftest import NOW


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # boolean operators (Python semantics: the deciding operand)
        ('amount > 1000 and status == "open"', True),
        ('amount > 1000 and status == "closed"', False),
        ("score < 5 or amount", 1500),
        ("not nothing", True),
        ("true and not false", True),
        # comparisons
        ("1 < score <= 8", True),
        ("amount != 1500", False),
        ('"vip" in tags', True),
        ('"slow" not in tags', True),
        ('"ell" in text', True),
        ('"kind" in claim', True),
        ("nothing is None", True),
        ("nothing is null", True),
        ("claim is not None", True),
        ("tags == ['vip', 'fast']", True),
        # arithmetic
        ("amount + 1", 1501),
        ("amount - 2 * 100", 1300),
        ("amount / 4", 375.0),
        ("amount // 7", 214),
        ("amount % 7", 2),
        ("-score", -8),
        ("+score", 8),
        ("1.5 * 2", 3.0),
        ('text + " world"', "Hello world"),
        ('"ab" * 3', "ababab"),
        ("tags + ['new']", ["vip", "fast", "new"]),
        ("[0] * 3", [0, 0, 0]),
        # conditional
        ('"high" if score > 7 else "low"', "high"),
        ('"high" if score > 9 else "low"', "low"),
        # names, attributes, subscripts
        ("claim.amount", 300),
        ("claim.owner.name", "Ada"),
        ('invoice["po_amount"]', 1200),
        ("items[1].price", 4),
        ("items[-1].name", "b"),
        ("tags[0]", "vip"),
        ("tags[1:]", ["fast"]),
        ("text[:2]", "He"),
        ("text[0]", "H"),
        # lenient reads: missing keys, indexes and null bases read as null
        ("claim.missing", None),
        ('claim["missing"]', None),
        ("claim.missing.deeper", None),
        ("nothing.anything", None),
        ("nothing[0]", None),
        ("tags[10]", None),
        # literals
        ("[1, score, 'x']", [1, 8, "x"]),
        ("(1, 2)", [1, 2]),
        ('{"a": 1, "b": score}', {"a": 1, "b": 8}),
        ("{}", {}),
        ("null", None),
        ("True", True),
        ("1e3", 1000.0),
    ],
)
def test_construct(engine, data, source, expected):
    assert engine.compile(source).evaluate(data, now=NOW) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("len(tags)", 2),
        ("len(text)", 5),
        ("len(claim)", 3),
        ("str(score)", "8"),
        ("str(1.5)", "1.5"),
        ("str(tags)", '["vip", "fast"]'),
        ('str({"a": [1]})', '{"a": [1]}'),
        ('str(date("2026-01-05"))', "2026-01-05"),
        ("str(now())", "2026-01-05T09:30:00Z"),
        ('str(duration("P1DT2H"))', "P1DT2H"),
        ('int("42")', 42),
        ("int(3.9)", 3),
        ("int(True)", 1),
        ('float("2.5")', 2.5),
        ("float(2)", 2.0),
        ("round(2.567, 2)", 2.57),
        ("round(2.5)", 2),
        ("round(3.5)", 4),
        ("abs(-3)", 3),
        ('abs(duration("-PT1H"))', timedelta(hours=1)),
        ("min(3, 1, 2)", 1),
        ("max(tags)", "vip"),
        ("min([4, 2])", 2),
        ("sum([1, 2, 3.5])", 6.5),
        ("sum([])", 0),
        (
            'sum([duration("PT1H"), duration("PT30M")])',
            timedelta(minutes=90),
        ),
        ("lower(text)", "hello"),
        ("upper(text)", "HELLO"),
        ("contains(tags, 'vip')", True),
        ("contains(text, 'lo')", True),
        ("contains(claim, 'kind')", True),
        ("contains(nothing, 'x')", False),
        ("contains(tags, 'nope')", False),
    ],
)
def test_function(engine, data, source, expected):
    assert engine.compile(source).evaluate(data, now=NOW) == expected


def test_unknown_root_name_is_an_error(engine, data):
    with pytest.raises(ExpressionEvaluationError) as info:
        engine.compile("amount > 1 and undeclared == 2").evaluate(data)
    assert info.value.code == "expr.unknown-name"
    assert "undeclared" in info.value.message
    assert info.value.offset == len("amount > 1 and ")


def test_unknown_name_not_reached_is_fine(engine, data):
    assert engine.compile("amount > 1 or undeclared").evaluate(data) is True


def test_attribute_reads_keys_never_python_attributes(engine):
    compiled = engine.compile("d.keys")
    assert compiled.evaluate({"d": {"keys": 3}}) == 3
    assert compiled.evaluate({"d": {}}) is None
    with pytest.raises(ExpressionEvaluationError) as info:
        engine.compile("s.upper").evaluate({"s": "text"})
    assert info.value.code == "expr.type-error"


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("nothing > 1", "expr.type-error"),
        ('amount + "x"', "expr.type-error"),
        ("amount / 0", "expr.division-by-zero"),
        ("amount % 0", "expr.division-by-zero"),
        ('"%s" % amount', "expr.type-error"),
        ("-text", "expr.type-error"),
        ("text.x", "expr.type-error"),
        ("amount[0]", "expr.type-error"),
        ("claim[tags]", "expr.type-error"),
        ("tags['x']", "expr.type-error"),
        ("1 in text", "expr.type-error"),
        ("len(nothing)", "expr.type-error"),
        ("len(amount)", "expr.type-error"),
        ('int("1.5")', "expr.value-error"),
        ('float("nan")', "expr.value-error"),
        ('float("x")', "expr.value-error"),
        ("min([])", "expr.value-error"),
        ("min(1, 'a')", "expr.type-error"),
        ("sum(['a'])", "expr.type-error"),
        ("round(1.5, 100)", "expr.value-error"),
        ("lower(amount)", "expr.type-error"),
        ("contains(amount, 1)", "expr.type-error"),
        ("date(amount)", "expr.type-error"),
        ("date(text)", "expr.value-error"),
        ("duration(text)", "expr.value-error"),
        ("1e308 * 10", "expr.value-error"),
    ],
)
def test_evaluation_errors(engine, data, source, code):
    with pytest.raises(ExpressionEvaluationError) as info:
        engine.compile(source).evaluate(data, now=NOW)
    assert info.value.code == code
    assert info.value.message


def test_results_are_copies(engine, data):
    result = engine.compile("claim").evaluate(data)
    assert result == data["claim"]
    result["amount"] = 0
    assert data["claim"]["amount"] == 300


def test_constant_lists_are_not_shared_between_results(engine):
    compiled = engine.compile("[1, 2]")
    first = compiled.evaluate({})
    first.append(3)
    assert compiled.evaluate({}) == [1, 2]


def test_mapping_variables(engine):
    from collections import ChainMap

    scope = ChainMap({"a": 1}, {"b": {"c": 2}})
    assert engine.compile("a + b.c").evaluate(scope) == 3


def test_non_plain_result_is_refused(engine):
    with pytest.raises(ExpressionEvaluationError) as info:
        engine.compile("x").evaluate({"x": object()})
    assert info.value.code == "expr.type-error"


def test_failing_mapping_gives_a_clear_error(engine):
    from collections.abc import Mapping

    class Broken(Mapping):
        def __getitem__(self, key):
            raise RuntimeError("store unavailable")

        def __iter__(self):
            return iter(())

        def __len__(self):
            return 0

    with pytest.raises(ExpressionEvaluationError) as info:
        engine.compile("a").evaluate(Broken())
    assert info.value.code == "expr.error"
