"""Several server processes behind one nginx (benchmarks/cluster.py) on PostgreSQL and Redis:
logins, tokens and live updates hold across processes, and due timers fire once.

One cluster serves the whole module (starting it takes about 12 s): two servers, each with its
job executor, and a job worker. Skipped, saying why, without nginx (`make test` installs it as
root), PostgreSQL or Redis.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator

import pytest
import requests
import sqlalchemy as sa

from benchmarks.cluster import Cluster, ClusterError, find_nginx, nginx_missing, session_from

pytestmark = [pytest.mark.postgresql, pytest.mark.slow]

POSTGRES_URL = os.environ.get(
    "STUDIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("STUDIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "cluster-admin-password"
TIMEOUT = 10
MODEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="cluster_defs"
             targetNamespace="http://example.org/cluster">
  <case id="Cluster" name="Cluster">
    <casePlanModel id="plan" name="Cluster">
      <planItem id="pi_review" name="Review" definitionRef="ht_review"/>
      <planItem id="pi_reminder" name="Reminder" definitionRef="tel_reminder"/>
      <humanTask id="ht_review" name="Review"/>
      <timerEventListener id="tel_reminder" name="Reminder">
        <timerExpression>PT1S</timerExpression>
      </timerEventListener>
    </casePlanModel>
  </case>
</definitions>
"""


def reachable_postgres() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip(
            "the cluster tests need psycopg, the postgres extra: pip install 'case-studio[postgres]'"
        )
    engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc.orig}".strip())
    finally:
        engine.dispose()


def reachable_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {exc}")


@pytest.fixture(scope="module")
def schema_url() -> Iterator[str]:
    """The test database, on a schema of its own (dropped afterwards)."""
    reachable_postgres()
    schema = f"cluster_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def cluster(schema_url: str) -> Iterator[Cluster]:
    if find_nginx() is None:
        pytest.skip(nginx_missing())
    reachable_redis()
    try:
        with Cluster(
            2, schema_url, REDIS_URL, workers=1, env={"STUDIO_EXECUTOR": "on"},
            examples=False, admin_password=PASSWORD,
        ) as started:  # fmt: skip
            deploy(started.url, token(started.url))
            yield started
    except ClusterError as exc:
        pytest.fail(f"the cluster did not start: {exc}")


