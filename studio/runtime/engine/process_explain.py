"""Why a process has not completed, and why a flow node has no active instance, in words."""

from __future__ import annotations

from studio.messages import text
from studio.runtime.engine.process_definition import ProcessDefinition
from studio.runtime.engine.state import TERMINAL, CaseState
from studio.runtime.engine.wording import joined, state_word


def explain_process(definition: ProcessDefinition, state: CaseState, key: str | None) -> str:
    """For `key` None the process: where its tokens wait; else the flow node `key`."""
    if key is None:
        waiting = [
            text("{item} ({state})", item=definition.nodes[i.item].label, state=state_word(i.state))
            for i in state.items.values()
            if i.item in definition.nodes
            and definition.nodes[i.item].kind != "boundary"
            and "loop" not in i.memory  # a looping activity's body: its runs are listed
            and i.state not in TERMINAL
        ]
        where = (
            text("tokens wait in {items}", items=joined(waiting))
            if waiting
            else text("no token is left")
        )
        return text(
            "process {process!r} is {state}: {where}",
            process=definition.name or definition.id,
            state=state_word(state.state),
            where=where,
        )
    node = definition.nodes.get(key)
    if node is None:
        return text("no element {item!r} in process {process!r}", item=key, process=definition.id)
    instances = [i for i in state.instances_of(key) if "loop" not in i.memory]
    if not instances:
        return text("{item!r}: no token has reached it yet", item=node.label)
    last = instances[-1]
    if node.kind in ("parallel", "inclusive") and last.state == "available":
        arrived = last.memory.get("in", set())
        missing = [flow for n, flow in enumerate(node.incoming) if n not in arrived]
        if node.kind == "inclusive":
            return text("{item!r} waits for live branches that can still reach it", item=node.label)
        return text(
            "{item!r} waits for tokens on {flows}", item=node.label, flows=", ".join(missing)
        )
    if last.state in ("active", "available") and node.trigger == "message":
        return text("{item!r} waits for message {name!r}", item=node.label, name=node.event_name)
    if last.state in ("active", "available") and node.trigger == "signal":
        return text("{item!r} waits for signal {name!r}", item=node.label, name=node.event_name)
    return text("{item!r} is {state}", item=node.label, state=state_word(last.state))
