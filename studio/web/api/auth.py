"""POST /api/v1/auth/token: a bearer token for a username and password."""

from __future__ import annotations

from flask import jsonify, request

from studio.runtime.users import LoginRefused
from studio.web.api import api
from studio.web.auth import csrf, log_in, runtime
from studio.web.errors import ApiError


@api.post("/auth/token")
@csrf.exempt
def issue_token():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not all(
        isinstance(body.get(k), str) for k in ("username", "password")
    ):
        raise ApiError(400, "bad-request", 'send {"username": ..., "password": ...}')
    try:
        user = log_in(body["username"], body["password"])
    except LoginRefused as exc:
        details = {"retry_after": exc.retry_after} if exc.retry_after else None
        raise ApiError(401, "login-refused", exc.reason, details) from None
    token = runtime().users.issue_token(user, name="api")
    return jsonify({"token": token, "username": user.username, "roles": sorted(user.roles)})
