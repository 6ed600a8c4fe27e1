"""The operations commands: `studio backup`, `studio restore`, `studio retention run`,
`studio erase` — straight on the database of STUDIO_DATABASE_URL, no server needed.

Exit codes: 0 done, 1 refused, 2 unusable input or a database that cannot be used (its URL,
driver, server or schema: `studio.runtime.store.usable`). Errors are one line on stderr naming
the file, case, path or database and the reason.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

EXIT_OK, EXIT_REFUSED, EXIT_UNUSABLE = 0, 1, 2


class Unusable(Exception):
    """Input the command cannot use (exit 2)."""


def run(command: str, body: Callable[[Any, Any], None]) -> None:
    """Run `body(settings, engine)`; map every expected failure to one line and an exit code."""
    import sqlalchemy as sa

    from studio.ops.backup import BackupError
    from studio.ops.erasure import ErasureError
    from studio.ops.retention import RetentionError
    from studio.runtime.config import ConfigError, load_settings
    from studio.runtime.store.base import DatabaseUnusable
    from studio.runtime.store.usable import open_usable

    engine = None
    code = EXIT_OK
    try:
        settings = load_settings()
        engine = open_usable(settings.database_url)
        body(settings, engine)
    except (Unusable, ConfigError, DatabaseUnusable) as exc:
        code = _fail(command, str(exc), EXIT_UNUSABLE)
    except (BackupError, ErasureError, RetentionError) as exc:
        code = _fail(command, str(exc), EXIT_REFUSED)
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        code = _fail(command, f"database: {reason}", EXIT_REFUSED)
    except OSError as exc:
        code = _fail(command, str(exc).strip().splitlines()[0], EXIT_REFUSED)
    finally:
        if engine is not None:
            engine.dispose()
    sys.exit(code)


def _fail(command: str, message: str, code: int) -> int:
    click.echo(f"studio {command}: {message}", err=True)
    return code


def actor() -> str:
    """Who runs the command, for the audit trail: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def _progress(verb: str, unit: str) -> Callable[[int], None] | None:
    """A progress line on a terminal's stderr for long runs; nothing on a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int) -> None:
        sys.stderr.write(f"\r{verb} {done:,} {unit}")
        sys.stderr.flush()

    return show


# -- backup and restore --------------------------------------------------------------------------


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup(out: Path) -> None:
    """Back up the database of STUDIO_DATABASE_URL to OUT (gzip JSON Lines), online.

    The file restores into SQLite or PostgreSQL with `studio restore`.
    """

    def body(settings: Any, engine: Any) -> None:
        from studio.ops.backup import backup as make_backup

        if not out.parent.is_dir():
            raise Unusable(f"{out}: no such folder {out.parent}")
        summary = make_backup(engine, out)
        tables = ", ".join(f"{n} {name}" for name, n in summary.rows.items() if n)
        click.echo(f"backed up {summary.total} rows at revision {summary.revision} to {out}")
        click.echo(f"  {tables}")

    run("backup", body)


@click.command()
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Delete what the database holds first.")
def restore(source: Path, replace: bool) -> None:
    """Restore a backup into the database of STUDIO_DATABASE_URL (empty, or --replace).

    All or nothing: a restore that fails leaves the database as it was.
    """

    def body(settings: Any, engine: Any) -> None:
        from studio.ops.backup import restore as load

        if not source.is_file():
            raise Unusable(f"no such file: {source}")
        summary = load(
            engine,
            source,
            replace=replace,
            instance_path=settings.instance_path,
            progress=_progress("restored", "rows"),
        )
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        click.echo(f"restored {summary.total} rows at revision {summary.revision} from {source}")

    run("restore", body)


# -- retention and erasure -----------------------------------------------------------------------


@click.group()
def retention() -> None:
    """Archive and purge the cases that ended long ago."""


@retention.command("run")
@click.option(
    "--older-than",
    help="Purge cases that ended longer ago than this ISO-8601 duration (default: "
    "STUDIO_RETENTION_AFTER), e.g. P90D.",
)
@click.option(
    "--archive",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the purged cases to a .jsonl.gz file in this folder first (default: "
    "STUDIO_RETENTION_ARCHIVE; without either nothing is archived).",
)
@click.option("--dry-run", is_flag=True, help="Only count the cases that would be purged.")
def retention_run(older_than: str | None, archive: Path | None, dry_run: bool) -> None:
    """Archive and purge, once, the cases (with what they started) that ended before the cut-off."""

    def body(settings: Any, engine: Any) -> None:
        from studio.ops.retention import Policy, RetentionError, parse_duration, policy_from
        from studio.runtime.store.migrate import ensure_migrated

        try:
            configured = policy_from()
            keep = parse_duration(older_than) if older_than else None
        except RetentionError as exc:
            raise Unusable(str(exc)) from None
        if keep is None and configured is None:
            raise Unusable("say how long ended cases are kept: --older-than P90D")
        policy = Policy(
            keep or configured.keep,  # type: ignore[union-attr]
            archive or (configured.archive if configured else None),
        )
        ensure_migrated(engine)
        from studio.ops.retention import run_retention

        purge = run_retention(engine, policy, actor(), dry_run=dry_run)
        cut = purge.before.isoformat(timespec="seconds").replace("+00:00", "Z")
        if dry_run:
            click.echo(f"would purge {len(purge.cases)} cases that ended before {cut}")
            return
        where = f", archived to {purge.archive}" if purge.archive else ", not archived"
        click.echo(f"purged {len(purge.cases)} cases that ended before {cut}"
                   f"{where if purge.cases else ''}")  # fmt: skip

    run("retention run", body)


@click.command()
@click.option("--case", "case_id", required=True, help="The case whose data is erased.")
@click.option(
    "--path",
    "paths",
    multiple=True,
    required=True,
    help="A dotted path of the case file, e.g. applicant.email (repeat for more).",
)
def erase(case_id: str, paths: tuple[str, ...]) -> None:
    """Erase one person's data in a case file: the values at the paths become "[erased]", in
    the case, what it started and their history; the audit trail keeps who erased which paths."""

    def body(settings: Any, engine: Any) -> None:
        from studio.ops.erasure import ErasureError
        from studio.ops.erasure import erase as run_erasure
        from studio.runtime.store.migrate import ensure_migrated

        ensure_migrated(engine)
        try:
            done = run_erasure(engine, case_id, paths, actor())
        except ErasureError as exc:
            if exc.status in (400, 404):
                raise Unusable(str(exc)) from None
            raise
        click.echo(
            f"erased {done.values} value{'s' if done.values != 1 else ''} at "
            f"{', '.join(done.paths)} in {len(done.cases)} case"
            f"{'s' if len(done.cases) != 1 else ''} ({', '.join(done.cases)})"
        )

    run("erase", body)


def register(group: click.Group) -> None:
    """Add the operations commands to the `studio` command line."""
    for command in (backup, restore, retention, erase):
        group.add_command(command)
