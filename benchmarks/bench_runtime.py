"""Runtime service under load: "complete a task" latency and case actions per second over REST,
without and then with many open Socket.IO connections attached.

A real server runs exactly as `studio serve` runs it: a subprocess of `.venv/bin/studio serve`
(gunicorn, one worker process, the worker class `studio serve` chooses, read back from its log;
`--worker` sets STUDIO_SERVER_WORKER) on the embedded SQLite database of a temporary instance
folder. Users are added with `studio users add`, the model project benchmarks/runtime_model
(case `Request`: one blocking human task, no role, autoComplete) is deployed over
POST /api/v1/deployments, then:

1. `--clients` threads (keep-alive `http.client` connections on loopback), each repeating: start
   a case (POST /api/v1/cases), complete its task (POST /api/v1/tasks/{id}/complete, or with
   `--complete action` the case action). After a warm-up, `--seconds` are measured: p50, p90,
   p99 and max of "start" and "complete", case actions per second (starts and completions
   answered 2xx, per wall second), errors by status.
2. The same load with `--sockets` Socket.IO connections attached, authenticated with a token,
   each watching a case of its own (started beforehand); with `--idle-sockets` an analyst's,
   watching nothing. Reported as well: how many connected, the server worker's RSS and thread
   count, the events the sockets received (`tasks` hints go to every case worker's connection:
   each action reaches them all; `case` pushes to the watchers of the changed case, here idle
   cases), connections lost and why.

Each phase reports the load generator's CPU (getrusage of this process: the HTTP clients and
the socket clients) and the server's (/proc/<pid>/stat of gunicorn's master and worker) as a
share of the measured wall time: on a 2-core machine they compete for the same cores.

Socket clients (`--transport`): `websocket` (the default) is python-socketio's `socketio.Client`
when `websocket-client` is installed, else this file's own minimal Socket.IO client over
`wsproto` (installed with simple-websocket, for Engine.IO): all its connections on one selector
thread, so 1,000 of them cost this process little. `polling` is `socketio.Client` on
long-polling (with `requests`, which .venv has from the dev extras; its own limit of 16 packets
per polling answer lifted, browsers have none): two threads per client, and 1,000 of them
starve this process on 2 cores (measured: the window stretched by tens of seconds), so it is
there to compare on fewer sockets. The figures say which client ran.

`--server-threads N` is not `studio serve`: its gthread worker with N threads, to see what
threads would need for 1,000 connections.

The numbers to reach (issue "Runtime service"): >= 200 case actions/s with 20 clients, and the
same with 1,000 open Socket.IO connections. Nothing here asserts: it prints figures.

Run: .venv/bin/python benchmarks/bench_runtime.py [--clients 20] [--seconds 30] [--sockets 1000]
     [--transport websocket|polling] [--worker gevent|gthread] [--quick] (quick: 5 s, 100 sockets)
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import io
import json
import logging
import os
import re
import resource
import selectors
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from machine import machine  # benchmarks/machine.py (run as scripts from benchmarks/)
from polling import answers, wait_until

HERE = Path(__file__).resolve().parent
MODEL = HERE / "runtime_model"
CASE = "Request"
TASK = "Review request"
ADMIN_PASSWORD = "bench-admin-password"
PASSWORD = "bench-user-password"
HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SERVE_WITH_THREADS = """
import sys
import gunicorn.config
import studio.web.serve as serve
host, port, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if hasattr(serve, "WORKERS"):
    serve.WORKERS["gthread"]["threads"] = threads
else:
    serve.THREADS = threads
