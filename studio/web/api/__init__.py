"""The REST API under /api/v1 (DESIGN.md, "Runtime service")."""

from __future__ import annotations

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from studio.web.api import auth, cases, deployments, openapi, tasks  # noqa: E402, F401
