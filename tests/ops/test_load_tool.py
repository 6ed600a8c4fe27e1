"""The load test tool (benchmarks/load.py) loads loopback addresses only."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from load import loopback_port


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5000", "http://localhost:5000/", "http://[::1]:5000"]
)
def test_loopback_urls_are_loaded(url: str) -> None:
    assert loopback_port(url) == 5000


@pytest.mark.parametrize(
    "url", ["http://10.1.2.3:5000", "http://192.168.0.1:80", "http://0.0.0.0:5000"]
)
def test_other_addresses_are_refused_in_words(url: str) -> None:
    with pytest.raises(SystemExit, match="only loopback addresses"):
        loopback_port(url)
