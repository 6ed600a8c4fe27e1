"""Why a process has not completed, and why a flow node has no active instance, in words."""

from __future__ import annotations

from studio.runtime.engine.process_definition import ProcessDefinition
from studio.runtime.engine.state import TERMINAL, CaseState


def explain_process(definition: ProcessDefinition, state: CaseState, key: str | None) -> str:
    """For `key` None the process: where its tokens wait; else the flow node `key`."""
    if key is None:
        waiting = [
            f"{definition.nodes[i.item].label} ({i.state})"
            for i in state.items.values()
            if i.item in definition.nodes
            and definition.nodes[i.item].kind != "boundary"
            and "loop" not in i.memory  # a looping activity's body: its runs are listed
            and i.state not in TERMINAL
        ]
        where = f"tokens wait in {', '.join(waiting)}" if waiting else "no token is left"
        return f"process {definition.name or definition.id!r} is {state.state}: {where}"
    node = definition.nodes.get(key)
    if node is None:
        return f"no element {key!r} in process {definition.id!r}"
    instances = [i for i in state.instances_of(key) if "loop" not in i.memory]
    if not instances:
        return f"{node.label!r}: no token has reached it yet"
    last = instances[-1]
    if node.kind in ("parallel", "inclusive") and last.state == "available":
        arrived = last.memory.get("in", set())
        missing = [flow for n, flow in enumerate(node.incoming) if n not in arrived]
        if node.kind == "inclusive":
            return f"{node.label!r} waits for live branches that can still reach it"
        return f"{node.label!r} waits for tokens on {', '.join(missing)}"
    if last.state in ("active", "available") and node.trigger in ("message", "signal"):
        return f"{node.label!r} waits for {node.trigger} {node.event_name!r}"
    return f"{node.label!r} is {last.state}"
