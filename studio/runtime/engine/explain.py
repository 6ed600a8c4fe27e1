"""Why an item is not active, and what keeps a stage or the case from completing, in words."""

from __future__ import annotations

from datetime import datetime

from studio.expressions.errors import ExpressionError
from studio.messages import text
from studio.runtime.engine.definition import TRUE, CaseDefinition, Criterion
from studio.runtime.engine.state import TERMINAL, CaseState, ItemInstance
from studio.runtime.engine.wording import joined, state_word


def _rule_text(definition: CaseDefinition, rule) -> str:
    return text("(no condition)") if rule == TRUE else f"`{rule.source}`"


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
        text("'{event}' of {item!r}", event=p.event, item=definition.items[p.source].label)
        if not p.on_file and p.source in definition.items
        else text("'{event}' of case file item {item!r}", event=p.event, item=p.source)
        for p in criterion.sentry.on_parts
        if p.index not in seen
    ]
    parts = []
    if missing:
        parts.append(text("waits for {parts}", parts=joined(missing)))
    if criterion.sentry.if_part is not None and not _holds(criterion.sentry.if_part, state, now):
        parts.append(text("its if-part `{rule}` is false", rule=criterion.sentry.if_source))
    if not parts:
        return text("entry criterion {criterion!r} is satisfied", criterion=criterion.id)
    return text(
        "entry criterion {criterion!r} {parts}",
        criterion=criterion.id,
        parts=joined(parts, text(" and ")),
    )


def explain_item(definition: CaseDefinition, state: CaseState, key: str, now: datetime) -> str:
    item = definition.items.get(key)
    if item is None:
        return text("no item {item!r}", item=key)
    instances = state.instances_of(key)
    if not instances:
        if item.discretionary:
            false = [r for r in item.applicability if not _holds(r, state, now)]
            if not false:
                return text("{item!r} is discretionary and has not been planned", item=item.label)
            rules = joined(
                (
                    text("its applicability rule {rule} is false", rule=_rule_text(definition, r))
                    for r in false
                ),
                "; ",
            )
            return text(
                "{item!r} is discretionary and has not been planned: {rules}",
                item=item.label,
                rules=rules,
            )
        parent = definition.items.get(item.parent or "")
        stage = parent.label if parent else "?"
        return text(
            "{item!r} does not exist yet: its stage {stage!r} is not active",
            item=item.label,
            stage=stage,
        )
    instance = max(instances, key=lambda i: i.seq)
    if instance.state == "available" and item.entry:
        reasons = joined(
            (_criterion(definition, instance, c, state, now) for c in item.entry), "; "
        )
        return text("{item!r} is available: {reasons}", item=item.label, reasons=reasons)
    if instance.state == "active" and item.kind == "stage":
        return text(
            "{item!r} is active: {waiting}",
            item=item.label,
            waiting=_blocking_text(_blocking_children(definition, state, instance)),
        )
    if instance.state == "enabled":
        return text(
            "{item!r} is enabled: its manual activation rule {rule} holds, so it waits for a "
            "manual start",
            item=item.label,
            rule=_rule_text(definition, item.manual_activation),
        )
    return text("{item!r} is {state}", item=item.label, state=state_word(instance.state))


def _blocking_text(waiting: list[str]) -> str:
    return joined(waiting, "; ") if waiting else text("nothing blocks completion")


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
            label, now_in = item.label, state_word(child.state)
            waiting.append(
                text("{item!r} is {state} (required)", item=label, state=now_in)
                if child.required
                else text("{item!r} is {state}", item=label, state=now_in)
            )
        elif (
            not auto
            and item.kind not in ("milestone", "user_event", "timer_event", "event_listener")
            and state.by_item.get(child.item, (child.id,))[0] == child.id  # not a repetition
        ):
            waiting.append(
                text(
                    "{item!r} is {state} (the stage does not auto-complete)",
                    item=item.label,
                    state=state_word(child.state),
                )
            )
    return waiting


def explain_case(definition: CaseDefinition, state: CaseState, now: datetime) -> str:
    """What keeps the case from completing."""
    if state.state != "active":
        return text("the case is {state}", state=state_word(state.state))
    plan = state.instances_of(definition.plan)[0]
    waiting = _blocking_children(definition, state, plan)
    return text("the case is active: {waiting}", waiting=_blocking_text(waiting))
