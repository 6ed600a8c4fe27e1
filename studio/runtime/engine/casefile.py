"""Case file writes and the standard events they emit (one per top-level item written)."""

from __future__ import annotations

import copy
from typing import Any

from jsonschema import Draft202012Validator

from studio.messages import text
from studio.runtime.engine.errors import Refused

_MISSING = object()
MAX_NESTING = 64
"""Deepest nesting of lists and objects a case file value may have (and parts of a dotted path):
deeper data is refused in words rather than overflowing the copies and serializations."""


def apply_writes(
    data: dict[str, Any], writes: dict[str, Any], *, paths: bool
) -> tuple[dict[str, Any], list[tuple[str, str, bool]]]:
    """The case file after the writes, and (item, event, whole-item write) per item written.

    `data` is not changed (copy on write: the result shares the items not written). With `paths`,
    keys are dotted paths and `None` deletes; otherwise each top-level key replaces that item.
    Writing an identical value emits nothing.
    """
    data = dict(data)
    events: list[tuple[str, str, bool]] = []
    for key, value in writes.items():
        parts = key.split(".") if paths else [key]
        if paths and (len(parts) > MAX_NESTING or not all(parts)):
            raise Refused(
                text(
                    "{path!r} is not a dotted path of at most {limit} names",
                    path=key[:80],
                    limit=MAX_NESTING,
                )
            )
        check_nesting(value, key, MAX_NESTING - len(parts))
        name = parts[0]
        before = copy.deepcopy(data[name]) if name in data else _MISSING
        if len(parts) == 1:
            if value is None and paths:
                data.pop(name, None)
            else:
                data[name] = copy.deepcopy(value)
        else:
            if name in data:
                data[name] = copy.deepcopy(data[name])
            _write_path(data, parts, value)
        after = data.get(name, _MISSING)
        event = _event(before, after)
        if event is not None:
            events.append((name, event, len(parts) == 1))
    return data, events


def check_nesting(value: Any, where: str, limit: int = MAX_NESTING) -> None:
    """Refuse a value whose lists and objects nest deeper than `limit` (without recursion)."""
    pending = [(value, 0)]
    while pending:
        current, depth = pending.pop()
        if isinstance(current, dict | list):
            if depth >= limit:
                raise Refused(
                    text(
                        "{path!r}: the data nests deeper than {limit} levels",
                        path=where[:80],
                        limit=MAX_NESTING,
                    )
                )
            children = current.values() if isinstance(current, dict) else current
            pending.extend((child, depth + 1) for child in children)


def _write_path(data: dict[str, Any], parts: list[str], value: Any) -> None:
    node: Any = data
    for part in parts[:-1]:
        child = node.get(part) if isinstance(node, dict) else None
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = copy.deepcopy(value)


def _event(before: Any, after: Any) -> str | None:
    if before == after:
        return None
    if before is _MISSING:
        return "create"
    if after is _MISSING:
        return "delete"
    if isinstance(before, list) and isinstance(after, list):
        if len(after) > len(before) and after[: len(before)] == before:
            return "addChild"
        if len(after) < len(before) and all(x in before for x in after):
            return "removeChild"
    return "update"


def check_schema(schema: dict[str, Any], data: dict[str, Any]) -> None:
    """Refuse case file contents that break the case's JSON Schema, naming the path."""
    errors = sorted(_validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        path = ".".join(str(part) for part in error.absolute_path) or "(the case file)"
        raise Refused(text("case file {path}: {reason}", path=path, reason=error.message))


_VALIDATORS: dict[int, tuple[dict[str, Any], Draft202012Validator]] = {}


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """One validator per schema, made on first use."""
    found = _VALIDATORS.get(id(schema))
    if found is None or found[0] is not schema:
        found = (schema, Draft202012Validator(schema))
        _VALIDATORS[id(schema)] = found
    return found[1]
