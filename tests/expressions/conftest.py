"""Shared fixtures of the expression tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from studio.expressions import SafeExpressionEngine

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="session")
def engine() -> SafeExpressionEngine:
    return SafeExpressionEngine()


@pytest.fixture
def data() -> dict[str, Any]:
    return {
        "amount": 1500,
        "status": "open",
        "score": 8,
        "tags": ["vip", "fast"],
        "claim": {"amount": 300, "kind": "car", "owner": {"name": "Ada"}},
        "invoice": {"po_amount": 1200, "amount": 1200, "received": True},
        "items": [{"name": "a", "price": 2.5}, {"name": "b", "price": 4}],
        "nothing": None,
        "due": "2026-01-10",
        "received_at": "2026-01-02T08:00:00Z",
        "text": "Hello",
    }
