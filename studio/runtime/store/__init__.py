"""Persistence of running cases: the `Store` protocol, an in-memory and an SQL implementation.

`SqlStore` (and SQLAlchemy with it) is imported on first use, so that simulation, which runs on
`MemoryStore`, does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studio.runtime.store.base import (
    CaseExists,
    CaseNotFound,
    CaseSummary,
    ConflictError,
    NotMigrated,
    Save,
    Store,
    StoredCase,
    StoreError,
    update_case,
)
from studio.runtime.store.memory import MemoryStore

if TYPE_CHECKING:
    from studio.runtime.store.sql import SqlStore

__all__ = [
    "CaseExists",
    "CaseNotFound",
    "CaseSummary",
    "ConflictError",
    "MemoryStore",
    "NotMigrated",
    "Save",
    "SqlStore",
    "Store",
    "StoreError",
    "StoredCase",
    "update_case",
]


def __getattr__(name: str) -> Any:
    if name == "SqlStore":
        from studio.runtime.store.sql import SqlStore

        return SqlStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
