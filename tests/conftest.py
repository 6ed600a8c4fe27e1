"""Shared test helpers: where ../shared is, and skipping cleanly when it is not there."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared must sit beside the repository)")
    return path


def shared_files(folder: str, *patterns: str) -> list[Path]:
    """Files under ../shared/<folder> matching glob patterns (empty when ../shared is absent)."""
    base = SHARED / folder
    if not base.exists():
        return []
    return sorted({p for pattern in patterns for p in base.glob(pattern)})
