"""The `studio` command line (also `python -m studio`).

Exit codes everywhere: 0 success, 1 failed checks or tests, 2 unusable input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from studio import __version__
from studio.host.worker_cli import worker
from studio.ops import ops_cli

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


def _terminal_progress(verb: str):
    """A progress line on a terminal's stderr for long runs; nothing on a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < 20:
            return
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{verb} {done}/{total} files{end}")
        sys.stderr.flush()

    return show


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studio")
def main() -> None:
    """Case Studio: model, validate, test, simulate and run CMMN 1.1 cases and BPMN 2.0
    fragments."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def validate(paths: tuple[str, ...], output_format: str) -> None:
    """Check models (files or model-project folders) and list their problems.

    Each problem has a stable code, a severity, the element id and line, and a message.
    Exit code 1 when any error is found, 2 when a path does not exist.
    """
    from studio.editor.validation.report import print_report, validate_paths

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        click.echo(f"studio validate: no such file or folder: {missing[0]}", err=True)
        sys.exit(EXIT_UNUSABLE)
    report = validate_paths([Path(p) for p in paths], progress=_terminal_progress("checked"))
    if not report.files:
        click.echo(
            f"studio validate: no model files (.cmmn, .bpmn, .dmn) in {', '.join(paths)}", err=True
        )
        sys.exit(EXIT_UNUSABLE)
    print_report(report, output_format, sys.stdout)
    sys.exit(EXIT_FAILED if report.errors else EXIT_OK)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="Where to write (default: rewrite PATH in place; '-' for standard output).",
)
@click.option("--layout", is_flag=True, help="Regenerate the diagram (DI) with Graphviz.")
def fmt(path: Path, output: Path | None, layout: bool) -> None:
    """Rewrite a model in canonical, schema-valid form (stable, so it diffs cleanly in git)."""
    from studio.editor.formatting import FormatError, format_model_file

    if not path.exists():
        click.echo(f"studio fmt: no such file: {path}", err=True)
        sys.exit(EXIT_UNUSABLE)
    try:
        data = format_model_file(path, layout=layout)
    except FormatError as exc:
        click.echo(f"studio fmt: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    target = output or path
    target.write_bytes(data)
    click.echo(f"wrote {target}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def test(paths: tuple[str, ...], output_format: str) -> None:
    """Run scenario tests (*.scenario.json files or folders).

    Text output ends with `N passed, M failed`. Exit code 1 when a scenario fails, 2 when one is
    unusable or a path does not exist (the highest over all files).
    """
    from studio.testing import engine_driver

    factory = engine_driver()
    from studio.testing.report import print_report
    from studio.testing.suite import run_paths

    suite = run_paths(paths, factory, progress=_terminal_progress("tested"))
    if not suite.scenarios:
        click.echo(
            f"studio test: no scenario files (*.scenario.json) in {', '.join(paths)}", err=True
        )
    print_report(suite, output_format, sys.stdout)
    sys.exit(suite.exit_code if suite.scenarios else EXIT_UNUSABLE)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained HTML report (charts and a heat map on the diagram).",
)
@click.option(
    "--compare",
    "other",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A second *.sim.json (a what-if): run both and show them side by side.",
)
def simulate(file: Path, output_format: str, out: Path | None, other: Path | None) -> None:
    """Run a simulation (*.sim.json) on the engine in virtual time and print its KPIs.

    Exit code 2 with the file, the place in it and the reason when the simulation file, its
    model or its sample data cannot be used.
    """
    from studio.simulation.command import run_simulate

    sys.exit(run_simulate(file, output_format, out, other))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the web studio and runtime (embedded SQLite by default)."""
    from studio.web.serve import run_server

    sys.exit(run_server(host, port))


