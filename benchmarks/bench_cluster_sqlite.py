"""Several server processes on one embedded SQLite file, behind nginx: do they work, and what
do they carry?

    .venv/bin/python benchmarks/bench_cluster_sqlite.py [--processes 1,2] [--clients 8]

For each process count: a cluster (benchmarks/cluster.py) on a fresh SQLite file, a one-task
case deployed, then `--clients` threads, spread over the processes through nginx, each starting a
case and completing its task in a loop for `--seconds`. Prints the requests, the answers that
were not a success (by status), requests per second, and the servers' CPU per request.
"""

from __future__ import annotations

import argparse
import collections
import io
import threading
import time
import zipfile

from cluster import Cluster, session_from
from machine import machine  # benchmarks/machine.py (run as scripts from benchmarks/)

PASSWORD = "bench-admin-password"
MODEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="bench_defs"
             targetNamespace="http://example.org/bench">
  <case id="Bench" name="Bench">
    <casePlanModel id="plan" name="Bench" autoComplete="true">
      <planItem id="pi_check" name="Check" definitionRef="ht_check"/>
      <humanTask id="ht_check" name="Check"/>
    </casePlanModel>
  </case>
</definitions>
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", default="1,2", help="process counts, comma-separated")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    options = parser.parse_args()
    print(machine())
    for processes in [int(n) for n in options.processes.split(",")]:
        with Cluster(processes, admin_password=PASSWORD, examples=False) as cluster:
            print(measure(cluster, options.clients, options.seconds), flush=True)


def measure(cluster: Cluster, clients: int, seconds: float) -> str:
    """Run the load on `cluster`; one line of figures."""
    admin = session_from(cluster.source_address(0))
    answer = admin.post(f"{cluster.url}/api/v1/auth/token",
                        json={"username": "admin", "password": PASSWORD})  # fmt: skip
    headers = {"Authorization": f"Bearer {answer.json()['token']}"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bench/bench.cmmn", MODEL)
    deployed = admin.post(f"{cluster.url}/api/v1/deployments", headers=headers,
                          files={"file": ("bench.zip", buffer.getvalue())})  # fmt: skip
    deployed.raise_for_status()
    answers: collections.Counter[int] = collections.Counter()
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def client(index: int) -> None:
        session = session_from(cluster.source_address(index % len(cluster.servers)))
        while time.monotonic() < until:
            started = session.post(f"{cluster.url}/api/v1/cases", headers=headers,
                                   json={"case": "Bench", "data": {}})  # fmt: skip
            codes = [started.status_code]
            if started.status_code == 201:
                done = session.post(f"{cluster.url}/api/v1/cases/{started.json()['id']}/actions",
                                    headers=headers, json={"complete": "Check"})  # fmt: skip
                codes.append(done.status_code)
            with lock:
                answers.update(codes)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    cpu, began = cluster.cpu_seconds(), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.monotonic() - began, cluster.cpu_seconds() - cpu
    total = sum(answers.values())
    failed = {code: n for code, n in sorted(answers.items()) if code not in (200, 201)}
    return (
        f"{len(cluster.servers)} process(es) on SQLite, {clients} clients, {elapsed:.0f} s: "
        f"{total} requests, not successful {failed or 'none'}, {total / elapsed:.0f} requests/s, "
        f"{cpu / max(total, 1) * 1000:.1f} ms server CPU per request"
    )


if __name__ == "__main__":
    main()
