"""`MemoryStore`: cases in a dict, for simulation and tests.

Cases are kept as serialised documents, so callers can never mutate stored state and a case comes
back exactly as the SQL store would give it (date-times UTC-aware, the case file JSON). Thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from studio.runtime.engine.state import CaseState, HistoryEvent
from studio.runtime.store.base import (
    CaseExists,
    CaseNotFound,
    CaseSummary,
    ConflictError,
    Save,
    StoredCase,
    check_saves,
)
from studio.runtime.store.serialize import dump, dump_state, load, load_state, to_utc


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class _Record:
    document: dict[str, Any]
    version: int
    definition_key: str
    definition_version: str | None
    created_at: datetime
    updated_at: datetime
    state: str
    next_due: datetime | None
    history: list[dict[str, Any]] = field(default_factory=list)


class MemoryStore:
    """A `Store` in memory (lost with the process)."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._cases: dict[str, _Record] = {}

    def create(
        self,
        case: CaseState,
        definition_key: str,
        version_of_definition: str | None,
        history: Sequence[HistoryEvent],
    ) -> int:
        document, events = dump_state(case), [dump(e) for e in history]
        now = to_utc(self._clock())
        with self._lock:
            if case.id in self._cases:
                raise CaseExists(f"case {case.id!r} exists already")
            self._cases[case.id] = _Record(
                document,
                1,
                definition_key,
                version_of_definition,
                now,
                now,
                case.state,
                _next_due(case),
                events,
            )
        return 1

    def load(self, case_id: str) -> StoredCase:
        with self._lock:
            record = self._record(case_id)
            document, version = record.document, record.version
            key, definition_version = record.definition_key, record.definition_version
        # documents are never mutated in place
        return StoredCase(load_state(document), version, key, definition_version)

    def save(
        self,
        case_id: str,
        new_state: CaseState,
        expected_version: int,
        history: Sequence[HistoryEvent],
    ) -> int:
        return self.save_all([Save(case_id, new_state, expected_version, history)])[0]

    def save_all(self, saves: Sequence[Save]) -> list[int]:
        check_saves(saves)
        written = [
            (save, dump_state(save.state), [dump(e) for e in save.history]) for save in saves
        ]
        now = to_utc(self._clock())
        with self._lock:
            records = [self._record(save.case_id) for save in saves]
            for save, record in zip(saves, records, strict=True):
                if record.version != save.expected_version:
                    raise ConflictError(
                        f"case {save.case_id!r} is at version {record.version}, "
                        f"not {save.expected_version}",
                        save.case_id,
                    )
            for (save, document, events), record in zip(written, records, strict=True):
                record.document = document
                record.version += 1
                record.updated_at = now
                record.state = save.state.state
                record.next_due = _next_due(save.state)
                record.history.extend(events)
                if save.definition_version is not None:
                    record.definition_version = save.definition_version
            return [record.version for record in records]

    def history(self, case_id: str) -> list[HistoryEvent]:
        with self._lock:
            events = list(self._record(case_id).history)
        return sorted((load(HistoryEvent, e) for e in events), key=lambda e: e.seq)

    def due_timers(self, until: datetime, limit: int = 100) -> list[tuple[str, datetime]]:
        until = to_utc(until)
        with self._lock:
            due = [
                (r.next_due, case_id)
                for case_id, r in self._cases.items()
                if r.next_due is not None and r.next_due <= until and r.state == "active"
            ]
        return [(case_id, at) for at, case_id in sorted(due)[:limit]]

    def list_cases(
        self, definition: str | None = None, state: str | None = None
    ) -> list[CaseSummary]:
        with self._lock:
            found = [
                CaseSummary(
                    case_id,
                    r.definition_key,
                    r.definition_version,
                    r.state,
                    r.version,
                    r.created_at,
                    r.updated_at,
                )
                for case_id, r in self._cases.items()
                if (definition is None or r.definition_key == definition)
                and (state is None or r.state == state)
            ]
        return sorted(found, key=lambda s: (s.created_at, s.id))

    def _record(self, case_id: str) -> _Record:
        record = self._cases.get(case_id)
        if record is None:
            raise CaseNotFound(f"no case {case_id!r}")
        return record


def _next_due(state: CaseState) -> datetime | None:
    return min((to_utc(t.due) for t in state.timers), default=None)
