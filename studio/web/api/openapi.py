"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the REST API (no login needed).

The document is written here, next to the routes; a test checks that every route of the `api`
blueprint is described and nothing else is.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from studio import __version__
from studio.runtime.engine.incidents import CODES
from studio.web.api import api
from studio.web.api.openapi_parts import (
    LOGIN_ERRORS,
    error,
    json_answer,
    json_body,
    path_parameter,
    schema_ref,
)

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}
ITEM = {
    "type": "object",
    "required": ["id", "name", "definition", "state"],
    "properties": {
        "id": {"type": "string"},
        "instance": {"type": "string"},
        "name": {"type": ["string", "null"]},
        "definition": {"type": ["string", "null"]},
        "state": {"type": "string"},
        "case": {"type": "string"},
        "task": {"type": "string", "description": "the worklist id of an active task"},
        "due": {"type": "string", "format": "date-time"},
    },
}
INCIDENT = {
    "type": "object",
    "required": ["code", "message", "at", "element"],
    "properties": {
        "code": {
            "type": "string",
            "enum": list(CODES),
            "description": "the kind, stable across wordings: timer.failed (a timer failed on "
            "every attempt and is parked), loop.budget (a command ran past the loop budget and "
            "was rolled back), task.failed (a BPMN script, service or business-rule task failed; "
            "its token waits), child.failed (what a call activity started failed), unknown",
        },
        "message": {"type": "string", "description": "what went wrong, in English"},
        "at": {"type": ["string", "null"], "format": "date-time"},
        "element": {"type": ["string", "null"], "description": "the BPMN element it concerns"},
    },
}
CASE = {
    "type": "object",
    "required": ["id", "state", "data", "items"],
    "properties": {
        "id": {"type": "string"},
        "definition": {"type": "string"},
        "deployment": {"type": "integer"},
        "state": {"type": "string"},
        "version": {"type": "integer"},
        "data": {"type": "object"},
        "incidents": {
            "type": "array",
            "items": {"type": "string"},
            "description": "the messages of the case's open incidents (see incident_details)",
        },
        "incident_details": {"type": "array", "items": {"$ref": "#/components/schemas/Incident"}},
        "team": {"type": "object"},
        "may_bind": {
            "type": "array",
            "items": {"type": "string"},
            "description": "the case roles whose members the caller may change (bind)",
        },
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
    },
}
ACTION = {
    "type": "object",
    "description": (
        "One action in the scenario vocabulary: exactly one of complete, occur, start, disable, "
        "reenable, terminate, suspend, resume, plan, retry, reactivate (naming an item, or "
        '"@case"), set (dotted paths), message, signal, bind, close; optional data and '
        'correlation. {"retry": "@case"} (admins) puts the timers an incident parked back on '
        "the schedule and clears the case's incidents. "
        '{"bind": ROLE, "data": {"role": ROLE, "members": [users or groups]}} sets who holds a '
        "case role: an admin binds any role, anyone else only a role they hold in the case (403 "
        "naming the role otherwise)."
    ),
    "minProperties": 1,
    "properties": {
        "data": {"type": "object"},
        "correlation": {"type": ["string", "number", "boolean"]},
    },
}


COMMON = LOGIN_ERRORS
JOB_ID = path_parameter("job_id", {"type": "string"})
TASK_ID = path_parameter("task_id", {"type": "string"})
TASK = {
    "type": "object",
    "required": ["id", "case", "name"],
    "properties": {
        "id": {"type": "string"},
        "case": {"type": "string"},
        "owner": {"type": "string"},
        "instance": {"type": "string"},
        "item": {"type": "string"},
        "name": {"type": "string"},
        "role": {"type": ["string", "null"]},
        "assignee": {"type": ["string", "null"]},
        "due": {"type": ["string", "null"], "format": "date-time"},
    },
}
TASK_REF = schema_ref("Task")


def _task_operation(
    summary: str, answer: dict[str, Any], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [TASK_ID],
        "responses": {
            "200": json_answer(answer),
            "400": error("malformed request"),
            "404": error("no such task"),
            "409": error("claimed by someone else, or changed meanwhile"),
            "422": error("refused"),
            **COMMON,
        },
    }
    if body is not None:
        operation["requestBody"] = json_body(body)
    return {"post": operation}


CASE_ID = path_parameter("case_id", {"type": "string"})
CASE_REF = schema_ref("Case")


