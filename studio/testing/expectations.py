"""Checking an `expect` step against the driven case: one message per expectation not met."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from studio.messages import Text, text
from studio.runtime.engine.wording import state_word
from studio.testing.driver import CaseDriver
from studio.testing.naming import resolve
from studio.testing.scenario_file import ExpectStep
from studio.testing.scenario_schema import ABSENT, CASE

MISSING = object()


def check(step: ExpectStep, driver: CaseDriver) -> list[str]:
    """Messages (expected, actual and the engine's explanation) for every unmet expectation."""
    failures: list[str] = []
    if step.case is not None:
        actual = driver.case_state()
        if actual != step.case:
            message = text(
                "case: expected {expected}, actual {actual}",
                expected=state_word(step.case),
                actual=state_word(actual),
            )
            failures.append(explained(message, driver, None))
    items = driver.items() if step.items or step.count else []
    for name, expected in step.items.items():
        if name == CASE:
            actual, key = driver.case_state(), None
        else:
            target = resolve(name, items)
            instances = target.instances(items) if target else []
            actual = instances[-1].state if instances else ABSENT
            key = target.key if target else None
        if actual != expected:
            message = text(
                'item "{name}": expected {expected}, actual {actual}',
                name=name,
                expected=state_word(expected),
                actual=state_word(actual),
            )
            failures.append(explained(message, driver, key) if actual != ABSENT else message)
    for name, states in step.count.items():
        target = resolve(name, items)
        counts = Counter(item.state for item in (target.instances(items) if target else []))
        if any(counts[state] != n for state, n in states.items()):
            expected_text = ", ".join(f"{state} {n}" for state, n in states.items())
            actual_text = ", ".join(f"{state} {counts[state]}" for state in states)
            every = ", ".join(f"{state} {n}" for state, n in sorted(counts.items())) or "none"
            failures.append(
                f'count "{name}": expected {expected_text}, actual {actual_text} '
                f"(all instances: {every})"
            )
    data = driver.data() if step.data else {}
    for path, expected in step.data.items():
        actual = lookup(data, path)
        if actual is MISSING:
            failures.append(
                text(
                    'data "{path}": expected {expected}, actual missing',
                    path=path,
                    expected=show(expected),
                )
            )
        elif not same(expected, actual):
            failures.append(
                text(
                    'data "{path}": expected {expected}, actual {actual}',
                    path=path,
                    expected=show(expected),
                    actual=show(actual),
                )
            )
    return failures


def explained(message: str, driver: CaseDriver, key: str | None) -> str:
    """`message` followed by the engine's explanation of `key` (None: the case), if it has one;
    on one line, still translatable when the explanation is."""
    try:
        why = driver.explain(key)
    except Exception:  # an explanation is a courtesy: never let it hide the failure itself
        return message
    if not why:
        return message
    one_line = " ".join(str(why).split())
    why = Text(one_line, why.template, why.values) if isinstance(why, Text) else one_line
    return text("{message}; why: {why}", message=message, why=why)


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path (list elements by index), or MISSING."""
    value = data
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def same(expected: Any, actual: Any) -> bool:
    """JSON equality: like ==, but true and 1 differ (1 and 1.0 do not)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            same(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list | tuple) and isinstance(actual, list | tuple):
        return len(expected) == len(actual) and all(map(same, expected, actual))
    return expected == actual


def show(value: Any) -> str:
    """A value as compact JSON (anything else as its text)."""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(value)
