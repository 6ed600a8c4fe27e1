"""The JSON Schema of `*.scenario.json` files, and the vocabulary it is built from."""

from __future__ import annotations

from typing import Any

ITEM_ACTIONS = (
    "complete",
    "occur",
    "start",
    "disable",
    "reenable",
    "terminate",
    "suspend",
    "resume",
    "plan",
)
"""Actions aimed at a plan item (or `@case`), carried out by `CaseDriver.perform`."""

ACTIONS = (*ITEM_ACTIONS, "set", "advance", "message", "signal")
WITH_DATA = ("complete", "message")
"""The actions that may carry `data`."""

ITEM_STATES = (
    "available",
    "enabled",
    "disabled",
    "active",
    "suspended",
    "completed",
    "terminated",
    "failed",
)
CASE_STATES = ("active", "suspended", "completed", "terminated", "failed", "closed")
ABSENT = "absent"
CASE = "@case"

_NAME = {"type": "string", "minLength": 1}
_OBJECT = {"type": "object"}

_EXPECT: dict[str, Any] = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "case": {"enum": list(CASE_STATES)},
        "items": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": _NAME,
            "additionalProperties": {"enum": [*ITEM_STATES, ABSENT]},
        },
        "count": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": _NAME,
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"enum": list(ITEM_STATES)},
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
        },
        "data": {"type": "object", "minProperties": 1},
    },
}

_STEP: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **{action: _NAME for action in ITEM_ACTIONS},
        "set": {"type": "object", "minProperties": 1},
        "advance": _NAME,
        "message": _NAME,
        "correlation": {"type": ["string", "number", "boolean"]},
        "signal": _NAME,
        "data": _OBJECT,
        "rejected": {"type": "boolean"},
        "expect": _EXPECT,
    },
    "oneOf": [{"required": [key]} for key in (*ACTIONS, "expect")],
    "dependentSchemas": {
        "data": {"anyOf": [{"required": [action]} for action in WITH_DATA]},
        "correlation": {"required": ["message"]},
        "rejected": {"not": {"required": ["expect"]}},
    },
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Case Studio scenario test",
    "type": "object",
    "required": ["name", "model", "steps"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "description": {"type": "string"},
        "name": _NAME,
        "model": _NAME,
        "case": _NAME,
        "start": _NAME,
        "data": _OBJECT,
        "steps": {"type": "array", "minItems": 1, "items": _STEP},
    },
}
