"""The worklist over REST: the caller's tasks; claim, unclaim, delegate, complete.

A task's id is `<case or process id>:<task instance>`; `case` is the top-level case it belongs
to. Admins see every task; case workers the tasks their roles allow them to work."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from studio.host.cases import ActionError
from studio.host.worklist import Task, Worklist
from studio.runtime.store.base import ConflictError
from studio.web.api import api
from studio.web.api.cases import actor, case_host, host_error
from studio.web.auth import current_user, requires, runtime
from studio.web.errors import ApiError


def _worklist() -> Worklist:
    """The worklist on this request's case host."""
    return runtime().worklist.over(case_host())


def _announce(before: Task, after: Task, state: Any) -> Task:
    """Hint the worklists that show the task when its assignee changed; the task after."""
    hub = current_app.extensions.get("studio_live.hub")
    if hub is not None and before.assignee != after.assignee:
        hub.assignment_changed(after.role, state.team, before.assignee, after.assignee)
    return after


def _user() -> Any:
    user = current_user()
    assert user is not None
    return user


@api.get("/tasks")
@requires("caseworker", "admin")
def worklist():
    user = _user()
    tasks = _worklist().tasks(actor(user), everything=user.has("admin"))
    wanted = request.args.get("assignee")
    if wanted == "me":
        tasks = [t for t in tasks if t.assignee == user.username]
    elif wanted == "none":
        tasks = [t for t in tasks if t.assignee is None]
    elif wanted:
        tasks = [t for t in tasks if t.assignee == wanted]
    return jsonify({"tasks": [t.as_json() for t in tasks]})


@api.get("/tasks/<task_id>")
@requires("caseworker", "admin")
def get_task(task_id: str):
    user = _user()
    task, _ = _visible(task_id, user)
    return jsonify(task.as_json())


@api.post("/tasks/<task_id>/claim")
@requires("caseworker", "admin")
def claim(task_id: str):
    user = _user()
    task, state = _visible(task_id, user)
    try:
        done = _worklist().claim(task_id, actor(user))
    except ActionError as exc:
        raise _error(exc) from None
    return jsonify(_announce(task, done, state).as_json())


@api.post("/tasks/<task_id>/unclaim")
@requires("caseworker", "admin")
def unclaim(task_id: str):
    user = _user()
    task, state = _visible(task_id, user)
    try:
        done = _worklist().unclaim(task_id, actor(user), admin=user.has("admin"))
    except ActionError as exc:
        raise _error(exc) from None
    return jsonify(_announce(task, done, state).as_json())


@api.post("/tasks/<task_id>/delegate")
@requires("caseworker", "admin")
def delegate(task_id: str):
    user = _user()
    task, state = _visible(task_id, user)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("to"), str):
        raise ApiError(400, "bad-request", 'send {"to": "<username>"}')
    to = runtime().users.get(body["to"])
    if to is None or not to.active or not (to.has("caseworker") or to.has("admin")):
        raise ApiError(422, "refused", f"{body['to']} is not an active case worker")
    try:
        done = _worklist().delegate(
            task_id, to.username, actor(user), frozenset(to.groups), admin=user.has("admin")
        )
    except ActionError as exc:
        raise _error(exc) from None
    return jsonify(_announce(task, done, state).as_json())


@api.post("/tasks/<task_id>/complete")
@requires("caseworker", "admin")
def complete(task_id: str):
    user = _user()
    task, _ = _visible(task_id, user)
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict) or not isinstance(body.get("data", {}), dict):
        raise ApiError(400, "bad-request", 'send {"data": {...}} (or nothing)')
    try:
        case_id = _worklist().complete(task_id, body.get("data"), actor(user), task)
    except ActionError as exc:
        raise _error(exc) from None
    except ConflictError:
        raise ApiError(409, "conflict", "the case was changed by another request first") from None
    return jsonify(case_host().view(case_id))


def _visible(task_id: str, user: Any):
    try:
        task, state = _worklist().task(task_id)
    except ActionError as exc:
        raise host_error(exc) from None
    mine = task.assignee == user.username
    if not (user.has("admin") or mine or _worklist().may_work(actor(user), task, state)):
        raise ApiError(404, "not-found", f"no task {task_id!r}")
    return task, state


def _error(exc: ActionError) -> ApiError:
    codes = {404: "not-found", 403: "forbidden", 409: "conflict"}
    return ApiError(exc.status, codes.get(exc.status, "refused"), str(exc))
