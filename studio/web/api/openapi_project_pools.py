"""The OpenAPI description of the pools route (studio/web/api/project_pools.py)."""

from __future__ import annotations

from typing import Any

from studio.web.api.openapi_project_layout import TEXT, rewrite_operation

PATHS: dict[str, Any] = {
    "/projects/{project_id}/pools": rewrite_operation(
        "A BPMN model with every process in a pool: the processes no pool holds get one in a "
        "collaboration (a new one when the file has none), and the diagram is laid out again by "
        "Graphviz; nothing is saved. Analyst, admin",
        "the rewritten model and the processes given a pool",
        {"path": TEXT, "xml": TEXT, "pools": {"type": "array", "items": TEXT}},
        "not a BPMN model, refused XML, or the layout failed",
    )
}
