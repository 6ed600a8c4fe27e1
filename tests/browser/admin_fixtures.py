"""Runtime set-ups for the admin browser tests: a case whose timer failed into an incident, the
way the job executor makes one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from studio.host.executor import JobExecutor
from tests.browser.conftest import SAMPLE

SCENARIO = SAMPLE / "09-discretionary-work-of-the-accountant.scenario.json"
FAILURE = "ConnectionError: the payment service did not answer"


class Only:
    """A proxy of `target` whose `due_timers` lists only one case (other tests' cases stay)."""

    def __init__(self, target: Any, case_id: str) -> None:
        self._target, self._case = target, case_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)

    def due_timers(self, until: datetime, limit: int) -> list[Any]:
        return [due for due in self._target.due_timers(until, limit) if due[0] == self._case]


class FailingTimers:
    """The case host seeing only one case, whose timers fail to fire (a service down)."""

    def __init__(self, host: Any, case_id: str) -> None:
        self._host = host
        self.store = Only(host.store, case_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._host, name)

    def fire_timers(self, case_id: str, now: datetime | None = None) -> int:
        raise ConnectionError("the payment service did not answer")


class NoStarts:
    """No timer start events: only the failing case's timer is of interest."""

    def run_once(self, now: datetime) -> int:
        return 0


def disputed_case(studio: Any) -> str:
    """Start a disputed-invoice case (it waits on a timer): its id."""
    data = json.loads(SCENARIO.read_text(encoding="utf-8"))["data"]
    data["invoice"]["received"] = datetime.now(UTC).date().isoformat()
    data["invoice"]["due"] = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    return studio.extensions["studio"].host.start("DisputedInvoice", data)


def failed_timer(studio: Any, case_id: str) -> None:
    """Run the case's timer until it fails for good: a failed job and an incident on the case."""
    runtime = studio.extensions["studio"]
    executor = JobExecutor(
        FailingTimers(runtime.host, case_id), runtime.engine, owner="test", max_attempts=1
    )
    executor.starts = NoStarts()
    later = datetime.now(UTC) + timedelta(days=60)
    executor.run_once(later)
    assert [job["case_id"] for job in executor.jobs("failed")].count(case_id) == 1
