"""The OpenAPI description of studio/web/api/task_forms.py (a task's form, a case's offers)."""

from __future__ import annotations

from typing import Any

from studio.web.api.openapi_parts import (
    LOGIN_ERRORS,
    error,
    json_answer,
    path_parameter,
    schema_ref,
)

TEXT = {"type": "string"}

PATHS: dict[str, Any] = {
    "/tasks/{task_id}/form": {
        "get": {
            "summary": "The task's form: a JSON Schema, null when the task has none",
            "parameters": [path_parameter("task_id", TEXT)],
            "responses": {
                "200": json_answer(schema_ref("TaskForm")),
                "404": error("no such task, or not one the caller may see"),
                **LOGIN_ERRORS,
            },
        }
    },
    "/cases/{case_id}/offers": {
        "get": {
            "summary": "The actions the case offers now (start, plan, occur, complete)",
            "parameters": [path_parameter("case_id", TEXT)],
            "responses": {
                "200": json_answer(schema_ref("CaseOffers")),
                "404": error("no such case, or not one the caller may see"),
                **LOGIN_ERRORS,
            },
        }
    },
}

SCHEMAS: dict[str, Any] = {
    "TaskForm": {
        "type": "object",
        "required": ["task", "name", "schema"],
        "properties": {
            "task": TEXT,
            "name": TEXT,
            "schema": {"type": ["object", "null"]},
        },
    },
    "CaseOffers": {
        "type": "object",
        "required": ["offers"],
        "properties": {
            "offers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["action", "target", "label", "kind", "case", "refused"],
                    "properties": {
                        "action": {"enum": ["start", "plan", "occur", "complete"]},
                        "target": TEXT,
                        "label": TEXT,
                        "kind": TEXT,
                        "case": TEXT,
                        "refused": {
                            "type": ["string", "null"],
                            "description": "the engine's reason to refuse it now, else null",
                        },
                    },
                },
            }
        },
    },
}
