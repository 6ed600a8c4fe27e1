"""The web studio and runtime service: the Flask app factory.

`create_app()` reads the settings from `STUDIO_*` variables (or takes them), opens the database
(migrating the embedded SQLite file), and registers the blueprints: the REST API under /api/v1,
the login pages, health checks. Security headers go on every response.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify

from studio.runtime.config import Settings, load_settings
from studio.web import errors, i18n, logs
from studio.web.auth import csrf
from studio.web.limits import limit_case_bodies
from studio.web.runtime import Runtime, open_runtime

MAX_UPLOAD = 50 * 1024 * 1024
"""The largest request body (a zipped model project)."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """The application, on `runtime` (built from `settings`, or the environment's)."""
    settings = settings or load_settings()
    app = Flask(__name__, instance_path=str(settings.instance_path), static_folder="../static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_UPLOAD,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_CHECK_DEFAULT=False,
        JSON_SORT_KEYS=False,
    )
    app.extensions["studio"] = runtime or open_runtime(settings)
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    errors.register(app)
    csrf.init_app(app)
    logs.log_requests(app)
    limit_case_bodies(app)
    i18n.init_app(app)

    from studio.web.api import api
    from studio.web.pages import pages
    from studio.web.studio_pages import studio_pages

    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(studio_pages)

    from studio.web import areas

    areas.register(app)

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz() -> Any:
        import sqlalchemy as sa

        try:
            with app.extensions["studio"].engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except Exception:
            return jsonify({"status": "database unavailable"}), 503
        executor = app.extensions["studio"].executor
        if executor is not None and not executor.running:
            return jsonify({"status": "the job executor is not running"}), 503
        return jsonify({"status": "ready"})

    @app.after_request
    def _headers(response: Any) -> Any:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    from studio.web.live import attach

    attach(app)
    return app
