"""The pieces the OpenAPI descriptions of the areas (`openapi_<area>.py`) are built from.

It describes no route itself: `with_areas` (studio/web/api/openapi.py) finds no PATHS here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}


def schema_ref(name: str) -> dict[str, str]:
    """A reference to the schema `name` of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


def object_schema(required: list[str], **properties: Any) -> dict[str, Any]:
    """A JSON object with these properties, the `required` ones always present."""
    return {"type": "object", "required": required, "properties": properties}


def path_parameter(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The path parameter `name` (`{name}` in the route)."""
    return {"name": name, "in": "path", "required": True, "schema": schema}


def json_body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    """A JSON request body."""
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def json_answer(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    """A JSON response."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict[str, Any]:
    """A response answering the API's JSON error (the component `Error`)."""
    return json_answer(ERROR_REF, description)


def errors(described: Mapping[str, str]) -> dict[str, Any]:
    """Error responses by status, from what each status means."""
    return {status: error(description) for status, description in described.items()}


def secured_errors(described: Mapping[str, str], *statuses: str) -> dict[str, Any]:
    """401 and 403, which every route behind a login answers, and `statuses`, as `described`."""
    return errors({status: described[status] for status in ("401", "403", *statuses)})


LOGIN_ERRORS = errors({"401": "not logged in", "403": "the role is missing"})
"""What a route behind a login answers without one, or without the role."""
