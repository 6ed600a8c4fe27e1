"""The OpenAPI description of the erasure route (studio/web/api/erasure.py), merged into the
document of studio/web/api/openapi.py (`with_areas`)."""

from __future__ import annotations

from studio.ops.erasure import MAX_PATHS, PATH
from studio.web.api.openapi_parts import (
    error,
    json_answer,
    json_body,
    object_schema,
    path_parameter,
    schema_ref,
)

CASE_ID = path_parameter("case_id", {"type": "string"})
ERASURE = {
    "type": "object",
    "required": ["case", "paths", "cases", "values", "history_events"],
    "properties": {
        "case": {"type": "string"},
        "paths": {"type": "array", "items": {"type": "string"}},
        "cases": {
            "type": "array",
            "items": {"type": "string"},
            "description": "the cases of the family whose case file held a value at a path",
        },
        "values": {"type": "integer", "description": "values replaced by the marker"},
        "history_events": {
            "type": "integer",
            "description": "history events whose text repeated an erased value",
        },
    },
}


PATHS = {
    "/cases/{case_id}/erasure": {
        "post": {
            "summary": "Erase one person's data in a case file; admin",
            "description": (
                'The values at the dotted paths become "[erased]" in the case, the processes and '
                "sub-cases of its family, the data they started with and history texts that "
                "repeat them. Not a command: nothing in the case moves. The case's history gains "
                "an `erase` event and the audit trail a `case.erasure` entry (who, when, which "
                "paths; never the values)."
            ),
            "parameters": [CASE_ID],
            "requestBody": json_body(
                object_schema(
                    ["paths"],
                    paths={
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MAX_PATHS,
                        "items": {
                            "type": "string",
                            "pattern": PATH.pattern,
                            "examples": ["applicant.email"],
                        },
                    },
                )
            ),
            "responses": {
                "200": json_answer(schema_ref("Erasure"), "what was erased"),
                "400": error("malformed request or path"),
                "401": error("not logged in"),
                "403": error("the role admin is missing"),
                "404": error("no such case"),
                "422": error("the case file has no value at any of the paths"),
            },
        }
    }
}
SCHEMAS = {"Erasure": ERASURE}
