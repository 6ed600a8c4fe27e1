"""Why an item is not active, and what keeps a stage or the case from completing, in words."""

from __future__ import annotations

from datetime import datetime

from studio.expressions.errors import ExpressionError
from studio.runtime.engine.definition import TRUE, CaseDefinition, Criterion
from studio.runtime.engine.state import TERMINAL, CaseState, ItemInstance


def _rule_text(definition: CaseDefinition, rule) -> str:
    return "(no condition)" if rule == TRUE else f"`{rule.source}`"


def _holds(rule, state: CaseState, now: datetime) -> bool:
    if rule is None:
        return False
    if rule == TRUE:
        return True
    try:
        return bool(rule.evaluate(state.data, now=now))
    except ExpressionError:
        return False


def _criterion(
    definition: CaseDefinition,
    instance: ItemInstance,
    criterion: Criterion,
    state: CaseState,
    now: datetime,
) -> str:
    seen = instance.memory.get(criterion.id, set())
    missing = [
        f"'{p.event}' of {definition.items[p.source].label!r}"
        if not p.on_file and p.source in definition.items
        else f"'{p.event}' of case file item {p.source!r}"
        for p in criterion.sentry.on_parts
        if p.index not in seen
    ]
    parts = []
    if missing:
        parts.append("waits for " + ", ".join(missing))
    if criterion.sentry.if_part is not None and not _holds(criterion.sentry.if_part, state, now):
        parts.append(f"its if-part `{criterion.sentry.if_source}` is false")
    return f"entry criterion {criterion.id!r} " + (" and ".join(parts) or "is satisfied")


def explain_item(definition: CaseDefinition, state: CaseState, key: str, now: datetime) -> str:
    item = definition.items.get(key)
    if item is None:
        return f"no item {key!r}"
    instances = state.instances_of(key)
    if not instances:
        if item.discretionary:
            return f"{item.label!r} is discretionary and has not been planned"
        parent = definition.items.get(item.parent or "")
        stage = parent.label if parent else "?"
        return f"{item.label!r} does not exist yet: its stage {stage!r} is not active"
    instance = max(instances, key=lambda i: i.seq)
    if instance.state == "available" and item.entry:
        reasons = "; ".join(_criterion(definition, instance, c, state, now) for c in item.entry)
        return f"{item.label!r} is available: {reasons}"
    if instance.state == "active" and item.kind == "stage":
        waiting = _blocking_children(definition, state, instance)
        return f"{item.label!r} is active: " + ("; ".join(waiting) or "nothing blocks completion")
    if instance.state == "enabled":
        return (
            f"{item.label!r} is enabled: its manual activation rule "
            f"{_rule_text(definition, item.manual_activation)} holds, so it waits for a manual "
            "start"
        )
    return f"{item.label!r} is {instance.state}"


def _blocking_children(
    definition: CaseDefinition, state: CaseState, stage: ItemInstance
) -> list[str]:
    auto = definition.items[stage.item].auto_complete
    waiting = []
    for child in state.children(stage.id):
        if child.state in TERMINAL or child.state == "disabled":
            continue
        item = definition.items[child.item]
        if child.state in ("active", "suspended", "failed") or child.required:
            waiting.append(
                f"{item.label!r} is {child.state}" + (" (required)" if child.required else "")
            )
        elif not auto and item.kind not in (
            "milestone",
            "user_event",
            "timer_event",
            "event_listener",
        ):
            waiting.append(f"{item.label!r} is {child.state} (the stage does not auto-complete)")
    return waiting


def explain_case(definition: CaseDefinition, state: CaseState, now: datetime) -> str:
    """What keeps the case from completing."""
    if state.state != "active":
        return f"the case is {state.state}"
    plan = state.instances_of(definition.plan)[0]
    waiting = _blocking_children(definition, state, plan)
    return "the case is active: " + ("; ".join(waiting) or "nothing blocks completion")
