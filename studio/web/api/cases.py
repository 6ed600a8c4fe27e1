"""Cases over REST: start, list, read, act, history, explanation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import g, jsonify, request

from studio.host.cases import ActionError, Actor, CaseHost
from studio.runtime.store.base import ConflictError
from studio.runtime.users import User
from studio.web.api import api
from studio.web.api.team_rights import bindable_roles, check_may_bind
from studio.web.api.visibility import may_see
from studio.web.auth import current_user, requires, runtime
from studio.web.errors import ApiError

CASE_ROLES = ("caseworker", "admin")


def actor(user: User) -> Actor:
    return Actor(user.username, frozenset(user.groups))


def case_host() -> CaseHost:
    """This request's case host: it reads each case once (an identity map per request)."""
    if "case_host" not in g:
        g.case_host = runtime().host.unit()
    return g.case_host


def host_error(exc: ActionError) -> ApiError:
    code = "not-found" if exc.status == 404 else "refused"
    return ApiError(exc.status, code, str(exc))


def visible_case(case_id: str) -> dict[str, Any]:
    """The case view, or 404 when it does not exist or the user may not see it."""
    user = current_user()
    assert user is not None
    host = case_host()
    try:
        view = host.view(case_id)
        family = host.family(case_id)
    except ActionError as exc:
        raise host_error(exc) from None
    if not any(may_see(user, state, definition) for _, definition, state in family):
        raise ApiError(404, "not-found", f"no case {case_id!r}")
    return view


@api.post("/cases")
@requires(*CASE_ROLES)
def start_case():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("case"), str):
        raise ApiError(400, "bad-request", 'send {"case": "<case or process id>", "data": {...}}')
    user = current_user()
    assert user is not None
    try:
        case_id = case_host().start(body["case"], body.get("data") or {}, actor(user))
    except ActionError as exc:
        raise host_error(exc) from None
    response = jsonify(case_host().view(case_id))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/cases/{case_id}"
    return response


@api.get("/cases")
@requires(*CASE_ROLES)
def list_cases():
    user = current_user()
    assert user is not None
    definition = request.args.get("definition")
    state_filter = request.args.get("state")
    after, before = _date("started_after"), _date("started_before")
    data_filters = {
        key.removeprefix("data."): value
        for key, value in request.args.items()
        if key.startswith("data.") and len(key) > 5
    }
    host = case_host()
    found = []
    for summary in host.store.list_cases(definition=definition, state=state_filter):
        if (after and summary.created_at < after) or (before and summary.created_at > before):
            continue
        if host.links.parent_of(summary.id) is not None and not user.has("admin"):
            continue  # a started process shows inside its case
        try:
            family = host.family(summary.id)
        except ActionError:
            continue
        if not _matches(family[0][2].data, data_filters):
            continue
        if any(may_see(user, state, definition) for _, definition, state in family):
            found.append(
                {
                    "id": summary.id,
                    "definition": summary.definition_key,
                    "deployment": int(summary.definition_version or 0),
                    "state": summary.state,
                    "created_at": _iso(summary.created_at),
                    "updated_at": _iso(summary.updated_at),
                }
            )
    return jsonify({"cases": found})


@api.get("/cases/<case_id>")
@requires(*CASE_ROLES)
def get_case(case_id: str):
    return jsonify(_with_rights(case_id, visible_case(case_id)))


def _with_rights(case_id: str, view: dict[str, Any]) -> dict[str, Any]:
    """The case view with what the caller may do to its team: `may_bind`, the case roles whose
    members they may change."""
    user = current_user()
    assert user is not None
    return {**view, "may_bind": sorted(bindable_roles(user, case_host().family(case_id)))}


@api.post("/cases/<case_id>/actions")
@requires(*CASE_ROLES)
def act(case_id: str):
    visible_case(case_id)
    action = request.get_json(silent=True)
    if not isinstance(action, dict):
        raise ApiError(400, "bad-request", 'send one action, e.g. {"complete": "Check invoice"}')
    if "advance" in action:
        raise ApiError(422, "refused", "live cases run on the wall clock: no advance")
    user = current_user()
    assert user is not None
    if action.get("retry") == "@case" and not user.has("admin"):
        raise ApiError(403, "forbidden", "retrying a case's incidents needs the role admin")
    if "bind" in action:
        check_may_bind(user, case_host().family(case_id), action)
    try:
        case_host().act(case_id, action, actor(user))
    except ActionError as exc:
        raise host_error(exc) from None
    except ConflictError:
        raise ApiError(409, "conflict", "the case was changed by another request first") from None
    return jsonify(_with_rights(case_id, case_host().view(case_id)))


@api.get("/cases/<case_id>/history")
@requires(*CASE_ROLES)
def case_history(case_id: str):
    visible_case(case_id)
    return jsonify({"history": case_host().history(case_id)})


@api.get("/cases/<case_id>/explanation")
@requires(*CASE_ROLES)
def explanation(case_id: str):
    visible_case(case_id)
    item = request.args.get("item")
    try:
        return jsonify({"explanation": case_host().explain(case_id, item)})
    except ActionError as exc:
        raise host_error(exc) from None


def _date(name: str) -> datetime | None:
    text = request.args.get(name)
    if not text:
        return None
    try:
        from studio.runtime.store.serialize import parse_datetime

        return parse_datetime(text)
    except ValueError:
        raise ApiError(400, "bad-request", f"{name} must be an ISO-8601 date-time") from None


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@api.get("/cases/<case_id>/data")
@requires(*CASE_ROLES)
def case_file(case_id: str):
    return jsonify(visible_case(case_id)["data"])


@api.patch("/cases/<case_id>/data")
@requires(*CASE_ROLES)
def write_case_file(case_id: str):
    """Write the case file by dotted paths (`null` deletes): the `set` action."""
    visible_case(case_id)
    writes = request.get_json(silent=True)
    if not isinstance(writes, dict) or not writes:
        raise ApiError(400, "bad-request", 'send {"dotted.path": value, ...}')
    user = current_user()
    assert user is not None
    try:
        case_host().act(case_id, {"set": writes}, actor(user))
    except ActionError as exc:
        raise host_error(exc) from None
    except ConflictError:
        raise ApiError(409, "conflict", "the case was changed by another request first") from None
    return jsonify(case_host().view(case_id)["data"])


@api.post("/cases/<case_id>/migrate")
@requires("admin")
def migrate(case_id: str):
    """Move a running case to another deployment: `{"deployment": id, "dry_run": true}` lists
    what maps and what does not; without dry_run it migrates (refused when anything does
    not map; 409 naming the case when another request changed one of the family first)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("deployment"), int):
        raise ApiError(400, "bad-request", 'send {"deployment": <id>, "dry_run": true|false}')
    user = current_user()
    assert user is not None
    try:
        report = case_host().migrate(
            case_id, body["deployment"], bool(body.get("dry_run", True)), actor(user)
        )
    except ActionError as exc:
        raise host_error(exc) from None
    except ConflictError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return jsonify(report)


def _matches(data: dict[str, Any], filters: dict[str, str]) -> bool:
    """Whether the case file has each dotted path at the given value (written as JSON, or as
    plain text for a string)."""
    from studio.testing.expectations import MISSING, lookup

    for path, wanted in filters.items():
        value = lookup(data, path)
        if value is MISSING:
            return False
        try:
            expected = json.loads(wanted)
        except ValueError:
            expected = wanted
        if value != expected and str(value) != wanted:
            return False
    return True