gunicorn.config.WorkerConnections.default = max(1000, 2 * threads)
sys.exit(serve.run_server(host, port))
"""
"""`studio serve` on gthread with another number of threads (and room for as many connections)."""


# -- the machine and the server -----------------------------------------------------------------


def studio_command() -> str:
    """The `studio` script of the Python running this file (the venv's)."""
    beside = Path(sys.executable).parent / "studio"
    if beside.exists():
        return str(beside)
    raise SystemExit(f"no studio command beside {sys.executable}: run with .venv/bin/python")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def proc_status(pid: int) -> dict[str, str]:
    """/proc/<pid>/status as a dict (empty when the process is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU seconds of the processes (utime and stime of /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Server:
    """`studio serve` in a subprocess on a temporary instance folder."""

    def __init__(self, folder: Path, worker: str | None = None, threads: int | None = None) -> None:
        self.folder = folder
        self.threads = threads
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("STUDIO_DATABASE_URL", "STUDIO_REDIS_URL", "STUDIO_SECRET_KEY")
        }
        self.env.update(
            STUDIO_INSTANCE_PATH=str(folder / "instance"), STUDIO_ADMIN_PASSWORD=ADMIN_PASSWORD
        )
        if threads:
            worker = "gthread"
        if worker:
            self.env["STUDIO_SERVER_WORKER"] = worker
        self.log_path = folder / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.worker = 0

    def start(self, timeout: float = 60) -> None:
        command = [studio_command(), "serve", "--host", HOST, "--port", str(self.port)]
        if self.threads:
            command = [sys.executable, "-c", SERVE_WITH_THREADS, HOST, str(self.port)]
            command.append(str(self.threads))
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        process = self.process

        def ready() -> bool:
            """/readyz answers and the worker process is there (its pid kept)."""
            if process.poll() is not None:
                raise SystemExit(f"studio serve exited ({process.returncode}):\n{self.tail()}")
            workers = children(process.pid) if answers(self.port, "/readyz") else []
            if workers:
                self.worker = workers[0]
            return bool(workers)

        if wait_until(ready, timeout, 0.2):
            return
        self.stop()
        raise SystemExit(f"studio serve was not ready after {timeout:.0f} s:\n{self.tail()}")

    def pids(self) -> list[int]:
        assert self.process is not None
        return [self.process.pid, *children(self.process.pid)]

    def cpu(self) -> float:
        return cpu_seconds(self.pids())

    def worker_status(self) -> dict[str, str]:
        return proc_status(self.worker)

    def users_add(self, username: str, roles: Iterable[str]) -> None:
        command = [studio_command(), "users", "add", username, "--password-stdin"]
        for role in roles:
            command += ["--role", role]
        done = subprocess.run(
            command, env=self.env, input=f"{PASSWORD}\n", capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"studio users add {username}: {done.stderr or done.stdout}")

    def problems(self, shown: int = 8) -> str:
        """The server log's warnings and errors, counted by message (the first `shown`)."""
        found: Counter[str] = Counter()
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "\nServer log: unreadable"
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                if line.startswith(("Traceback", "Error", "Exception")) or "Error:" in line:
                    found[line.strip()[:140]] += 1
                continue
            if isinstance(record, dict) and record.get("level") not in ("INFO", "DEBUG", None):
                found[f"{record['level']} {record.get('name')}: {record.get('message')}"[:140]] += 1
        if not found:
            return f"\nServer log: no warning or error ({len(lines)} lines)"
        listed = "\n".join(f"  {n:6} x {message}" for message, n in found.most_common(shown))
        return f"\nServer log: warnings and errors\n{listed}"

    def worker_class(self) -> str:
        """The worker class gunicorn says it uses ("Using worker: ..." in its log)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "?"
        found = re.search(r"Using worker: ([\w.]+)", text)
        return found.group(1) if found else "? (no gunicorn line in the log)"

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Gunicorn's quick shutdown (SIGINT), then SIGKILL to the group it leads."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


# -- REST ---------------------------------------------------------------------------------------


class Http:
    """One keep-alive connection; a call answers (status, JSON body), the status being the
    exception's name (`timeout`, `ConnectionRefusedError`...) when there was no answer."""

    def __init__(self, port: int, token: str | None, timeout: float) -> None:
        self.port = port
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.connection: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def call(
        self, method: str, path: str, body: Any = None, content_type: str | None = None
    ) -> tuple[int | str, Any]:
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
            except TimeoutError:
                self.close()
                return "timeout", None
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                # The server may close an idle keep-alive connection: once more on a new one.
                if reused and attempt == 1 and not isinstance(exc, ConnectionRefusedError):
                    self.reconnects += 1
                    continue
                return type(exc).__name__, None
            if response.will_close:
                self.close()
            try:
                return response.status, json.loads(payload) if payload else None
            except ValueError:
                return response.status, None
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def login(port: int, username: str, password: str) -> str:
    status, body = Http(port, None, 30).call(
        "POST", "/api/v1/auth/token", {"username": username, "password": password}
    )
    if status != 200:
        raise SystemExit(f"login of {username}: {status} {body}")
    return body["token"]


def deploy(
    port: int, admin_token: str, model: Path = MODEL, key: str = "bench-request"
) -> dict[str, Any]:
    """Deploy the files of the folder `model` under `key` over POST /api/v1/deployments."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(model.iterdir()):
            if path.is_file():
                archive.write(path, f"{key}/{path.name}")
    status, body = Http(port, admin_token, 60).call(
        "POST", f"/api/v1/deployments?key={key}", buffer.getvalue(), "application/zip"
    )
    if status not in (200, 201):
        raise SystemExit(f"deployment refused: {status} {body}")
    return body


def task_suffix(port: int, token: str) -> str:
    """The task's id after `<case id>:` (the same in every case of the model: instance ids count
    per case). The case view does not give it, the worklist does: read it once, for a probe."""
    http_ = Http(port, token, 30)
    status, view = start_case(http_, 0)
    if status != 201:
        raise SystemExit(f"starting a case: {status} {view}")
    status, listed = http_.call("GET", "/api/v1/tasks")
    mine = [t for t in (listed or {}).get("tasks", ()) if t["case"] == view["id"]]
    if status != 200 or len(mine) != 1 or mine[0]["name"] != TASK:
        raise SystemExit(f"the worklist of case {view['id']}: {status} {listed}")
    suffix = mine[0]["id"].removeprefix(f"{view['id']}:")
    status, done = http_.call("POST", f"/api/v1/tasks/{mine[0]['id']}/complete", {"data": {}})
    if status != 200 or done.get("state") != "completed":
        raise SystemExit(f"completing the probe's task: {status} {done}")
    return suffix


def start_case(http_: Http, n: int) -> tuple[int | str, Any]:
    return http_.call("POST", "/api/v1/cases", {"case": CASE, "data": {"request": {"n": n}}})


def start_cases(port: int, token: str, count: int, clients: int, timeout: float) -> list[str]:
    """`count` cases left open (their task active), started by `clients` threads."""
    local = threading.local()

    def one(n: int) -> str | None:
        if not hasattr(local, "http"):
            local.http = Http(port, token, timeout)
        status, view = start_case(local.http, n)
        return view["id"] if status == 201 else None

    with ThreadPoolExecutor(clients) as pool:
        started = [case for case in pool.map(one, range(count)) if case]
    if len(started) < count:
        print(f"  (only {len(started)} of {count} cases started for the sockets)")
    return started


# -- the load -----------------------------------------------------------------------------------


@dataclass
class Load:
    """What the clients did in the measured window."""

    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"start": [], "complete": []})
    ok: int = 0
    errors: Counter[tuple[str, int | str]] = field(default_factory=Counter)
    reconnects: int = 0
    late: int = 0
    """Operations still running at the end of the window (their latency counted)."""
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    wall: float = 0.0


def run_load(
    server: Server,
    token: str,
    complete: Callable[[str], tuple[str, Any]],
    clients: int,
    seconds: float,
    warmup: float,
    timeout: float,
) -> Load:
    """`clients` threads start a case and complete its task, again and again, for `warmup` then
    `seconds` (measured) seconds. `complete(case id)` is the call that completes the task, as
    (path, body). The window is between the two samples of CPU time (late if this thread is
    starved): an operation counts when it overlaps it (its latency; an error), and in the rate
    when it succeeded within it."""
    began = time.monotonic() + 0.5
    stop = threading.Event()
    records: list[list[tuple[str, float, float, float, int | str]]] = [[] for _ in range(clients)]
    reconnects = [0] * clients

    def client(index: int) -> None:
        http_ = Http(server.port, token, timeout)
        mine = records[index]
        n = index * 1_000_000
        time.sleep(max(0.0, began - time.monotonic()))
        while not stop.is_set():
            n += 1
            began_at, mark = time.monotonic(), time.perf_counter()
            status, view = start_case(http_, n)
            latency = time.perf_counter() - mark
            mine.append(("start", began_at, time.monotonic(), latency, status))
            if status != 201:
                if isinstance(status, str):
                    time.sleep(0.1)  # no answer: do not spin on a dead server
                continue
            path, body = complete(view["id"])
            began_at, mark = time.monotonic(), time.perf_counter()
            status, _ = http_.call("POST", path, body)
            latency = time.perf_counter() - mark
            mine.append(("complete", began_at, time.monotonic(), latency, status))
        http_.close()
        reconnects[index] = http_.reconnects

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, began + warmup - time.monotonic()))
    cpu0, server0, wall0 = own_cpu(), server.cpu(), time.monotonic()
    time.sleep(max(0.0, wall0 + seconds - time.monotonic()))
    cpu1, server1, wall1 = own_cpu(), server.cpu(), time.monotonic()
    stop.set()
    window = (wall0, wall1)
    for thread in threads:
        thread.join(timeout + 5)
    load = Load(seconds, client_cpu=cpu1 - cpu0, server_cpu=server1 - server0, wall=wall1 - wall0)
    for mine in records:
        for kind, started, ended, latency, status in mine:
            if ended < window[0] or started > window[1]:
                continue
            if isinstance(status, int) and 200 <= status < 300:
                load.ok += ended <= window[1]
                load.latencies[kind].append(latency)
            else:
                load.errors[(kind, status)] += 1
            load.late += ended > window[1]
    load.reconnects = sum(reconnects)
    return load


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted `values` (NaN for none)."""
    if not values:
        return float("nan")
    rank = max(1, int(share * len(values) + 0.999999))
    return values[min(rank, len(values)) - 1]


