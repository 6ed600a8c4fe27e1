"""GET /metrics: the Prometheus text format (studio.ops.metrics), and the request hooks that
measure HTTP and command latency.

The page lies outside /api/v1 (where scrapers look for it), so it is added to the application
when the API blueprint is registered. Who may read it: a user with the admin role (bearer token or
session), or a scraper sending `Authorization: Bearer <STUDIO_METRICS_TOKEN>` — a token that opens
this page and nothing else, so Prometheus need not hold an admin's credentials. No exception for
loopback: behind a reverse proxy on the same host every request comes from loopback.
"""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask.blueprints import BlueprintSetupState

from studio.ops import metrics
from studio.web.api import api
from studio.web.auth import current_user
from studio.web.errors import ApiError

COMMANDS = {"api.start_case": "start", "api.complete": "complete", "api.write_case_file": "set"}
"""Endpoints that run one case command, and their action kind (`api.act` reads its verb)."""
TOKEN_VARIABLE = "STUDIO_METRICS_TOKEN"


@api.record_once
def _install(state: BlueprintSetupState) -> None:
    install(state.app)


def install(app: Flask) -> None:
    """Serve /metrics and measure every request of `app`."""
    app.add_url_rule("/metrics", "metrics", metrics_page, methods=["GET"])
    app.before_request(_start_clock)
    app.after_request(_observe)
    runtime = app.extensions["studio"]
    runtime.host.listeners.append(metrics.timer_lag_listener())


def metrics_page() -> Response:
    _allow_scraper()
    hub = current_app.extensions.get("studio_live.hub")
    connections = (lambda: len(hub.connections)) if hub is not None else None
    body = metrics.exposition(current_app.extensions["studio"].engine, connections)
    return Response(body, content_type=metrics.CONTENT_TYPE)


def _allow_scraper() -> None:
    """The metrics token, or an admin; else 401/403 like the API."""
    expected = os.environ.get(TOKEN_VARIABLE, "")
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    if expected and token and hmac.compare_digest(token.encode(), expected.encode()):
        return
    user = current_user()
    if user is None:
        raise ApiError(401, "unauthorized", "send the metrics token or an admin's bearer token")
    if not user.has("admin"):
        raise ApiError(403, "forbidden", "the metrics need the role admin", {"roles": ["admin"]})


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Any) -> Any:
    started = g.pop("metrics_started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    endpoint = request.endpoint or "unmatched"
    if endpoint == "static":
        return response
    metrics.observe_request(request.method, endpoint, response.status_code, seconds)
    hub = current_app.extensions.get("studio_live.hub")
    if hub is not None and metrics.multiprocess_mode():  # another process may answer the scrape
        metrics.SOCKETIO_CONNECTIONS.set(len(hub.connections))
    action = _command(endpoint)
    if action is not None and response.status_code < 400:
        metrics.observe_command(action, seconds)
    return response


def _command(endpoint: str) -> str | None:
    if endpoint == "api.act":
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            verbs = [key for key in body if key not in ("data", "correlation")]
            if len(verbs) == 1 and verbs[0].isidentifier() and len(verbs[0]) <= 20:
                return verbs[0]
        return None
    return COMMANDS.get(endpoint)
