"""The REST API under /api/v1 (DESIGN.md, "Runtime service").

Every module of this package is imported, so its routes on `api` are registered: an area adds a
module (and, for the OpenAPI document, an `openapi_<area>.py` with `PATHS` and `SCHEMAS`) without
editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    importlib.import_module(f"{__name__}.{_module.name}")
