"""What Python's parser only warns about is a syntax error here, and nothing reaches stderr.

`1and 2` parses in Python as `1 and 2` with a SyntaxWarning; `"\\d"` as a backslash and a d with
a DeprecationWarning (3.11) or SyntaxWarning (3.12+). A model must say what it means, so the
studio refuses both with `expr.syntax`. `is` with a literal (`"a" is "a"`), which Python's compiler
warns about, is refused by the allow-list as `expr.forbidden`.
"""

from __future__ import annotations

import warnings

import pytest

from studio.expressions import ExpressionError, SafeExpressionEngine, compile_script
from studio.notation import read_model
from studio.runtime.engine.definition import DefinitionError
from studio.runtime.engine.process_definition import compile_process
from tests.editor.validation_helpers import bpmn_process, only, problems_of
from tests.runtime.test_process_engine import flow, process_xml

NUMBER_INTO_WORD = "a number runs into the word after it; put a space between them"


def refusal(source: str) -> ExpressionError:
    """The error compiling `source` with a fresh engine, failing the test on any warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ExpressionError) as info:
            SafeExpressionEngine().compile(source)
    assert [str(w.message) for w in caught] == []
    return info.value


@pytest.mark.parametrize(
    ("source", "offset"),
    [
        ("1and 2", 0),
        ("amount > 1000and flag", 12),
        ('"high" if score > 7else "low"', 18),
        ("0x1for", 3),
        ("1jif flag else 0", 1),
        ("a > 1\n  and 1or b", 12),
    ],
)
def test_a_number_run_into_a_word_is_a_syntax_error_where_they_meet(source, offset):
    error = refusal(source)
    assert (error.code, error.message, error.offset) == ("expr.syntax", NUMBER_INTO_WORD, offset)


def test_an_unknown_escape_in_text_is_a_syntax_error_naming_it():
    error = refusal('code == "\\d+"')
    assert error.code == "expr.syntax"
    assert error.message == "\\d is not an escape sequence in text; write \\\\ for a backslash"


def test_an_octal_escape_beyond_a_byte_is_a_syntax_error():
    assert refusal('x == "\\777"').code == "expr.syntax"


def test_known_escapes_and_spaced_keywords_still_compile():
    engine = SafeExpressionEngine()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert engine.compile('"a\\tb\\\\c\\n" == x').evaluate({"x": "a\tb\\c\n"}) is True
        assert engine.compile("1 and 2").evaluate({}) == 2
        assert engine.compile("[1]and 3").evaluate({}) == 3
        assert engine.compile('"\\x41\\101\\N{BULLET}" == x').evaluate({"x": "AA\u2022"}) is True
        assert engine.compile('r"\\d" == x').evaluate({"x": "\\d"}) is True


@pytest.mark.parametrize("source", ['"a" is "a"', "x is 1", "x is not []"])
def test_is_with_a_literal_other_than_none_is_forbidden(source):
    error = refusal(source)
    assert (error.code, error.message) == ("expr.forbidden", "'is' only compares with None; use ==")


def test_no_warning_reaches_stderr(capfd):
    with pytest.raises(ExpressionError):
        SafeExpressionEngine().compile("2if x else 3")
    assert capfd.readouterr().err == ""


def test_a_script_line_with_a_number_run_into_a_word_is_refused_with_its_line():
    with pytest.raises(ExpressionError) as info:
        compile_script("ok = True\nscore = 1and 2")
    assert info.value.code == "expr.syntax"
    assert NUMBER_INTO_WORD in info.value.message and "line 2" in str(info.value)


SPLIT = (
    '<startEvent id="s"/>'
    + flow("f0", "s", "gw")
    + '<exclusiveGateway id="gw" default="f_small"/>'
    + flow("f_big", "gw", "big", "amount &gt; 1000and vip")
    + flow("f_small", "gw", "small")
    + '<userTask id="big"/><userTask id="small"/><endEvent id="e"/>'
    + flow("f1", "big", "e")
    + flow("f2", "small", "e")
)
SCRIPT = (
    '<startEvent id="s"/>'
    + flow("f0", "s", "score")
    + '<scriptTask id="score"><script>risk = 2if vip else 1</script></scriptTask>'
    + flow("f1", "score", "e")
    + '<endEvent id="e"/>'
)


@pytest.mark.parametrize(("body", "element"), [(SPLIT, "f_big"), (SCRIPT, "score")])
def test_validation_reports_expr_syntax_on_the_element(tmp_path, body, element):
    problems = only(problems_of(tmp_path, "model.bpmn", bpmn_process(body)), "expr.syntax")
    assert [p.element for p in problems] == [element]
    assert NUMBER_INTO_WORD in problems[0].message


@pytest.mark.parametrize(("body", "element"), [(SPLIT, "f_big"), (SCRIPT, "score")])
def test_the_engine_refuses_to_run_such_a_condition_or_script(body, element):
    model = read_model(process_xml(body), "t.bpmn")
    with pytest.raises(DefinitionError) as info:
        compile_process(model)
    assert element in str(info.value) and NUMBER_INTO_WORD in str(info.value)
