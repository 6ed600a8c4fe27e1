"""A unit of work: the agenda of one command, run to quiescence on a copy of the state.

Operations name item instances by id and read them through `get`; an instance is cloned the
first time the unit changes it (`edit`), so the state the command started from never changes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from studio.expressions import CompiledExpression
from studio.expressions.errors import ExpressionError
from studio.messages import text
from studio.runtime.engine.definition import TRUE
from studio.runtime.engine.errors import Runaway
from studio.runtime.engine.outcome import Effect, Outcome, Transition
from studio.runtime.engine.state import CaseState, HistoryEvent, ItemInstance

LOOP_BUDGET = 10_000
"""Operations one command may run before it is stopped as a runaway."""


class UnitOfWork:
    """The agenda, the instances a command touches, and what it records."""

    def __init__(
        self,
        definition: Any,
        state: CaseState,
        now: datetime,
        user: str | None,
        record: bool | str,
    ) -> None:
        self.definition = definition
        self.record = record
        """True: history events; "transitions": bare (instance, item, event, state) tuples for a
        host that only watches (simulation); False: nothing."""
        self.state = state
        self.now = now
        self.user = user
        self.agenda: deque[Callable[[], None]] = deque()
        self.budget = LOOP_BUDGET
        self.history: list[HistoryEvent] = []
        self.transitions: list[Transition] = []
        self.effects: list[Effect] = []
        self.owned: set[str] = set()

    def push(self, operation: Callable[[], None]) -> None:
        self.agenda.append(operation)

    def drain(self) -> None:
        """Run operations until none is left and `settle` finds nothing more to do."""
        agenda, popleft = self.agenda, self.agenda.popleft
        budget = self.budget  # kept in a local while the agenda runs (nothing else reads it)
        while True:
            while agenda:
                budget -= 1
                if budget < 0:
                    raise Runaway(
                        text(
                            "more than {budget} operations in one command: a repetition rule or "
                            "sentries that keep triggering each other",
                            budget=LOOP_BUDGET,
                        )
                    )
                popleft()()
            self.budget = budget
            if not self.settle():
                return

    def log(
        self,
        iid: str | None,
        item: str | None,
        event: str,
        state: str | None,
        cause: str | None,
        *,
        code: str | None = None,
        element: str | None = None,
    ) -> None:
        """Append a history event (when history is kept); an incident's carries its `code` and
        `element`."""
        record = self.record
        if record is True:
            self.state.seq = seq = self.state.seq + 1
            self.history.append(
                HistoryEvent(
                    seq, self.now, iid, item, event, state, cause, self.user, code, element
                )
            )
        elif record:
            self.transitions.append((iid, item, event, state))

    def outcome(self) -> Outcome:
        """What the unit produced: the state, its history, effects and transitions."""
        return Outcome(
            self.state, tuple(self.history), tuple(self.effects), tuple(self.transitions)
        )

    def settle(self) -> bool:
        """Work that waits for a stable agenda (completion checks); True if it pushed any."""
        return False

    def get(self, iid: str) -> ItemInstance:
        return self.state.items[iid]

    def edit(self, iid: str) -> ItemInstance:
        """The instance, cloned first if this run has not changed it yet."""
        if iid in self.owned:
            return self.state.items[iid]
        clone = self.state.items[iid].clone()
        self.state.put(clone)
        self.owned.add(iid)
        return clone

    def evaluate(self, rule: CompiledExpression | str | None, default: bool = False) -> bool:
        if rule is None:
            return default
        if rule == TRUE:
            return True
        try:
            return bool(rule.evaluate(self.state.data, now=self.now))  # type: ignore[union-attr]
        except ExpressionError as exc:
            if exc.code == "expr.unknown-name":
                return False  # reading an item not in the case file yet: the condition is false
            raise