def document() -> dict[str, Any]:
    """The OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Case Studio runtime API", "version": __version__},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": {
                "Error": ERROR,
                "Item": ITEM,
                "Incident": INCIDENT,
                "Case": CASE,
                "Action": ACTION,
                "Task": TASK,
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": json_answer({"type": "object"})},
                }
            },
            "/auth/token": {
                "post": {
                    "summary": "A bearer token for a username and password",
                    "security": [],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["username", "password"],
                                    "properties": {
                                        "username": {"type": "string"},
                                        "password": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": json_answer(
                            {
                                "type": "object",
                                "required": ["token"],
                                "properties": {"token": {"type": "string"}},
                            }
                        ),
                        "400": error("malformed request"),
                        "401": error("wrong username or password, or throttled"),
                    },
                }
            },
            "/deployments": {
                "get": {
                    "summary": "Deployed model-project versions",
                    "responses": {"200": json_answer({"type": "object"}), **COMMON},
                },
                "post": {
                    "summary": "Deploy a model project (a zip); admin",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {"type": "string", "format": "binary"},
                                        "key": {"type": "string"},
                                    },
                                }
                            },
                            "application/zip": {"schema": {"type": "string", "format": "binary"}},
                        },
                    },
                    "responses": {
                        "200": json_answer({"type": "object"}, "identical content: unchanged"),
                        "201": json_answer({"type": "object"}, "a new version"),
                        "400": error("no zip"),
                        "422": error("the project does not validate or the zip is unsafe"),
                        **COMMON,
                    },
                },
            },
            "/cases": {
                "get": {
                    "summary": "The cases the caller may see",
                    "parameters": [
                        *(
                            {"name": n, "in": "query", "schema": {"type": "string"}}
                            for n in ("definition", "state")
                        ),
                        *(
                            {
                                "name": n,
                                "in": "query",
                                "schema": {"type": "string", "format": "date-time"},
                            }
                            for n in ("started_after", "started_before")
                        ),
                    ],
                    "description": (
                        "Also filters by case file values: data.<dotted path>=<value> (a JSON "
                        "value, or text)."
                    ),
                    "responses": {
                        "200": json_answer({"type": "object"}),
                        "400": error("a date that is not ISO-8601"),
                        **COMMON,
                    },
                },
                "post": {
                    "summary": "Start a case (or a BPMN process) of the newest deployment",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["case"],
                                    "properties": {
                                        "case": {"type": "string"},
                                        "data": {"type": "object"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": json_answer(CASE_REF, "the case"),
                        "400": error("malformed request"),
                        "404": error("no deployed case or process of that id"),
                        "422": error("the case could not start"),
                        **COMMON,
                    },
                },
            },
            "/cases/{case_id}": {
                "get": {
                    "summary": "A case with its items (and those of what it started)",
                    "parameters": [CASE_ID],
                    "responses": {
                        "200": json_answer(CASE_REF),
                        "404": error("no such case"),
                        **COMMON,
                    },
                }
            },
            "/cases/{case_id}/actions": {
                "post": {
                    "summary": "One action in the scenario vocabulary",
                    "parameters": [CASE_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Action"}}
                        },
                    },
                    "responses": {
                        "200": json_answer(CASE_REF, "the case after the action"),
                        "400": error("malformed request"),
                        "404": error("no such case or item"),
                        "409": error("another request changed the case first"),
                        "422": error("the engine refused the action"),
                        **COMMON,
                    },
                }
            },
            "/cases/{case_id}/history": {
                "get": {
                    "summary": "The audit trail: every transition, who, when, why",
                    "parameters": [CASE_ID],
                    "responses": {
                        "200": json_answer({"type": "object"}),
                        "404": error("no such case"),
                        **COMMON,
                    },
                }
            },
            "/cases/{case_id}/explanation": {
                "get": {
                    "summary": "Why the case does not complete, or why an item is not active",
                    "parameters": [
                        CASE_ID,
                        {"name": "item", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": json_answer({"type": "object"}),
                        "404": error("no such case"),
                        **COMMON,
                    },
                }
            },
            "/cases/{case_id}/data": {
                "get": {
                    "summary": "The case file",
                    "parameters": [CASE_ID],
                    "responses": {
                        "200": json_answer({"type": "object"}),
                        "404": error("no such case"),
                        **COMMON,
                    },
                },
                "patch": {
                    "summary": "Write the case file by dotted paths (null deletes)",
                    "parameters": [CASE_ID],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "responses": {
                        "200": json_answer({"type": "object"}, "the case file after the writes"),
                        "400": error("malformed request"),
                        "404": error("no such case"),
                        "409": error("another request changed the case first"),
                        "422": error("the write is refused (undeclared item, schema)"),
                        **COMMON,
                    },
                },
            },
            "/cases/{case_id}/migrate": {
                "post": {
                    "summary": "Move a running case to another deployment (dry run by default)",
                    "parameters": [CASE_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["deployment"],
                                    "properties": {
                                        "deployment": {"type": "integer"},
                                        "dry_run": {"type": "boolean"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": json_answer(
                            {"type": "object"}, "the migration plan (and whether done)"
                        ),
                        "400": error("malformed request"),
                        "404": error("no such case or deployment"),
                        "409": error(
                            "another request changed a case of the family first: nothing moved"
                        ),
                        "422": error("something does not map"),
                        **COMMON,
                    },
                }
            },
            "/simulations": {
                "post": {
                    "summary": "Run a *.sim.json of a deployed project in a worker process",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["deployment", "file"],
                                    "properties": {
                                        "deployment": {"type": "integer"},
                                        "file": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": json_answer({"type": "object"}, "the simulation, running"),
                        "400": error("malformed request"),
                        "404": error("no such deployment or file"),
                        "409": error("the user already runs a simulation"),
                        **COMMON,
                    },
                }
            },
            "/simulations/{job_id}": {
                "get": {
                    "summary": "A simulation: state, progress, result once done",
                    "parameters": [JOB_ID],
                    "responses": {
                        "200": json_answer({"type": "object"}),
                        "404": error("no such simulation"),
                        **COMMON,
                    },
                }
            },
            "/simulations/{job_id}/cancel": {
                "post": {
                    "summary": "Stop a running simulation",
                    "parameters": [JOB_ID],
                    "responses": {
                        "200": json_answer({"type": "object"}),
                        "404": error("no such simulation"),
                        **COMMON,
                    },
                }
            },
            "/jobs": {
                "get": {
                    "summary": "The timer job queue (admin); a failed job is an incident",
                    "parameters": [
                        {
                            "name": "state",
                            "in": "query",
                            "schema": {"enum": ["waiting", "running", "retry", "failed"]},
                        }
                    ],
                    "responses": {
                        "200": json_answer({"type": "object", "required": ["status", "jobs"]}),
                        "400": error("an unknown state"),
                        **COMMON,
                    },
                }
            },
            "/tasks": {
                "get": {
                    "summary": "The caller's worklist (assignee=me, none or a username)",
                    "parameters": [
                        {"name": "assignee", "in": "query", "schema": {"type": "string"}}
                    ],
                    "responses": {"200": json_answer({"type": "object"}), **COMMON},
                }
            },
            "/tasks/{task_id}": {
                "get": {
                    "summary": "One task",
                    "parameters": [TASK_ID],
                    "responses": {
                        "200": json_answer(TASK_REF),
                        "404": error("no such task"),
                        **COMMON,
                    },
                }
            },
            "/tasks/{task_id}/claim": _task_operation("Take the task", TASK_REF),
            "/tasks/{task_id}/unclaim": _task_operation("Give the task back", TASK_REF),
            "/tasks/{task_id}/delegate": _task_operation(
                'Hand the task to another case worker ({"to": username})',
                TASK_REF,
                {"type": "object", "required": ["to"], "properties": {"to": {"type": "string"}}},
            ),
            "/tasks/{task_id}/complete": _task_operation(
                "Complete the task; data checked against its form",
                CASE_REF,
                {"type": "object", "properties": {"data": {"type": "object"}}},
            ),
        },
    }


def with_areas(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the paths and schemas of every `openapi_<area>.py` of this package."""
    import importlib
    import pkgutil

    import studio.web.api as package

    components = document.setdefault("components", {})
    for found in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if found.name.startswith("openapi_"):
            area = importlib.import_module(f"{package.__name__}.{found.name}")
            document["paths"] = {**document["paths"], **getattr(area, "PATHS", {})}
            schemas = getattr(area, "SCHEMAS", {})
            components["schemas"] = {**components.get("schemas", {}), **schemas}
    return document


@api.get("/openapi.json")
def openapi_document():
    return jsonify(with_areas(document()))