# -- Socket.IO clients --------------------------------------------------------------------------


class Events:
    """Events received by all sockets, by name (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.drops: Counter[str] = Counter()
        """Connections lost (not closed by us), by reason: counted while `watching`."""
        self.watching = False

    def add(self, name: str, count: int = 1) -> None:
        with self.lock:
            self.counts[name] += count

    def dropped(self, reason: str) -> None:
        if self.watching:
            with self.lock:
                self.drops[reason] += 1


class SocketIOClient:
    """A python-socketio `socketio.Client` on one transport."""

    def __init__(self, transport: str, events: Events, timeout: float) -> None:
        import engineio.payload
        import socketio

        # The client refuses a polling answer of more than 16 packets (a guard of its own; the
        # server batches what queued up since the last poll, and browsers take any number):
        # under load the `tasks` hints come faster than that.
        engineio.payload.Payload.max_decode_packets = 1_000_000
        self.transport = transport
        self.timeout = timeout
        self.watching = False
        self.client = socketio.Client(
            reconnection=False,
            request_timeout=timeout,
            handle_sigint=False,
            engineio_logger=_warnings(events),
        )

        def any_event(event: str, *args: Any) -> None:
            events.add(event)

        def disconnected(reason: Any = None) -> None:
            if self.watching:
                events.dropped(f"disconnect: {reason}")

        self.client.on("*", any_event)
        self.client.on("disconnect", disconnected)

    def open(self, base: str, token: str, case_id: str | None) -> None:
        """Connect, and watch `case_id` (unless None)."""
        self.client.connect(
            base, auth={"token": token}, transports=[self.transport], wait_timeout=self.timeout
        )
        if case_id is not None:
            ack = self.client.call("watch", {"case": case_id}, timeout=self.timeout)
            if not (isinstance(ack, dict) and ack.get("ok")):
                raise RuntimeError(f"watch refused: {ack}")
        self.watching = True

    @property
    def connected(self) -> bool:
        return bool(self.client.connected)

    def close(self) -> None:
        self.watching = False
        self.client.disconnect()


class _Warnings(logging.Handler):
    """Counts the Engine.IO client's warnings (why a connection was lost), without addresses."""

    def __init__(self, events: Events) -> None:
        super().__init__(logging.WARNING)
        self.events = events

    def emit(self, record: logging.LogRecord) -> None:
        message = re.sub(r"https?://\S+", "<url>", record.getMessage())
        self.events.dropped(f"engine.io client: {message[:120]}")


