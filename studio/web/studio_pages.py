"""The web studio's pages: the shell every page shares (top bar, navigation, language), the
deployed models and their diagrams.

A page logs in by the session (`page(...)` redirects to the login form without one) and renders a
template extending `studio.html`; its script is an ES module of `frontend/src/` built into
`studio/static/dist/`, served with the hand-written CSS under `/static/` (the app's static folder
is `studio/static`). New pages follow the same pattern: a route here (or in a module like this
one), a template, an entry point.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from studio.deploy.deployments import Deployment, UnknownDeployment
from studio.web import i18n
from studio.web.auth import csrf, current_user, requires, runtime
from studio.web.errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])

STATIC = Path(__file__).resolve().parents[1] / "static"
"""The app's static folder (studio/static): hand-written CSS and images, built bundles in dist/."""
BUILT = STATIC / "dist" / "build.json"
"""Written by the front-end build (`make`): the bundles are there."""
ANY_ROLE = ("admin", "analyst", "tester", "caseworker")
DIAGRAMS = {".bpmn": "bpmn", ".cmmn": "cmmn"}
MEDIA_TYPES = {
    ".bpmn": "application/xml",
    ".cmmn": "application/xml",
    ".dmn": "application/xml",
    ".xml": "application/xml",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".csv": "text/csv",
    ".md": "text/markdown",
}


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    label: Any
    hint: Any
    roles: tuple[str, ...]


ANALYSTS = ("analyst", "tester", "admin")
WORKERS = ("caseworker", "admin")
NAV = (
    NavItem("/projects", lazy_gettext("Projects"),
            lazy_gettext("Model projects: edit, validate and test them."), ANALYSTS),
    NavItem("/worklist", lazy_gettext("Worklist"),
            lazy_gettext("The work waiting for you and your groups."), WORKERS),
    NavItem("/cases", lazy_gettext("Cases"),
            lazy_gettext("Running and closed cases, their history."), WORKERS),
    NavItem("/deployments", lazy_gettext("Deployments"),
            lazy_gettext("Deployed versions of the model projects and their diagrams."), ANY_ROLE),
    NavItem("/simulations", lazy_gettext("Simulations"),
            lazy_gettext("What-if runs of many cases against sample data."), ANALYSTS),
    NavItem("/admin", lazy_gettext("Admin"),
            lazy_gettext("Users, roles and runtime operations."), ("admin",)),
)  # fmt: skip
"""The top bar's links, each shown once a page answers GET at its path (pages come one by one)
and to the users of its roles."""


studio_pages = Blueprint("studio", __name__, template_folder="templates")


def page(*roles: str) -> Callable[[F], F]:
    """Guard a page: the login form without a session, a 403 page without one of `roles`."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("pages.login"))
            if roles and not any(user.has(role) for role in roles):
                return error_page(403, gettext("This page is not open to your roles."))
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def error_page(status: int, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, message=message), status


# -- the shell ------------------------------------------------------------------------------------


@studio_pages.app_context_processor
def shell() -> dict[str, Any]:
    """What `studio.html` shows: navigation for the user, languages, asset URLs."""
    user = current_user()
    return {
        "shell_user": user,
        "nav": _navigation(user) if user is not None else [],
        "languages": i18n.LANGUAGES,
        "language": i18n.select_locale(),
        "asset": lambda path: url_for("static", filename=path),
        "here": _here(),
    }


def _navigation(user: Any) -> list[dict[str, Any]]:
    adapter = current_app.url_map.bind("localhost")
    shown = []
    for item in NAV:
        if not any(user.has(role) for role in item.roles) or not _answers(adapter, item.path):
            continue
        current = request.path == item.path or request.path.startswith(item.path + "/")
        shown.append(
            {"path": item.path, "label": item.label, "hint": item.hint, "current": current}
        )
    return shown


def _answers(adapter: Any, path: str) -> bool:
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return True
    except (NotFound, MethodNotAllowed):
        return False
    return True


def _here() -> str:
    """This page's path and query, to come back to after switching the language."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def _safe_next(target: str | None) -> str:
    """A path of this site to go back to (anything else goes home)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("pages.home")
    return target


@studio_pages.post("/language")
def language() -> Any:
    """Switch the pages' language (kept in the session), back to the page it was asked from."""
    csrf.protect()
    chosen = request.form.get("lang", "")
    if chosen in i18n.LANGUAGES:
        session[i18n.SESSION_KEY] = chosen
    return redirect(_safe_next(request.form.get("next")), 303)


