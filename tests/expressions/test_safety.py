"""Escape and denial-of-service probes: refused at compile time, or capped at evaluation."""

from __future__ import annotations

import time

import pytest

from studio.expressions import ExpressionError, ExpressionEvaluationError, SafeExpressionEngine

# (source, code, words the message must contain)
COMPILE_TIME_REFUSALS = [
    ("__import__('os')", "expr.forbidden", "'_'"),
    ("__import__('os').system('true')", "expr.forbidden", "method calls"),
    ("().__class__.__bases__", "expr.forbidden", "__bases__"),
    ("().__class__.__base__.__subclasses__()", "expr.forbidden", "_"),
    ("x.__class__", "expr.forbidden", "__class__"),
    ("x.__dict__", "expr.forbidden", "__dict__"),
    ("_private", "expr.forbidden", "'_'"),
    ("x._private", "expr.forbidden", "_private"),
    ("open('f')", "expr.unknown-function", "open"),
    ("eval('1')", "expr.unknown-function", "eval"),
    ("exec('1')", "expr.unknown-function", "exec"),
    ("compile('1', 'f', 'eval')", "expr.unknown-function", "compile"),
    ("getattr(x, 'y')", "expr.unknown-function", "getattr"),
    ("type(x)", "expr.unknown-function", "type"),
    ("globals()", "expr.unknown-function", "globals"),
    ("lenn(x)", "expr.unknown-function", "did you mean len"),
    ("lambda: 1", "expr.forbidden", "lambda"),
    ("(lambda: 1)()", "expr.forbidden", "called"),
    ("[x for x in y]", "expr.forbidden", "comprehension"),
    ("{x for x in y}", "expr.forbidden", "comprehension"),
    ("{x: 1 for x in y}", "expr.forbidden", "comprehension"),
    ("(x for x in y)", "expr.forbidden", "generator"),
    ("len([x for x in y])", "expr.forbidden", "comprehension"),
    ("9**9**9", "expr.forbidden", "**"),
    ("2 ** 10", "expr.forbidden", "**"),
    ("1 << 100000", "expr.forbidden", "shift"),
    ("x | y", "expr.forbidden", "bitwise"),
    ("~x", "expr.forbidden", "bitwise"),
    ('f"{x}"', "expr.forbidden", "f-string"),
    ('f"{x.__class__}"', "expr.forbidden", "f-string"),
    ("(y := 1)", "expr.forbidden", ":="),
    ("x.upper()", "expr.forbidden", "upper(...)"),
    ("x.get('a')", "expr.forbidden", "method"),
    ("x[0]()", "expr.forbidden", "called"),
    ("{1, 2}", "expr.forbidden", "set"),
    ("{1: 2}", "expr.forbidden", "keys"),
    ("{**x}", "expr.forbidden", "**"),
    ("[*x]", "expr.forbidden", "unpacking"),
    ("len(*x)", "expr.forbidden", "unpacking"),
    ("round(x, ndigits=2)", "expr.forbidden", "keyword"),
    ("x is 1", "expr.forbidden", "None"),
    ("b'bytes'", "expr.forbidden", "bytes"),
    ("1j", "expr.forbidden", "complex"),
    ("...", "expr.forbidden", "ellipsis"),
    ("await x", "expr.forbidden", "await"),
    ("len(x, y)", "expr.arity", "1 argument"),
    ("now(1)", "expr.arity", "0 arguments"),
    ("x = 1", "expr.syntax", "=="),
    ("import os", "expr.syntax", ""),
    ("x; y", "expr.syntax", ""),
    ("", "expr.syntax", "empty"),
    ('"' + "a" * 100_000 + '"', "expr.too-long", "longer than"),
    ('"' + "a" * 2_000 + '"', "expr.too-long", "text literals"),
    ("1" * 10_000, "expr.too-long", "longer than"),
    ("1" * 40, "expr.too-long", "digits"),
    ("(" * 200 + "1" + ")" * 200, "expr.too-complex", "nest"),
    ("[" * 100 + "]" * 100, "expr.too-complex", "nest"),
    ("not " * 200 + "x", "expr.too-complex", "nest"),
    ("-" * 1000 + "1", "expr.too-complex", "nest"),
    ("+".join(["a"] * 100), "expr.too-complex", "nest"),
    (" and ".join(["a"] * 900), "expr.too-long", "longer than"),
    (" or ".join(["a < 1"] * 600), "expr.too-long", "longer than"),
    ("x" * 5_000, "expr.too-long", "longer than"),
    ("${x.getClass()}", "expr.juel-untranslatable", "JUEL"),
]


