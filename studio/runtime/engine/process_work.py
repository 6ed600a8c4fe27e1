"""Automatic work of a process: business-rule tasks (DMN tables) and service tasks (handlers).

Either one that fails records an incident and its token waits in the task, as a script does.
Service calls go through the injected `ServiceRegistry`; each attempt has its deadline there.
Retries happen here, one after another in the same command (no waiting in the engine core);
later the job executor will space them out.
"""

from __future__ import annotations

import copy

from studio.expressions import to_json_value
from studio.runtime.decisions import DecisionError
from studio.runtime.engine.incidents import TASK_FAILED
from studio.runtime.engine.process_loops import Loops
from studio.runtime.services import ServiceContext, ServiceFailure, ServiceRegistry

_EMPTY = ServiceRegistry()


class Work(Loops):
    """Evaluating business-rule tasks and calling service tasks' handlers."""

    services: ServiceRegistry = _EMPTY

    def complete(self, iid: str) -> None:  # pragma: no cover - token flow implements it
        raise NotImplementedError

    def run_decision(self, iid: str) -> None:
        """Evaluate the task's table on the variables, write its outputs, complete the task."""
        if self.get(iid).state != "active":
            return
        node = self.node(iid)
        assert node.decision is not None
        try:
            outputs = node.decision.table.evaluate(self.state.data, now=self.now)
        except DecisionError as exc:
            message = f"business-rule task {node.label!r} ({node.id}) failed: {exc.message}"
            self.incident(TASK_FAILED, message, iid)
            return
        writes = {key: to_json_value(outputs.get(name)) for name, key in node.decision.writes}
        self.write(writes, paths=False)
        self.push(lambda: self.complete(iid))

    def run_service(self, iid: str) -> None:
        """Call the task's handler (up to `retries` attempts, one idempotency key for all);
        a dict it returns is written to the variables."""
        if self.get(iid).state != "active":
            return
        node = self.node(iid)
        assert node.service is not None
        key = f"{self.state.id}:{node.id}:{self.get(iid).seq}"
        failure = ""
        for attempt in range(1, self.services.retries + 1):
            context = ServiceContext(self.state.id, node.id, key, attempt, self.now)
            try:
                result = self.services.call(node.service, copy.deepcopy(self.state.data), context)
            except ServiceFailure as exc:
                failure = str(exc)
                continue
            if result:
                self.write(result, paths=False)
            self.push(lambda: self.complete(iid))
            return
        self.incident(
            TASK_FAILED,
            f"service task {node.label!r} ({node.id}) failed after {self.services.retries} "
            f"attempt{'s' if self.services.retries > 1 else ''}: {failure}",
            iid,
        )
