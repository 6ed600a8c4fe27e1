"""The OpenAPI description of the model-project routes (studio/web/api/projects.py), merged into
the document of studio/web/api/openapi.py (`with_areas`)."""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
WHEN = {"type": "string", "format": "date-time"}
COUNT = {"type": "integer", "minimum": 0}
KEY = {
    "type": "string",
    "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,149}$",
    "description": "the deployment key the project deploys under",
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _errors(*statuses: str) -> dict[str, Any]:
    described = {
        "400": "malformed request",
        "401": "not logged in",
        "403": "the role is missing (testers: a file that is not a scenario, simulation or data)",
        "404": "no such project, version or file",
        "409": "the key is taken, or someone saved a newer version meanwhile (stale base)",
        "413": "the upload is too large",
        "422": "refused: unusable files or upload, or (deploy) models with errors",
    }
    return {status: _error(described[status]) for status in ("401", "403", *statuses)}


PROJECT_ID = {
    "name": "project_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}
NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
    "description": "a version number (1, 2, ...)",
}
FILE_PATH = {"name": "path", "in": "path", "required": True, "schema": TEXT}
FILES = {
    "type": "object",
    "additionalProperties": TEXT,
    "description": "file contents (UTF-8 text) by path within the project",
}
REMOVE = {"type": "array", "items": TEXT, "description": "paths of files to take out"}

VERSION = _object(
    ["number", "author", "created_at", "message", "content_hash", "file_count"],
    number={"type": "integer"},
    author=NULLABLE_TEXT,
    created_at=WHEN,
    message=TEXT,
    content_hash=TEXT,
    file_count=COUNT,
)
PROJECT = _object(
    ["id", "key", "name", "created_at", "created_by", "archived", "latest"],
    id={"type": "integer"},
    key=TEXT,
    name=TEXT,
    created_at=WHEN,
    created_by=NULLABLE_TEXT,
    archived={"type": "boolean"},
    latest={"oneOf": [_ref("ProjectVersion"), {"type": "null"}]},
)
FILE_ENTRY = _object(
    ["path", "kind", "size", "sha256"], path=TEXT, kind=TEXT, size=COUNT, sha256=TEXT
)
UPLOAD_REPORT = {
    "imported": {"type": "array", "items": TEXT},
    "renamed": {
        "type": "array",
        "items": _object(["from", "to", "reason"], to=TEXT, reason=TEXT, **{"from": TEXT}),
    },
    "skipped": {
        "type": "array",
        "items": _object(["path", "reason"], path=TEXT, reason=TEXT, code=NULLABLE_TEXT),
    },
}
IMPORTED = _object(["project", *UPLOAD_REPORT], project=_ref("Project"), **UPLOAD_REPORT)
PROBLEM = _object(
    ["code", "severity", "element", "line", "message"],
    code=TEXT,
    severity={"enum": ["error", "warning"]},
    element=NULLABLE_TEXT,
    line={"type": ["integer", "null"]},
    message=TEXT,
)
VALIDATION = _object(
    ["version", "errors", "warnings", "files"],
    version=COUNT,
    errors=COUNT,
    warnings=COUNT,
    files={
        "type": "array",
        "items": _object(
            ["file", "problems"], file=TEXT, problems={"type": "array", "items": PROBLEM}
        ),
    },
)
CHANGE = _object(
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
DIFF = _object(
    ["from", "to", "summary", "files"],
    summary=TEXT,
    files={
        "type": "array",
        "items": _object(
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
SAVED = _object(["created", "version"], created={"type": "boolean"}, version=_ref("ProjectVersion"))
DEPLOYED = _object(
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


def _body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


PATHS: dict[str, Any] = {
    "/projects": {
        "get": {
            "summary": "Model projects (archived=true: the archived ones too)",
            "parameters": [{"name": "archived", "in": "query", "schema": {"type": "boolean"}}],
            "responses": {
                "200": _json(
                    _object(["projects"], projects={"type": "array", "items": _ref("Project")})
                ),
                **_errors(),
            },
        },
        "post": {
            "summary": "Create a project (with `files`: its version 1); analyst, admin",
            "requestBody": _body(_object(["key"], key=KEY, name=TEXT, message=TEXT, files=FILES)),
            "responses": {
                "201": _json(_ref("Project"), "the project"),
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
                "201": _json(
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
            "responses": {"200": _json(_ref("Project")), **_errors("404")},
        },
        "patch": {
            "summary": "Rename or (un)archive a project; analyst, admin",
            "parameters": [PROJECT_ID],
            "requestBody": _body(
                {"type": "object", "properties": {"name": TEXT, "archived": {"type": "boolean"}}}
            ),
            "responses": {"200": _json(_ref("Project")), **_errors("400", "404", "422")},
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
                "200": _json(
                    {**SAVED, "properties": {**SAVED["properties"], **UPLOAD_REPORT}},
                    "identical to the base: nothing stored",
                ),
                "201": _json(
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
                "200": _json(
                    _object(
                        ["versions"], versions={"type": "array", "items": _ref("ProjectVersion")}
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
            "requestBody": _body(
                _object(["base"], base=COUNT, message=TEXT, files=FILES, remove=REMOVE)
            ),
            "responses": {
                "200": _json(SAVED, "identical to the base: nothing stored"),
                "201": _json(SAVED, "the new version"),
                **_errors("400", "404", "409", "413", "422"),
            },
        },
    },
    "/projects/{project_id}/versions/{number}": {
        "get": {
            "summary": "A version: who saved it when and why, its files, its deployments",
            "parameters": [PROJECT_ID, NUMBER],
            "responses": {
                "200": _json(
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
                "200": _json(DEPLOYED, "deployed already: the newest deployment has this content"),
                "201": _json(DEPLOYED, "the deployment"),
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
            "responses": {"200": _json(DIFF), **_errors("400", "404")},
        }
    },
    "/projects/{project_id}/validate": {
        "post": {
            "summary": "Validate a version (default the newest) with unsaved edits laid over "
            "it: the shape of `studio validate --format json`",
            "parameters": [PROJECT_ID],
            "requestBody": _body(
                {
                    "type": "object",
                    "properties": {"version": COUNT, "files": FILES, "remove": REMOVE},
                },
                required=False,
            ),
            "responses": {"200": _json(VALIDATION), **_errors("400", "404", "413", "422")},
        }
    },
}
SCHEMAS: dict[str, Any] = {"Project": PROJECT, "ProjectVersion": VERSION}
