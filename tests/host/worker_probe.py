"""`studio worker` with a probe, for the tests of worker processes and benchmarks/bench_workers.py.

    python -m tests.host.worker_probe LOG [studio worker options...]

Runs the real `studio worker` command after wrapping `CaseHost.fire_timers` so that each firing
of a case's timers appends `case_id pid begin_ns end_ns fired` to LOG (monotonic clock, shared
by the processes of one machine), which shows whether two processes ever worked on one case at
once. `PROBE_SLEEP` (seconds) widens each firing; `PROBE_FAIL` names a case whose timers always
fail (RuntimeError "the service is down").
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime

from studio.host.cases import CaseHost

FAILURE = "the service is down"


def install(log_path: str, pause: float, failing: str | None) -> None:
    """Wrap CaseHost.fire_timers with the log, the pause and the failure."""
    fire = CaseHost.fire_timers
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def probed(self: CaseHost, case_id: str, now: datetime | None = None) -> int:
        begin = time.monotonic_ns()
        fired = 0
        try:
            if case_id == failing:
                raise RuntimeError(FAILURE)
            if pause:
                time.sleep(pause)
            fired = fire(self, case_id, now)
            return fired
        finally:
            line = f"{case_id} {os.getpid()} {begin} {time.monotonic_ns()} {fired}\n"
            os.write(log, line.encode())  # one write on an O_APPEND file: lines never interleave

    CaseHost.fire_timers = probed  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    install(argv[0], float(os.environ.get("PROBE_SLEEP", "0")), os.environ.get("PROBE_FAIL"))
    from studio.cli import main as studio

    studio(["worker", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])
