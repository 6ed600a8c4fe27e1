"""The `Store` protocol: where running cases, their timers and their history are kept.

Every call is one transaction. `save` is optimistic: it names the version it read, and a store
that has moved on since raises `ConflictError` and changes nothing, so an update is never lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar, runtime_checkable

from studio.runtime.engine.state import CaseState, HistoryEvent


class StoreError(Exception):
    """A store could not do what was asked."""


class CaseNotFound(StoreError, LookupError):
    """No case with that id."""


class ConflictError(StoreError):
    """Another writer changed the case first (stale version); nothing was written.

    `case_id`: the case that changed (None when the raiser did not say)."""

    def __init__(self, message: str, case_id: str | None = None) -> None:
        super().__init__(message)
        self.case_id = case_id


class CaseExists(ConflictError):
    """A case with that id exists already."""


class DatabaseUnusable(StoreError):
    """The configured database cannot be used (its URL, driver, server or schema); the message is
    one line naming it, with the password hidden, and what to do."""


class NotMigrated(DatabaseUnusable):
    """The database schema is missing or not at the revision this version of the code needs."""


@dataclass(frozen=True, slots=True)
class StoredCase:
    """A loaded case and the version to name when saving it back (`CaseEngine.restore` the state
    before running commands on it: derived indexes are not stored)."""

    state: CaseState
    version: int
    definition_key: str | None = None
    """The case or process definition it runs (as given to `create`)."""
    definition_version: str | None = None
    """The version of the definition it runs on (the deployment, in the runtime)."""


@dataclass(frozen=True, slots=True)
class Save:
    """One case of `Store.save_all`: its new state, the version it was read at, the history to
    append and, when not None, the definition version it moves to (a migration)."""

    case_id: str
    state: CaseState
    expected_version: int
    history: Sequence[HistoryEvent] = ()
    definition_version: str | None = None


def check_saves(saves: Sequence[Save]) -> None:
    """Refuse (ValueError) a save of a state under another case's id, or of one case twice."""
    seen: set[str] = set()
    for save in saves:
        if save.state.id != save.case_id:
            raise ValueError(f"saving case {save.state.id!r} as {save.case_id!r}")
        if save.case_id in seen:
            raise ValueError(f"case {save.case_id!r} saved twice in one transaction")
        seen.add(save.case_id)


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One line of a case list."""

    id: str
    definition_key: str
    definition_version: str | None
    state: str
    version: int
    created_at: datetime
    updated_at: datetime


@runtime_checkable
class Store(Protocol):
    """Persistence of cases; implementations share `tests/runtime/test_store.py`'s contract."""

    def create(
        self,
        case: CaseState,
        definition_key: str,
        version_of_definition: str | None,
        history: Sequence[HistoryEvent],
    ) -> int:
        """Store a new case and its first history; returns its version, 1 (CaseExists)."""
        ...

    def load(self, case_id: str) -> StoredCase:
        """The case's current state and version (CaseNotFound).

        Derived indexes are not stored: run the state through `CaseEngine.restore` first.
        """
        ...

    def save(
        self,
        case_id: str,
        new_state: CaseState,
        expected_version: int,
        history: Sequence[HistoryEvent],
    ) -> int:
        """Replace the state and append history atomically; returns the new version.

        Raises ConflictError when the case is no longer at `expected_version`.
        """
        ...

    def save_all(self, saves: Sequence[Save]) -> list[int]:
        """Save several cases in one transaction, in the order given: every case moves or none
        does. Returns their new versions.

        Raises ConflictError (its `case_id` the first case no longer at its expected version)
        or CaseNotFound, and then nothing is written.
        """
        ...

    def history(self, case_id: str) -> list[HistoryEvent]:
        """Every history event of the case, in order (append-only)."""
        ...

    def due_timers(self, until: datetime, limit: int = 100) -> list[tuple[str, datetime]]:
        """(case id, earliest due) of active cases with a timer due at or before `until`."""
        ...

    def list_cases(
        self, definition: str | None = None, state: str | None = None
    ) -> list[CaseSummary]:
        """Cases, oldest first, optionally of one definition key and/or in one state."""
        ...


class Outcome(Protocol):
    """What an engine call returns (`studio.runtime.engine.engine.Outcome`)."""

    @property
    def state(self) -> CaseState: ...

    @property
    def history(self) -> Sequence[HistoryEvent]: ...


OutcomeT = TypeVar("OutcomeT", bound=Outcome)


def update_case(
    store: Store,
    case_id: str,
    step: Callable[[CaseState], OutcomeT | None],
    *,
    attempts: int = 1,
) -> OutcomeT | None:
    """Load a case, run `step` on it and save what it returns: one unit of work.

    `step` gets the state as loaded (to `CaseEngine.restore` first); returning None saves
    nothing. On a conflict, the case is reloaded and `step` run again, up to `attempts` times in
    all (keep 1 for a user's command: they acted on what they saw; more suits a timer driver),
    then the ConflictError propagates.
    """
    for attempt in range(1, attempts + 1):
        stored = store.load(case_id)
        outcome = step(stored.state)
        if outcome is None:
            return None
        try:
            store.save(case_id, outcome.state, stored.version, outcome.history)
        except ConflictError:
            if attempt == attempts:
                raise
            continue
        return outcome
    raise ValueError("attempts must be at least 1")
