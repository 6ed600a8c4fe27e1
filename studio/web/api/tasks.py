"""GET /api/v1/tasks: the caller's worklist — active human work of the cases it may see that
its roles allow it to work."""

from __future__ import annotations

from flask import jsonify

from studio.host.cases import ActionError
from studio.web.api import api
from studio.web.api.visibility import tasks_of
from studio.web.auth import current_user, requires, runtime


@api.get("/tasks")
@requires("caseworker", "admin")
def worklist():
    user = current_user()
    assert user is not None
    host = runtime().host
    found = []
    for summary in host.store.list_cases(state="active"):
        try:
            engine = host.engine_for(
                int(summary.definition_version or 0), "case_or_process", summary.definition_key
            )
        except ActionError:
            continue
        state = engine.restore(host.store.load(summary.id).state)
        link = host.links.parent_of(summary.id)
        for instance, label, role in tasks_of(user, state, engine.definition):
            found.append(
                {
                    "case": link.parent if link is not None else summary.id,
                    "owner": summary.id,
                    "id": instance.id,
                    "item": instance.item,
                    "name": label,
                    "role": role,
                    "state": instance.state,
                }
            )
    return jsonify({"tasks": found})