@pytest.mark.parametrize(("source", "code", "words"), COMPILE_TIME_REFUSALS)
def test_refused_at_compile_time(source, code, words):
    engine = SafeExpressionEngine()
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        engine.compile(source)
    assert time.perf_counter() - start < 1.0
    assert info.value.code == code, info.value
    assert not isinstance(info.value, ExpressionEvaluationError)
    assert words in info.value.message


def test_many_parts_are_too_complex():
    # 1,200 operands in a flat list: short enough, but more parts than allowed
    source = "[" + ",".join(["a"] * 1_200) + "]"
    with pytest.raises(ExpressionError) as info:
        SafeExpressionEngine().compile(source)
    assert info.value.code == "expr.too-complex"


def test_forbidden_reports_the_column():
    with pytest.raises(ExpressionError) as info:
        SafeExpressionEngine().compile("a and lambda: 1")
    assert info.value.offset == 6


def test_syntax_error_reports_the_column():
    with pytest.raises(ExpressionError) as info:
        SafeExpressionEngine().compile("  amount > > 3")
    assert info.value.code == "expr.syntax"
    assert info.value.offset == 11


def test_limits_are_configurable():
    from studio.expressions import Limits

    strict = SafeExpressionEngine(Limits(max_source=10))
    with pytest.raises(ExpressionError) as info:
        strict.compile("amount > 1000000")
    assert info.value.code == "expr.too-long"
    assert SafeExpressionEngine().compile("amount > 1000000")


BIG = {"big": list(range(100_000)), "big2": list(range(100_000)), "s": "x" * 50_000, "i": 10**39}
RUNTIME_REFUSALS = [
    '"a" * 100000000',
    '"ab" * 60000',
    "s * 3",
    "s + s + s",
    "[1] * 100000000",
    "[[1] * 1000] * 1000",
    "big * 2",
    "big + big",
    "[big, big]",
    '{"a": big, "b": big}',
    "i * i",
    "i * 1000",
    "int('9' * 45)",
    "upper(s + s) + upper(s + s)",
    "str([big, big])",
    " or ".join(["len(str([0] * 30000)) < 0"] * 100),
    " or ".join(["-1 in big"] * 100),
    " or ".join(["min(big) < 0"] * 100),
    " or ".join(["len(big[1:]) < 0"] * 100),
    " or ".join(["big < big2"] * 100),
    " or ".join(["[0] * 99999 == [1] * 99999"] * 80),
    " or ".join(["[[0] * 99999] == [[1] * 99999]"] * 60),
]


@pytest.mark.parametrize("source", RUNTIME_REFUSALS)
def test_capped_at_evaluation(source):
    compiled = SafeExpressionEngine().compile(source)
    start = time.perf_counter()
    with pytest.raises(ExpressionEvaluationError) as info:
        compiled.evaluate(BIG)
    assert time.perf_counter() - start < 1.0
    assert info.value.code == "expr.too-large", info.value


def test_work_budget_is_per_evaluation():
    compiled = SafeExpressionEngine().compile("len(s * 2)")
    for _ in range(100):
        assert compiled.evaluate(BIG) == 100_000


def test_attribute_access_never_reaches_python_objects():
    class Secret:
        password = "x"

    compiled = SafeExpressionEngine().compile("obj.password")
    with pytest.raises(ExpressionEvaluationError):
        compiled.evaluate({"obj": Secret()})


def test_dunder_keys_are_plain_data():
    compiled = SafeExpressionEngine().compile('d["__class__"]')
    assert compiled.evaluate({"d": {"__class__": 1}}) == 1
    assert compiled.evaluate({"d": {}}) is None
