"""Users over REST (admins): list, add, change roles, groups and activity, reset a password,
revoke API tokens. Every change is in the audit trail (studio/runtime/users.py writes it in the
same transaction); passwords are never answered nor logged."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from studio.runtime.users import (
    DuplicateUser,
    InvalidUserInput,
    UnknownUser,
    User,
    UserError,
    check_groups,
    check_roles,
)
from studio.web.api import api
from studio.web.auth import current_user, requires, runtime
from studio.web.errors import ApiError

FIELDS = ("roles", "groups", "active")


def shown(user: User) -> dict[str, Any]:
    """A user as the API answers it (never a password or token)."""
    return {
        "username": user.username,
        "roles": sorted(user.roles),
        "groups": sorted(user.groups),
        "active": user.active,
    }


@api.get("/users")
@requires("admin")
def list_users():
    return jsonify({"users": [shown(u) for u in runtime().users.list()]})


@api.post("/users")
@requires("admin")
def add_user():
    body = _body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not username:
        raise ApiError(400, "bad-request", "give the new user a username")
    if not isinstance(password, str) or not password:
        raise ApiError(400, "bad-request", f"{username}: give the new user a password")
    roles, groups = _names(body, "roles", username), _names(body, "groups", username)
    user = _answer(
        lambda store: store.add(username, password, roles, groups, actor=_actor().username)
    )
    current_app.logger.info("user %s added by %s", user.username, _actor().username)
    response = jsonify(shown(user))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/users/{user.username}"
    return response


@api.patch("/users/<username>")
@requires("admin")
def change_user(username: str):
    """Change roles, groups and whether the user is active (the fields sent, in one request)."""
    body = _body()
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise ApiError(
            400, "bad-request", f"unknown field {unknown[0]!r}: send roles, groups or active"
        )
    if not body:
        raise ApiError(400, "bad-request", "send roles, groups or active")
    me = _actor()
    _user(username)
    if username == me.username:
        if "roles" in body and "admin" not in _names(body, "roles", username):
            raise ApiError(
                422, "refused", "you cannot take away your own admin role; ask another admin"
            )
        if body.get("active") is False:
            raise ApiError(422, "refused", "you cannot deactivate yourself; ask another admin")
    if "active" in body and not isinstance(body["active"], bool):
        raise ApiError(400, "bad-request", f"{username}: active is true or false")
    roles = _names(body, "roles", username) if "roles" in body else None
    groups = _names(body, "groups", username) if "groups" in body else None
    _answer(lambda _: (check_roles(username, roles or ()), check_groups(username, groups or ())))
    user = None
    if roles is not None:
        user = _answer(lambda store: store.set_roles(username, roles, actor=me.username))
    if groups is not None:
        user = _answer(lambda store: store.set_groups(username, groups, actor=me.username))
    if "active" in body:
        active = body["active"]
        user = _answer(lambda store: store.set_active(username, active, actor=me.username))
    return jsonify(shown(user or _user(username)))


@api.post("/users/<username>/password")
@requires("admin")
def reset_password(username: str):
    """Set a new password; the user's API tokens are revoked and the account unlocked."""
    body = _body()
    password = body.get("password")
    if not isinstance(password, str) or not password:
        raise ApiError(400, "bad-request", f"{username}: send the new password")
    _user(username)
    user = _answer(lambda store: store.set_password(username, password, actor=_actor().username))
    current_app.logger.info("password of %s reset by %s", username, _actor().username)
    return jsonify(shown(user))


@api.post("/users/<username>/tokens/revoke")
@requires("admin")
def revoke_tokens(username: str):
    """Revoke all of the user's API tokens; how many there were."""
    user = _user(username)
    gone = _answer(lambda store: store.revoke_tokens(user, actor=_actor().username))
    return jsonify({"username": user.username, "revoked": gone})


# -- helpers -------------------------------------------------------------------------------------


def _actor() -> User:
    user = current_user()
    assert user is not None
    return user


def _user(username: str) -> User:
    user = runtime().users.get(username)
    if user is None:
        raise ApiError(404, "not-found", f"there is no user {username!r}")
    return user


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad-request", "send a JSON object")
    return body


def _names(body: dict[str, Any], field: str, username: str) -> list[str]:
    value = body.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, "bad-request", f"{username}: {field} is a list of names")
    return value


def _answer(call: Any) -> Any:
    """Run a user-store call, turning its refusals into errors in words."""
    try:
        return call(runtime().users)
    except InvalidUserInput as exc:
        raise ApiError(422, "invalid-user", str(exc)) from None
    except DuplicateUser as exc:
        raise ApiError(409, "duplicate-user", str(exc)) from None
    except UnknownUser as exc:
        raise ApiError(404, "not-found", str(exc)) from None
    except UserError as exc:
        raise ApiError(422, "refused", str(exc)) from None
