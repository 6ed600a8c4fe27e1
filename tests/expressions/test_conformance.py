"""JUEL and timers found in real models (../shared): no crash, only a result or a clear error."""

from __future__ import annotations

import contextlib
import html
import re

import pytest

from studio.expressions import ExpressionError, TimerError, default_engine, translate_juel
from studio.expressions.timers import is_iso_timer, parse_timer
from tests.conftest import shared_files

pytestmark = pytest.mark.conformance

MODELS = shared_files("conformance", "**/*.cmmn", "**/*.bpmn") + shared_files(
    "acceptance", "**/*.cmmn", "**/*.bpmn"
)
JUEL_RE = re.compile(r"[$#]\{[^{}]*\}")
TIMER_RE = re.compile(
    r"<(?:\w+:)?(?:timeDuration|timeDate|timeCycle|timerExpression)\b[^>]*>([^<]*)<"
)


def _texts() -> tuple[set[str], set[str]]:
    juel: set[str] = set()
    timers: set[str] = set()
    for path in MODELS:
        text = path.read_text(encoding="utf-8", errors="replace")
        juel.update(html.unescape(m) for m in JUEL_RE.findall(text))
        timers.update(html.unescape(m).strip() for m in TIMER_RE.findall(text) if m.strip())
    return juel, timers


def test_juel_of_real_models():
    juel, _ = _texts()
    if not juel:
        pytest.skip("no models with JUEL under ../shared")
    translated = 0
    for source in sorted(juel):
        result = translate_juel(source)
        try:
            default_engine().compile(source)
        except ExpressionError as exc:
            if result is None:
                assert exc.code == "expr.juel-untranslatable"
            continue
        assert result is not None
        translated += 1
    assert translated > 0


def test_timers_of_real_models():
    _, timers = _texts()
    if not timers:
        pytest.skip("no models with timers under ../shared")
    for text in sorted(timers):
        if is_iso_timer(text):
            try:
                parse_timer(text)
            except TimerError as exc:
                assert exc.code in {"timer.syntax", "timer.range"}
        else:
            with contextlib.suppress(ExpressionError):  # a clear refusal is fine
                default_engine().compile(text)
