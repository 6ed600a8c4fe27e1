"""What the scenario runner needs from the engine: a narrow, synchronous driver of one case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol


class ActionRefused(Exception):
    """The engine refused an action (nothing changed); the message says why."""


class UnusableScenario(Exception):
    """A scenario that cannot run at all (exit code 2): a one-line reason naming file/element."""


@dataclass(frozen=True, slots=True)
class ItemView:
    """One instance of a plan item (or BPMN activity) as the runner sees it."""

    key: str
    """Identifies the plan item (not the instance) within its level: what `perform` targets."""
    plan_item_id: str
    name: str | None
    definition_id: str | None
    definition_name: str | None
    state: str
    level: int
    """0 for the case's own items; 1 for items of processes/sub-cases it started; and so on."""
    created: int
    """Creation order across the whole run: the highest is the most recent instance."""


class CaseDriver(Protocol):
    """One case (or BPMN process) under test, on a virtual clock.

    A driver may also offer the optional methods of `ModelNames` (the runner looks for them).
    """

    def start(self, data: dict[str, Any], at: datetime) -> None:
        """Start the case with its initial case file (or process variables) at virtual time `at`."""

    def items(self) -> list[ItemView]:
        """Every item instance of the case and of the processes and sub-cases it started."""

    def case_state(self) -> str:
        """active, suspended, completed, terminated, failed or closed."""

    def data(self) -> dict[str, Any]:
        """The case file (or process variables)."""

    def perform(self, action: str, key: str | None, data: dict[str, Any] | None = None) -> None:
        """complete / occur / start / disable / reenable / terminate / suspend / resume / plan,
        aimed at the plan item `key` (None: the case itself, `@case`). The engine picks the oldest
        instance in a state the action accepts. Raises ActionRefused."""

    def set(self, writes: dict[str, Any]) -> None:
        """Case file writes by dotted path; None deletes. Raises ActionRefused."""

    def advance(self, duration: timedelta) -> None:
        """Move the virtual clock, firing every timer due on the way, in due order."""

    def message(
        self, name: str, data: dict[str, Any] | None = None, correlation: Any = None
    ) -> None:
        """Deliver a BPMN message (to a catch whose correlation key matches, given one), or
        start a process with a message start event of that name. Raises ActionRefused when
        nothing waits for it or starts with it."""

    def signal(self, name: str) -> None:
        """Broadcast a BPMN signal to every process waiting for it and start every process with
        a signal start event of that name. Raises ActionRefused when nothing does."""

    def explain(self, key: str | None) -> str:
        """Why an item is not active (or, for None, why the case has not completed)."""


class ModelNames(Protocol):
    """Optional extras of a driver; the runner uses each one only when the driver has it."""

    def known_names(self) -> set[str]:
        """Every plan item id and name and definition id and name in the model project (the case,
        the processes and sub-cases it can start, discretionary items included). With it, a
        scenario naming anything else is unusable (exit 2) before it runs; without it, such a
        name is merely absent (expectations) or refused (actions)."""

    def discretionary(self) -> list[ItemView]:
        """The discretionary items of the planning tables of the case and its active stages, one
        view per item (state "discretionary", created -1), so that `plan` can name an item that
        has no instance yet. Without it, planning an item that has no instance is refused."""


class DriverFactory(Protocol):
    def __call__(self, model: Path, case: str | None) -> CaseDriver:
        """A driver for the case (or process) `case` of the model file; raises UnusableScenario."""
