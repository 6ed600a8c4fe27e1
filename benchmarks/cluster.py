"""Several `studio serve` processes behind one nginx on loopback, for tests and benchmarks.

    from cluster import Cluster              # a benchmark run from benchmarks/
    from benchmarks.cluster import Cluster   # a test (pytest puts the checkout on sys.path)

    with Cluster(processes=2, database_url=POSTGRES, redis_url="redis://127.0.0.1:6379/0") as c:
        c.url               # http://127.0.0.1:<port>: nginx, in front of every process
        c.server_urls[i]    # process i itself, bypassing nginx
        c.pids              # the processes' ids (None for one killed and not restarted)
        c.kill(i)           # kill -9 process i (its gunicorn master and worker)
        c.restart(i)        # start process i again on its port (stopping it first if it runs)
        c.cpu_seconds()     # CPU time the live processes have used (user + system)
        c.process_of(resp)  # which process answered a response that went through nginx
        c.source_address(i) # a loopback address whose requests nginx sends to process i
        session_from(c.source_address(i))  # a requests.Session leaving from that address

    Cluster(..., workers=2) adds two `studio worker` processes (job executors without a web
    server; then the servers run none, STUDIO_EXECUTOR=off): c.worker_pids, c.kill_worker(i),
    c.restart_worker(i).

What it does, in order: migrates the database with `studio db upgrade` (making the admin with
`admin_password`), starts process 0 and waits for its /readyz (it deploys the sample library on
an empty database; with `examples=False` none does, and all start at once), then the other
servers and the job workers, then nginx with a generated configuration (the one
docs/production.md describes: `ip_hash` affinity, WebSocket upgrade, the upload cap) on a free
port. Leaving the block stops nginx and the processes (SIGTERM, then SIGKILL after `grace`) and
deletes the working folder (kept, with the processes' logs, when STUDIO_CLUSTER_KEEP=1).

Every process gets its own instance folder (as on separate hosts) and one shared secret key, so a
session cookie, a CSRF token or an API token made by one is valid on all. `database_url` None
is an SQLite file all processes share (one host only). With `redis_url`, Socket.IO events reach
clients of every process, on a channel of this cluster's own (clusters may share a Redis).
`env` adds variables to every process, e.g. `{"STUDIO_EXECUTOR": "off"}`.

nginx's `ip_hash` keys on the first three bytes of an IPv4 address, so every client on 127.0.0.1
lands on one process: a load generator spreads its clients with `source_address(i)` (addresses
127.0.k.1, all on the loopback interface), or asks for `affinity="none"` (round robin; Socket.IO
clients must then use the WebSocket transport only, as polling needs affinity).
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__:  # imported as benchmarks.cluster (the tests), not from a script in benchmarks/
    from .polling import answers, wait_until
else:
    from polling import answers, wait_until

STUDIO = [sys.executable, "-m", "studio"]
"""The command line, run by this Python (the project's virtual environment)."""
UPSTREAM_HEADER = "X-Studio-Upstream"
"""The response header nginx adds here (not in production) naming the process that answered."""
AFFINITIES = {"ip_hash": "ip_hash;", "none": ""}
PORT_TRIES = 3
"""Ports tried per process or nginx when another program takes the one chosen first."""
log = logging.getLogger(__name__)
NGINX_CONFIG = """\
worker_processes 1;
{user}pid {dir}/nginx.pid;
daemon off;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  client_max_body_size {max_body};
  map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}
  upstream studio {{
    {affinity}
{servers}
    keepalive 32;
    keepalive_timeout 60s;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://studio;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 120s;
      add_header {header} $upstream_addr always;
    }}
  }}
}}
"""


class ClusterError(RuntimeError):
    """A process or nginx did not start (the message ends with its log)."""


@dataclass
class Member:
    """One process of the cluster: a server (`studio serve`, with a port) or a job worker
    (`studio worker`)."""

    index: int
    port: int | None
    instance: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None
    started_at: int = 0
    """Where its log stood when it was last started."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def command(self) -> list[str]:
        if self.port is None:
            return [*STUDIO, "worker"]
        return [*STUDIO, "serve", "--host", "127.0.0.1", "--port", str(self.port)]

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Cluster:
    """N `studio serve` processes and an nginx in front of them (a context manager)."""

    def __init__(
        self,
        processes: int = 2,
        database_url: str | None = None,
        redis_url: str | None = None,
        *,
        workers: int = 0,
        examples: bool = True,
        admin_password: str = "cluster-admin-password",
        env: dict[str, str] | None = None,
        affinity: str = "ip_hash",
        workdir: Path | None = None,
        ready_timeout: float = 60.0,
        grace: float = 10.0,
        nginx: str | None = None,
        keep: bool | None = None,
    ) -> None:
        """`examples` False keeps the database empty (STUDIO_EXAMPLES=off: no sample library),
        and the servers then start all at once. `keep` (default: the variable
        STUDIO_CLUSTER_KEEP set) keeps the working folder, with every process's log, after the
        block: its path is printed."""
        if processes < 1:
            raise ValueError("a cluster has at least one process")
        if affinity not in AFFINITIES:
            raise ValueError(f"affinity is one of {sorted(AFFINITIES)}, not {affinity!r}")
        self.processes = processes
        self.examples = examples
        self.admin_password = admin_password
        self.affinity = affinity
        self.ready_timeout = ready_timeout
        self.grace = grace
        self.nginx_program = nginx or find_nginx()
        if self.nginx_program is None:
            raise ClusterError(nginx_missing())
        self._own_workdir = workdir is None
        self.keep = bool(os.environ.get("STUDIO_CLUSTER_KEEP")) if keep is None else keep
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="studio-cluster-"))
        self.database_url = database_url or f"sqlite:///{self.workdir / 'studio.db'}"
        self.redis_url = redis_url
        self.env = {
            "STUDIO_DATABASE_URL": self.database_url,
            "STUDIO_ADMIN_PASSWORD": admin_password,
            "STUDIO_SECRET_KEY": secrets.token_hex(32),
            **({"STUDIO_REDIS_URL": redis_url} if redis_url else {}),
            "STUDIO_REDIS_CHANNEL": f"studio-cluster-{uuid.uuid4().hex[:12]}",
            **({"STUDIO_EXECUTOR": "off"} if workers else {}),
            **({} if examples else {"STUDIO_EXAMPLES": "off"}),
            **(env or {}),
        }
        self.servers = [
            Member(i, free_port(), self.workdir / f"server-{i}", self.workdir / f"server-{i}.log")
            for i in range(processes)
        ]
        self.workers = [
            Member(i, None, self.workdir / f"worker-{i}", self.workdir / f"worker-{i}.log")
            for i in range(workers)
        ]
        self.port = free_port()
        self.nginx: subprocess.Popen[bytes] | None = None
        self._sources: dict[int, str] = {}

    # -- the block ------------------------------------------------------------------------------

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The one address of the cluster (nginx)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def server_urls(self) -> list[str]:
        return [server.url for server in self.servers]

    @property
    def pids(self) -> list[int | None]:
        """Each server's process id (its gunicorn master's; the gunicorn worker is its child),
        None when down."""
        return [_pid(s) for s in self.servers]

    @property
    def worker_pids(self) -> list[int | None]:
        """Each job worker's process id, None when down."""
        return [_pid(w) for w in self.workers]

    def start(self) -> None:
        """Migrate, start the processes (the first alone), then nginx; wait until all are ready."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o711)  # nginx's workers (nobody, when started as root) pass through
        self._migrate()
        first, *others = self.servers
        if self.examples:  # the first deploys the sample library: alone, lest they race
            self._launch(first)
            self._wait_started(first)
        else:
            others = self.servers
        for member in [*others, *self.workers]:
            self._launch(member)
        for member in [*others, *self.workers]:
            self._wait_started(member)
        nginx_log = self.workdir / "nginx" / "error.log"
        for attempt in range(PORT_TRIES):
            start = nginx_log.stat().st_size if nginx_log.exists() else 0
            try:
                self._start_nginx()
                return
            except ClusterError:
                if attempt + 1 == PORT_TRIES or not _port_taken(nginx_log, start):
                    raise
                log.info("port %s was taken meanwhile: nginx moves", self.port)
                self.port = free_port()

    def stop(self) -> None:
        """Stop nginx and every process, and delete the working folder (when it made it)."""
        if self.nginx is not None:
            _stop([self.nginx], self.grace)
            self.nginx = None
        members = [*self.servers, *self.workers]
        _stop([m.process for m in members if m.process is not None], self.grace)
        for member in members:
            member.process = None
        if self.keep:
            print(f"cluster: the logs are kept in {self.workdir}", file=sys.stderr)
        elif self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # -- faults ---------------------------------------------------------------------------------

    def kill(self, index: int) -> None:
        """kill -9 server `index`: its gunicorn master and worker at once, nothing cleaned up."""
        _kill(self.servers[index])

    def restart(self, index: int) -> None:
        """Start server `index` again on its port (stopping it first if it runs); wait for it."""
        self._restart(self.servers[index])

    def kill_worker(self, index: int) -> None:
        """kill -9 job worker `index` (its claims expire after their lease)."""
        _kill(self.workers[index])

    def restart_worker(self, index: int) -> None:
        """Start job worker `index` again (stopping it first if it runs); wait for it."""
        self._restart(self.workers[index])

    def _restart(self, member: Member) -> None:
        if member.process is not None:
            _stop([member.process], self.grace)
            member.process = None
        self._launch(member)
        self._wait_ready(member)

    # -- measuring ------------------------------------------------------------------------------

    def cpu_seconds(self, index: int | None = None) -> float:
        """User + system CPU seconds of the live processes: server `index` (its gunicorn master
        and worker), or every server and job worker. Take it before and after a load; a process
        killed meanwhile takes its time with it."""
        chosen = [*self.servers, *self.workers] if index is None else [self.servers[index]]
        return sum(_cpu_of_groups({pid for pid in map(_pid, chosen) if pid is not None}))

    def process_of(self, response: Any) -> int | None:
        """The index of the process that answered `response` through nginx (any object with
        `headers`), or None when nginx answered itself."""
        upstream = response.headers.get(UPSTREAM_HEADER) or ""
        last = upstream.split(",")[-1].strip()  # nginx lists every process it tried
        for server in self.servers:
            if last == f"127.0.0.1:{server.port}":
                return server.index
        return None

    def source_address(self, index: int, tries: int = 254) -> str:
        """A loopback address (127.0.k.1) whose requests nginx sends to process `index`: bind
        a client's sockets to it to spread clients over the processes under `ip_hash`."""
        if index in self._sources:
            return self._sources[index]
        for k in range(1, tries + 1):
            address = f"127.0.{k}.1"
            if address in self._sources.values():
                continue
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=5, source_address=(address, 0)
            )
            try:
                connection.request("GET", "/healthz")
                found = self.process_of(connection.getresponse())
            finally:
                connection.close()
            if found is not None and found not in self._sources:
                self._sources[found] = address
            if index in self._sources:
                return self._sources[index]
        raise ClusterError(f"no loopback address of 127.0.1-{tries}.1 reaches process {index}")

    # -- starting -------------------------------------------------------------------------------

    def _env_of(self, member: Member) -> dict[str, str]:
        return {**os.environ, **self.env, "STUDIO_INSTANCE_PATH": str(member.instance)}

    def _migrate(self) -> None:
        done = subprocess.run(
            [*STUDIO, "db", "upgrade"],
            env={**os.environ, **self.env, "STUDIO_INSTANCE_PATH": str(self.workdir / "admin")},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise ClusterError(f"studio db upgrade failed:\n{done.stdout}{done.stderr}")

    def _launch(self, member: Member) -> None:
        member.instance.mkdir(parents=True, exist_ok=True)
        member.log.touch()
        member.started_at = member.log.stat().st_size  # its log is kept across restarts
        with member.log.open("ab") as log:
            member.process = subprocess.Popen(
                member.command,
                env=self._env_of(member),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: kill() takes its children too
            )

    def _wait_started(self, member: Member) -> None:
        """Wait for a member started with the cluster; a server whose port another program
        took since it was chosen (other clusters run beside) moves to a free one."""
        for attempt in range(PORT_TRIES):
            try:
                self._wait_ready(member)
                return
            except ClusterError:
                moved = member.port is not None and attempt + 1 < PORT_TRIES
                if not moved or member.running or not _port_taken(member.log, member.started_at):
                    raise
                member.port = free_port()
                self._launch(member)

    def _wait_ready(self, member: Member) -> None:
        """Until a server answers /readyz, or a job worker says its executors run."""
        name = f"{'server' if member.port else 'job worker'} {member.index}"

        def ready() -> bool:
            if not member.running:
                raise ClusterError(f"{name} exited:\n{_tail(member.log)}")
            return answers(member.port, "/readyz") if member.port else _worker_ready(member)

        if not wait_until(ready, self.ready_timeout, 0.1):
            raise ClusterError(
                f"{name} not ready in {self.ready_timeout:.0f} s:\n{_tail(member.log)}"
            )

    def nginx_config(self) -> str:
        """The generated nginx configuration."""
        from studio.web import MAX_UPLOAD

        folder = self.workdir / "nginx"
        servers = "\n".join(
            f"    server 127.0.0.1:{s.port} max_fails=1 fail_timeout=5s;" for s in self.servers
        )
        return NGINX_CONFIG.format(
            user="user nobody nogroup;\n" if os.geteuid() == 0 else "",
            dir=folder,
            max_body=f"{MAX_UPLOAD // (1024 * 1024)}m",
            affinity=AFFINITIES[self.affinity],
            servers=servers,
            port=self.port,
            header=UPSTREAM_HEADER,
        )

    def _start_nginx(self) -> None:
        folder = self.workdir / "nginx"
        folder.mkdir(exist_ok=True)
        folder.chmod(0o711)
        config = folder / "nginx.conf"
        config.write_text(self.nginx_config())
        log = folder / "error.log"
        command = [self.nginx_program, "-p", str(folder), "-c", str(config), "-e", str(log)]
        self.nginx = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=log.open("ab"), start_new_session=True,
        )  # fmt: skip
        nginx = self.nginx

        def ready() -> bool:
            if nginx.poll() is not None:
                raise ClusterError(f"nginx exited:\n{_tail(log)}")
            return answers(self.port, "/readyz")

        if not wait_until(ready, 10, 0.05):
            raise ClusterError(f"nginx did not answer on port {self.port}:\n{_tail(log)}")


