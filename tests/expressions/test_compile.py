"""Compilation: what an expression reads (names, paths), caching and the compiled object."""

from __future__ import annotations

import dataclasses

import pytest

from studio.expressions import CompiledExpression, ExpressionError, ExpressionEvaluationError


@pytest.mark.parametrize(
    ("source", "names", "paths"),
    [
        ('amount > 1000 and status == "open"', {"amount", "status"}, {"amount", "status"}),
        ("claim.amount > 500", {"claim"}, {"claim.amount"}),
        (
            'invoice["po_amount"] == invoice["amount"]',
            {"invoice"},
            {"invoice.po_amount", "invoice.amount"},
        ),
        ("a.b.c + a.d", {"a"}, {"a.b.c", "a.d"}),
        ('a["b"].c', {"a"}, {"a.b.c"}),
        ("items[0].price", {"items"}, {"items"}),
        ("items[i].price", {"items", "i"}, {"items", "i"}),
        ("len(tags) > 2 and contains(tags, 'vip')", {"tags"}, {"tags"}),
        ("now() > due", {"due"}, {"due"}),
        ("true or false or null or True or None", set(), set()),
        ('"x" if flag else other.value', {"flag", "other"}, {"flag", "other.value"}),
        ("[a, b.c]", {"a", "b"}, {"a", "b.c"}),
        ("1 + 2", set(), set()),
        ("len", {"len"}, {"len"}),  # a function name not called is a variable
    ],
)
def test_names_and_paths(engine, source, names, paths):
    compiled = engine.compile(source)
    assert compiled.names == frozenset(names)
    assert compiled.paths == frozenset(paths)


def test_compiled_expression_is_frozen(engine):
    compiled = engine.compile("a + 1")
    assert isinstance(compiled, CompiledExpression)
    assert compiled.source == "a + 1"
    assert compiled.translated is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.source = "b"  # type: ignore[misc]


def test_compile_is_cached(engine):
    assert engine.compile("cached + 1") is engine.compile("cached + 1")


def test_surrounding_blanks_and_newlines(engine):
    compiled = engine.compile("\n   claim.amount > 500\n  ")
    assert compiled.evaluate({"claim": {"amount": 600}}) is True
    multi = engine.compile("a > 1\n  and b < 2")
    assert multi.evaluate({"a": 2, "b": 1}) is True


def test_offsets_count_from_the_source_as_written(engine):
    with pytest.raises(ExpressionError) as info:
        engine.compile("   a + _b")
    assert info.value.offset == 7


def test_non_text_source_is_a_type_error(engine):
    with pytest.raises(TypeError):
        engine.compile(42)  # type: ignore[arg-type]


def test_error_text(engine):
    with pytest.raises(ExpressionError) as info:
        engine.compile("a +")
    assert str(info.value).startswith("expr.syntax: ")
    assert "column" in str(info.value)


def test_offsets_are_characters_on_every_line(engine):
    with pytest.raises(ExpressionError) as info:
        engine.compile('"éé" == x and _y')
    assert info.value.offset == len('"éé" == x and ')
    with pytest.raises(ExpressionError) as info:
        engine.compile("a > 1\n  and _b")
    assert info.value.offset == len("a > 1\n  and ")
    with pytest.raises(ExpressionEvaluationError) as evaluation:
        engine.compile("a > 1\n  and missing").evaluate({"a": 2})
    assert evaluation.value.offset == len("a > 1\n  and ")