@main.command()
@click.argument("path")
@click.option("--key", help="The deployment's name (default: the folder's or zip's name).")
def deploy(path: str, key: str | None) -> None:
    """Deploy a model project (a folder or a zip) to the database of STUDIO_DATABASE_URL.

    The models are validated first: with errors nothing is stored, the problems are listed and
    the exit code is 1. Identical content under the same key is a no-op. Exit code 2 for a
    missing path, unusable input or a database that cannot be used (its URL, driver, server or
    schema).
    """
    import getpass
    from typing import NoReturn

    import sqlalchemy as sa

    from studio.deploy import DeploymentError, FileProblem
    from studio.deploy.deployments import DeploymentStore
    from studio.runtime.config import ConfigError, load_settings
    from studio.runtime.store.base import DatabaseUnusable
    from studio.runtime.store.migrate import current_revision, ensure_migrated, upgrade
    from studio.runtime.store.usable import open_usable
    from studio.runtime.users import UserError, UserStore, ensure_first_admin

    def fail(message: str, code: int) -> NoReturn:
        click.echo(f"studio deploy: {message}", err=True)
        sys.exit(code)

    if not Path(path).exists():
        fail(f"no such file or folder: {path}", EXIT_UNUSABLE)
    try:
        actor = f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        actor = "cli"
    try:
        settings = load_settings()
    except ConfigError as exc:
        fail(str(exc), EXIT_UNUSABLE)
    engine = None
    try:
        engine = open_usable(settings.database_url, **settings.engine_options)
        if settings.embedded and current_revision(engine) is None:
            upgrade(engine)
        ensure_migrated(engine)
        password = settings.admin_password
        generated = ensure_first_admin(
            UserStore(engine, settings.secret_key), password, actor=actor
        )
        if generated:
            click.echo(
                f"created the first user, admin, with the password {generated} (shown once)",
                err=True,
            )
        store = DeploymentStore(engine, settings.instance_path)
        deployment, created, skipped = store.deploy_path(path, key, actor)
    except DeploymentError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        fail(f"{path}: {exc.message}", EXIT_FAILED if exc.problems else EXIT_UNUSABLE)
    except UserError as exc:  # a refused STUDIO_ADMIN_PASSWORD
        fail(f"STUDIO_ADMIN_PASSWORD: {exc}", EXIT_UNUSABLE)
    except DatabaseUnusable as exc:  # its URL, driver, server or schema
        fail(str(exc), EXIT_UNUSABLE)
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        fail(str(exc).strip().splitlines()[0], EXIT_FAILED)
    finally:
        if engine is not None:
            engine.dispose()
    for warning in deployment.problems if created else ():
        click.echo(str(FileProblem(**warning)))
    if skipped:
        click.echo(f"left out (not model-project files): {', '.join(skipped)}", err=True)
    if not created:
        click.echo(f"{deployment.key} is unchanged (version {deployment.version})")
        return
    count = len(deployment.manifest["files"])
    click.echo(
        f"deployed {deployment.key} version {deployment.version} ({count} file"
        f"{'s' if count != 1 else ''}, hash {deployment.content_hash[:8]})"
    )


@main.group()
def db() -> None:
    """Database administration."""


@db.command()
def upgrade() -> None:
    """Create or migrate the database of STUDIO_DATABASE_URL.

    Then, when there is no user yet, create the first user, admin, with STUDIO_ADMIN_PASSWORD or
    a generated password that is shown once.
    """
    from studio.runtime.admin_cli import db_upgrade

    sys.exit(db_upgrade())


@main.group()
def users() -> None:
    """Manage users and their roles."""


@users.command("list")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def users_list(output_format: str) -> None:
    """List users: username, roles, groups, active."""
    from studio.runtime.admin_cli import users_list as run

    sys.exit(run(output_format))


_PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (default: a hidden prompt).",
)


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="A role: analyst, tester, admin or caseworker (repeat for more).",
)
@click.option("--group", "groups", multiple=True, help="A group (repeat for more).")
@_PASSWORD_STDIN
def users_add(
    username: str, roles: tuple[str, ...], groups: tuple[str, ...], password_stdin: bool
) -> None:
    """Add a user with roles (and groups)."""
    from studio.runtime.admin_cli import users_add as run

    sys.exit(run(username, roles, groups, password_stdin))


@users.command("set-role")
@click.argument("username")
@click.argument("roles", nargs=-1, required=True)
def users_set_role(username: str, roles: tuple[str, ...]) -> None:
    """Replace the user's roles with ROLES (analyst, tester, admin, caseworker)."""
    from studio.runtime.admin_cli import users_set_roles

    sys.exit(users_set_roles(username, roles))


@users.command("set-groups")
@click.argument("username")
@click.argument("groups", nargs=-1)
def users_set_groups(username: str, groups: tuple[str, ...]) -> None:
    """Replace the user's groups with GROUPS (none: no groups)."""
    from studio.runtime.admin_cli import users_set_groups as run

    sys.exit(run(username, groups))


@users.command("set-password")
@click.argument("username")
@_PASSWORD_STDIN
def users_set_password(username: str, password_stdin: bool) -> None:
    """Set the user's password; this unlocks the account and revokes its API tokens."""
    from studio.runtime.admin_cli import users_set_password as run

    sys.exit(run(username, password_stdin))


@users.command("deactivate")
@click.argument("username")
def users_deactivate(username: str) -> None:
    """Deactivate a user: no login, no API token works."""
    from studio.runtime.admin_cli import users_set_active

    sys.exit(users_set_active(username, False))


@users.command("activate")
@click.argument("username")
def users_activate(username: str) -> None:
    """Activate a deactivated user again."""
    from studio.runtime.admin_cli import users_set_active

    sys.exit(users_set_active(username, True))


main.add_command(worker)  # studio worker: job executors without the web server
ops_cli.register(main)  # studio backup, restore, retention run, erase

if __name__ == "__main__":  # pragma: no cover
    main()
