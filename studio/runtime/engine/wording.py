"""The words the engine's messages are made of, translatable on a French page: plan item states,
the verbs of actions, lists of messages. English stays exactly as it was (`studio.messages`).

A verb's catalogue entry is "to <verb>" (its English text is the bare verb): bare verbs such as
"start" are nouns elsewhere in the studio's catalogues.
"""

from __future__ import annotations

from collections.abc import Iterable

from studio.messages import Text, text

STATES: dict[str, str] = {
    "available": text("available"),
    "enabled": text("enabled"),
    "disabled": text("disabled"),
    "active": text("active"),
    "suspended": text("suspended"),
    "completed": text("completed"),
    "terminated": text("terminated"),
    "failed": text("failed"),
    "closed": text("closed"),
    "absent": text("absent"),
}

VERBS: dict[str, str] = {
    "complete": Text("complete", "to complete"),
    "occur": Text("occur", "to occur"),
    "start": Text("start", "to start"),
    "disable": Text("disable", "to disable"),
    "reenable": Text("reenable", "to reenable"),
    "terminate": Text("terminate", "to terminate"),
    "suspend": Text("suspend", "to suspend"),
    "resume": Text("resume", "to resume"),
    "plan": Text("plan", "to plan"),
    "fault": Text("fault", "to fault"),
    "reactivate": Text("reactivate", "to reactivate"),
    "close": Text("close", "to close"),
    "bind": Text("bind", "to bind"),
    "set": Text("set", "to set"),
    "retry": Text("retry", "to retry"),
}


def state_word(state: str) -> str:
    """A state's name, translatable (an unknown one as it is)."""
    return STATES.get(state, state)


def verb(action: str) -> str:
    """An action's verb, translatable (an unknown one as it is)."""
    return VERBS.get(action, action)


def joined(parts: Iterable[str], separator: str = ", ") -> Text:
    """Messages (or plain values) joined into one, each translated on its own (a separator
    that is a message too, such as " and ", is translated as well)."""
    values: dict[str, str] = {f"part{n}": part for n, part in enumerate(parts)}
    names = list(values)
    if isinstance(separator, Text):
        between = "{separator}"
        values["separator"] = separator
    else:
        between = separator.replace("{", "{{").replace("}", "}}")
    return text(between.join("{" + name + "}" for name in names), **values)


def state_words(states: Iterable[str], separator: str = " / ") -> Text:
    """Several states, e.g. "active / suspended"."""
    return joined((state_word(s) for s in states), separator)


def cannot(action: str, item: str, state: str) -> Text:
    """The refusal of an action aimed at an item in a state that does not accept it."""
    return text(
        "cannot {action} {item!r}: it is {state}", action=verb(action), item=item, state=state
    )
