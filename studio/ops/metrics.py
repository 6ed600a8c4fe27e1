"""Metrics in the Prometheus text format, made with the maintained `prometheus_client` library.

Two kinds of figures:
- measured in this process (`PROCESS`): command latency per action kind, HTTP request latency per
  route, the lag of the timers its job executors fired and how their timer jobs ended, running
  job executors, Socket.IO connections, CPU and memory;
- read from the database at each scrape (`DatabaseFigures`): open cases per definition and state,
  open incidents, jobs per state, due timers not fired yet and how late the oldest one is. Every
  process answers the same database-wide figures.

Several server processes: by default each process answers for itself and Prometheus scrapes each
one (its `instance` label tells them apart). With `PROMETHEUS_MULTIPROC_DIR` set to an empty folder
shared by the processes of one host (before they start), `prometheus_client`'s multiprocess mode
aggregates their process figures, so scraping any one of them is enough; `studio worker` processes
given the same folder are counted too (`studio.ops.metrics_folder`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from studio.ops import metrics_folder
from studio.runtime.engine.incidents import CODES, legacy_incident
from studio.runtime.engine.state import TERMINAL
from studio.runtime.store.schema import case_timers, cases
from studio.runtime.store.service_tables import jobs

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
EXECUTOR_THREAD = "job-executor-"
"""The job executor's thread names start so (studio.host.executor): changes stored on it are
fired timers."""
LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)

PROCESS = CollectorRegistry(auto_describe=True)
COMMAND_SECONDS = Histogram(
    "studio_command_seconds",
    "Latency of case commands answered by the API (start, complete, occur, ...), stored included",
    ["action"],
    buckets=LATENCY,
    registry=PROCESS,
)
HTTP_SECONDS = Histogram(
    "studio_http_request_seconds",
    "Latency of HTTP requests per route (Flask endpoint), method and status class",
    ["method", "endpoint", "status"],
    buckets=LATENCY,
    registry=PROCESS,
)
TIMER_LAG_SECONDS = Histogram(
    "studio_timer_fire_lag_seconds",
    "How late the job executor fired a timer: firing time minus due time",
    buckets=LAG,
    registry=PROCESS,
)
TIMER_JOBS = Counter(
    "studio_timer_jobs",
    "Timer jobs the job executors ended, by outcome: succeeded (timers fired), retried (an "
    "attempt failed, backing off), incident (the last attempt failed)",
    ["outcome"],
    registry=PROCESS,
)
TIMER_JOB_OUTCOMES = ("succeeded", "retried", "incident")
for _outcome in TIMER_JOB_OUTCOMES:  # every series shown from the start (0), so rates work
    TIMER_JOBS.labels(outcome=_outcome)
JOB_EXECUTORS = Gauge(
    "studio_job_executors",
    "Job executors running (in servers and workers; summed over live processes in "
    "multiprocess mode)",
    multiprocess_mode="livesum",
    registry=PROCESS,
)
SOCKETIO_CONNECTIONS = Gauge(
    "studio_socketio_connections",
    "Open Socket.IO connections (summed over live processes in multiprocess mode)",
    multiprocess_mode="livesum",
    registry=PROCESS,
)


def multiprocess_mode() -> bool:
    """Whether `prometheus_client` keeps the figures in files shared by a host's processes."""
    return metrics_folder.configured() is not None


if not multiprocess_mode():  # CPU and memory of this process (per-process scrapes only)
    ProcessCollector(registry=PROCESS)


def observe_command(action: str, seconds: float) -> None:
    COMMAND_SECONDS.labels(action=action).observe(seconds)


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    HTTP_SECONDS.labels(method=method, endpoint=endpoint, status=f"{status // 100}xx").observe(
        seconds
    )


def observe_timer_job(outcome: str) -> None:
    """Count a timer job that ended (one of TIMER_JOB_OUTCOMES)."""
    TIMER_JOBS.labels(outcome=outcome).inc()


def timer_lag_listener(clock: Callable[[], datetime] | None = None) -> Callable[[Any], None]:
    """A CaseHost listener observing the lag of each timer the job executor fires: a fired timer's
    history starts with an `occur` event stamped with the timer's due time."""
    now = clock or (lambda: datetime.now(UTC))

    def observe(change: Any) -> None:
        if not threading.current_thread().name.startswith(EXECUTOR_THREAD):
            return
        first = change.history[0] if change.history else None
        if first is None or first.event != "occur":
            return
        TIMER_LAG_SECONDS.observe(max(0.0, (now() - first.at).total_seconds()))

    return observe