def _warnings(events: Events) -> logging.Logger:
    logger = logging.getLogger("bench_runtime.engineio")
    if not logger.handlers:
        logger.addHandler(_Warnings(events))
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    return logger


class WsHub:
    """Minimal Socket.IO (protocol 5, Engine.IO 4) clients over websocket with `wsproto`: each
    connects and watches on a calling thread (blocking), then one selector thread answers the
    server's pings and counts the events of all of them."""

    def __init__(self, events: Events, timeout: float) -> None:
        self.events = events
        self.timeout = timeout
        self.selector = selectors.DefaultSelector()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def client(self) -> WsClient:
        return WsClient(self)

    def adopt(self, client: WsClient) -> None:
        with self.lock:
            self.selector.register(client.sock, selectors.EVENT_READ, client)
            if self.thread is None:
                self.thread = threading.Thread(target=self.loop, daemon=True)
                self.thread.start()

    def loop(self) -> None:
        while True:
            with self.lock:
                registered = bool(self.selector.get_map())
            if not registered:
                time.sleep(0.05)
                continue
            for key, _ in self.selector.select(0.2):
                client: WsClient = key.data
                if not client.pump(self.events):
                    self.forget(client)

    def forget(self, client: WsClient) -> None:
        """Stop reading `client` (it was closed)."""
        with self.lock, contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(client.sock)  # found by identity once closed


