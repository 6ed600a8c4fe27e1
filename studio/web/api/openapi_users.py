"""The OpenAPI description of the user routes (studio/web/api/users.py), merged into the document
of studio/web/api/openapi.py (`with_areas`)."""

from __future__ import annotations

from typing import Any

from studio.web.api.openapi_parts import (
    json_answer,
    json_body,
    path_parameter,
    schema_ref,
    secured_errors,
)

ROLE = {"enum": ["analyst", "tester", "admin", "caseworker"]}
NAMES = {"type": "array", "items": {"type": "string"}}
USER_REF = schema_ref("User")
USERNAME = path_parameter("username", {"type": "string"})
DESCRIBED = {
    "400": "malformed request",
    "401": "not logged in",
    "403": "the role admin is missing",
    "404": "no such user",
    "409": "a user of that name exists already (usernames ignore case)",
    "422": "refused: an unusable username, password, role or group, or a change that would "
    "take away your own admin role, deactivate yourself or leave no active admin",
}


def _errors(*statuses: str) -> dict[str, Any]:
    return secured_errors(DESCRIBED, *statuses)


USER = {
    "type": "object",
    "required": ["username", "roles", "groups", "active"],
    "properties": {
        "username": {"type": "string"},
        "roles": {"type": "array", "items": ROLE},
        "groups": NAMES,
        "active": {"type": "boolean"},
    },
}
NEW_USER = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "description": "1 to 150 letters, digits and . _ - @"},
        "password": {"type": "string", "description": "at least 10 characters; never answered"},
        "roles": {"type": "array", "items": ROLE},
        "groups": NAMES,
    },
}
CHANGE = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "roles": {"type": "array", "items": ROLE},
        "groups": NAMES,
        "active": {"type": "boolean"},
    },
}

PATHS = {
    "/users": {
        "get": {
            "summary": "The users, by username (admin)",
            "responses": {
                "200": json_answer(
                    {
                        "type": "object",
                        "required": ["users"],
                        "properties": {"users": {"type": "array", "items": USER_REF}},
                    }
                ),
                **_errors(),
            },
        },
        "post": {
            "summary": "Add an active user with roles and groups (admin)",
            "requestBody": json_body(NEW_USER),
            "responses": {"201": json_answer(USER_REF, "Created"), **_errors("400", "409", "422")},
        },
    },
    "/users/{username}": {
        "patch": {
            "summary": "Change a user's roles, groups or whether it is active (admin; audited)",
            "parameters": [USERNAME],
            "requestBody": json_body(CHANGE),
            "responses": {"200": json_answer(USER_REF), **_errors("400", "404", "422")},
        }
    },
    "/users/{username}/password": {
        "post": {
            "summary": "Reset a user's password: unlocks the account, revokes its API tokens",
            "parameters": [USERNAME],
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["password"],
                    "properties": {"password": {"type": "string"}},
                }
            ),
            "responses": {"200": json_answer(USER_REF), **_errors("400", "404", "422")},
        }
    },
    "/users/{username}/tokens/revoke": {
        "post": {
            "summary": "Revoke all of a user's API tokens (admin)",
            "parameters": [USERNAME],
            "responses": {
                "200": json_answer(
                    {
                        "type": "object",
                        "required": ["username", "revoked"],
                        "properties": {
                            "username": {"type": "string"},
                            "revoked": {"type": "integer", "minimum": 0},
                        },
                    }
                ),
                **_errors("404", "422"),
            },
        }
    },
}
SCHEMAS = {"User": USER}
