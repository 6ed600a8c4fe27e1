"""Load test of the runtime service: mixed case-worker traffic with Socket.IO clients attached.

Traffic (benchmarks/mixed_load.py): `--clients` keep-alive REST clients start cases, complete
tasks taken from the worklist (GET /api/v1/tasks, then POST /api/v1/tasks/{id}/complete), read
cases and read worklists, on the case `Request` of benchmarks/load_model (one human task, a
reminder timer after 2 s, which the servers' job executors fire). `--sockets` Socket.IO
connections of a case worker are attached meanwhile, each watching a case. Printed: requests
per second, p50/p99 latency per request kind, and CPU per request of the servers (gunicorn
masters and workers, /proc/<pid>/stat), of PostgreSQL (this database's backends and the shared
writers) and of this load generator.

Configurations (`--config`): `sqlite` (one `studio serve` on its embedded database) and
`postgres --processes N` (benchmarks/cluster.py: N `studio serve` on a fresh PostgreSQL database
behind nginx, round robin, Socket.IO through Redis; `--workers M` adds `studio worker` job
executors, the servers then run none). nginx's CPU is printed apart. `--url` aims at a running
server instead (loopback only; `--admin-password` deploys the model and works as admin).

Why threads and not locust or aiohttp: the clients are bench_runtime's `http.client` keep-alive
connections and its one-thread wsproto Socket.IO hub, so the figures compare with
bench_runtime's, nothing is added to the dev dependencies, and the generator's own CPU is
measured and printed (on 2 cores it competes with the servers and the database).

Bounded: at most `--seconds` (<= 600) measured plus the warm-up, at most `--max-requests`
requests, at most 200 clients and 2,000 sockets; only loopback addresses.

Run: .venv/bin/python benchmarks/load.py --config sqlite|postgres [--processes 1|2|4]
     [--clients 20] [--seconds 30] [--sockets 100] [--quick]
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import socket
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from bench_runtime import (
    ADMIN_PASSWORD,
    PASSWORD,
    Events,
    Server,
    children,
    close_sockets,
    cpu_seconds,
    loadavg,
    login,
    open_files,
    open_sockets,
)
from cluster import Cluster
from machine import machine
from mixed_load import Ledger, deploy_model, report, run_mixed, start_cases
from servers import add_user, fresh_database, postgres_pids, postgres_reachable

REDIS_URL = "redis://127.0.0.1:6379/0"
LIMITS = {"seconds": 600, "clients": 200, "sockets": 2000}


def loopback_port(url: str) -> int:
    """The port of `url` when its host is a loopback address; SystemExit otherwise."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        raise SystemExit(f"load.py: cannot resolve {host!r} in {url}") from None
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise SystemExit(f"load.py: only loopback addresses are loaded, not {host!r} ({url})")
    if parts.scheme != "http" or parts.port is None:
        raise SystemExit(f"load.py: give the URL as http://127.0.0.1:PORT, not {url}")
    return parts.port


class Target:
    """Where the load goes: ports, a token maker, CPU sources."""

    def __init__(self, label: str, ports: list[int], admin_password: str) -> None:
        self.label = label
        self.ports = ports
        self.admin_password = admin_password
        self.cpu: dict[str, Callable[[], float]] = {}
        self.problems: Callable[[], str] = lambda: ""
        self.users: Callable[[str, list[str]], None] | None = None


