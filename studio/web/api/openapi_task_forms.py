"""The OpenAPI description of studio/web/api/task_forms.py (a task's form, a case's offers)."""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR = {"description": "", "content": {"application/json": {"schema": ERROR_REF}}}


def _error(description: str) -> dict[str, Any]:
    return {**ERROR, "description": description}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


COMMON = {"401": _error("not logged in"), "403": _error("the role is missing")}
TEXT = {"type": "string"}

PATHS: dict[str, Any] = {
    "/tasks/{task_id}/form": {
        "get": {
            "summary": "The task's form: a JSON Schema, null when the task has none",
            "parameters": [{"name": "task_id", "in": "path", "required": True, "schema": TEXT}],
            "responses": {
                "200": _json({"$ref": "#/components/schemas/TaskForm"}),
                "404": _error("no such task, or not one the caller may see"),
                **COMMON,
            },
        }
    },
    "/cases/{case_id}/offers": {
        "get": {
            "summary": "The actions the case offers now (start, plan, occur, complete)",
            "parameters": [{"name": "case_id", "in": "path", "required": True, "schema": TEXT}],
            "responses": {
                "200": _json({"$ref": "#/components/schemas/CaseOffers"}),
                "404": _error("no such case, or not one the caller may see"),
                **COMMON,
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
