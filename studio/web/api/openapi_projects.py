"""The OpenAPI description of the model-project routes (studio/web/api/projects.py), merged into
the document of studio/web/api/openapi.py (`with_areas`)."""

from __future__ import annotations

from typing import Any

from studio.web.api.openapi_parts import (
    json_answer,
    json_body,
    object_schema,
    path_parameter,
    schema_ref,
    secured_errors,
)

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
WHEN = {"type": "string", "format": "date-time"}
COUNT = {"type": "integer", "minimum": 0}
KEY = {
    "type": "string",
    "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,149}$",
    "description": "the deployment key the project deploys under",
}


DESCRIBED = {
    "400": "malformed request",
    "401": "not logged in",
    "403": "the role is missing (testers: a file that is not a scenario, simulation or data)",
    "404": "no such project, version or file",
    "409": "the key is taken, or someone saved a newer version meanwhile (stale base)",
    "413": "the upload is too large",
    "422": "refused: unusable files or upload, or (deploy) models with errors",
}


def _errors(*statuses: str) -> dict[str, Any]:
    return secured_errors(DESCRIBED, *statuses)


PROJECT_ID = path_parameter("project_id", {"type": "integer", "minimum": 0})
NUMBER = {
    **path_parameter("number", {"type": "integer", "minimum": 0}),
    "description": "a version number (1, 2, ...)",
}
FILE_PATH = path_parameter("path", TEXT)
FILES = {
    "type": "object",
    "additionalProperties": TEXT,
    "description": "file contents (UTF-8 text) by path within the project",
}
REMOVE = {"type": "array", "items": TEXT, "description": "paths of files to take out"}

VERSION = object_schema(
    ["number", "author", "created_at", "message", "content_hash", "file_count"],
    number={"type": "integer"},
    author=NULLABLE_TEXT,
    created_at=WHEN,
    message=TEXT,
    content_hash=TEXT,
    file_count=COUNT,
)
PROJECT = object_schema(
    ["id", "key", "name", "created_at", "created_by", "archived", "latest"],
    id={"type": "integer"},
    key=TEXT,
    name=TEXT,
    created_at=WHEN,
    created_by=NULLABLE_TEXT,
    archived={"type": "boolean"},
    latest={"oneOf": [schema_ref("ProjectVersion"), {"type": "null"}]},
)
FILE_ENTRY = object_schema(
    ["path", "kind", "size", "sha256"], path=TEXT, kind=TEXT, size=COUNT, sha256=TEXT
)
UPLOAD_REPORT = {
    "imported": {"type": "array", "items": TEXT},
    "renamed": {
        "type": "array",
        "items": object_schema(["from", "to", "reason"], to=TEXT, reason=TEXT, **{"from": TEXT}),
    },
    "skipped": {
        "type": "array",
        "items": object_schema(["path", "reason"], path=TEXT, reason=TEXT, code=NULLABLE_TEXT),
    },
}
IMPORTED = object_schema(
    ["project", *UPLOAD_REPORT], project=schema_ref("Project"), **UPLOAD_REPORT
)
PROBLEM = object_schema(
    ["code", "severity", "element", "line", "message"],
    code=TEXT,
    severity={"enum": ["error", "warning"]},
    element=NULLABLE_TEXT,
    line={"type": ["integer", "null"]},
    message=TEXT,
)
VALIDATION = object_schema(
    ["version", "errors", "warnings", "files"],
    version=COUNT,
    errors=COUNT,
    warnings=COUNT,
    files={
        "type": "array",
        "items": object_schema(
            ["file", "problems"], file=TEXT, problems={"type": "array", "items": PROBLEM}
        ),
    },
)
CHANGE = object_schema(
    ["change", "text"],
    change={"enum": ["added", "removed", "renamed", "moved", "retyped", "changed", "layout"]},
    element=NULLABLE_TEXT,
    kind=NULLABLE_TEXT,
    name=NULLABLE_TEXT,
    property=NULLABLE_TEXT,
    before=NULLABLE_TEXT,
    after=NULLABLE_TEXT,
    text=TEXT,
)
DIFF = object_schema(
    ["from", "to", "summary", "files"],
    summary=TEXT,
    files={
        "type": "array",
        "items": object_schema(
            ["path", "status", "changes", "note", "diff"],
            path=TEXT,
            status={"enum": ["added", "removed", "changed"]},
            size_before={"type": ["integer", "null"]},
            size_after={"type": ["integer", "null"]},
            changes={"oneOf": [{"type": "array", "items": CHANGE}, {"type": "null"}]},
            note=NULLABLE_TEXT,
            diff=NULLABLE_TEXT,
        ),
    },
    **{"from": COUNT, "to": COUNT},
)
SAVED = object_schema(
    ["created", "version"], created={"type": "boolean"}, version=schema_ref("ProjectVersion")
)
DEPLOYED = object_schema(
    ["deployment", "created", "skipped"],
    deployment={"type": "object"},
    created={"type": "boolean"},
    skipped={"type": "array", "items": TEXT},
)
UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "key": TEXT,
                    "name": TEXT,
                    "message": TEXT,
                    "base": {"type": "integer", "minimum": 0},
                },
            }
        },
        "application/zip": {"schema": {"type": "string", "format": "binary"}},
    },
}


