"""Live updates over Socket.IO: case changes to the rooms of the cases a user may see, worklist
hints and simulation progress to the users concerned.

A client connects with its session cookie or `auth={"token": ...}`; anonymous connections and
pages of other origins are refused. Each connection joins `user:<name>` (its simulations); case
workers and admins also join `group:<g>` per group and `role:<r>` for those two roles (worklist
hints). `watch {"case": id}` joins `case:<top-level id>` if the user may see the case (the REST
rule); `unwatch` leaves it. Every event checks the user again (token or account still valid, role).

Pushes (a CaseHost listener, called on the thread that stored the change):
- `case` `{"case", "changed", "state", "events"}` to `case:<top>`: `changed` is the case (or the
  process or sub-case it started) that changed, `events` its newest history, compact. Once the
  case's changes have settled (RECHECK_AFTER), this process's watchers who may not see it any
  more leave the room (`unwatched`): one action may change a case and its processes several
  times, and visibility ("active work for my roles") can lapse between two of those changes.
- `tasks` `{"changed": true}` when work items changed: to `role:admin` (admins see all work), and
  to the rooms of whoever the item's case role admits (`user:`/`group:` per team member, or the
  group named after an unbound role; `role:caseworker` for an item without a role). It carries no
  data, so the client refetches `GET /api/v1/tasks`, which checks everything. Hints are coalesced:
  a room hears at most one per HINT_EVERY (a busy runtime would otherwise send every case
  worker's browser a hint per action — measured: the fan-out, not the cases, limited throughput).
- `simulation` (SimulationJobs events) to `user:<user>`, through `simulation_events(app)`.

Emitting only queues packets (or publishes to Redis), so request and worker threads may emit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, request, session
from flask_socketio import (
    ConnectionRefusedError,
    SocketIO,
    disconnect,
    join_room,
    leave_room,
)

from studio.host.cases import ActionError, CaseChange
from studio.host.work import work_item
from studio.runtime.engine.state import CaseState, HistoryEvent
from studio.runtime.users import User
from studio.web.api.visibility import may_see

KEY = "studio_live"
CASE_ROLES = ("caseworker", "admin")
NAMESPACE = "/"
EVENTS_PUSHED = 20
"""History events a `case` push carries at most (the newest)."""
CACHED = 10_000
"""Entries each cache (parents, teams) keeps at most."""
RECHECK_AFTER = 1.0
HINT_EVERY = 0.25
"""Seconds: the worklist hints to one room are gathered and sent at most this often."""
"""Seconds after a change before the case's watchers are checked again: one action changes a case
and the processes it started several times, and visibility may lapse between two of them."""

Credential = tuple[str, Any]
"""("token", token) or ("session", user id): how a connection logged in, checked again later."""
log = logging.getLogger(__name__)


def attach(app: Flask) -> SocketIO:
    """Create the app's SocketIO (`app.extensions["studio_live"]`) and subscribe to case changes."""
    runtime = app.extensions["studio"]
    settings = runtime.settings
    socketio = SocketIO(app, **options(settings.redis_url, settings.redis_channel))
    live = Live(runtime, socketio)
    live.register()
    runtime.host.listeners.append(live.case_changed)
    app.extensions[KEY] = socketio
    app.extensions[f"{KEY}.hub"] = live
    return socketio


def options(redis_url: str | None, channel: str = "case-studio") -> dict[str, Any]:
    """The SocketIO options: greenlets under `studio serve`'s gevent worker, else threads; same
    origin only; Redis between processes when given (on `channel`: one per install)."""
    chosen: dict[str, Any] = {
        "async_mode": "gevent" if _gevent_patched() else "threading",
        "cors_allowed_origins": same_origin,
    }
    if redis_url:
        chosen["message_queue"] = redis_url
        chosen["channel"] = channel
    return chosen


def _gevent_patched() -> bool:
    """Whether this process runs on gevent (gunicorn's gevent worker patched it)."""
    try:
        from gevent import monkey
    except ImportError:
        return False
    return bool(monkey.is_module_patched("socket"))


