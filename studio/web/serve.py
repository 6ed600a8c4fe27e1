"""`studio serve`: the studio and runtime on one server process.

Before serving, the embedded database is migrated and the first admin made (its generated
password printed once); an empty install gets the sample library unless STUDIO_EXAMPLES=off.
Gunicorn then serves the app where it is available — one worker process, since the embedded
SQLite database and the in-process job executor belong to one process — on gevent (greenlets:
thousands of Socket.IO connections; `STUDIO_SERVER_WORKER=gthread` for threads); elsewhere
Werkzeug's server does. The app, its database connections and the job executor that fires due
timers are made in the serving process.

For more than one process, start several (one port each) on PostgreSQL behind a proxy with
client affinity, sharing STUDIO_SECRET_KEY and STUDIO_REDIS_URL: docs/production.md.
"""

from __future__ import annotations

import atexit
import sys
from typing import Any

WORKERS = {
    "gevent": {"worker_class": "gevent", "worker_connections": 10_000},
    "gthread": {"worker_class": "gthread", "threads": 64},
}
"""gevent holds thousands of Socket.IO connections in one process (measured: about 170 KiB
each); with threads every open connection keeps a thread, so 64 connections stall requests."""
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "asctime": "time"},
        }
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True}},
}
"""Every log line is one JSON object on stderr: gunicorn's and the studio's."""


def run_server(host: str, port: int) -> int:
    import os

    worker = os.environ.get("STUDIO_SERVER_WORKER", "gevent")
    if worker not in WORKERS:
        print(f"studio serve: STUDIO_SERVER_WORKER is gevent or gthread, not {worker!r}",
              file=sys.stderr)  # fmt: skip
        return 2
    from studio.ops import metrics_folder
    from studio.runtime.config import ConfigError, load_settings
    from studio.runtime.store.base import NotMigrated
    from studio.runtime.store.startup_lock import StartupLockTimeout
    from studio.runtime.store.usable import database_problem
    from studio.web.runtime import open_runtime

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"studio serve: {exc}", file=sys.stderr)
        return 2
    problem = metrics_folder.problem()  # checked before any metric opens its file there
    if problem is not None:
        print(f"studio serve: {problem}", file=sys.stderr)
        return 2
    try:
        prepared = open_runtime(settings, examples=wants_examples(os.environ))
    except (NotMigrated, StartupLockTimeout) as exc:
        print(f"studio serve: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        reason = database_problem(settings.database_url, exc)
        if reason is None:
            raise
        print(f"studio serve: {reason}", file=sys.stderr)
        return 2
    if prepared.first_password:
        print(
            "studio serve: created the first user, admin, with the password "
            f"{prepared.first_password}\n  (shown once; set STUDIO_ADMIN_PASSWORD to choose it)",
            flush=True,
        )
    prepared.engine.dispose()
    print(f"studio serve: http://{host}:{port}  (instance {settings.instance_path})", flush=True)
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # pragma: no cover - gunicorn is a dependency on POSIX
        serving_app(settings).run(host=host, port=port, threaded=True)
        return 0

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "logconfig_dict": LOGGING,
                "workers": 1,
                **WORKERS[worker],
                "accesslog": None,  # the app logs each API request as JSON (studio.requests)
                "errorlog": "-",
                "loglevel": "info",
                "timeout": 60,
                # idle keep-alive connections outlive a proxy's (nginx: 60 s), so a proxy never
                # sends a request on a connection the server is closing (a stray 502)
                "keepalive": 75,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return serving_app(settings)

    _Server().run()
    return 0


def wants_examples(environ: Any) -> bool:
    """Whether an empty install gets the sample library (STUDIO_EXAMPLES, default on; off, 0,
    false or no keep a production install empty)."""
    return _switched_on(environ.get("STUDIO_EXAMPLES", "on"))


def _switched_on(value: str) -> bool:
    return value.strip().lower() not in ("off", "0", "false", "no", "")


def serving_app(settings: Any) -> Any:
    """The app with its job executor running (stopped when the process exits), unless
    STUDIO_EXECUTOR=off leaves the jobs to `studio worker` processes. STUDIO_SECURE_COOKIES=on
    (behind a proxy that ends TLS) marks the session cookie Secure: browsers then never send it
    over plain HTTP."""
    import os

    from studio.host.executor import JobExecutor
    from studio.host.worker import in_process_executor
    from studio.web import create_app

    app = create_app(settings)
    if _switched_on(os.environ.get("STUDIO_SECURE_COOKIES", "off")):
        app.config["SESSION_COOKIE_SECURE"] = True
    if not in_process_executor(os.environ):
        return app
    runtime = app.extensions["studio"]
    executor = JobExecutor(runtime.host, runtime.engine)
    runtime.executor = executor
    executor.start()
    atexit.register(executor.stop, 5)
    return app
