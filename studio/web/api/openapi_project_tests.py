"""The OpenAPI description of the routes of studio/web/api/project_tests.py (scenario tests of a
project version) and of simulations run on a project version (studio/web/api/simulations.py)."""

from __future__ import annotations

from typing import Any

from studio.web.api.openapi_projects import NUMBER, PROJECT_ID

ERROR_REF = {"$ref": "#/components/schemas/Error"}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
COUNT = {"type": "integer", "minimum": 0}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


STEP = _object(
    ["step", "does", "passed", "messages", "case", "states"],
    step=COUNT,
    does=TEXT,
    passed={"type": "boolean"},
    messages={"type": "array", "items": TEXT},
    case=TEXT,
    states={"type": "object", "additionalProperties": TEXT},
)
SCENARIO = _object(
    ["name", "file", "passed", "failures", "error", "model", "step_count", "steps"],
    name=NULLABLE_TEXT,
    file=TEXT,
    passed={"type": "boolean"},
    failures={
        "type": "array",
        "items": _object(["step", "message"], step=COUNT, message=TEXT),
    },
    error=NULLABLE_TEXT,
    model=NULLABLE_TEXT,
    step_count=COUNT,
    steps={"type": "array", "items": {"$ref": "#/components/schemas/ScenarioStep"}},
)
TEST_REPORT = _object(
    ["passed", "failed", "scenarios"],
    passed=COUNT,
    failed=COUNT,
    scenarios={"type": "array", "items": {"$ref": "#/components/schemas/ScenarioResult"}},
)
COMMON = {"401": _error("not logged in"), "403": _error("the role is missing")}

PATHS: dict[str, Any] = {
    "/projects/{project_id}/versions/{number}/tests": {
        "post": {
            "summary": "Run the version's scenario tests (all, or the files listed)",
            "description": "Answers the JSON of `studio test --format json`; each scenario adds "
            "its model's path and its steps with the item states after each (element id -> "
            "state). Scenarios left when the time budget runs out are reported as not run.",
            "parameters": [PROJECT_ID, NUMBER],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "files": {
                                    "type": "array",
                                    "items": TEXT,
                                    "description": "*.scenario.json paths (default: every one)",
                                }
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": _json({"$ref": "#/components/schemas/TestReport"}, "the test report"),
                "400": _error("malformed request"),
                "404": _error("no such project, version or scenario file"),
                **COMMON,
            },
        }
    },
    "/projects/{project_id}/versions/{number}/simulations": {
        "post": {
            "summary": "Simulate a *.sim.json of a project version in a worker process",
            "description": "`spec`, when given, replaces the file's content (an edited "
            "simulation); the file still names where it lives, so relative paths resolve.",
            "parameters": [PROJECT_ID, NUMBER],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": TEXT, "spec": {"type": "object"}},
                        }
                    }
                },
            },
            "responses": {
                "201": _json({"type": "object"}, "the simulation, running"),
                "400": _error("malformed request"),
                "404": _error("no such project, version or file"),
                "409": _error("the user already runs a simulation"),
                **COMMON,
            },
        }
    },
}
SCHEMAS: dict[str, Any] = {
    "ScenarioStep": STEP,
    "ScenarioResult": SCENARIO,
    "TestReport": TEST_REPORT,
}