PATHS: dict[str, Any] = {
    "/projects": {
        "get": {
            "summary": "Model projects (archived=true: the archived ones too)",
            "parameters": [{"name": "archived", "in": "query", "schema": {"type": "boolean"}}],
            "responses": {
                "200": json_answer(
                    object_schema(
                        ["projects"], projects={"type": "array", "items": schema_ref("Project")}
                    )
                ),
                **_errors(),
            },
        },
        "post": {
            "summary": "Create a project (with `files`: its version 1); analyst, admin",
            "requestBody": json_body(
                object_schema(["key"], key=KEY, name=TEXT, message=TEXT, files=FILES)
            ),
            "responses": {
                "201": json_answer(schema_ref("Project"), "the project"),
                **_errors("400", "409", "413", "422"),
            },
        },
    },
    "/projects/import": {
        "post": {
            "summary": "Import a project: a zip of a folder, a model file, a Flowable or Camunda "
            "export (multipart field `file`, or the body with ?filename=); analyst, admin",
            "parameters": [
                {"name": name, "in": "query", "schema": TEXT}
                for name in ("filename", "key", "name")
            ],
            "requestBody": UPLOAD,
            "responses": {
                "201": json_answer(
                    IMPORTED,
                    "the project, what was imported, renamed and skipped (with the reasons)",
                ),
                **_errors("400", "409", "413", "422"),
            },
        }
    },
    "/projects/{project_id}": {
        "get": {
            "summary": "A project and its newest version",
            "parameters": [PROJECT_ID],
            "responses": {"200": json_answer(schema_ref("Project")), **_errors("404")},
        },
        "patch": {
            "summary": "Rename or (un)archive a project; analyst, admin",
            "parameters": [PROJECT_ID],
            "requestBody": json_body(
                {"type": "object", "properties": {"name": TEXT, "archived": {"type": "boolean"}}}
            ),
            "responses": {
                "200": json_answer(schema_ref("Project")),
                **_errors("400", "404", "422"),
            },
        },
    },
    "/projects/{project_id}/import": {
        "post": {
            "summary": "A new version holding exactly the uploaded files (form field `base`: the "
            "version it replaces); analyst, admin",
            "parameters": [
                PROJECT_ID,
                {"name": "filename", "in": "query", "schema": TEXT},
                {"name": "base", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            ],
            "requestBody": UPLOAD,
            "responses": {
                "200": json_answer(
                    {**SAVED, "properties": {**SAVED["properties"], **UPLOAD_REPORT}},
                    "identical to the base: nothing stored",
                ),
                "201": json_answer(
                    {**SAVED, "properties": {**SAVED["properties"], **UPLOAD_REPORT}},
                    "the new version",
                ),
                **_errors("400", "404", "409", "413", "422"),
            },
        }
    },
    "/projects/{project_id}/versions": {
        "get": {
            "summary": "The versions of a project, newest first",
            "parameters": [PROJECT_ID],
            "responses": {
                "200": json_answer(
                    object_schema(
                        ["versions"],
                        versions={"type": "array", "items": schema_ref("ProjectVersion")},
                    )
                ),
                **_errors("404"),
            },
        },
        "post": {
            "summary": "Save a new version from `base` (0: none yet) with files added or "
            "replaced and removed; 409 when someone saved meanwhile. Analyst, admin; testers "
            "save scenarios, simulation files and sample data only",
            "parameters": [PROJECT_ID],
            "requestBody": json_body(
                object_schema(["base"], base=COUNT, message=TEXT, files=FILES, remove=REMOVE)
            ),
            "responses": {
                "200": json_answer(SAVED, "identical to the base: nothing stored"),
                "201": json_answer(SAVED, "the new version"),
                **_errors("400", "404", "409", "413", "422"),
            },
        },
    },
    "/projects/{project_id}/versions/{number}": {
        "get": {
            "summary": "A version: who saved it when and why, its files, its deployments",
            "parameters": [PROJECT_ID, NUMBER],
            "responses": {
                "200": json_answer(
                    {
                        **VERSION,
                        "required": [*VERSION["required"], "files", "deployments"],
                        "properties": {
                            **VERSION["properties"],
                            "files": {"type": "array", "items": FILE_ENTRY},
                            "deployments": {"type": "array", "items": {"type": "object"}},
                        },
                    }
                ),
                **_errors("404"),
            },
        }
    },
    "/projects/{project_id}/versions/{number}/files/{path}": {
        "get": {
            "summary": "One file of a version, byte for byte",
            "parameters": [PROJECT_ID, NUMBER, FILE_PATH],
            "responses": {
                "200": {
                    "description": "the file",
                    "content": {
                        "application/json": {"schema": {}},
                        **{
                            media: {"schema": {"type": "string", "format": "binary"}}
                            for media in (
                                "application/xml",
                                "application/x-ndjson",
                                "text/csv",
                                "text/markdown",
                                "application/octet-stream",
                            )
                        },
                    },
                },
                "304": {"description": "not modified (If-None-Match)"},
                **_errors("404"),
            },
        }
    },
    "/projects/{project_id}/versions/{number}/download": {
        "get": {
            "summary": "A version as a zip (one top folder named after the project key)",
            "parameters": [PROJECT_ID, NUMBER],
            "responses": {
                "200": {
                    "description": "the zip",
                    "content": {
                        "application/zip": {"schema": {"type": "string", "format": "binary"}}
                    },
                },
                **_errors("404"),
            },
        }
    },
    "/projects/{project_id}/versions/{number}/deploy": {
        "post": {
            "summary": "Deploy a version to the runtime under the project's key; refused with "
            "the problems when its models have errors; admin",
            "parameters": [PROJECT_ID, NUMBER],
            "responses": {
                "200": json_answer(
                    DEPLOYED, "deployed already: the newest deployment has this content"
                ),
                "201": json_answer(DEPLOYED, "the deployment"),
                **_errors("404", "422"),
            },
        }
    },
    "/projects/{project_id}/diff": {
        "get": {
            "summary": "What changed from one version to another (default: the newest against "
            "the one before): per file, element changes of models and a unified text diff",
            "parameters": [
                PROJECT_ID,
                {"name": "from", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "to", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            ],
            "responses": {"200": json_answer(DIFF), **_errors("400", "404")},
        }
    },
    "/projects/{project_id}/validate": {
        "post": {
            "summary": "Validate a version (default the newest) with unsaved edits laid over "
            "it: the shape of `studio validate --format json`",
            "parameters": [PROJECT_ID],
            "requestBody": json_body(
                {
                    "type": "object",
                    "properties": {"version": COUNT, "files": FILES, "remove": REMOVE},
                },
                required=False,
            ),
            "responses": {"200": json_answer(VALIDATION), **_errors("400", "404", "413", "422")},
        }
    },
}
SCHEMAS: dict[str, Any] = {"Project": PROJECT, "ProjectVersion": VERSION}
