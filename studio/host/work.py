"""What counts as a person's work: the one rule the worklist, the case view, visibility and live
updates share."""

from __future__ import annotations

from typing import Any

from studio.runtime.engine.definition import CaseDefinition

WORK_KINDS = frozenset({"user_task", "manual_task"})
"""BPMN kinds a person works (CMMN: human tasks and blocking plain tasks)."""


def task_id(owner: str, instance: str) -> str:
    """A task's id in the API, safe in a URL path: `<owner case>:<instance>` with the instance's
    `#` written `~` (neither can appear in an XML id)."""
    return f"{owner}:{instance.replace('#', '~')}"


def work_item(definition: Any, item: str) -> tuple[str | None, str, str | None] | None:
    """(role, name, task definition id) when `item` of `definition` is work a person does (a
    CMMN human task or blocking plain task, a BPMN user or manual task); else None."""
    if isinstance(definition, CaseDefinition):
        found = definition.items.get(item)
        if found is None or found.kind not in ("human_task", "task") or not found.blocking:
            return None
        return found.performer, found.label, found.definition_id
    node = definition.nodes.get(item)
    if node is None or node.kind not in WORK_KINDS:
        return None
    return node.lane, node.label, node.id
