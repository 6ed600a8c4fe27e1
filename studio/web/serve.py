"""`studio serve`: the studio and runtime on one server process.

Gunicorn serves it where it is available (one worker process, since the embedded SQLite database
and the in-process job executor belong to one process; threads for concurrent requests);
elsewhere Werkzeug's server does. The first admin's generated password is printed once.
"""

from __future__ import annotations

import sys
from typing import Any

THREADS = 32


def run_server(host: str, port: int) -> int:
    from studio.runtime.config import load_settings
    from studio.runtime.store.base import NotMigrated
    from studio.web import create_app

    settings = load_settings()
    try:
        app = create_app(settings)
    except NotMigrated as exc:
        print(f"studio serve: {exc}", file=sys.stderr)
        return 2
    runtime = app.extensions["studio"]
    if runtime.first_password:
        print(
            "studio serve: created the first user, admin, with the password "
            f"{runtime.first_password}\n  (shown once; set STUDIO_ADMIN_PASSWORD to choose it)",
            flush=True,
        )
    print(f"studio serve: http://{host}:{port}  (instance {settings.instance_path})", flush=True)
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # pragma: no cover - gunicorn is a dependency on POSIX
        app.run(host=host, port=port, threaded=True)
        return 0

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": 1,
                "worker_class": "gthread",
                "threads": THREADS,
                "accesslog": "-",
                "errorlog": "-",
                "loglevel": "info",
                "timeout": 60,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    _Server().run()
    return 0