@contextmanager
def target(args: argparse.Namespace) -> Iterator[Target]:
    if args.url:
        ports = [loopback_port(args.url)]
        if not args.admin_password:
            raise SystemExit("load.py: --url needs --admin-password (to deploy the model)")
        yield Target(f"the server at {args.url}", ports, args.admin_password)
        return
    with ExitStack() as stack:
        if args.config == "sqlite":
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-")))
            server = Server(folder)
            server.start()
            stack.callback(server.stop)
            label = "SQLite, 1 studio serve process, no proxy"
            found = Target(label, [server.port], ADMIN_PASSWORD)
            found.cpu["servers"] = server.cpu
            found.problems = server.problems
            found.users = server.users_add
            yield found
            return
        why = postgres_reachable()
        if why:
            raise SystemExit(f"load.py: {why}")
        database = stack.enter_context(fresh_database())
        cluster = stack.enter_context(
            Cluster(args.processes, database, REDIS_URL, affinity="none", workers=args.workers)
        )
        label = (
            f"PostgreSQL, {args.processes} studio serve process(es) behind nginx (round robin)"
            f", Socket.IO through Redis, {args.workers} studio worker(s)"
        )
        found = Target(label, [int(cluster.url.rsplit(":", 1)[1])], cluster.admin_password)
        found.cpu["servers"] = cluster.cpu_seconds
        name = database.rsplit("/", 1)[1]
        found.cpu["postgres"] = lambda: cpu_seconds(postgres_pids(name))
        if cluster.nginx is not None:
            nginx = cluster.nginx.pid
            found.cpu["nginx"] = lambda: cpu_seconds([nginx, *children(nginx)])
        env = {**os.environ, **cluster.env, "STUDIO_INSTANCE_PATH": str(cluster.workdir / "load")}
        found.users = lambda username, roles: add_user(env, username, roles)
        yield found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--processes", type=int, default=1, help="studio serve processes (pg)")
    parser.add_argument("--workers", type=int, default=0, help="studio worker processes (pg)")
    parser.add_argument("--url", help="a running server on loopback instead")
    parser.add_argument("--admin-password", help="the admin's password on --url")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--sockets", type=int, default=100, help="Socket.IO clients attached")
    parser.add_argument("--open", type=int, default=100, help="cases open before the load")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5 s, 20 sockets")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.warmup, args.sockets, args.open = 5.0, 1.0, 20, 20
    for name, limit in LIMITS.items():
        if getattr(args, name) > limit:
            raise SystemExit(f"load.py: --{name} is at most {limit}")
    if args.config == "sqlite" and args.processes != 1 and not args.url:
        raise SystemExit("load.py: SQLite runs one process; --config postgres for more")
    open_files(2 * args.sockets + 4 * args.clients + 256)

    print(f"Command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"Machine: {machine()}")
    print(f"Load average before: {loadavg()} (other work on this machine skews the figures)")
    with target(args) as found:
        try:
            run(found, args)
        finally:
            print(found.problems())
    print(f"Load average after: {loadavg()}")


def run(found: Target, args: argparse.Namespace) -> None:
    print(f"Target:  {found.label}, ports {', '.join(map(str, found.ports))}")
    first = found.ports[0]
    admin = login(first, "admin", found.admin_password)
    deploy_model(first, admin)
    token = admin
    if found.users is not None:
        found.users("worker", ["caseworker"])
        token = login(first, "worker", PASSWORD)
    print(
        f"Load:    {args.clients} clients, {args.warmup:g} s warm-up + {args.seconds:g} s "
        f"measured (at most {args.max_requests} requests), {args.open} cases open before"
    )
    ledger = Ledger()
    start_cases(first, token, args.open, ledger)
    events = Events()
    opened = []
    if args.sockets:
        watched = ledger.case_ids()
        for index, port in enumerate(found.ports):
            share = [
                watched[i % len(watched)] for i in range(index, args.sockets, len(found.ports))
            ]
            opened.append(
                open_sockets(
                    f"http://127.0.0.1:{port}",
                    token,
                    list(share),
                    "websocket",
                    "wsproto",
                    events,
                    args.timeout,
                    60,
                    20,
                )
            )
        connected = sum(s.connected for s in opened)
        failed = sum(sum(s.errors.values()) for s in opened)
        print(f"Sockets: {connected} of {args.sockets} connected ({failed} failed), watching")
        events.watching = True
    mixed = run_mixed(
        found.ports,
        token,
        ledger,
        clients=args.clients,
        seconds=args.seconds,
        warmup=args.warmup,
        max_requests=args.max_requests,
        timeout=args.timeout,
        cpu=found.cpu,
    )
    print()
    print("\n".join(report(f"Mixed load on {found.label}", mixed)))
    if args.sockets:
        received = ", ".join(f"{k} {n}" for k, n in events.counts.most_common()) or "none"
        print(f"  Socket.IO events received: {received}")
        lost = sum(events.drops.values())
        print(f"  Socket.IO connections lost: {lost}; load generator threads: "
              f"{threading.active_count()}")  # fmt: skip
        events.watching = False
        for sockets in opened:
            close_sockets(sockets)


if __name__ == "__main__":
    main()