class WsClient:
    """One Socket.IO connection over websocket (see WsHub)."""

    def __init__(self, hub: WsHub) -> None:
        self.hub = hub
        self.sock: socket.socket | None = None
        self.ws: Any = None
        self.text = ""
        self.closing = False
        self.adopted = False

    def open(self, base: str, token: str, case_id: str | None) -> None:
        """Connect, and watch `case_id` (unless None)."""
        from wsproto import ConnectionType, WSConnection
        from wsproto.events import Request

        port = int(base.rsplit(":", 1)[1])
        self.sock = socket.create_connection((HOST, port), timeout=self.hub.timeout)
        self.ws = WSConnection(ConnectionType.CLIENT)
        target = "/socket.io/?EIO=4&transport=websocket"
        self.send_raw(self.ws.send(Request(host=f"{HOST}:{port}", target=target)))
        opened = self.expect(lambda m: m.startswith("0"), "the Engine.IO open packet")
        if not opened:
            raise RuntimeError("no Engine.IO open packet")
        self.send_text("40" + json.dumps({"token": token}))
        connected = self.expect(lambda m: m.startswith(("40", "44")), "the namespace connect")
        if connected.startswith("44"):
            raise RuntimeError(f"connection refused: {connected[2:]}")
        if case_id is None:
            self.hub.adopt(self)
            self.adopted = True
            return
        self.send_text("420" + json.dumps(["watch", {"case": case_id}]))
        ack = self.expect(lambda m: m.startswith("430"), "the watch acknowledgement")
        answer = json.loads(ack[3:])
        if not (answer and isinstance(answer[0], dict) and answer[0].get("ok")):
            raise RuntimeError(f"watch refused: {answer}")
        self.hub.adopt(self)
        self.adopted = True

    @property
    def connected(self) -> bool:
        return self.adopted and self.sock is not None and self.sock.fileno() >= 0

    def expect(self, wanted: Callable[[str], bool], what: str) -> str:
        """Read (blocking) until a message `wanted` comes (others are handled as usual)."""
        assert self.sock is not None
        deadline = time.monotonic() + self.hub.timeout
        while time.monotonic() < deadline:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionResetError(f"closed by the server before {what}")
            for message in self.receive(data, self.hub.events):
                if wanted(message):
                    return message
        raise TimeoutError(what)

    def receive(self, data: bytes, events: Events) -> list[str]:
        """Feed bytes to wsproto; answer pings; count events; the other messages returned."""
        from wsproto.events import (
            AcceptConnection,
            CloseConnection,
            Ping,
            RejectConnection,
            TextMessage,
        )

        self.ws.receive_data(data)
        others = []
        for event in self.ws.events():
            if isinstance(event, TextMessage):
                self.text += event.data
                if not event.message_finished:
                    continue
                message, self.text = self.text, ""
                if message == "2":
                    self.send_text("3")
                elif message.startswith('42["'):
                    events.add(message[4 : message.find('"', 4)])
                else:
                    others.append(message)
            elif isinstance(event, Ping):
                self.send_raw(self.ws.send(event.response()))
            elif isinstance(event, CloseConnection):
                if not self.closing:
                    self.send_raw(self.ws.send(event.response()))
                raise ConnectionResetError(f"websocket closed ({event.code})")
            elif isinstance(event, RejectConnection):
                raise ConnectionRefusedError(f"websocket refused ({event.status_code})")
            elif isinstance(event, AcceptConnection):
                pass
        return others

    def pump(self, events: Events) -> bool:
        """Handle what the socket has (the hub's thread); False once it is closed."""
        assert self.sock is not None
        try:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionResetError
            for message in self.receive(data, events):
                if message == "41" or message.startswith("1"):
                    raise ConnectionResetError(f"disconnected by the server ({message})")
            return True
        except OSError as exc:
            if not self.closing:
                events.dropped(f"{type(exc).__name__}: {exc}".rstrip(": "))
            self.sock.close()
            return False

    def send_text(self, text: str) -> None:
        from wsproto.events import Message

        self.send_raw(self.ws.send(Message(data=text)))

    def send_raw(self, data: bytes) -> None:
        assert self.sock is not None
        self.sock.sendall(data)

    def close(self) -> None:
        from wsproto.events import CloseConnection

        if self.sock is None:
            return
        self.closing = True
        self.hub.forget(self)
        try:
            self.send_text("41")
            self.send_raw(self.ws.send(CloseConnection(code=1000)))
        except Exception:
            pass
        self.sock.close()


