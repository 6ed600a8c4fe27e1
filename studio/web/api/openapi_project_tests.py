"""The OpenAPI description of the routes of studio/web/api/project_tests.py (scenario tests of a
project version) and of simulations run on a project version (studio/web/api/simulations.py)."""

from __future__ import annotations

from typing import Any

from studio.web.api.openapi_parts import (
    LOGIN_ERRORS,
    error,
    json_answer,
    json_body,
    object_schema,
    schema_ref,
)
from studio.web.api.openapi_projects import NUMBER, PROJECT_ID

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
COUNT = {"type": "integer", "minimum": 0}


STEP = object_schema(
    ["step", "does", "passed", "messages", "case", "states"],
    step=COUNT,
    does=TEXT,
    passed={"type": "boolean"},
    messages={"type": "array", "items": TEXT},
    case=TEXT,
    states={"type": "object", "additionalProperties": TEXT},
)
SCENARIO = object_schema(
    ["name", "file", "passed", "failures", "error", "model", "step_count", "steps"],
    name=NULLABLE_TEXT,
    file=TEXT,
    passed={"type": "boolean"},
    failures={
        "type": "array",
        "items": object_schema(["step", "message"], step=COUNT, message=TEXT),
    },
    error=NULLABLE_TEXT,
    model=NULLABLE_TEXT,
    step_count=COUNT,
    steps={"type": "array", "items": schema_ref("ScenarioStep")},
)
TEST_REPORT = object_schema(
    ["passed", "failed", "scenarios"],
    passed=COUNT,
    failed=COUNT,
    scenarios={"type": "array", "items": schema_ref("ScenarioResult")},
)

PATHS: dict[str, Any] = {
    "/projects/{project_id}/versions/{number}/tests": {
        "post": {
            "summary": "Run the version's scenario tests (all, or the files listed)",
            "description": "Answers the JSON of `studio test --format json`; each scenario adds "
            "its model's path and its steps with the item states after each (element id -> "
            "state). Scenarios left when the time budget runs out are reported as not run.",
            "parameters": [PROJECT_ID, NUMBER],
            "requestBody": json_body(
                {
                    "type": "object",
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": TEXT,
                            "description": "*.scenario.json paths (default: every one)",
                        }
                    },
                },
                required=False,
            ),
            "responses": {
                "200": json_answer(schema_ref("TestReport"), "the test report"),
                "400": error("malformed request"),
                "404": error("no such project, version or scenario file"),
                **LOGIN_ERRORS,
            },
        }
    },
    "/projects/{project_id}/versions/{number}/simulations": {
        "post": {
            "summary": "Simulate a *.sim.json of a project version in a worker process",
            "description": "`spec`, when given, replaces the file's content (an edited "
            "simulation); the file still names where it lives, so relative paths resolve.",
            "parameters": [PROJECT_ID, NUMBER],
            "requestBody": json_body(object_schema(["file"], file=TEXT, spec={"type": "object"})),
            "responses": {
                "201": json_answer({"type": "object"}, "the simulation, running"),
                "400": error("malformed request"),
                "404": error("no such project, version or file"),
                "409": error("the user already runs a simulation"),
                **LOGIN_ERRORS,
            },
        }
    },
}
SCHEMAS: dict[str, Any] = {
    "ScenarioStep": STEP,
    "ScenarioResult": SCENARIO,
    "TestReport": TEST_REPORT,
}
