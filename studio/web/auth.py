"""Who is asking: a bearer token (API, command line) or a session (pages); roles per route.

`requires(*roles)` guards a route: 401 without a login, 403 without one of the roles. A
state-changing request authenticated by the session cookie must carry the CSRF token (the
browser's pages send it); a bearer token is not sent by browsers on their own, so it needs none.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect

from studio.runtime.users import LoginRefused, User
from studio.web.errors import ApiError
from studio.web.login_guard import LoginGuard

F = TypeVar("F", bound=Callable[..., Any])
csrf = CSRFProtect()
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def runtime() -> Any:
    return current_app.extensions["studio"]


def log_in(username: str, password: str) -> User:
    """The user these credentials name; LoginRefused when wrong, when the account is locked, or
    when the client's address failed too many logins lately (`studio.web.login_guard`)."""
    guard: LoginGuard = current_app.extensions.setdefault("studio_login_guard", LoginGuard())
    address = request.remote_addr or "unknown"
    guard.check(address)
    try:
        return runtime().users.authenticate(username, password)
    except LoginRefused:
        guard.failed(address)
        raise


def current_user() -> User | None:
    """The user of this request (cached for the request), or None."""
    if "user" in g:
        return g.user
    user, by_session = None, False
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = runtime().users.user_for_token(header[7:].strip())
    elif "user_id" in session:
        user = runtime().users.get_by_id(session["user_id"])
        by_session = user is not None
        if user is not None and not user.active:
            user = None
    g.user, g.by_session = user, by_session
    return user


def requires(*roles: str) -> Callable[[F], F]:
    """Guard a route: a logged-in user holding one of `roles` (any role when none is given)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                raise ApiError(401, "unauthorized", "log in or send a bearer token")
            if roles and not any(user.has(role) for role in roles):
                raise ApiError(
                    403, "forbidden", f"this needs the role {' or '.join(roles)}",
                    {"roles": list(roles)},
                )  # fmt: skip
            if g.get("by_session") and request.method in UNSAFE:
                try:
                    csrf.protect()
                except CSRFError as exc:
                    raise ApiError(400, "csrf", exc.description) from None
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def groups_of(user: User) -> frozenset[str]:
    return frozenset(user.groups)
