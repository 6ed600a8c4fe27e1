"""`studio serve`: the studio and runtime on one server process.

Before serving, the embedded database is migrated and the first admin made (its generated
password printed once). Gunicorn then serves the app where it is available — one worker process,
since the embedded SQLite database and the in-process job executor belong to one process — on
gevent (greenlets: thousands of Socket.IO connections; `STUDIO_SERVER_WORKER=gthread` for
threads); elsewhere Werkzeug's server does. The app, its database connections and the job
executor that fires due timers are made in the serving process.
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
    from studio.runtime.config import load_settings
    from studio.runtime.store.base import NotMigrated
    from studio.web.runtime import open_runtime

    settings = load_settings()
    try:
        prepared = open_runtime(settings, examples=True)
    except NotMigrated as exc:
        print(f"studio serve: {exc}", file=sys.stderr)
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
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return serving_app(settings)

    _Server().run()
    return 0


def serving_app(settings: Any) -> Any:
    """The app with its job executor running (stopped when the process exits)."""
    from studio.host.executor import JobExecutor
    from studio.web import create_app

    app = create_app(settings)
    runtime = app.extensions["studio"]
    executor = JobExecutor(runtime.host, runtime.engine)
    runtime.executor = executor
    executor.start()
    atexit.register(executor.stop, 5)
    return app