@dataclass
class Sockets:
    transport: str
    client: str
    tried: int = 0
    connected: int = 0
    not_tried: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    still_connected: int = 0
    opened: list[Any] = field(default_factory=list)


def choose_transport(wanted: str) -> tuple[str, str]:
    """(transport, client) for `--transport`."""
    has_websocket_client = importlib.util.find_spec("websocket") is not None
    if wanted == "polling":
        return "polling", "python-socketio socketio.Client (requests)"
    if has_websocket_client:
        return "websocket", "python-socketio socketio.Client (websocket-client)"
    return "websocket", "this file's Socket.IO client on wsproto (websocket-client is missing)"


def open_sockets(
    base: str,
    token: str,
    cases: list[str | None],
    transport: str,
    client: str,
    events: Events,
    timeout: float,
    budget: float,
    parallel: int,
) -> Sockets:
    """One connection per case (None: one watching nothing), `parallel` connecting at once; no
    new attempt after `budget` seconds."""
    found = Sockets(transport, client)
    hub = WsHub(events, timeout) if "wsproto" in client else None
    lock = threading.Lock()
    deadline = time.monotonic() + budget

    def one(case_id: str | None) -> None:
        if time.monotonic() > deadline:
            with lock:
                found.not_tried += 1
            return
        socket_ = hub.client() if hub else SocketIOClient(transport, events, timeout)
        with lock:
            found.tried += 1
        try:
            socket_.open(base, token, case_id)
        except Exception as exc:
            message = str(exc).splitlines()[0][:80] if str(exc) else ""
            with lock:
                found.errors[f"{type(exc).__name__}: {message}".rstrip(": ")] += 1
            with contextlib.suppress(Exception):
                socket_.close()
            return
        with lock:
            found.connected += 1
            found.opened.append(socket_)

    began = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, cases))
    found.seconds = time.monotonic() - began
    return found


def close_sockets(sockets: Sockets, budget: float = 30) -> None:
    """Close them, many at once, not waiting more than `budget` seconds."""
    pool = ThreadPoolExecutor(64)
    wait([pool.submit(socket_.close) for socket_ in sockets.opened], timeout=budget)
    pool.shutdown(wait=False, cancel_futures=True)


# -- the report ---------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:7.1f}" if seconds == seconds else "      -"


def report_load(label: str, load: Load) -> None:
    rate = load.ok / load.wall if load.wall else 0.0
    print(f"\n{label}")
    if load.wall > 1.1 * load.seconds:
        print(
            f"  (the window lasted {load.wall:.1f} s, not {load.seconds:g}: this process starved)"
        )
    print(
        f"  case actions/s (start + complete, 2xx): {rate:8.1f}   ({load.ok} in {load.wall:.1f} s)"
    )
    print("  latency (ms)         n      p50      p90      p99      max")
    for kind in ("start", "complete"):
        values = sorted(load.latencies[kind])
        print(
            f"  {kind:10} {len(values):8}  "
            + "  ".join(ms(percentile(values, p)) for p in (0.5, 0.9, 0.99))
            + f"  {ms(values[-1] if values else float('nan'))}"
        )
    if load.errors:
        shown = ", ".join(f"{kind} {status}: {n}" for (kind, status), n in load.errors.items())
        print(f"  errors: {shown}")
    else:
        print("  errors: none")
    if load.late:
        print(f"  still running at the end of the window (latency and errors counted): {load.late}")
    if load.reconnects:
        print(f"  keep-alive connections closed by the server and made again: {load.reconnects}")
    per_action = f"{load.server_cpu / load.ok * 1e3:.1f} ms" if load.ok else "-"
    print(
        f"  CPU over the measured {load.wall:.1f} s: load generator {load.client_cpu:6.1f} s "
        f"({load.client_cpu / load.wall:4.0%} of one core), server {load.server_cpu:6.1f} s "
        f"({load.server_cpu / load.wall:4.0%} of one core); {os.cpu_count()} cores; "
        f"server CPU per action {per_action}"
    )


