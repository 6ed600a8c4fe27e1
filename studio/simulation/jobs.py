"""Simulations started from the web: each runs in a worker process of its own (never in the
server's threads), reports progress as events, can be cancelled, and a user runs one at a time.

The server keeps a `SimulationJobs`; `start` spawns the worker and a small listener thread that
turns the worker's messages into events for `on_event` (the web pushes them over Socket.IO).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Event = dict[str, Any]
"""{"job", "user", "type": "progress" | "done" | "failed" | "cancelled", ...}."""


class AlreadyRunning(RuntimeError):
    """The user already runs a simulation (one at a time)."""


@dataclass
class Job:
    """One simulation run by one user."""

    id: str
    user: str
    file: Path
    state: str = "running"  # running, done, failed, cancelled
    done: int = 0
    total: int = 0
    result: dict | None = None
    extras: dict | None = None
    error: str | None = None
    started: float = field(default_factory=time.time)
    process: BaseProcess | None = field(default=None, repr=False)
    origin: dict | None = None
    """Where the file comes from (e.g. a project version), shown with the job."""
    workdir: Any = field(default=None, repr=False)
    """A temporary folder holding the file, cleaned up (`.cleanup()`) once the job ends."""
    saved_as: str | None = None
    """The id the server stored the finished run under (`on_finished`), if it did."""

    def as_json(self) -> dict:
        """What the web shows of the job (the result once done)."""
        shown: dict[str, Any] = {
            "id": self.id,
            "user": self.user,
            "file": self.file.name,
            "state": self.state,
            "progress": {"done": self.done, "total": self.total},
        }
        if self.result is not None:
            shown["result"] = self.result
        if self.error is not None:
            shown["error"] = self.error
        if self.origin is not None:
            shown["origin"] = self.origin
        return shown

    def release(self) -> None:
        """Remove the job's temporary folder, if it has one."""
        workdir, self.workdir = self.workdir, None
        if workdir is not None:
            workdir.cleanup()


def _work(file: str, channel: Any) -> None:
    """The worker process: run the simulation, sending progress, then the result or error."""
    from studio.simulation.errors import SpecError
    from studio.simulation.simulator import run
    from studio.simulation.spec import load_spec

    try:
        spec = load_spec(Path(file))
        result, extras = run(spec, lambda done, total: channel.put(("progress", done, total)))
    except SpecError as exc:
        channel.put(("failed", str(exc.located(Path(file).name))))
    except Exception as exc:  # a bug, reported as a failure rather than lost
        channel.put(("failed", f"the simulation stopped: {type(exc).__name__}: {exc}"))
    else:
        channel.put(("done", result, extras))


class SimulationJobs:
    """The simulations running in worker processes, one per user at most."""

    def __init__(
        self,
        on_event: Callable[[Event], None] | None = None,
        on_finished: Callable[[Job], str | None] | None = None,
        name: Callable[[str, Path], str] | None = None,
    ) -> None:
        """`on_event` gets every event; `on_finished` a job done, while its file still exists
        (it stores the run and answers the id stored under, kept as `Job.saved_as`); `name`
        gives a new job of (user, file) its id (a store unique across processes), else jobs are
        numbered `sim-1`, `sim-2`, ..."""
        self.context = multiprocessing.get_context("spawn")
        self.on_event = on_event
        self.on_finished = on_finished
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        numbers = itertools.count(1)
        self.name = name or (lambda user, file: f"sim-{next(numbers)}")

    def start(self, user: str, file: Path, origin: dict | None = None, workdir: Any = None) -> Job:
        """Start simulating `file` for `user`; AlreadyRunning if they run one already
        (`origin`: shown with the job; `workdir`: a temporary folder released when it ends)."""
        with self.lock:
            if any(j.user == user and j.state == "running" for j in self.jobs.values()):
                raise AlreadyRunning(f"{user} already runs a simulation: wait or cancel it")
            job = Job(self.name(user, file), user, file, origin=origin, workdir=workdir)
            channel = self.context.Queue()
            job.process = self.context.Process(
                target=_work, args=(str(file), channel), name=job.id, daemon=True
            )
            job.process.start()
            self.jobs[job.id] = job
        threading.Thread(
            target=self._listen, args=(job, channel), name=f"{job.id} listener", daemon=True
        ).start()
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def of(self, user: str) -> list[Job]:
        """The user's simulations, the newest first."""
        return sorted(
            (j for j in self.jobs.values() if j.user == user), key=lambda j: j.started, reverse=True
        )

    def cancel(self, job_id: str) -> bool:
        """Stop a running simulation (its worker process ends); False if it was not running."""
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None or job.state != "running":
                return False
            if job.process is not None:
                job.process.terminate()
                job.process.join(5)
            self._emit(job, "cancelled")
            job.state = "cancelled"
        job.release()
        return True

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Block until the job is no longer running (for the command line and tests)."""
        job = self.jobs[job_id]
        deadline = None if timeout is None else time.monotonic() + timeout
        while job.state == "running":
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"{job_id} still runs")
            time.sleep(0.02)
        return job

    def _listen(self, job: Job, channel: Any) -> None:
        """Turn the worker's messages into the job's state and events."""
        while job.state == "running":
            try:
                message = channel.get(timeout=0.2)
            except Exception:  # queue.Empty: check the worker is still alive
                process = job.process
                if process is not None and not process.is_alive() and channel.empty():
                    with self.lock:
                        if job.state == "running":
                            job.error = "the simulation worker stopped"
                            self._emit(job, "failed", error=job.error)
                            job.state = "failed"
                    job.release()
                    return
                continue
            kind = message[0]
            if kind == "progress":
                job.done, job.total = message[1], message[2]
                self._emit(job, "progress", done=job.done, total=job.total)
                continue
            if job.process is not None:
                job.process.join(5)
            with self.lock:  # the last event goes out before anyone sees the job ended
                if job.state != "running":
                    return  # cancelled meanwhile
                if kind == "done":
                    job.result, job.extras = message[1], message[2]
                    self._finished(job)
                    self._emit(job, "done", result=job.result)
                else:
                    job.error = message[1]
                    self._emit(job, "failed", error=job.error)
                job.state = "done" if kind == "done" else "failed"
            job.release()
            return

    def _finished(self, job: Job) -> None:
        """Hand a finished job to `on_finished` (a failure there loses only the stored copy)."""
        if self.on_finished is None:
            return
        try:
            job.saved_as = self.on_finished(job)
        except Exception:  # e.g. the database is down: the run stays in memory
            logger.exception("simulation %s not stored", job.id)

    def _emit(self, job: Job, kind: str, **details: Any) -> None:
        if self.on_event is not None:
            self.on_event({"job": job.id, "user": job.user, "type": kind, **details})
