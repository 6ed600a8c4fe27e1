"""Who may change a case's team: an admin binds anyone into any role; anyone else changes only
the bindings of the case roles they hold in that case (`team.may_act`), so nobody adds
themselves or others to a role they do not hold. Starting a case gives no right of its own."""

from __future__ import annotations

from typing import Any

from studio.runtime.engine.state import CaseState
from studio.runtime.engine.team import may_act
from studio.runtime.users import User
from studio.web.api.visibility import case_roles, sees_everything
from studio.web.errors import ApiError

Family = list[tuple[str, Any, CaseState]]
"""A case and what it started: (case id, definition, state), the case first."""


def bindable_roles(user: User, family: Family) -> set[str]:
    """The case roles of the family's case whose members `user` may change: all of them for an
    admin, else those `user` holds (bound to them or their groups, or open to their group)."""
    state = family[0][2]
    roles = set(state.team) | case_roles(family)
    if sees_everything(user):
        return roles
    return {role for role in roles if may_act(state.team, (role,), user.username, user.groups)}


def check_may_bind(user: User, family: Family, action: dict[str, Any]) -> None:
    """Refuse (403, naming the role) a `bind` of a role `user` may not change in the family's
    case. An admin binds any role; a malformed bind is left to the engine, which refuses it
    (422)."""
    if sees_everything(user):
        return
    data = action.get("data")
    role = data.get("role") if isinstance(data, dict) else None
    if not isinstance(role, str) or role in bindable_roles(user, family):
        return
    case_id = family[0][0]
    raise ApiError(
        403, "forbidden",
        f"{user.username} may not change who holds the case role {role!r} of {case_id!r}: only an "
        "admin or someone who holds that role in this case may",
        {"role": role},
    )  # fmt: skip
