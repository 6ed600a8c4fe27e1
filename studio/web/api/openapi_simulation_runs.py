"""The OpenAPI description of the stored simulation runs (studio/web/api/simulations.py)."""

from __future__ import annotations

from typing import Any

from studio.web.api.openapi_parts import errors, json_answer, object_schema, path_parameter

TEXT = {"type": "string"}
RUN = {
    "type": "object",
    "required": ["id", "user", "file", "state", "started"],
    "properties": {
        "id": {**TEXT, "description": "`sim-<n>`, kept when the finished run is stored"},
        "user": TEXT,
        "file": TEXT,
        "state": {"enum": ["running", "done", "failed", "cancelled"]},
        "started": {**TEXT, "format": "date-time"},
        "stored": {"type": ["string", "null"], "description": "the stored run's id"},
        "origin": {"type": "object", "description": "project, key, version, file, model, edited"},
        "progress": {"type": "object"},
        "error": TEXT,
    },
}


PATHS: dict[str, Any] = {
    "/simulation-runs": {
        "get": {
            "summary": "The caller's simulation runs, newest first: stored finished runs (kept "
            "across restarts) and those of this server process not stored (running, failed, "
            "cancelled). Analyst, tester, admin",
            "responses": {
                "200": json_answer(
                    object_schema(["runs"], runs={"type": "array", "items": RUN}), "the runs"
                ),
                **errors({"401": "not logged in", "403": "the role is missing"}),
            },
        }
    },
    "/simulation-runs/{run_id}": {
        "get": {
            "summary": "A stored simulation run of the caller: its result, the sim file as run, "
            "who, when and where from",
            "parameters": [path_parameter("run_id", {"type": "string"})],
            "responses": {
                "200": json_answer(
                    {
                        **RUN,
                        "properties": {
                            **RUN["properties"],
                            "result": {"type": "object"},
                            "spec": {**TEXT, "description": "the sim file as run"},
                            "finished": {**TEXT, "format": "date-time"},
                        },
                    },
                    "the run",
                ),
                **errors(
                    {
                        "401": "not logged in",
                        "403": "the role is missing",
                        "404": "no stored run of the caller with that id",
                    }
                ),
            },
        }
    },
}
