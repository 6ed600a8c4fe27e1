"""Kill -9 under load, `--runs` times: lost and duplicated actions per run and in total.

Each run (benchmarks/faults.py) starts `--processes` `studio serve` behind nginx and
`--workers` `studio worker` on a fresh PostgreSQL database, runs the mixed load (starts,
worklist completions, case and worklist reads), kills server 0 and worker 0 with SIGKILL
`--kill-after` seconds into it and starts them again, waits for the due reminder timers (up to
`--settle` seconds; a killed worker's claims are taken over after their `--lease`), then
compares the database with every action the servers acknowledged. The issue's number: zero
lost and zero duplicated across 10 runs; the exit code is 1 when anything was lost, done twice,
left overdue or inconsistent. Without PostgreSQL or nginx it says why and exits 0 (`make bench`
runs every benchmark).

Run: .venv/bin/python benchmarks/bench_faults.py [--runs 10] [--processes 2] [--seconds 8]
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from bench_runtime import loadavg
from cluster import find_nginx, nginx_missing
from faults import fault_run, outage_run
from machine import machine
from servers import postgres_reachable


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="studio worker processes")
    parser.add_argument("--lease", type=float, default=5.0, help="studio worker --lease")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0, help="load per run")
    parser.add_argument("--kill-after", type=float, default=3.0)
    parser.add_argument("--settle", type=float, default=30.0, help="wait for due timers")
    parser.add_argument(
        "--restart-database",
        metavar="COMMAND",
        help="instead of the kill -9 runs: restart the PostgreSQL server under load with this "
        "command (e.g. 'pg_ctlcluster 15 main restart'; it cuts every other user of the server)",
    )
    args = parser.parse_args()
    why = postgres_reachable() or (None if find_nginx() else nginx_missing())
    if why:
        print(f"bench_faults: skipped: {why}")
        return 0
    print(f"Command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"Machine: {machine()}; load average {loadavg()}")
    if args.restart_database:
        return restart_under_load(shlex.split(args.restart_database), args)
    lost = duplicated = overdue = inconsistent = 0
    for run in range(1, args.runs + 1):
        began = time.monotonic()
        findings, mixed = fault_run(
            processes=args.processes,
            workers=args.workers,
            lease=args.lease,
            clients=args.clients,
            seconds=args.seconds,
            kill_after=args.kill_after,
            settle=args.settle,
            seed=run,
        )
        lost += findings.lost
        duplicated += findings.duplicated
        overdue += len(findings.overdue) + len(findings.leased)
        inconsistent += len(findings.inconsistent)
        print(f"run {run:2}: {time.monotonic() - began:5.1f} s, {mixed.ok} requests 2xx; "
              f"{findings.summary()}")  # fmt: skip
        for name in ("lost_starts", "lost_completions", "duplicated_completions", "fired_twice",
                     "overdue", "leased", "inconsistent"):  # fmt: skip
            shown = getattr(findings, name)[:3]
            if shown:
                print(f"         {name}: {shown}")
        if findings.statuses:
            print(f"         failed requests: {dict(findings.statuses)}")
    print(
        f"\nTotal over {args.runs} kill -9 runs: lost {lost}, duplicated {duplicated}, "
        f"timers overdue {overdue}, inconsistent cases {inconsistent}"
    )
    return 0 if lost == duplicated == overdue == inconsistent == 0 else 1


def restart_under_load(command: list[str], args: argparse.Namespace) -> int:
    """One run of the load while `command` restarts the database: clean errors, recovery, and
    nothing acknowledged lost or done twice."""
    seen, findings, mixed = outage_run(
        processes=args.processes, clients=args.clients, seconds=max(args.seconds, 12.0),
        settle=args.settle, restart=command,
    )  # fmt: skip
    print(f"database restarted under load: {mixed.ok} requests 2xx; {seen.failed} failed during "
          f"the restart, {len(seen.unclean)} of them not the API's JSON error; after recovery "
          f"{seen.ok_after_recovery} succeeded, {seen.failed_after_recovery} failed; "
          f"{findings.summary()}")  # fmt: skip
    for line in seen.unclean[:5]:
        print(f"         {line}")
    if findings.statuses:
        print(f"         failed requests: {dict(findings.statuses)}")
    healthy = not seen.unclean and seen.failed_after_recovery == 0 and seen.ok_after_recovery > 0
    clean = findings.lost == findings.duplicated == 0 and not findings.inconsistent
    return 0 if healthy and clean else 1


if __name__ == "__main__":
    sys.exit(main())
