"""Errors as JSON: `{"error": {"code", "message", "details"}}`, never a traceback."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """An error a route answers with: HTTP status, a stable code, a message, details."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    response = jsonify({"error": body})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        from studio.web.json_input import refusal

        message, unreadable = error.message, refusal()
        if error.status == 400 and unreadable:  # the route saw no body: say why
            message = f"{message} ({unreadable})"
        return error_response(error.status, error.code, message, error.details)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        code = (error.name or "error").lower().replace(" ", "-")
        return error_response(error.code or 500, code, error.description or error.name)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if database_unavailable(error):
            app.logger.warning("database unavailable: %s", error.__class__.__name__)
            response = error_response(
                503, "database-unavailable",
                "the database is not reachable right now: nothing was changed, try again shortly",
            )  # fmt: skip
            response.headers["Retry-After"] = "2"
            return response
        app.logger.exception("unexpected error")
        return error_response(500, "internal-error", "the server could not complete the request")


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached (not a bug of ours): a lost or
    refused connection, or no connection to be had from the pool."""
    import sqlalchemy.exc as db

    if isinstance(error, db.TimeoutError):
        return True
    if isinstance(error, db.DBAPIError):
        if error.connection_invalidated:
            return True
        return isinstance(error, db.OperationalError) and "no such " not in str(error.orig)
    return False