def token(base: str, username: str = "admin", password: str = PASSWORD) -> str:
    done = requests.post(
        f"{base}/api/v1/auth/token",
        json={"username": username, "password": password},
        timeout=TIMEOUT,
    )
    assert done.status_code == 200, done.text
    return done.json()["token"]


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def deploy(base: str, value: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cluster/cluster.cmmn", MODEL)
    done = requests.post(
        f"{base}/api/v1/deployments",
        files={"file": ("cluster.zip", buffer.getvalue())},
        headers=bearer(value),
        timeout=60,
    )
    assert done.status_code in (200, 201), done.text


def start_case(base: str, headers: dict[str, str], session: requests.Session | None = None) -> str:
    done = (session or requests).post(
        f"{base}/api/v1/cases", json={"case": "Cluster", "data": {}}, headers=headers,
        timeout=TIMEOUT,
    )  # fmt: skip
    assert done.status_code == 201, done.text
    return done.json()["id"]


def log_in(session: requests.Session, base: str) -> None:
    """Log in through the login form (with its CSRF token)."""
    form = session.get(f"{base}/login", timeout=TIMEOUT)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf, form.text
    done = session.post(
        f"{base}/login",
        data={"csrf_token": csrf.group(1), "username": "admin", "password": PASSWORD},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert done.status_code == 302, done.text


def page_csrf(session: requests.Session, base: str) -> str:
    """The CSRF token a logged-in page carries."""
    page = session.get(f"{base}/worklist", timeout=TIMEOUT)
    assert page.status_code == 200 and "/login" not in page.url, page.url
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def nginx_target(cluster: Cluster) -> int:
    """The process nginx sends this test's requests (all from 127.0.0.1) to."""
    answer = requests.get(f"{cluster.url}/healthz", timeout=TIMEOUT)
    served = cluster.process_of(answer)
    assert served is not None, answer.headers
    return served


def test_nginx_keeps_each_client_address_on_one_process(cluster: Cluster) -> None:
    for index in range(len(cluster.servers)):
        client = session_from(cluster.source_address(index))
        answers = [client.get(f"{cluster.url}/healthz", timeout=TIMEOUT) for _ in range(6)]
        assert {cluster.process_of(answer) for answer in answers} == {index}


# -- logins and tokens -----------------------------------------------------------------------------


def test_a_session_made_on_one_process_works_on_every_process(cluster: Cluster) -> None:
    one, other = cluster.server_urls
    session = requests.Session()
    log_in(session, one)
    csrf = page_csrf(session, other)  # the other process knows the session
    headers = {"X-CSRFToken": csrf}
    assert start_case(one, headers, session)  # its CSRF token is good on the first one
    assert start_case(cluster.url, headers, session)  # and through nginx
    refused = session.post(
        f"{other}/api/v1/cases", json={"case": "Cluster", "data": {}}, timeout=TIMEOUT
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "csrf"


def test_an_install_started_with_examples_off_holds_only_what_was_deployed(
    cluster: Cluster,
) -> None:
    listed = requests.get(
        f"{cluster.url}/api/v1/deployments", headers=bearer(token(cluster.url)), timeout=TIMEOUT
    )
    assert [d["key"] for d in listed.json()["deployments"]] == ["cluster"]


def test_a_login_through_nginx_holds_on_each_process(cluster: Cluster) -> None:
    session = requests.Session()
    log_in(session, cluster.url)
    for url in cluster.server_urls:
        tasks = session.get(f"{url}/api/v1/tasks", timeout=TIMEOUT)
        assert tasks.status_code == 200, (url, tasks.text)
    assert requests.get(f"{cluster.url}/api/v1/tasks", timeout=TIMEOUT).status_code == 401


def test_a_token_made_by_one_process_works_on_the_other(cluster: Cluster) -> None:
    one, other = cluster.server_urls
    made = token(one)
    case_id = start_case(other, bearer(made))
    read = requests.get(f"{one}/api/v1/cases/{case_id}", headers=bearer(made), timeout=TIMEOUT)
    assert read.status_code == 200 and read.json()["state"] == "active"
    wrong = requests.get(f"{other}/api/v1/tasks", headers=bearer(made + "x"), timeout=TIMEOUT)
    assert wrong.status_code == 401


def test_revoking_and_locking_on_one_process_holds_on_the_other(cluster: Cluster) -> None:
    one, other = cluster.server_urls
    admin = bearer(token(one))
    name, password = f"worker-{uuid.uuid4().hex[:8]}", "a-long-password-1"
    made = requests.post(
        f"{one}/api/v1/users", headers=admin, timeout=TIMEOUT,
        json={"username": name, "password": password, "roles": ["caseworker"]},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    theirs = bearer(token(other, name, password))
    revoked = requests.post(f"{one}/api/v1/users/{name}/tokens/revoke", headers=admin, timeout=10)
    assert revoked.status_code == 200 and revoked.json()["revoked"] == 1
    assert requests.get(f"{other}/api/v1/tasks", headers=theirs, timeout=10).status_code == 401
    for _ in range(5):  # wrong passwords on one process lock the account on every process
        wrong = {"username": name, "password": "not-the-password"}
        requests.post(f"{one}/api/v1/auth/token", json=wrong, timeout=TIMEOUT)
    right = {"username": name, "password": password}
    locked = requests.post(f"{other}/api/v1/auth/token", json=right, timeout=TIMEOUT)
    assert locked.status_code == 401 and locked.json()["error"]["details"]["retry_after"] > 0


# -- live updates ----------------------------------------------------------------------------------


class Watcher:
    """A Socket.IO client watching one case, collecting its `case` pushes."""

    def __init__(self, base: str, value: str, transports: list[str] | None = None) -> None:
        import socketio

        self.pushes: list[dict] = []
        self.arrived = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("case", self._pushed)
        self.client.connect(
            base, auth={"token": value}, transports=transports, wait_timeout=TIMEOUT
        )

    def _pushed(self, body: dict) -> None:
        self.pushes.append(body)
        self.arrived.set()

    def watch(self, case_id: str) -> None:
        answer = self.client.call("watch", {"case": case_id}, timeout=TIMEOUT)
        assert answer == {"ok": True, "case": case_id}

    def happened(self, item: str, event: str) -> bool:
        """Whether a push told of `event` (a lifecycle event) of `item`."""
        return any(
            told["item"] == item and told["event"] == event
            for push in self.pushes
            for told in push["events"]
        )

    def close(self) -> None:
        self.client.disconnect()


def wait_for(check, seconds: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_an_action_on_one_process_reaches_watchers_on_every_process(cluster: Cluster) -> None:
    value = token(cluster.url)
    behind = nginx_target(cluster)
    acting = cluster.server_urls[1 - behind]  # the process nginx does not send us to
    case_id = start_case(acting, bearer(value))
    watchers: list[Watcher] = []
    try:
        watchers.append(Watcher(cluster.url, value))  # polling, then upgraded: needs affinity
        watchers.append(Watcher(cluster.url, value, ["websocket"]))  # needs the Upgrade header
        watchers.append(Watcher(cluster.server_urls[behind], value, ["websocket"]))
        for watcher in watchers:
            watcher.watch(case_id)
        done = requests.post(
            f"{acting}/api/v1/cases/{case_id}/actions",
            json={"complete": "Review"},
            headers=bearer(value),
            timeout=TIMEOUT,
        )
        assert done.status_code == 200, done.text
        for watcher in watchers:
            assert wait_for(lambda w=watcher: w.happened("pi_review", "complete")), watcher.pushes
    finally:
        for watcher in watchers:
            watcher.close()


def test_pages_of_other_origins_cannot_connect_through_nginx(cluster: Cluster) -> None:
    import socketio

    value = token(cluster.url)
    for transports in (["polling"], ["websocket"]):
        with pytest.raises(socketio.exceptions.ConnectionError):
            connect_live(cluster.url, value, transports, "http://studio.example.org")
        own = connect_live(cluster.url, value, transports, cluster.url)
        assert own.connected
        own.disconnect()


def connect_live(base: str, value: str, transports: list[str], origin: str):
    """A Socket.IO client connected as a page of `origin` would be (websocket-client sends an
    Origin header of its own unless told which)."""
    import socketio

    if transports == ["websocket"]:
        client = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin})
        headers = {}
    else:
        client, headers = socketio.Client(reconnection=False), {"Origin": origin}
    client.connect(base, auth={"token": value}, transports=transports, headers=headers,
                   wait_timeout=TIMEOUT)  # fmt: skip
    return client


# -- timers and faults -----------------------------------------------------------------------------


def test_each_due_timer_fires_once_though_both_servers_and_a_job_worker_run_executors(
    cluster: Cluster,
) -> None:
    value = token(cluster.url)
    watcher = Watcher(cluster.server_urls[0], value, ["websocket"])
    first = start_case(cluster.server_urls[1], bearer(value))
    watcher.watch(first)  # its timer falls due in a second, fired by any of the three
    started = [first, *(start_case(url, bearer(value)) for url in cluster.server_urls * 4)]

    def occurrences(case_id: str) -> int:
        history = requests.get(
            f"{cluster.url}/api/v1/cases/{case_id}/history", headers=bearer(value),
            timeout=TIMEOUT,
        ).json()["history"]  # fmt: skip
        return sum(1 for e in history if e["item"] == "pi_reminder" and e["event"] == "occur")

    try:
        assert wait_for(lambda: all(occurrences(c) >= 1 for c in started), 15)
        time.sleep(2)  # two more rounds of each executor
        assert [occurrences(c) for c in started] == [1] * len(started)
        assert wait_for(lambda: watcher.happened("pi_reminder", "occur")), watcher.pushes
    finally:
        watcher.close()


def test_a_killed_process_leaves_the_other_serving_and_comes_back(cluster: Cluster) -> None:
    value = token(cluster.url)
    behind = nginx_target(cluster)
    cluster.kill(behind)
    assert cluster.pids[behind] is None
    answer = requests.get(f"{cluster.url}/api/v1/tasks", headers=bearer(value), timeout=TIMEOUT)
    assert answer.status_code == 200 and cluster.process_of(answer) == 1 - behind
    cluster.restart(behind)
    assert cluster.pids[behind] is not None
    again = requests.get(
        f"{cluster.server_urls[behind]}/api/v1/tasks", headers=bearer(value), timeout=TIMEOUT
    )
    assert again.status_code == 200
