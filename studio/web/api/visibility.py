"""Which cases and tasks a user may see: admins see every case; a case worker sees the cases
whose team binds them (or one of their groups), and the cases with active work for their roles
(`team.may_act`)."""

from __future__ import annotations

from typing import Any

from studio.host.work import work_item
from studio.runtime.engine.definition import CaseDefinition
from studio.runtime.engine.state import CaseState
from studio.runtime.engine.team import may_act
from studio.runtime.users import User


def sees_everything(user: User) -> bool:
    return user.has("admin")


def may_see(user: User, state: CaseState, definition: Any) -> bool:
    if sees_everything(user):
        return True
    acting = {user.username, *user.groups}
    if any(acting & set(members) for members in state.team.values()):
        return True
    return any(True for _ in tasks_of(user, state, definition))


def tasks_of(user: User, state: CaseState, definition: Any):
    """(instance, name, role) of the active work items `user` may work (an admin: all)."""
    for instance in state.items.values():
        if instance.state != "active":
            continue
        found = work_item(definition, instance.item)
        if found is None:
            continue
        role, label, _ = found
        allowed = role is None or may_act(state.team, (role,), user.username, user.groups)
        if allowed or sees_everything(user):
            yield instance, label, role


def case_roles(family: list[tuple[str, Any, CaseState]]) -> set[str]:
    """The case roles a case and what it started name (performers, authorized and planning
    roles, lanes)."""
    found: set[str] = set()
    for _, definition, _ in family:
        if isinstance(definition, CaseDefinition):
            for item in definition.items.values():
                found |= {r for r in (item.performer, *item.authorized_roles, *item.planners) if r}
        else:
            found |= {n.lane for n in definition.nodes.values() if getattr(n, "lane", None)}
    return found
