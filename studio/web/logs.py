"""Structured logs: one JSON object per line on stderr (the server's and gunicorn's), with the
request's method, path, status, duration and user for each request."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from flask import Flask, g, request
from pythonjsonlogger.json import JsonFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def json_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(FORMAT, rename_fields={"levelname": "level", "asctime": "time"})
    )
    return handler


def configure(level: int = logging.INFO) -> None:
    """JSON lines for the root logger (the studio's loggers and gunicorn's propagate to it)."""
    root = logging.getLogger()
    root.handlers[:] = [json_handler()]
    root.setLevel(level)


def log_requests(app: Flask) -> None:
    """One `request` line per API call: method, path, status, milliseconds, user."""
    logger = logging.getLogger("studio.requests")

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log(response: Any) -> Any:
        if request.path.startswith("/api/"):
            user = g.get("user")
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - g.get("started", time.perf_counter()))
                                * 1000, 1),
                    "user": user.username if user is not None else None,
                },
            )  # fmt: skip
        return response