# -- deployed models ------------------------------------------------------------------------------


@studio_pages.get("/deployments")
@page(*ANY_ROLE)
def deployments() -> Any:
    from studio.web.areas.deployments import deployments_page  # the deployments area's page

    return deployments_page()


def _diagrams(deployment: Deployment) -> list[str]:
    """The BPMN and CMMN files declaring the deployment's cases and processes."""
    manifest = deployment.manifest
    files = {e["file"] for section in ("cases", "processes") for e in manifest.get(section, [])}
    return sorted(f for f in files if PurePosixPath(f).suffix.lower() in DIAGRAMS)


@studio_pages.get("/deployments/<int:ident>/diagram/<path:file>")
@page(*ANY_ROLE)
def diagram(ident: int, file: str) -> Any:
    """A deployed BPMN or CMMN diagram, read-only (`?mode=edit`: an editable copy, not saved)."""
    store = runtime().deployments
    try:
        deployment = store.get(ident)
        files = store.files(ident)
    except UnknownDeployment:
        return error_page(404, gettext("There is no deployment %(id)s.", id=ident))
    if file not in files:
        message = gettext(
            "Version %(version)s of %(key)s has no file “%(file)s”.",
            version=deployment.version, key=deployment.key, file=file,
        )  # fmt: skip
        return error_page(404, message)
    notation = DIAGRAMS.get(PurePosixPath(file).suffix.lower())
    if notation is None:
        return error_page(404, gettext("“%(file)s” is not a BPMN or CMMN diagram.", file=file))
    mode = "edit" if request.args.get("mode") == "edit" else "view"
    return render_template(
        "diagram.html",
        deployment=deployment,
        file=file,
        notation=notation,
        mode=mode,
        element=request.args.get("element", ""),
        problems=[p for p in deployment.problems if p.get("file") == file],
        built=BUILT.is_file(),
        strings=_diagram_strings(),
    )


def _diagram_strings() -> dict[str, str]:
    """The diagram page's script's messages, in the page's language ({name}: filled in by it)."""
    return {
        "loading": gettext("Loading the diagram…"),
        "shown": gettext("{count} elements"),
        "warning": gettext("1 import warning"),
        "warnings": gettext("{count} import warnings"),
        "failed": gettext("The diagram could not be shown: {reason}"),
        "changed": gettext("Changed: download the XML to keep your changes."),
        "downloaded": gettext("Downloaded {file}."),
    }


@studio_pages.get("/deployments/<int:ident>/files/<path:file>")
@requires(*ANY_ROLE)
def deployment_file(ident: int, file: str) -> Any:
    """A deployed file's bytes (models as application/xml), never rendered by the browser."""
    try:
        files = runtime().deployments.files(ident)
    except UnknownDeployment:
        raise ApiError(404, "not-found", f"there is no deployment {ident}") from None
    if file not in files:
        raise ApiError(404, "not-found", f"deployment {ident} has no file {file!r}")
    data = files[file]
    media_type = MEDIA_TYPES.get(PurePosixPath(file).suffix.lower(), "application/octet-stream")
    response = send_file(
        io.BytesIO(data),
        mimetype=media_type,
        as_attachment=True,
        download_name=PurePosixPath(file).name,
        etag=hashlib.sha256(data).hexdigest(),
        max_age=0,
        conditional=True,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
