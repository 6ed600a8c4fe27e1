"""Simulation run ids come from the database, so two server processes never give two runs one id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.simulation_runs import SimulationRunStore
from tests.runtime.test_store import postgres_engine

__all__ = ["postgres_engine"]  # a fixture

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def engine(request, tmp_path) -> sa.Engine:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'studio.db'}")
    else:
        engine = request.getfixturevalue("postgres_engine")
    upgrade(engine)
    return engine


def test_two_processes_reserve_different_ids_and_only_finished_runs_are_listed(engine):
    first, second = SimulationRunStore(engine), SimulationRunStore(engine)  # two processes
    a = first.reserve("ana", "run.sim.json", T0)
    b = second.reserve("ana", "run.sim.json", T0)
    assert a != b
    assert first.of("ana") == [] and first.get(a) is None  # still running
    second.save(b, "ana", "run.sim.json", "{}", {"cases": {"arrived": 3}}, T0, T0)
    first.save(a, "ana", "run.sim.json", "{}", {"cases": {"arrived": 5}}, T0, T0)
    assert {run.id for run in first.of("ana")} == {a, b}
    assert second.get(a).result == {"cases": {"arrived": 5}}
