"""The REST API under /api/v1 (DESIGN.md, "Runtime service")."""

from __future__ import annotations

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from studio.web.api import (  # noqa: E402, F401
    auth,
    cases,
    deployments,
    jobs,
    openapi,
    projects,
    simulations,
    tasks,
)
