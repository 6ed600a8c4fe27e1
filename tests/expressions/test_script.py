"""Script task bodies: one assignment per line."""

from __future__ import annotations

import pytest

from studio.expressions import (
    ExpressionError,
    ExpressionEvaluationError,
    Script,
    compile_script,
)

from .conftest import NOW

MATCH = """
# three-way match
matched = invoice["po_amount"] == invoice["amount"] and invoice["received"]

invoice.status = "matched" if matched else "disputed"
checked_at = now()
"""


def test_compile_and_run(data):
    script = compile_script(MATCH)
    assert isinstance(script, Script)
    assert [a.line for a in script.assignments] == [3, 5, 6]
    assert [a.target_path for a in script.assignments] == [
        "matched",
        "invoice.status",
        "checked_at",
    ]
    result = script.run(data, now=NOW)
    assert result == {
        "matched": True,
        "invoice": {"po_amount": 1200, "amount": 1200, "received": True, "status": "matched"},
        "checked_at": "2026-01-05T09:30:00Z",  # dates are written as ISO-8601 text
    }
    assert "status" not in data["invoice"]  # the input is not changed


def test_names_paths_assigned():
    script = compile_script(MATCH)
    assert script.names == {"invoice"}
    assert script.paths == {"invoice.po_amount", "invoice.amount", "invoice.received"}
    assert script.assigned == {"matched", "invoice", "checked_at"}


def test_later_lines_see_earlier_results():
    script = compile_script("x = 1\nx = x + 1\ny = x * 10")
    assert script.run({}) == {"x": 2, "y": 20}
    assert script.names == frozenset()


def test_reading_before_assigning_counts_as_a_name():
    script = compile_script("total = total + 1")
    assert script.names == {"total"}
    assert script.run({"total": 1}) == {"total": 2}


def test_dotted_target_creates_missing_objects():
    script = compile_script("a.b.c = 1\na.b.d = a.b.c + 1")
    assert script.run({}) == {"a": {"b": {"c": 1, "d": 2}}}
    assert script.run({"a": {"x": 0}}) == {"a": {"x": 0, "b": {"c": 1, "d": 2}}}


def test_engine_compile_script(engine):
    assert engine.compile_script("status = 'shipped'").run({}) == {"status": "shipped"}


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("x = 1\ny = lambda: 1", "expr.forbidden", 2),
        ("x = 1\n\n# c\nif x: y = 1", "expr.syntax", 4),
        ("x == 1", "expr.syntax", 1),
        ("x", "expr.syntax", 1),
        ("x += 1", "expr.forbidden", 1),
        ("_x = 1", "expr.forbidden", 1),
        ("a._b = 1", "expr.forbidden", 1),
        ("class = 1", "expr.syntax", 1),
        ("a..b = 1", "expr.syntax", 1),
        ("x[0] = 1", "expr.syntax", 1),
        ("x, y = 1, 2", "expr.syntax", 1),
        ("x = open('f')", "expr.unknown-function", 1),
        ("x = 2 ** 8", "expr.forbidden", 1),
        ("x = ", "expr.syntax", 1),
        ("import os", "expr.syntax", 1),
        ("x = y = 1", "expr.syntax", 1),
        ("x = 1\n" * 501, "expr.too-long", 501),
    ],
)
def test_refused_lines(text, code, line):
    with pytest.raises(ExpressionError) as info:
        compile_script(text)
    assert info.value.code == code, info.value
    assert info.value.line == line


def test_error_column_is_within_the_line():
    with pytest.raises(ExpressionError) as info:
        compile_script("ok = 1\nx = a + _b")
    assert info.value.line == 2
    assert info.value.offset == 8


def test_too_long_script():
    with pytest.raises(ExpressionError) as info:
        compile_script("x = 1\n" * 30_000)
    assert info.value.code == "expr.too-long"


def test_run_errors_carry_the_line():
    script = compile_script("a = 1\nb = missing + 1")
    with pytest.raises(ExpressionEvaluationError) as info:
        script.run({})
    assert info.value.code == "expr.unknown-name"
    assert info.value.line == 2


def test_dotted_target_on_non_object():
    with pytest.raises(ExpressionEvaluationError) as info:
        compile_script("a.b = 1").run({"a": [1]})
    assert info.value.code == "expr.type-error"


def test_growth_across_lines_is_capped():
    text = "a = [0] * 50000\nb = [a, a]\nc = [b, b]"
    with pytest.raises(ExpressionEvaluationError) as info:
        compile_script(text).run({})
    assert info.value.code == "expr.too-large"


def test_unknown_name_column_within_the_line():
    with pytest.raises(ExpressionEvaluationError) as info:
        compile_script("a = 1\nb = a + missing").run({})
    assert (info.value.line, info.value.offset) == (2, 8)


def test_dates_a_script_writes_are_stored_as_iso_text():
    from datetime import UTC, datetime

    script = compile_script("at = now()\nday = today()\nseen = [now()]")
    written = script.run({}, now=datetime(2026, 1, 5, 9, tzinfo=UTC))
    assert written == {
        "at": "2026-01-05T09:00:00Z",
        "day": "2026-01-05",
        "seen": ["2026-01-05T09:00:00Z"],
    }