def serve_options(worker: str, threads: int | None) -> str:
    """How studio.web.serve configures `worker` (as this checkout has it)."""
    import studio.web.serve as serve

    if threads:
        return (
            f"{threads} threads, NOT as studio serve; worker_connections {max(1000, 2 * threads)}"
        )
    workers = getattr(serve, "WORKERS", None)
    if isinstance(workers, dict):
        for options in workers.values():
            if worker.endswith(str(options.get("worker_class"))):
                shown = {k: v for k, v in options.items() if k != "worker_class"}
                return ", ".join(f"{k} {v}" for k, v in shown.items()) or "its defaults"
    if hasattr(serve, "THREADS"):
        return f"{serve.THREADS} threads"
    return "options unknown"


def open_files(wanted: int) -> int:
    """Raise this process's limit of open files towards `wanted` (the server inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        soft = raised
    return soft


def loadavg() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def memory(status: dict[str, str]) -> str:
    if not status:
        return "the worker is gone"
    return (
        f"RSS {status.get('VmRSS', '?')} (peak {status.get('VmHWM', '?')}), "
        f"{status.get('Threads', '?')} threads"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent REST clients")
    parser.add_argument("--seconds", type=float, help="measured seconds per phase (30)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds first (3)")
    parser.add_argument("--sockets", type=int, help="Socket.IO connections (1000; 0: none)")
    parser.add_argument(
        "--transport", choices=("websocket", "polling"), default="websocket", help="see above"
    )
    parser.add_argument(
        "--idle-sockets",
        action="store_true",
        help="sockets of an analyst, watching nothing: the cost of open connections alone",
    )
    parser.add_argument(
        "--complete",
        choices=("task", "action"),
        default="task",
        help="POST /tasks/{id}/complete, or the case action POST /cases/{id}/actions",
    )
    parser.add_argument("--timeout", type=float, default=10, help="seconds per request")
    parser.add_argument(
        "--connect-seconds", type=float, default=60, help="no new socket attempt after this"
    )
    parser.add_argument("--parallel", type=int, default=50, help="sockets connecting at once")
    parser.add_argument(
        "--worker",
        choices=("gevent", "gthread"),
        help="STUDIO_SERVER_WORKER for studio serve (default: as studio serve chooses)",
    )
    parser.add_argument(
        "--server-threads",
        type=int,
        help="not as studio serve: gthread with this many threads (worker_connections 2x, >= 1000)",
    )
    parser.add_argument("--dir", type=Path, default=None, help="where the instance folder goes")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5 s, 100 sockets")
    args = parser.parse_args()
    quick = {"seconds": 5.0, "sockets": 100, "warmup": 1.0}
    full = {"seconds": 30.0, "sockets": 1000, "warmup": 3.0}
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    transport, client = choose_transport(args.transport)
    files = open_files(2 * args.sockets + 4 * args.clients + 256)

    print(f"Command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"Machine: {machine()}; open files allowed: {files}")
    print(f"Load average before: {loadavg()} (other work on this machine skews the figures)")
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-runtime-") as folder:
        server = Server(Path(folder), args.worker, args.server_threads)
        server.start()
        try:
            run(server, args, transport, client)
        finally:
            server.stop()
            print(server.problems())
    print(f"\nLoad average after: {loadavg()}")


def run(server: Server, args: argparse.Namespace, transport: str, client: str) -> None:
    worker = server.worker_class()
    print(
        f"Server:  studio serve on {server.base}: gunicorn, 1 worker process, worker class "
        f"{worker} ({serve_options(worker, server.threads)}); SQLite in "
        f"{server.folder / 'instance'}"
    )
    print(f"Model:   {MODEL.relative_to(HERE.parent)} (case {CASE}: one human task, {TASK!r})")
    print(
        f"Load:    {args.clients} clients, {args.warmup:g} s warm-up + {args.seconds:g} s measured "
        f"per phase, {args.timeout:g} s request timeout"
    )
    server.users_add("worker", ["caseworker"])
    server.users_add("watcher", ["caseworker"])
    server.users_add("analyst", ["analyst"])
    admin = login(server.port, "admin", ADMIN_PASSWORD)
    deployed = deploy(server.port, admin)
    _, listed = Http(server.port, admin, 30).call("GET", "/api/v1/deployments")
    others = sorted({d["key"] for d in (listed or {}).get("deployments", ())} - {deployed["key"]})
    print(
        f"Deployed {deployed['key']} version {deployed['version']}; also deployed: "
        f"{', '.join(others) or 'nothing'} (studio serve's examples on an empty install)"
    )
    worker = login(server.port, "worker", PASSWORD)
    watcher = login(server.port, "watcher", PASSWORD)
    analyst = login(server.port, "analyst", PASSWORD)
    print(f"Server worker (pid {server.worker}) at start: {memory(server.worker_status())}")
    if args.complete == "task":
        suffix = task_suffix(server.port, worker)
        print(f"Complete: POST /api/v1/tasks/<case id>:{suffix}/complete")

        def complete(case_id: str) -> tuple[str, Any]:
            return f"/api/v1/tasks/{case_id}:{suffix}/complete", {"data": {}}
    else:
        print(f"Complete: POST /api/v1/cases/<case id>/actions {{'complete': {TASK!r}}}")

        def complete(case_id: str) -> tuple[str, Any]:
            return f"/api/v1/cases/{case_id}/actions", {"complete": TASK}

    plain = run_load(
        server, worker, complete, args.clients, args.seconds, args.warmup, args.timeout
    )
    report_load(f"1. {args.clients} clients, no Socket.IO connection", plain)
    print(f"  server worker after: {memory(server.worker_status())}")

    if args.sockets <= 0:
        return
    if args.idle_sockets:
        what = "of an analyst, watching nothing (no case pushes, no worklist hints)"
        cases: list[str | None] = [None] * args.sockets
    else:
        what = "of a case worker, each watching a case of its own"
        cases = [*start_cases(server.port, worker, args.sockets, args.clients, args.timeout)]
    print(f"\nSocket.IO: {args.sockets} connections {what}")
    print(f"  transport {transport}: {client}")
    before = server.worker_status()
    events = Events()
    sockets = open_sockets(
        server.base,
        analyst if args.idle_sockets else watcher,
        cases,
        transport,
        client,
        events,
        args.timeout,
        args.connect_seconds,
        args.parallel,
    )
    print(
        f"  sockets: {sockets.connected} of {len(cases)} connected "
        f"({sockets.tried} tried, {sockets.not_tried} not tried after "
        f"{args.connect_seconds:g} s) in {sockets.seconds:.1f} s"
    )
    for message, n in sockets.errors.most_common():
        print(f"    failed: {n} x {message}")
    print(f"  server worker before the sockets: {memory(before)}")
    print(f"  server worker with the sockets:   {memory(server.worker_status())}")
    print(f"  load generator: {threading.active_count()} threads")
    events_before = sum(events.counts.values())
    events.watching = True
    attached = run_load(
        server, worker, complete, args.clients, args.seconds, args.warmup, args.timeout
    )
    report_load(
        f"2. {args.clients} clients, {sockets.connected} Socket.IO connections attached", attached
    )
    print(f"  server worker after: {memory(server.worker_status())}")
    still = sum(1 for socket_ in sockets.opened if socket_.connected)
    print(f"  sockets still connected after the load: {still} of {sockets.connected}")
    received = sum(events.counts.values())
    shown = ", ".join(f"{name} {n}" for name, n in events.counts.most_common()) or "none"
    print(
        f"  events received by the sockets: {received} ({received - events_before} during the "
        f"load, warm-up included): {shown}"
    )
    if events.drops:
        print("  connections lost, by reason (a lost connection may give two reasons):")
        for reason, n in events.drops.most_common():
            print(f"    {n} x {reason}")
    events.watching = False
    close_sockets(sockets)


if __name__ == "__main__":
    main()
