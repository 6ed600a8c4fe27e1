"""The worklist's cost against the number of open cases: GET /api/v1/tasks (an admin's, every
task) read from the active item rows, against loading every active case as before.

An app on an embedded SQLite database in a temporary folder (no server: Flask's test client),
the case `Request` of benchmarks/load_model (one open human task per case), `--cases` counts of
open cases. Per count: the median of `--repeat` calls of the worklist (Worklist.tasks, the
indexed way), of the whole GET /api/v1/tasks (with the JSON answer and its size), and of the
former way (every active case loaded and restored). Nothing asserts: it prints figures.

Run: .venv/bin/python benchmarks/bench_worklist.py [--cases 100 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import shlex
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from machine import machine

from studio.host.cases import Actor
from studio.runtime.config import load_settings
from studio.web import create_app

MODEL = Path(__file__).resolve().parent / "load_model"
PASSWORD = "bench-admin-password"


def median_seconds(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"Command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-worklist-") as folder:
        settings = {"STUDIO_INSTANCE_PATH": f"{folder}/instance", "STUDIO_ADMIN_PASSWORD": PASSWORD}
        app = create_app(load_settings(settings))
        client = app.test_client()
        answer = client.post(
            "/api/v1/auth/token", json={"username": "admin", "password": PASSWORD}
        ).get_json()
        headers = {"Authorization": f"Bearer {answer['token']}"}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in MODEL.iterdir():
                archive.write(path, f"load/{path.name}")
        upload = {"file": (io.BytesIO(buffer.getvalue()), "load.zip")}
        if client.post("/api/v1/deployments", data=upload, headers=headers).status_code != 201:
            raise SystemExit("the deployment was refused")
        worklist = app.extensions["studio"].worklist
        admin = Actor("admin")
        open_cases = 0
        print("open cases  tasks  indexed (ms)  GET /tasks (ms)  answer (KB)  loading each (ms)")
        for wanted in sorted(args.cases):
            while open_cases < wanted:
                body = {"case": "Request", "data": {}}
                if client.post("/api/v1/cases", json=body, headers=headers).status_code != 201:
                    raise SystemExit("a case did not start")
                open_cases += 1
            listed = worklist.tasks(admin, everything=True)
            indexed = median_seconds(lambda: worklist.tasks(admin, everything=True), args.repeat)
            size = len(client.get("/api/v1/tasks", headers=headers).data)
            whole = median_seconds(
                lambda: client.get("/api/v1/tasks", headers=headers), args.repeat
            )
            former = median_seconds(
                lambda: worklist._tasks_loading_each_case(admin, True, worklist._assignments()),
                args.repeat,
            )
            print(
                f"{open_cases:10}  {len(listed):5}  {indexed * 1e3:12.1f}  {whole * 1e3:15.1f}  "
                f"{size / 1024:11.0f}  {former * 1e3:17.1f}"
            )
        app.extensions["studio"].engine.dispose()


if __name__ == "__main__":
    main()
