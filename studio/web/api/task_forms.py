"""What a case worker may do, for the case-work pages: a task's form, and the actions a case
offers (start enabled items, plan discretionary ones, raise user events, complete tasks and
stages). Both read only; the actions themselves go through `POST /cases/{id}/actions` and
`/tasks/{id}/complete`, which check everything again."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify

from studio.expressions.errors import ExpressionError
from studio.runtime.engine.definition import CaseDefinition
from studio.runtime.engine.engine import Refused, Runaway
from studio.runtime.engine.outcome import Command
from studio.web.api import api
from studio.web.api.cases import CASE_ROLES, actor, case_host, visible_case
from studio.web.api.tasks import _user, _visible, _worklist
from studio.web.auth import current_user, requires


@api.get("/tasks/<task_id>/form")
@requires(*CASE_ROLES)
def task_form(task_id: str):
    """`{"task", "name", "schema"}`: the task's form (JSON Schema), `schema` null without one."""
    task, _ = _visible(task_id, _user())
    body = {"task": task.id, "name": task.name, "schema": _worklist().form(task)}
    # Not jsonify: it sorts keys, and a form shows its properties in the schema's order.
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


@api.get("/cases/<case_id>/offers")
@requires(*CASE_ROLES)
def case_offers(case_id: str):
    """`{"offers": [{"action", "target", "label", "kind", "case", "refused"}]}`: the actions the
    case's current state offers a person, in plan order; `refused` is the engine's reason when
    it would refuse the action from the caller now (a dry run on a copy), else null."""
    view = visible_case(case_id)
    host = case_host()
    user = current_user()
    assert user is not None
    family = host.family(case_id)
    offers: list[dict[str, Any]] = []
    if view["state"] == "active" and isinstance(family[0][1], CaseDefinition):
        label = family[0][1].name or view["definition"]
        offers.append(_offer("complete", "@case", label, "case", case_id))
    for owner, definition, state in family:
        if not isinstance(definition, CaseDefinition) or state.state != "active":
            continue
        for instance in state.items.values():
            item = definition.items.get(instance.item)
            if item is None or instance.item == definition.plan or "loop" in instance.memory:
                continue
            offer = _instance_offer(item, instance.state)
            if offer is not None:
                offers.append(_offer(offer, item.id, item.label, item.kind, owner))
        for item in definition.items.values():
            stages = state.instances_of(item.parent or "") if item.discretionary else ()
            if any(stage.state == "active" for stage in stages):
                offers.append(_offer("plan", item.id, item.label, item.kind, owner))
    for offer in offers:
        offer["refused"] = _refusal(host, offer, actor(user))
    return jsonify({"offers": offers})


def _refusal(host: Any, offer: dict[str, Any], by: Any) -> str | None:
    """The engine's reason to refuse `offer` from `by` now, None when it would accept it."""
    loaded = host.load(offer["case"])
    target = None if offer["target"] == "@case" else offer["target"]
    command = Command(offer["action"], target, None, by.user, by.groups)
    try:
        loaded.engine.execute(loaded.state, command, host.clock.now())
    except Refused as exc:
        return str(exc)
    except (Runaway, ExpressionError) as exc:
        return str(exc)
    return None


def _instance_offer(item: Any, state: str) -> str | None:
    if state == "enabled":
        return "start"
    if state == "available" and item.kind == "user_event":
        return "occur"
    if state == "active" and item.kind == "stage":
        return "complete"
    return None


def _offer(action: str, target: str, label: str, kind: str, owner: str) -> dict[str, Any]:
    return {"action": action, "target": target, "label": label, "kind": kind, "case": owner}
