"""Opening the database of STUDIO_DATABASE_URL, and words for one that cannot be used.

A malformed URL, a missing driver, an unknown driver, a server that cannot be reached and a
schema that is not migrated (`NotMigrated`) each become one line naming the URL, its password
hidden, and what to do. The commands print it and exit 2; they never show a traceback for it.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from studio.runtime.store.base import DatabaseUnusable
from studio.runtime.store.database import make_engine

INSTALL_POSTGRES = "pip install 'case-studio[postgres]'"
URL_FORM = "sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"


def open_usable(url: str, **options: Any) -> Engine:
    """An engine on `url` whose first connection worked (options go to `make_engine`).

    Raises DatabaseUnusable, in words, when the URL is malformed, its driver missing or unknown,
    or the database cannot be reached; any other failure propagates unchanged."""
    engine: Engine | None = None
    try:
        engine = make_engine(url, **options)
        with engine.connect():
            pass
    except Exception as exc:
        if engine is not None:
            engine.dispose()
        problem = database_problem(url, exc)
        if problem is None:
            raise
        raise DatabaseUnusable(problem) from None
    return engine


def database_problem(url: str, exc: BaseException) -> str | None:
    """One line saying why the database at `url` cannot be used and what to do, or None when
    `exc` is not about the database being usable."""
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError) as bad:
        return (
            f"STUDIO_DATABASE_URL is not a database URL: {hide_password(url)} "
            f"({_parse_failure(bad)}); write it as {URL_FORM}"
        )
    shown = parsed.render_as_string(hide_password=True)
    if isinstance(exc, DatabaseUnusable):
        return str(exc)
    if isinstance(exc, ImportError):
        module = exc.name or _first_line(exc)
        return f"the driver of the database {shown} is missing: {module}{_install_hint(parsed)}"
    if isinstance(exc, sa.exc.NoSuchModuleError):  # a dialect or driver SQLAlchemy does not know
        unknown = str(exc).rpartition(":")[2].strip()
        return f"the driver of the database {shown} is unknown: {unknown} (write {URL_FORM})"
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return f"cannot reach the database {shown}: {_first_line(exc.orig)}; {_reach_hint(parsed)}"
    return None


def hide_password(url: str) -> str:
    """`url` with its password replaced by ***, also when SQLAlchemy cannot parse it."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return re.sub(r"(://[^:/?#@]*):.*@", r"\1:***@", url)


def _parse_failure(exc: BaseException) -> str:
    if isinstance(exc, ValueError) and "int()" in str(exc):
        return "its port is not a number"
    return "it cannot be parsed"


def _install_hint(url: URL) -> str:
    if url.get_backend_name() != "postgresql":
        return ""
    if url.get_driver_name() == "psycopg":
        return f" (PostgreSQL: {INSTALL_POSTGRES})"
    return f" (PostgreSQL: write postgresql+psycopg:// and {INSTALL_POSTGRES})"


def _reach_hint(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return "check that its folder exists and may be written"
    return "check that the server runs and that the URL's host, port, user and password are right"


def _first_line(exc: BaseException | None) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__
