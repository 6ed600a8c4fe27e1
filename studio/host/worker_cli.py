"""`studio worker`: fire due timers and start scheduled processes without serving the web.

It works on the database of `STUDIO_DATABASE_URL` (migrated with `studio db upgrade`; the
embedded SQLite file is migrated here, as by `studio serve`). Case changes reach the browsers of
the servers through Socket.IO's message queue when `STUDIO_REDIS_URL` is set; its figures (timer
lag, job outcomes, running executors) reach the /metrics of the servers of its host through the
folder of `PROMETHEUS_MULTIPROC_DIR` (`studio.ops.metrics_folder`).
"""

from __future__ import annotations

import sys
from datetime import timedelta

import click

EXIT_UNUSABLE = 2
MAX_CONCURRENCY = 8
"""Executors share the process's connection pool (SQLAlchemy's default: 15 connections), and a
firing may hold two at once."""


@click.command("worker")
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, MAX_CONCURRENCY),
    help="Job executors in this process (threads, each with its own claims); more processes "
    "scale further.",
)
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.01),
    help="Seconds between two rounds of an executor when nothing was due.",
)
@click.option(
    "--lease",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1),
    help="Seconds a claim holds; a dead worker's claims are taken over after it.",
)
@click.option(
    "--max-attempts",
    default=5,
    show_default=True,
    type=click.IntRange(1),
    help="Attempts of a failing case's timers before an incident is recorded on it.",
)
@click.option(
    "--backoff",
    default=2.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds before the first retry of a failed attempt (doubling each time).",
)
def worker(
    concurrency: int, interval: float, lease: float, max_attempts: int, backoff: float
) -> None:
    """Run job executors without the web server (timers, scheduled process starts).

    Start as many as needed beside `studio serve` (with STUDIO_EXECUTOR=off there) on one
    PostgreSQL database: they share the due jobs, never two on one case. Stops on SIGTERM or
    Ctrl+C after the cases in hand.
    """
    sys.exit(run_worker(concurrency, interval, lease, max_attempts, backoff))


def run_worker(
    concurrency: int, interval: float, lease: float, max_attempts: int, backoff: float
) -> int:
    """Build the runtime as a server does, then run the worker until stopped; the exit code."""
    from studio.ops import metrics_folder
    from studio.runtime.config import ConfigError, load_settings
    from studio.runtime.store.base import NotMigrated
    from studio.runtime.store.startup_lock import StartupLockTimeout
    from studio.runtime.store.usable import database_problem

    try:
        settings = load_settings()
    except ConfigError as exc:
        click.echo(f"studio worker: {exc}", err=True)
        return EXIT_UNUSABLE
    problem = metrics_folder.problem()  # checked before any metric opens its file there
    if problem is not None:
        click.echo(f"studio worker: {problem}", err=True)
        return EXIT_UNUSABLE
    if metrics_folder.configured() is None:
        click.echo(
            f"studio worker: {metrics_folder.SETTING} is not set, so /metrics does not show the "
            "timers this worker fires (set it to the folder of the servers of this host)",
            err=True,
        )
    from studio.host.worker import Worker

    try:
        from studio.web import create_app

        app = create_app(settings)  # the same listeners as a server's (live pushes, worklist)
    except (NotMigrated, StartupLockTimeout) as exc:
        click.echo(f"studio worker: {exc}", err=True)
        return EXIT_UNUSABLE
    except Exception as exc:
        reason = database_problem(settings.database_url, exc)
        if reason is None:
            raise
        click.echo(f"studio worker: {reason}", err=True)
        return EXIT_UNUSABLE
    runtime = app.extensions["studio"]
    runner = Worker(
        runtime.host,
        concurrency,
        interval,
        lease=timedelta(seconds=lease),
        max_attempts=max_attempts,
        backoff=timedelta(seconds=backoff),
    )
    runner.stop_on_signals()
    database = runtime.engine.url.render_as_string(hide_password=True)
    click.echo(f"studio worker: {concurrency} executor(s) on {database}", err=True)
    try:
        runner.run()
    finally:
        metrics_folder.leave()
    click.echo(f"studio worker: stopped ({runner.fired} timers fired)", err=True)
    runtime.engine.dispose()
    return 0
