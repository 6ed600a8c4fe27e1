"""Finished simulation runs in the database (table `simulation_runs`, migration 0006), so a
server restart keeps every report: who ran which sim file of which project version, when, with
what result. The simulation package itself stays free of SQLAlchemy: the web layer stores here
what its `SimulationJobs` finished."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from studio.runtime.store.service_tables import simulation_runs

PREFIX = "sim-"
"""A run is named `sim-<number>`, the number of the row `reserve` inserted when it started: unique
across every server process of one database."""


@dataclass(frozen=True)
class StoredRun:
    """One finished run as stored."""

    id: str
    user: str
    started: datetime
    finished: datetime
    file: str
    spec: str
    origin: dict[str, Any] | None
    result: dict[str, Any]


class SimulationRunStore:
    """Stores and reads finished simulation runs."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def reserve(self, user: str, file: str, started: datetime) -> str:
        """A new run's id, `sim-<number>`, from a row inserted for it (no result yet)."""
        row = {"username": user, "file": file, "spec": "", "started_at": started}
        with self.engine.begin() as connection:
            number = connection.execute(
                simulation_runs.insert().values(**row).returning(simulation_runs.c.id)
            ).scalar_one()
        return f"{PREFIX}{number}"

    def save(
        self,
        run_id: str,
        user: str,
        file: str,
        spec: str,
        result: dict[str, Any],
        started: datetime,
        finished: datetime,
        origin: dict[str, Any] | None = None,
    ) -> str:
        """Store a finished run under the id `reserve` gave it; that id."""
        number = _number(run_id)
        if number is None:
            raise ValueError(f"a simulation run id is {PREFIX}<number>, not {run_id!r}")
        row = {
            "username": user, "file": file, "spec": spec, "result": result,
            "origin": origin, "started_at": started, "finished_at": finished,
        }  # fmt: skip
        with self.engine.begin() as connection:
            updated = connection.execute(
                simulation_runs.update().where(simulation_runs.c.id == number).values(**row)
            ).rowcount
            if not updated:
                connection.execute(simulation_runs.insert().values(id=number, **row))
        return run_id

    def of(self, user: str, limit: int = 50) -> list[StoredRun]:
        """The user's newest runs first."""
        query = (
            sa.select(simulation_runs)
            .where(simulation_runs.c.username == user, simulation_runs.c.result.is_not(None))
            .order_by(simulation_runs.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [_run(row) for row in connection.execute(query)]

    def get(self, run_id: str) -> StoredRun | None:
        """The run named `sim-<number>`, or None."""
        number = _number(run_id)
        if number is None:
            return None
        query = sa.select(simulation_runs).where(
            simulation_runs.c.id == number, simulation_runs.c.result.is_not(None)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _run(row)


def _run(row: sa.Row) -> StoredRun:
    return StoredRun(
        id=f"{PREFIX}{row.id}",
        user=row.username,
        started=row.started_at,
        finished=row.finished_at,
        file=row.file,
        spec=row.spec,
        origin=row.origin,
        result=row.result,
    )


def _number(run_id: str) -> int | None:
    number = run_id.removeprefix(PREFIX)
    return int(number) if run_id.startswith(PREFIX) and number.isdigit() else None
