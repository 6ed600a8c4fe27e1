"""The job queue for admins: timer jobs by state (a failed one is an incident on its case, retried
with the case action `{"retry": "@case"}`)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from studio.host.executor import JobExecutor
from studio.web.api import api
from studio.web.auth import requires, runtime
from studio.web.errors import ApiError

STATES = ("waiting", "running", "retry", "failed")


def _executor() -> Any:
    """The serving process's executor, or (without one: tests, `flask run`) a reader."""
    found = runtime().executor
    return found if found is not None else JobExecutor(runtime().host, runtime().engine)


@api.get("/jobs")
@requires("admin")
def list_jobs():
    state = request.args.get("state")
    if state is not None and state not in STATES:
        raise ApiError(400, "bad-request", f"state is one of {', '.join(STATES)}")
    executor = _executor()
    found = [{key: _json(value) for key, value in job.items()} for job in executor.jobs(state)]
    return jsonify({"status": executor.status(), "jobs": found})


def _json(value: Any) -> Any:
    return value.isoformat().replace("+00:00", "Z") if hasattr(value, "isoformat") else value
