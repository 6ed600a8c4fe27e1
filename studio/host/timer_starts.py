"""Processes with timer start events start on schedule.

For the newest deployment of each model project, every executable process with a timer start
event gets a new instance at each due time of that timer, counted from the deployment: once for
a date or a duration, once per repetition for a cycle (`R3/P1D`). A newer deployment takes over
the schedule (as Flowable replaces the timer start jobs of a redeployed process). The
occurrences started so far are counted in a `jobs` row per (deployment, process, start event),
raised by a conditional update, so two executors never start the same occurrence twice.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from studio.expressions import TimerSpec, next_due
from studio.host.cases import SYSTEM, ActionError, CaseHost
from studio.runtime.engine.process_definition import ProcessDefinition
from studio.runtime.store.service_tables import jobs

logger = logging.getLogger(__name__)

KIND = "timer-start"
MAX_PER_ROUND = 100
"""Occurrences one round starts at most (a long outage catches up over several rounds)."""


class TimerStarts:
    """Starts the due occurrences of deployed processes' timer start events."""

    def __init__(self, host: CaseHost, engine: sa.Engine) -> None:
        self.host = host
        self.engine = engine

    def run_once(self, now: datetime) -> int:
        """Start what is due by `now`; how many instances started."""
        started = 0
        for deployment in self._newest():
            if getattr(deployment, "created_at", None) is None:
                continue  # a deployment source that does not date its deployments
            try:
                project = self.host.deployments.project(deployment.id)
            except LookupError:
                continue
            for definition in project.all():
                if not isinstance(definition, ProcessDefinition):
                    continue
                for start in definition.timer_starts:
                    try:
                        started += self._start_due(deployment, definition, start, now)
                    except sa.exc.SQLAlchemyError as exc:  # next round tries again
                        logger.warning("timer starts of %s: %s", definition.id, exc)
                    if started >= MAX_PER_ROUND:
                        return started
        return started

    def _start_due(
        self, deployment: Any, definition: ProcessDefinition, start: str, now: datetime
    ) -> int:
        spec = definition.nodes[start].timer
        if not isinstance(spec, TimerSpec):
            return 0  # an expression timer needs data a timer start does not have
        key = f"{deployment.id}:{definition.id}:{start}"
        done = self._occurrences(key, deployment.created_at, spec)
        started = 0
        while started < MAX_PER_ROUND:
            due = next_due(spec, deployment.created_at, done + 1)
            if due is None or due > now:
                self._note_due(key, due)
                return started
            if not self._claim(key, done):
                return started  # another executor started this occurrence
            done += 1
            try:
                self.host._start(deployment.id, "process", definition.id, {}, SYSTEM, at=start)
                started += 1
            except ActionError as exc:
                logger.warning("timer start of %s failed: %s", definition.id, exc)
        return started

    def _occurrences(self, key: str, created: datetime, spec: TimerSpec) -> int:
        """The occurrences started so far (a new row, at 0, the first time)."""
        for attempt in range(5):
            try:
                return self._read_or_add(key, created, spec)
            except sa.exc.OperationalError:  # another executor wrote first (SQLite busy)
                if attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _read_or_add(self, key: str, created: datetime, spec: TimerSpec) -> int:
        with self.engine.begin() as connection:
            found = connection.execute(
                sa.select(jobs.c.attempts).where(jobs.c.kind == KIND, jobs.c.case_id == key)
            ).first()
            if found is not None:
                return int(found[0])
            due = next_due(spec, created, 1) or created
            connection.execute(
                jobs.insert().values(
                    kind=KIND, case_id=key, due=due, attempts=0, state="waiting",
                    created_at=created, payload={"occurrences": 0},
                )
            )  # fmt: skip
        return 0

    def _claim(self, key: str, done: int) -> bool:
        with self.engine.begin() as connection:
            claimed = connection.execute(
                sa.update(jobs)
                .where(jobs.c.kind == KIND, jobs.c.case_id == key, jobs.c.attempts == done)
                .values(attempts=done + 1, payload={"occurrences": done + 1})
            ).rowcount
        return claimed == 1

    def _note_due(self, key: str, due: datetime | None) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(jobs)
                .where(jobs.c.kind == KIND, jobs.c.case_id == key)
                .values(state="waiting" if due is not None else "done", due=due or jobs.c.due)
            )

    def _newest(self) -> list[Any]:
        """The newest deployment of each project key."""
        newest: dict[str, Any] = {}
        for deployment in self.host.deployments.list():
            key = getattr(deployment, "key", deployment.id)
            known = newest.get(key)
            if known is None or getattr(deployment, "version", 0) > getattr(known, "version", 0):
                newest[key] = deployment
        return sorted(newest.values(), key=lambda d: d.id)
