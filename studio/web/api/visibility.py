"""Which cases and tasks a user may see: admins see every case; a case worker sees the cases
whose team binds them (or one of their groups), and the cases with active work for their roles
(`team.may_act`)."""

from __future__ import annotations

from typing import Any

from studio.runtime.engine.definition import CaseDefinition
from studio.runtime.engine.state import CaseState
from studio.runtime.engine.team import may_act
from studio.runtime.users import User

WORK_KINDS = frozenset({"human_task", "user_task", "manual_task"})


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
    """(instance, item definition-ish, role) of the active work items `user` may work."""
    for instance in state.items.values():
        if instance.state != "active":
            continue
        kind, role, label = _work(definition, instance.item)
        if kind not in WORK_KINDS:
            continue
        allowed = role is None or may_act(state.team, (role,), user.username, user.groups)
        if allowed or sees_everything(user):
            yield instance, label, role


def _work(definition: Any, item: str) -> tuple[str | None, str | None, str]:
    if isinstance(definition, CaseDefinition):
        found = definition.items.get(item)
        if found is None:
            return None, None, item
        kind = found.kind if found.kind != "task" or not found.blocking else "human_task"
        return kind, found.performer, found.label
    node = definition.nodes.get(item)
    if node is None:
        return None, None, item
    return node.kind, node.lane, node.label
