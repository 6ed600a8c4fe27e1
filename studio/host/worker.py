"""A job worker: job executors without a web server, for deployments with separate workers.

`studio worker` runs one; any number of them (on any number of hosts) share the due timers of one
PostgreSQL database, each claim taking cases the others are not taking (see
`studio.host.claims`). `--concurrency N` runs N executors in the process, each a thread with its
own claims: useful while firing waits on the database, not for CPU-bound models (one process
runs Python code on one core at a time; start more processes for that).

A worker stops on SIGTERM or SIGINT after the case each executor is working on, giving its
other claims back at once. A worker killed outright leaves its claims to expire after the
lease; other workers then take them over.

`STUDIO_EXECUTOR=off` stops `studio serve` from running its own executor in-process, for when
workers run beside the servers.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping
from typing import Any

from studio.host.cases import CaseHost
from studio.host.executor import JobExecutor

EXECUTOR_SETTING = "STUDIO_EXECUTOR"
OFF = ("off", "0", "false", "no")


def in_process_executor(environ: Mapping[str, str]) -> bool:
    """Whether `studio serve` runs its own job executor (STUDIO_EXECUTOR, default on)."""
    return environ.get(EXECUTOR_SETTING, "on").strip().lower() not in OFF


class Worker:
    """`concurrency` job executors on one database, until `stop()` or a termination signal."""

    def __init__(
        self, host: CaseHost, concurrency: int = 1, interval: float = 1.0, **options: Any
    ) -> None:
        """`options` go to each JobExecutor (lease, max_attempts, backoff, ...)."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.executors = [
            JobExecutor(host, host.db, interval=interval, **options) for _ in range(concurrency)
        ]
        self._stop = threading.Event()

    def run(self) -> None:
        """Start the executors and wait until stopped; then stop them, giving claims back."""
        for executor in self.executors:
            executor.start()
        try:
            while not self._stop.wait(0.5):
                for executor in self.executors:
                    if not executor.running:  # never expected: the loop survives failed rounds
                        executor.start()
        finally:
            for executor in self.executors:
                executor.stop(timeout=30)

    def stop(self, *_: Any) -> None:
        """Ask the worker to stop (also a signal handler)."""
        self._stop.set()

    def stop_on_signals(self) -> None:
        """Stop on SIGTERM and SIGINT (call from the main thread)."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    @property
    def fired(self) -> int:
        """Timers fired by this worker's executors so far."""
        return sum(executor.fired for executor in self.executors)
