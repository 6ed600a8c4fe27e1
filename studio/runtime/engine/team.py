"""The case team: who may work items bound to case roles (CMMN performers, BPMN lanes)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def may_act(
    team: Mapping[str, Iterable[str]], roles: Iterable[str], user: str, groups: Iterable[str]
) -> bool:
    """Whether `user` (with `groups`) holds one of `roles` in this case: the team binds the role
    to them or to one of their groups; a role the team binds to nobody is open to the members of
    the group of the same name."""
    acting = {user, *groups}
    for role in roles:
        bound = team.get(role)
        if bound is not None:
            if acting & set(bound):
                return True
        elif role in acting:
            return True
    return False