def own_origins(environ: Mapping[str, Any]) -> set[str]:
    """The origins a request to this server comes from when its page is the server's own: the
    Host header's, and the proxy's (X-Forwarded-Proto/-Host) when one forwards (as Engine.IO's
    default does; browsers cannot set those headers on a cross-origin request unchecked)."""
    host = environ.get("HTTP_HOST")
    if not host:
        return set()
    scheme = environ.get("wsgi.url_scheme", "http")
    found = {f"{scheme}://{host}".lower()}
    if "HTTP_X_FORWARDED_PROTO" in environ or "HTTP_X_FORWARDED_HOST" in environ:
        scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
        host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
        found.add(f"{scheme}://{host}".lower())
    return found


def same_origin(origin: str | None, environ: Mapping[str, Any]) -> bool:
    """Engine.IO's CORS check: no Origin header (not a browser page) passes on to
    authentication; a page of another origin is refused."""
    return not origin or origin.lower() in own_origins(environ)


def simulation_events(app: Flask) -> Callable[[dict[str, Any]], None]:
    """An `on_event` for SimulationJobs: each event to its user's room, as `simulation`."""
    socketio: SocketIO = app.extensions[KEY]

    def on_event(event: dict[str, Any]) -> None:
        user = event.get("user")
        if isinstance(user, str) and user:
            socketio.emit("simulation", event, to=user_room(user), namespace=NAMESPACE)

    return on_event


def user_room(username: str) -> str:
    return f"user:{username}"


def case_room(case_id: str) -> str:
    return f"case:{case_id}"


