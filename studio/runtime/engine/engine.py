"""The CMMN engine core: commands in, new state out, run on an agenda to quiescence.

IO-free: no clock reads (the caller passes `now`), no database, no Flask. A command runs on a
copy of the state; a refused command or a runaway raises and the caller keeps the old state.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from studio.messages import text
from studio.runtime.engine.commands import CaseRun
from studio.runtime.engine.definition import CaseDefinition
from studio.runtime.engine.errors import Refused, Runaway
from studio.runtime.engine.outcome import (
    Command,
    Effect,
    Outcome,
    Publish,
    StartChild,
    StopChild,
    retry_incidents,
    with_incident,
)
from studio.runtime.engine.state import TERMINAL, CaseState, Timer
from studio.runtime.engine.wording import state_word

__all__ = [
    "CaseEngine", "Command", "Effect", "Outcome", "Publish", "Refused", "Runaway", "StartChild",
    "StopChild",
]  # fmt: skip


class CaseEngine:
    """Runs commands of one compiled case definition."""

    def __init__(self, definition: CaseDefinition, *, history: bool | str = True) -> None:
        self.definition = definition
        self.history = history

    def start(
        self, case_id: str, data: dict[str, Any], now: datetime, user: str | None = None
    ) -> Outcome:
        """A new case: its plan model active, its first items created and activated."""
        state = CaseState(id=case_id, definition=self.definition.id, data=copy.deepcopy(data))
        run = self._unit(state, now, user)
        run.push(lambda: run.create(self.definition.plan, None))
        run.drain()
        return run.outcome()

    def execute(self, state: CaseState, command: Command, now: datetime) -> Outcome:
        """The state after `command`, computed on a copy; raises Refused or Runaway."""
        if (state.state in TERMINAL and command.action != "close") or state.state == "closed":
            raise Refused(text("the case is {state}", state=state_word(state.state)))
        if not state.by_item and state.items:
            self.restore(state)  # loaded from a store: rebuild the derived indexes
        if command.action == "retry" and command.item is None:
            return retry_incidents(state, now, command.user, self.history)
        work = state.copy()
        run = self._unit(work, now, command.user)
        run.command(command)
        run.drain()
        return run.outcome()

    def record_incident(
        self,
        state: CaseState,
        code: str,
        message: str,
        now: datetime,
        timer: Timer | None = None,
    ) -> Outcome:
        """The case as it was, with an incident of `code` recorded (and the timer that caused
        it parked)."""
        return with_incident(state, code, message, now, timer, self.history)

    def _unit(self, state: CaseState, now: datetime, user: str | None = None) -> CaseRun:
        return CaseRun(self.definition, state, now, user, self.history)

    def restore(self, state: CaseState) -> CaseState:
        """Rebuild a loaded state's derived indexes (a state that has them, one the engine made
        or a store's copy of one, keeps them: rebuilding costs as much as the case is big)."""
        if state.by_item and state.blocking:
            return state
        state.reindex()
        run = self._unit(state, datetime.min)
        state.blocking = {}
        for instance in state.items.values():
            if instance.stage is not None and run.blocks(instance):
                state.blocking[instance.stage] = state.blocking.get(instance.stage, 0) + 1
        return state

    def fire_due_timer(self, state: CaseState, now: datetime) -> Outcome | None:
        """Fire the earliest timer due at or before `now` (None when none is due)."""
        if state.state != "active":
            return None
        timer = state.next_timer(now)
        if timer is None:
            return None
        if not state.by_item and state.items:
            self.restore(state)
        work = state.copy()
        run = self._unit(work, timer.due)
        run.fire_timer(timer)
        run.drain()
        return run.outcome()
