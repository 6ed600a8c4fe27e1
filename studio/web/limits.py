"""Smaller bodies for case work than for uploads.

The app takes up to `studio.web.MAX_UPLOAD` (a zipped project); what case workers and API
clients send to cases and tasks — start data, completion data, case file writes, actions — is
kept to `CASE_BODY`, so no one grows a case file by tens of megabytes in one request. A larger
body is a 413 before it is read."""

from __future__ import annotations

from flask import Flask, request

CASE_BODY = 4 * 1024 * 1024
CASE_PATHS = ("/api/v1/cases", "/api/v1/tasks", "/cases/", "/worklist")


def limit_case_bodies(app: Flask) -> None:
    """Requests to cases and tasks take bodies of at most `CASE_BODY` bytes."""

    @app.before_request
    def _limit() -> None:
        if request.path.startswith(CASE_PATHS):
            request.max_content_length = CASE_BODY
