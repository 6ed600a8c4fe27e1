"""Faults under load (benchmarks/faults.py): kill -9 of a server and of a job worker, and the
database going away and coming back. Nothing the servers acknowledged is lost, nothing is done
twice, every due timer fires once, every case agrees with its history; while the database is
away requests fail with the API's JSON error, and they succeed again once it is back.

Each test starts its own cluster (benchmarks/cluster.py: `studio serve` processes behind nginx,
`studio worker`) on a fresh PostgreSQL database; skipped, saying why, without PostgreSQL or nginx.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))  # the benchmark modules import each other as scripts do

from cluster import find_nginx, nginx_missing  # noqa: E402
from faults import fault_run, outage_run  # noqa: E402
from servers import postgres_reachable  # noqa: E402

pytestmark = [pytest.mark.postgresql, pytest.mark.slow]


@pytest.fixture(autouse=True)
def postgres_and_nginx() -> None:
    why = postgres_reachable()
    if why:
        pytest.skip(why)
    if find_nginx() is None:
        pytest.skip(nginx_missing())


def test_kill_9_of_a_server_and_a_worker_under_load_loses_and_repeats_nothing() -> None:
    findings, mixed = fault_run(
        processes=2, workers=1, clients=6, seconds=6, kill_after=2, lease=3, settle=15
    )
    assert findings.acknowledged_starts >= 20 and findings.acknowledged_completions >= 10, mixed
    assert findings.lost_starts == [] and findings.lost_completions == []
    assert findings.duplicated_completions == [] and findings.fired_twice == []
    assert findings.timers_fired > 0, "some reminders were due before their task was done"
    assert findings.overdue == [] and findings.leased == [], "every due timer fired"
    assert findings.inconsistent == []


def test_database_away_under_load_fails_cleanly_and_recovers() -> None:
    seen, findings, _ = outage_run(processes=1, clients=6, seconds=9, cut_after=2, down=2.5)
    assert seen.failed > 0, "requests reached the database while it was away"
    assert seen.unclean == [], "each failure is the API's JSON error, without a traceback"
    assert seen.ok_after_recovery > 0 and seen.failed_after_recovery == 0
    assert findings.lost == 0 and findings.duplicated == 0
    assert findings.inconsistent == []
