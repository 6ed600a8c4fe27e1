"""The BPMN process engine: token flow through a compiled process, on the case engine's state.

The process instance is the root item instance (as the case plan model is for a case), so
`state.state` is the process state and `state.data` holds the process variables. A token is an
instance of the flow node it waits in (`available` or `active`); an armed boundary event is an
`available` instance whose stage is its activity's instance. `state.blocking[scope]` counts the
tokens left in the process or a sub-process instance: each completes once the agenda is stable
and none is left. Token flow lives in `process_run`, events in `process_events`.

IO-free like the case engine: a command runs on a copy; a refused command raises Refused.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from studio.messages import text
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.outcome import Command, Outcome, retry_incidents, with_incident
from studio.runtime.engine.process_definition import ProcessDefinition
from studio.runtime.engine.process_events import waiting
from studio.runtime.engine.process_run import ProcessRun
from studio.runtime.engine.process_tokens import count_tokens
from studio.runtime.engine.state import TERMINAL, CaseState, Timer
from studio.runtime.engine.wording import state_word
from studio.runtime.services import ServiceRegistry


class ProcessEngine:
    """Runs commands of one compiled process definition (same shape as CaseEngine)."""

    def __init__(
        self,
        definition: ProcessDefinition,
        *,
        history: bool | str = True,
        services: ServiceRegistry | None = None,
        held: frozenset[str] = frozenset(),
        branches: Mapping[str, Callable[[], Iterable[str]]] | None = None,
    ) -> None:
        self.definition = definition
        self.history = history
        self.services = services if services is not None else ServiceRegistry()
        """The handlers service tasks call (injected: empty unless the host gives them)."""
        self.held = held
        """Plain and service tasks that wait, active, until completed like user tasks
        (simulation binds them to resources: a held service task calls no handler)."""
        self.branches = dict(branches or {})
        """Gateways the host decides: gateway id -> a function naming the flows to take
        (simulation's branch probabilities); elsewhere conditions decide."""
        self._unit = type(
            f"ProcessRun[{definition.id}]",
            (ProcessRun,),
            {"services": self.services, "held": held, "branches": self.branches},
        )
        """ProcessRun with this engine's services, held tasks and branches as class attributes
        (set once, not on every command)."""

    def start(
        self,
        instance_id: str,
        variables: dict[str, Any],
        now: datetime,
        user: str | None = None,
        at: str | None = None,
    ) -> Outcome:
        """A new process instance: active, with a token leaving each none start event (or the
        start event `at`, the one a message or signal triggered: see `start_event_for`)."""
        state = CaseState(
            id=instance_id, definition=self.definition.id, data=copy.deepcopy(variables)
        )
        run = self._run(state, now, user)
        run.push(lambda: run.begin(at))
        run.drain()
        return run.outcome()

    def execute(self, state: CaseState, command: Command, now: datetime) -> Outcome:
        """The state after `command`, computed on a copy; raises Refused or Runaway."""
        if state.state in TERMINAL or state.state == "failed":
            raise Refused(text("the process is {state}", state=state_word(state.state)))
        if not state.by_item and state.items:
            self.restore(state)
        if command.action == "retry" and command.item is None and (state.parked or state.incidents):
            return retry_incidents(state, now, command.user, self.history)
        work = state.copy()
        run = self._run(work, now, command.user)
        run.command(command)
        run.drain()
        return run.outcome()

    def fire_due_timer(self, state: CaseState, now: datetime) -> Outcome | None:
        """Fire the earliest timer due at or before `now` (None when none is due)."""
        timer = state.next_timer(now)
        if state.state != "active" or timer is None:
            return None
        if not state.by_item and state.items:
            self.restore(state)
        work = state.copy()
        run = self._run(work, timer.due)
        run.fire_timer(timer)
        run.drain()
        return run.outcome()

    def _run(self, state: CaseState, now: datetime, user: str | None = None) -> ProcessRun:
        return self._unit(self.definition, state, now, user, self.history)

    def start_event_for(self, trigger: str, name: str) -> str | None:
        """The start event a message or signal `name` starts this process at (None: none)."""
        return self.definition.started_by.get((trigger, name))

    def waits_for(
        self, state: CaseState, trigger: str, name: str, now: datetime, correlation: Any = None
    ) -> bool:
        """Whether a token of this active process waits for message or signal `name` (for a
        message with a `correlation` key, at a catch whose key matches)."""
        if state.state != "active":
            return False
        found = waiting(self.definition, state, trigger, name)
        if correlation is None or not found:
            return bool(found)
        if not state.by_item and state.items:
            self.restore(state)
        probe = self._run(state, now)
        return any(probe.correlates(iid, correlation) for iid in found)

    def record_incident(
        self,
        state: CaseState,
        code: str,
        message: str,
        now: datetime,
        timer: Timer | None = None,
    ) -> Outcome:
        """The process as it was, with an incident of `code` recorded (and the timer that
        caused it parked)."""
        return with_incident(state, code, message, now, timer, self.history)

    def restore(self, state: CaseState) -> CaseState:
        """Rebuild a loaded state's indexes and its token counts (kept when it has them, as
        `CaseEngine.restore`)."""
        if state.by_item and state.blocking:
            return state
        state.reindex()
        state.blocking = count_tokens(self.definition, state)
        return state
