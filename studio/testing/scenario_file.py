"""Reading a `*.scenario.json` file into a checked `Scenario` (or why it is unusable)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from studio.expressions import TimerError, parse_datetime, parse_duration
from studio.jsonfile import JsonFileError, read_json
from studio.testing.driver import UnusableScenario
from studio.testing.scenario_schema import ACTIONS, CASE, ITEM_ACTIONS, SCHEMA, WITH_DATA

MAX_BYTES = 1_000_000
"""Largest scenario file read."""

DEFAULT_START = datetime(2026, 1, 5, tzinfo=UTC)
"""The virtual clock's start when a scenario gives none (the fixed date simulations use too)."""

SUFFIX = ".scenario.json"
_VALIDATOR = Draft202012Validator(SCHEMA)
_WEAK = {"oneOf", "anyOf", "not"}


@dataclass(frozen=True, slots=True)
class ActionStep:
    """One action: `target` is the item name (`@case` for the case), the `set` writes, the
    `advance` duration or the `message` name."""

    number: int
    action: str
    target: Any
    data: dict[str, Any] | None = None
    rejected: bool = False
    correlation: Any = None
    """The correlation key a `message` carries (None: correlated by name only)."""
    duration: timedelta | None = None
    """The parsed `advance` duration (`target` keeps its text)."""

    def describe(self) -> str:
        """The step as a reader wrote it, e.g. `complete "Pay"`."""
        if self.action == "set":
            return f"set {', '.join(self.target)}"
        if self.action == "advance":
            return f"advance {self.target}"
        return f'{self.action} "{self.target}"'