def session_from(address: str) -> Any:
    """A `requests` session whose connections leave from `address` (a `source_address(i)`), so
    that nginx's `ip_hash` sends all its requests to one chosen process."""
    import requests
    from requests.adapters import HTTPAdapter

    class _FromAddress(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["source_address"] = (address, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("http://", _FromAddress())
    return session


def find_nginx() -> str | None:
    """The nginx program (on PATH or in /usr/sbin, where Debian puts it), or None."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def nginx_missing() -> str:
    return "nginx is missing: install it (Debian/Ubuntu: sudo apt-get install nginx)"


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pid(member: Member) -> int | None:
    return member.process.pid if member.running and member.process else None


def _kill(member: Member) -> None:
    """kill -9 the member's process group, and reap it."""
    if member.process is None:
        return
    _signal_group(member.process, signal.SIGKILL)
    member.process.wait()
    member.process = None


def _port_taken(path: Path, start: int = 0) -> bool:
    """Whether a log says (after `start`) that the port to listen on was taken: gunicorn's
    "Connection in use", nginx's "Address already in use"."""
    try:
        with path.open("rb") as stream:
            stream.seek(start)
            said = stream.read()
    except OSError:
        return False
    return b"Connection in use" in said or b"Address already in use" in said


def _worker_ready(member: Member) -> bool:
    """Whether a job worker has said, since it was started, that its executors run."""
    with member.log.open("rb") as log:
        log.seek(member.started_at)
        return b"executor(s) on" in log.read()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _stop(processes: list[subprocess.Popen[bytes]], grace: float) -> None:
    """SIGTERM to each (gunicorn and nginx shut down), SIGKILL to those left after `grace`;
    then to whatever is left of their process groups."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
        _signal_group(process, signal.SIGKILL)


def _cpu_of_groups(groups: set[int]) -> list[float]:
    """CPU seconds of every process whose process group is in `groups` (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the name: state ppid pgrp session ... utime (12th) stime (13th)
        if int(fields[2]) in groups:
            found.append((int(fields[11]) + int(fields[12])) / tick)
    return found


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
