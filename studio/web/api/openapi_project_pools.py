"""The OpenAPI description of the pools route (studio/web/api/project_pools.py)."""

from __future__ import annotations

from typing import Any

from studio.web.api.openapi_project_layout import ERROR, LAYOUT_BODY, TEXT

PATHS: dict[str, Any] = {
    "/projects/{project_id}/pools": {
        "post": {
            "summary": "A BPMN model with every process in a pool: the processes no pool holds "
            "get one in a collaboration (a new one when the file has none), and the diagram is "
            "laid out again by Graphviz; nothing is saved. Analyst, admin",
            "parameters": [
                {
                    "name": "project_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": LAYOUT_BODY}},
            },
            "responses": {
                "200": {
                    "description": "the rewritten model and the processes given a pool",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["path", "xml", "pools"],
                                "properties": {
                                    "path": TEXT,
                                    "xml": TEXT,
                                    "pools": {"type": "array", "items": TEXT},
                                },
                            }
                        }
                    },
                },
                **{
                    status: {"description": description, **ERROR}
                    for status, description in (
                        ("400", "malformed request"),
                        ("401", "not logged in"),
                        ("403", "the role is missing (analyst or admin)"),
                        ("404", "no such project"),
                        ("413", "the request is too large"),
                        ("422", "not a BPMN model, refused XML, or the layout failed"),
                    )
                },
            },
        }
    },
}