class DatabaseFigures(Collector):
    """Figures of the whole install, read from the database at each scrape."""

    def __init__(self, engine: sa.Engine, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self.clock = clock or (lambda: datetime.now(UTC))

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self.clock()
        open_cases = GaugeMetricFamily(
            "studio_open_cases",
            "Cases (and processes) not ended, per definition and state",
            labels=["definition", "state"],
        )
        job_counts = GaugeMetricFamily(
            "studio_jobs", "Jobs of the executor per kind and state", labels=["kind", "state"]
        )
        with self.engine.connect() as connection:
            for definition, state, count in connection.execute(_open_cases()):
                open_cases.add_metric([definition, state], count)
            for kind, state, count in connection.execute(_jobs_by_state()):
                job_counts.add_metric([kind, state], count)
            incidents = _incidents_per_code(
                extra for (extra,) in connection.execute(_with_incidents())
            )
            due_count, oldest = connection.execute(_due_timers(now)).one()
            connection.rollback()
        yield open_cases
        yield job_counts
        open_incidents = GaugeMetricFamily(
            "studio_incidents_open",
            "Incidents recorded on cases not ended, per kind (the incident's code)",
            labels=["kind"],
        )
        for code in CODES:  # every kind shown, 0 included
            open_incidents.add_metric([code], incidents.get(code, 0))
        yield open_incidents
        yield GaugeMetricFamily(
            "studio_timers_due", "Timers due now that have not fired yet", value=due_count or 0
        )
        lag = 0.0 if oldest is None else max(0.0, (now - _utc(oldest)).total_seconds())
        yield GaugeMetricFamily(
            "studio_timer_oldest_due_seconds",
            "How long the oldest due timer that has not fired is overdue (0: none)",
            value=lag,
        )


def _open_cases() -> sa.Select:
    return (
        sa.select(cases.c.definition_key, cases.c.state, sa.func.count())
        .where(cases.c.state.not_in(sorted(TERMINAL)))
        .group_by(cases.c.definition_key, cases.c.state)
    )


def _jobs_by_state() -> sa.Select:
    return sa.select(jobs.c.kind, jobs.c.state, sa.func.count()).group_by(jobs.c.kind, jobs.c.state)


def _with_incidents() -> sa.Select:
    """The `extra` of cases not ended with incidents (counted in Python: few rows). Both
    dialects write JSON with ": " after a key (json.dumps), so one text test serves: an
    incident is an object, or its message in a case stored before format version 6."""
    text = sa.cast(cases.c.extra, sa.Text)
    return sa.select(cases.c.extra).where(
        cases.c.state.not_in(sorted(TERMINAL)),
        sa.or_(text.contains('"incidents": [{'), text.contains('"incidents": ["')),
    )


def _incidents_per_code(extras: Iterator[Any]) -> dict[str, int]:
    """How many incidents of each code the cases' `extra` hold (a case stored before format
    version 6 keeps messages: their code is read from them, as its upgrade would)."""
    found: dict[str, int] = {}
    for extra in extras:
        if not isinstance(extra, dict):
            continue
        for incident in extra.get("incidents") or ():
            if isinstance(incident, dict):
                code = str(incident.get("code"))
            else:
                code = legacy_incident(str(incident)).code
            found[code] = found.get(code, 0) + 1
    return found


def _due_timers(now: datetime) -> sa.Select:
    """Due timers of active cases, except those the executor found it cannot fire yet (its job
    `waiting`: the timers of suspended items wait for their resume)."""
    waiting = (
        sa.select(jobs.c.id)
        .where(jobs.c.case_id == case_timers.c.case_id, jobs.c.state == "waiting")
        .exists()
    )
    return (
        sa.select(sa.func.count(), sa.func.min(case_timers.c.due))
        .select_from(case_timers.join(cases, cases.c.id == case_timers.c.case_id))
        .where(cases.c.state == "active", case_timers.c.due <= now, ~waiting)
    )


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def exposition(engine: sa.Engine, connections: Callable[[], int] | None = None) -> bytes:
    """The metrics page: this process's figures (or, in multiprocess mode, those of every process
    of the host) and the database's."""
    if connections is not None:
        SOCKETIO_CONNECTIONS.set(connections())
    registry = CollectorRegistry(auto_describe=False)
    folder = metrics_folder.configured()
    if folder is not None:
        metrics_folder.sweep(folder)  # the live gauges of processes killed outright
        multiprocess.MultiProcessCollector(registry, str(folder))
    else:
        registry.register(_Forward(PROCESS))
    registry.register(DatabaseFigures(engine))
    return generate_latest(registry)


class _Forward(Collector):
    """Another registry's figures, collected into this one."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Any]:
        yield from self.source.collect()
