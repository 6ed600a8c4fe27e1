"""What a scenario step does, in a few words the scenario page shows beside it, e.g.
`complete "Pay"` or `expect case completed, 2 item states`: translatable messages
(`studio.messages.Text`), so a French page reads them in French; English as before."""

from __future__ import annotations

from studio.messages import Text, text
from studio.runtime.engine.wording import VERBS, joined, state_word
from studio.testing.scenario_file import ActionStep, Step

START = text("start the case")
"""The step before the first one: the case starts with the scenario's data."""


def describe(step: Step) -> Text:
    """A step in a few words, in the page's language once translated."""
    if isinstance(step, ActionStep):
        action = _action(step)
        return text("{step} (refused)", step=action) if step.rejected else action
    parts = [text("case {state}", state=state_word(step.case))] if step.case else []
    if len(step.items) == 1:
        parts.extend(
            text('"{name}" {state}', name=name, state=state_word(state))
            for name, state in step.items.items()
        )
    elif step.items:
        parts.append(text("{count} item states", count=len(step.items)))
    if step.count:
        parts.append(_counted(len(step.count), "1 instance count", "{count} instance counts"))
    if step.data:
        parts.append(_counted(len(step.data), "1 value", "{count} values"))
    return text("expect {what}", what=joined(parts)) if parts else text("expect")


def _action(step: ActionStep) -> Text:
    if step.action == "set":
        return text("set {names}", names=", ".join(step.target))
    if step.action == "advance":
        return text("advance {duration}", duration=step.target)
    if step.action in VERBS:
        return text('{verb} "{target}"', verb=VERBS[step.action], target=step.target)
    return text('{action} "{target}"', action=step.action, target=step.target)


def _counted(count: int, one: str, many: str) -> Text:
    return text(one) if count == 1 else text(many, count=count)