class Live:
    """The Socket.IO handlers and the pushes of one server process."""

    def __init__(self, runtime: Any, socketio: SocketIO) -> None:
        self.runtime = runtime
        self.socketio = socketio
        self.connections: dict[str, Credential] = {}
        self.tops: dict[str, str] = {}
        """The top-level case of each case seen (a case never changes family)."""
        self.teams: dict[str, dict[str, tuple[str, ...]]] = {}
        self.lock = threading.Lock()
        self.due: dict[str, float] = {}
        """Top-level cases whose watchers to check again, and when."""
        self.wake = threading.Condition()
        self.checker: Any = None
        self.hints: set[str] = set()
        """Rooms owed a worklist hint, sent at `hint_at`."""
        self.hint_at: float | None = None

    # -- connections ----------------------------------------------------------------------------

    def register(self) -> None:
        on = self.socketio.on
        on("connect", namespace=NAMESPACE)(self.connect)
        on("disconnect", namespace=NAMESPACE)(self.disconnect)
        on("watch", namespace=NAMESPACE)(self.watch)
        on("unwatch", namespace=NAMESPACE)(self.unwatch)

    def connect(self, auth: Any = None) -> bool:
        """Accept a logged-in user of this origin (refuse everything else)."""
        if not same_origin(request.headers.get("Origin"), request.environ):
            raise ConnectionRefusedError("not an accepted origin")
        credential = _credential(auth)
        user = self.resolve(credential) if credential else None
        if credential is None or user is None:
            raise ConnectionRefusedError("unauthorized: log in or send auth={'token': ...}")
        with self.lock:
            self.connections[request.sid] = credential  # type: ignore[attr-defined]
        join_room(user_room(user.username))
        if any(user.has(role) for role in CASE_ROLES):
            for group in user.groups:
                join_room(f"group:{group}")
            for role in CASE_ROLES:
                if user.has(role):
                    join_room(f"role:{role}")
        return True

    def disconnect(self, reason: Any = None) -> None:
        with self.lock:
            self.connections.pop(request.sid, None)  # type: ignore[attr-defined]

    def resolve(self, credential: Credential) -> User | None:
        """The active user behind a credential now (tokens expire and get revoked)."""
        kind, value = credential
        users = self.runtime.users
        user = users.user_for_token(value) if kind == "token" else users.get_by_id(value)
        return user if user is not None and user.active else None

    def case_user(self) -> tuple[User | None, dict[str, Any] | None]:
        """The user of this event if they may still work cases, else an error (and a user whose
        login is no longer valid is disconnected)."""
        with self.lock:
            credential = self.connections.get(request.sid)  # type: ignore[attr-defined]
        user = self.resolve(credential) if credential else None
        if user is None:
            disconnect()
            return None, _error("unauthorized", "the login is no longer valid")
        if not any(user.has(role) for role in CASE_ROLES):
            return None, _error("forbidden", f"this needs the role {' or '.join(CASE_ROLES)}")
        return user, None

    # -- rooms ----------------------------------------------------------------------------------

    def watch(self, data: Any = None) -> dict[str, Any]:
        """Join the room of a case (its top-level case) the user may see."""
        user, error = self.case_user()
        if user is None:
            return self.refuse(error)
        case_id = data.get("case") if isinstance(data, dict) else None
        if not isinstance(case_id, str) or not case_id:
            return self.refuse(_error("bad-request", 'send {"case": "<case id>"}'))
        top = self.top_case(case_id) if self.exists(case_id) else None
        if top is None or not self.may_see(user, top):
            return self.refuse(_error("not-found", f"no case {case_id!r}"))
        join_room(case_room(top))
        return {"ok": True, "case": top}

    def unwatch(self, data: Any = None) -> dict[str, Any]:
        user, error = self.case_user()
        if user is None:
            return self.refuse(error)
        case_id = data.get("case") if isinstance(data, dict) else None
        if not isinstance(case_id, str) or not case_id:
            return self.refuse(_error("bad-request", 'send {"case": "<case id>"}'))
        leave_room(case_room(case_id))
        if self.exists(case_id):
            leave_room(case_room(self.top_case(case_id)))
        return {"ok": True}

    def refuse(self, error: dict[str, Any] | None) -> dict[str, Any]:
        """Tell the client (an `error` event, and the acknowledgement) why nothing happened."""
        body = {"error": error}
        sid = request.sid  # type: ignore[attr-defined]
        self.socketio.emit("error", body, to=sid, namespace=NAMESPACE)
        return {"ok": False, **body}

    def exists(self, case_id: str) -> bool:
        try:
            self.runtime.host.deployment_of(case_id)
        except ActionError:
            return False
        return True

    def may_see(self, user: User, top: str) -> bool:
        """The REST rule: any case of the family (the case and what it started) visible."""
        return any(may_see(user, state, definition) for _, definition, state in self.family(top))

    def family(self, case_id: str) -> list[tuple[str, Any, CaseState]]:
        try:
            return self.runtime.host.family(case_id)
        except ActionError:
            return []

    def top_case(self, case_id: str) -> str:
        """The case that (through processes and sub-cases it started) started `case_id`."""
        with self.lock:
            if case_id in self.tops:
                return self.tops[case_id]
        top = self.runtime.host.top_of(case_id)
        with self.lock:
            _remember(self.tops, case_id, top)
        return top

    # -- pushes ---------------------------------------------------------------------------------

    def case_changed(self, change: CaseChange) -> None:
        """The CaseHost listener: push the change to its case room and hint worklists."""
        try:
            self.push(change)
        except Exception:  # the host ignores a listener's failure: say what it was
            log.exception("live update of case %s failed", change.case_id)
            raise

    def push(self, change: CaseChange) -> None:
        case_id, state, history, top = change.case_id, change.state, change.history, change.top
        with self.lock:
            _remember(self.tops, case_id, top)
        room = case_room(top)
        body = {
            "case": top,
            "changed": case_id,
            "state": state.state,
            "events": [_compact(event) for event in history[-EVENTS_PUSHED:]],
        }
        self.socketio.emit("case", body, to=room, namespace=NAMESPACE)
        rooms = self.task_rooms(case_id, state, history, change.definition)
        if rooms:
            self.hint_later(rooms)
        if self.watchers(room):
            self.recheck_later(top)

    def watchers(self, room: str) -> list[str]:
        """This process's connections in `room`."""
        return [sid for sid, _ in self.socketio.server.manager.get_participants(NAMESPACE, room)]

    def recheck_later(self, top: str) -> None:
        """Check the watchers of `top` once its changes have settled (a background task)."""
        with self.wake:
            self.due.setdefault(top, time.monotonic() + RECHECK_AFTER)
            self._wake_checker()

    def hint_later(self, rooms: set[str]) -> None:
        """Owe `rooms` a worklist hint, sent with the others within HINT_EVERY."""
        with self.wake:
            self.hints |= rooms
            if self.hint_at is None:
                self.hint_at = time.monotonic() + HINT_EVERY
            self._wake_checker()

    def _wake_checker(self) -> None:
        if self.checker is None:
            self.checker = self.socketio.start_background_task(self._recheck_forever)
        self.wake.notify()

    def settle(self) -> None:
        """Send the hints owed and check every pending case's watchers, now."""
        with self.wake:
            pending, self.due = list(self.due), {}
            hints, self.hints, self.hint_at = self.hints, set(), None
        self._send_hints(hints)
        for top in pending:
            self.prune(top)

    def _send_hints(self, rooms: set[str]) -> None:
        if rooms:
            self.socketio.emit("tasks", {"changed": True}, to=sorted(rooms), namespace=NAMESPACE)

    def _recheck_forever(self) -> None:
        while True:
            with self.wake:
                now = time.monotonic()
                ready = [top for top, at in self.due.items() if at <= now]
                hints: set[str] = set()
                if self.hint_at is not None and self.hint_at <= now:
                    hints, self.hints, self.hint_at = self.hints, set(), None
                if not ready and not hints:
                    deadlines = [*self.due.values(), *filter(None, [self.hint_at])]
                    self.wake.wait(min(deadlines) - now if deadlines else None)
                    continue
                for top in ready:
                    del self.due[top]
            try:
                self._send_hints(hints)
            except Exception:
                log.exception("sending worklist hints failed")
            for top in ready:
                try:
                    self.prune(top)
                except Exception:
                    log.exception("checking the watchers of case %s failed", top)

    def prune(self, top: str) -> None:
        """Drop this process's watchers of case `top` who may not see it any more."""
        room = case_room(top)
        family = None
        for sid in self.watchers(room):
            with self.lock:
                credential = self.connections.get(sid)
            user = self.resolve(credential) if credential else None
            if user is not None and any(user.has(role) for role in CASE_ROLES):
                if family is None:
                    family = self.family(top)
                if any(may_see(user, state, definition) for _, definition, state in family):
                    continue
            self.socketio.server.leave_room(sid, room, namespace=NAMESPACE)
            self.socketio.emit("unwatched", {"case": top}, to=sid, namespace=NAMESPACE)

    def assignment_changed(
        self, role: str | None, team: Mapping[str, tuple[str, ...]], *assignees: str | None
    ) -> None:
        """Hint the worklists that show a task whose assignee changed (a claim, a release, a
        delegation: no case change, so no `case_changed`): its role's audience, admins, and the
        people it went from and to."""
        rooms = {"role:admin"} | {user_room(name) for name in assignees if name}
        if role is None:
            rooms.add("role:caseworker")
        else:
            for member in team.get(role, (role,)):
                rooms |= {user_room(member), f"group:{member}"}
        self.hint_later(rooms)

    def task_rooms(
        self, case_id: str, state: CaseState, history: Iterable[HistoryEvent], definition: Any
    ) -> set[str]:
        """The rooms whose worklists this change may have changed: the audiences of the work
        items it touched (all active ones, for the old and new team, when the team changed)."""
        with self.lock:
            old_team = self.teams.get(case_id)
            _remember(self.teams, case_id, dict(state.team))
        touched = {event.item for event in history if event.item}
        if old_team != state.team:
            touched |= {i.item for i in state.items.values() if i.state == "active"}
        if not touched:
            return set()
        rooms: set[str] = set()
        for item in touched:
            found = work_item(definition, item)
            if found is None:
                continue
            role = found[0]
            rooms.add("role:admin")
            if role is None:
                rooms.add("role:caseworker")
                continue
            for team in (state.team, old_team or {}):
                for member in team.get(role, (role,)):
                    rooms |= {user_room(member), f"group:{member}"}
        return rooms


def _credential(auth: Any) -> Credential | None:
    """The token of the connect payload or Authorization header, else the session's user."""
    token = auth.get("token") if isinstance(auth, dict) else None
    header = request.headers.get("Authorization", "")
    if token is None and header.startswith("Bearer "):
        token = header[7:].strip()
    if token is not None:
        return ("token", token) if isinstance(token, str) and token else None
    user_id = session.get("user_id")
    return ("session", user_id) if user_id is not None else None


def _error(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message}


def _compact(event: HistoryEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat().replace("+00:00", "Z"),
        "instance": event.instance,
        "item": event.item,
        "event": event.event,
        "state": event.state,
        "user": event.user,
    }


def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
    """Set a bounded cache entry (the oldest goes first)."""
    cache.pop(key, None)
    if len(cache) >= CACHED:
        cache.pop(next(iter(cache)))
    cache[key] = value