@dataclass(frozen=True, slots=True)
class ExpectStep:
    """Expectations on the case state, item states, instance counts and case file values."""

    number: int
    case: str | None = None
    items: dict[str, str] = field(default_factory=dict)
    count: dict[str, dict[str, int]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


Step = ActionStep | ExpectStep


@dataclass(frozen=True, slots=True)
class Scenario:
    """A checked scenario; `file` is shown in reports, `model` is resolved against it."""

    file: str
    name: str
    model: Path
    case: str | None
    start: datetime
    data: dict[str, Any]
    steps: tuple[Step, ...]

    def item_names(self) -> dict[str, int]:
        """Every item name the steps use (not `@case`), with the first step using it."""
        names: dict[str, int] = {}
        for step in self.steps:
            if isinstance(step, ActionStep):
                used = [step.target] if step.action in ITEM_ACTIONS else []
            else:
                used = [*step.items, *step.count]
            for name in used:
                if name != CASE:
                    names.setdefault(name, step.number)
        return names


def load_scenario(path: Path, shown: str | None = None) -> Scenario:
    """Read and check one scenario file; `shown` is how reasons name it (default: its name)."""
    shown = shown or path.name

    def unusable(reason: str) -> UnusableScenario:
        return UnusableScenario(f"{shown}: {reason}")

    document = _read_json(path, unusable)
    errors = list(_VALIDATOR.iter_errors(document))
    if errors:
        raise unusable(_describe(min(errors, key=_order)))
    try:
        start = parse_datetime(document["start"]) if "start" in document else DEFAULT_START
    except TimerError as exc:
        raise unusable(f"start: {exc}") from None
    model = path.parent / document["model"]
    if not model.is_file():
        raise unusable(f'model "{document["model"]}" not found (looked for {model})')
    steps = tuple(_step(i, raw, unusable) for i, raw in enumerate(document["steps"], 1))
    return Scenario(
        file=shown,
        name=document["name"],
        model=model,
        case=document.get("case"),
        start=start,
        data=document.get("data", {}),
        steps=steps,
    )


def _read_json(path: Path, unusable) -> Any:
    try:
        return read_json(path, MAX_BYTES)
    except JsonFileError as exc:
        raise unusable(str(exc)) from None


def _step(number: int, raw: dict[str, Any], unusable) -> Step:
    def bad(reason: str) -> UnusableScenario:
        return unusable(f"step {number}: {reason}")

    if "expect" in raw:
        expect = raw["expect"]
        for path in expect.get("data", {}):
            _check_path(path, lambda reason: bad(f"expect.data: {reason}"))
        return ExpectStep(
            number,
            case=expect.get("case"),
            items=dict(expect.get("items", {})),
            count={name: dict(states) for name, states in expect.get("count", {}).items()},
            data=dict(expect.get("data", {})),
        )
    action = next(key for key in ACTIONS if key in raw)
    target, duration = raw[action], None
    if action == "advance":
        try:
            duration = parse_duration(target)
        except TimerError as exc:
            raise bad(f"advance: {exc}") from None
    elif action == "set":
        for path in target:
            _check_path(path, lambda reason: bad(f"set: {reason}"))
    return ActionStep(
        number,
        action,
        target,
        data=raw.get("data") if action in WITH_DATA else None,
        rejected=raw.get("rejected", False),
        duration=duration,
        correlation=raw.get("correlation"),
    )


def _check_path(path: str, bad) -> None:
    if not path or any(not part for part in path.split(".")):
        raise bad(f'"{path}" is not a dotted path (e.g. "invoice.amount")')


def _order(error: ValidationError) -> tuple[int, int, int]:
    """Earliest step first, a precise complaint before a combinator's, the deepest first."""
    path = list(error.absolute_path)
    step = path[1] if len(path) > 1 and path[0] == "steps" else -1
    weak = error.validator in _WEAK or "dependentSchemas" in error.schema_path
    return (step, int(weak), -len(path))


_TYPES = {
    "string": "a string",
    "object": "an object",
    "array": "an array",
    "boolean": "true or false",
    "integer": "a whole number",
}


def _describe(error: ValidationError) -> str:
    """A one-line reason, located by step and key, for the most telling schema error."""
    path = list(error.absolute_path)
    where = ""
    if len(path) > 1 and path[0] == "steps":
        where, path = f"step {path[1] + 1}: ", path[2:]
    place = ".".join(str(part) for part in path)
    subject = f'"{place}"' if place else "the scenario" if not where else "the step"
    instance, kind = error.instance, error.validator
    in_steps = bool(where) and not path
    if "dependentSchemas" in error.schema_path:
        key = error.schema_path[error.schema_path.index("dependentSchemas") + 1]
        if key == "data":
            return f'{where}"data" goes only with {" or ".join(WITH_DATA)}'
        if key == "correlation":
            return f'{where}"correlation" goes only with "message"'
        return f'{where}"rejected" goes only with an action, not with "expect"'
    if kind == "oneOf" and in_steps:
        present = [key for key in (*ACTIONS, "expect") if key in instance]
        if present:
            return f"{where}one action per step, found {', '.join(present)}"
        return f"{where}no action (one of {', '.join(ACTIONS)}) and no expect"
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = next(key for key in instance if key not in known)
        if in_steps:
            return f'{where}unknown action "{extra}"'
        noun = "expectation" if path and path[-1] == "expect" else "key"
        return f'{where}{f"{place}: " if place else ""}unknown {noun} "{extra}"'
    if kind == "required":
        missing = next(key for key in error.validator_value if key not in instance)
        return f'{where}missing "{missing}"'
    if kind == "type":
        return (
            f"{where}{subject} must be {_TYPES.get(error.validator_value, error.validator_value)}"
        )
    if kind == "enum":
        noun = "a state" if path and path[0] == "expect" else "allowed"
        return f"{where}{subject}: {json.dumps(instance)} is not {noun} (one of {_listed(error)})"
    if kind == "minLength" and "propertyNames" in error.schema_path:
        return f"{where}{subject}: an item name must not be empty"
    if kind in ("minLength", "minItems", "minProperties"):
        return f"{where}{subject} must not be empty"
    if kind == "minimum":
        return f"{where}{subject} must be 0 or more"
    return f"{where}{subject}: {error.message}"


def _listed(error: ValidationError) -> str:
    return ", ".join(str(value) for value in error.validator_value)
