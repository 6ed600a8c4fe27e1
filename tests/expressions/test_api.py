"""The package's public surface, its dependencies and thread safety."""

from __future__ import annotations

import subprocess
import sys
import threading

import studio.expressions as expressions
from studio.expressions import (
    FUNCTIONS,
    ExpressionEngine,
    ExpressionError,
    ExpressionEvaluationError,
    SafeExpressionEngine,
    default_engine,
    to_json_value,
)

PUBLIC = {
    "ExpressionEngine",
    "SafeExpressionEngine",
    "CompiledExpression",
    "ExpressionError",
    "ExpressionEvaluationError",
    "translate_juel",
    "compile_script",
    "Script",
    "TimerSpec",
    "TimerError",
    "parse_timer",
    "parse_duration",
    "is_iso_timer",
    "FUNCTIONS",
    "default_engine",
}


def test_public_api():
    assert set(expressions.__all__) >= PUBLIC
    for name in expressions.__all__:
        assert hasattr(expressions, name)


def test_functions_table():
    assert FUNCTIONS == (
        "len", "str", "int", "float", "round", "abs", "min", "max", "sum", "lower", "upper",
        "contains", "now", "today", "days_between", "date", "datetime", "duration",
    )  # fmt: skip


def test_default_engine_is_shared_and_follows_the_protocol():
    assert default_engine() is default_engine()
    assert isinstance(default_engine(), SafeExpressionEngine)
    assert isinstance(default_engine(), ExpressionEngine)


def test_evaluation_error_is_an_expression_error():
    assert issubclass(ExpressionEvaluationError, ExpressionError)
    error = ExpressionEvaluationError(code="expr.unknown-name", message="unknown name 'x'")
    assert error.code == "expr.unknown-name"
    assert error.offset is None
    assert str(error) == "expr.unknown-name: unknown name 'x'"


def test_errors_pickle():
    import pickle

    error = ExpressionError("expr.syntax", "bad", 3, 2)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message, copy.offset, copy.line) == ("expr.syntax", "bad", 3, 2)


def test_imports_only_stdlib_simpleeval_isodate():
    code = (
        "import sys, studio.expressions\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'lxml', 'studio.notation', 'studio.editor')"
        " if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_to_json_value():
    from datetime import UTC, date, datetime, timedelta

    value = {
        "at": datetime(2026, 1, 5, 9, tzinfo=UTC),
        "on": date(2026, 1, 5),
        "wait": timedelta(hours=2),
        "list": [timedelta(0)],
    }
    assert to_json_value(value) == {
        "at": "2026-01-05T09:00:00Z",
        "on": "2026-01-05",
        "wait": "PT2H",
        "list": ["PT0S"],
    }


def test_threads_evaluate_independently():
    compiled = default_engine().compile("x * 2 + len(str(x))")
    failures: list[str] = []

    def work(n: int) -> None:
        for _ in range(2_000):
            if compiled.evaluate({"x": n}) != n * 2 + len(str(n)):
                failures.append(f"thread {n}")
                return

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


def test_speed_of_a_typical_condition():
    import time

    compiled = default_engine().compile('amount > 1000 and status == "open"')
    variables = {"amount": 1500, "status": "open"}
    start = time.perf_counter()
    for _ in range(10_000):
        compiled.evaluate(variables)
    per_evaluation = (time.perf_counter() - start) / 10_000
    assert per_evaluation < 50e-6  # generous: ~1.5 µs on a laptop
