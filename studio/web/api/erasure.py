"""POST /api/v1/cases/{id}/erasure (admins): erase one person's data in a case file
(studio.ops.erasure). The values at the paths become "[erased]" in the case, what it started and
their history; the case's history and the admin audit trail keep who erased which paths."""

from __future__ import annotations

from flask import jsonify, request

from studio.ops.erasure import ErasureError, erase
from studio.web.api import api
from studio.web.auth import current_user, requires, runtime
from studio.web.errors import ApiError

CODES = {400: "bad-request", 404: "not-found", 422: "refused"}


@api.post("/cases/<case_id>/erasure")
@requires("admin")
def erase_case_data(case_id: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("paths"), list):
        raise ApiError(400, "bad-request", 'send {"paths": ["applicant.email", ...]}')
    user = current_user()
    assert user is not None
    try:
        done = erase(runtime().engine, case_id, body["paths"], user.username)
    except ErasureError as exc:
        raise ApiError(exc.status, CODES.get(exc.status, "refused"), str(exc)) from None
    return jsonify(done.as_json())
