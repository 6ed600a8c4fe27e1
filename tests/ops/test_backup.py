"""Backup and restore: an install backed up while its cases wait for people and timers, restored
into an empty database, goes on exactly as if nothing had happened — every sample scenario
meets every expectation of its remaining steps and reaches its expected end."""

from __future__ import annotations

import gzip
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from studio.cli import main
from studio.host.executor import JobExecutor
from studio.ops.backup import BackupError, backup, read_header, restore
from studio.runtime.clock import VirtualClock
from studio.runtime.store.database import make_engine
from studio.runtime.store.schema import case_timers, cases
from studio.runtime.store.service_tables import deployments, users
from studio.runtime.users import UserStore
from tests.ops.live_scenarios import LiveScenario, count_rows, open_host, sample_scenarios
from tests.runtime.test_store import postgres_engine

__all__ = ["postgres_engine"]  # a fixture


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Path:
    """A database with the sample library deployed, made once and copied by each test."""
    folder = tmp_path_factory.mktemp("deployed")
    open_host(f"sqlite:///{folder / 'studio.db'}", folder / "instance").db.dispose()
    return folder / "studio.db"


def installed(deployed: Path, tmp_path: Path, name: str):
    """A case host on a copy of the deployed database (its own instance folder)."""
    shutil.copyfile(deployed, tmp_path / f"{name}.db")
    return open_host(f"sqlite:///{tmp_path / f'{name}.db'}", tmp_path / name, deploy=False)


def test_every_sample_case_still_runs_after_a_restore_half_way(deployed, tmp_path: Path) -> None:
    before = installed(deployed, tmp_path, "before")
    halted = [LiveScenario(scenario) for scenario in sample_scenarios()]
    for live in halted:
        live.start(before)
        live.run(before, until=len(live.scenario.steps) // 2)
        assert live.failures == [], live.name
    waiting = [live for live in halted if before.unit().view(live.case_id)["state"] == "active"]
    assert len(waiting) > 20, "most cases are still running when the backup is taken"
    assert count_rows(before.db, case_timers) > 5, "some wait for timers"
    archive = tmp_path / "studio-backup.jsonl.gz"
    made = backup(before.db, archive)
    assert made.rows["cases"] == count_rows(before.db, cases)

    after = open_host(f"sqlite:///{tmp_path / 'after.db'}", tmp_path / "after", deploy=False)
    loaded = restore(after.db, archive)
    assert loaded.rows == {name: n for name, n in made.rows.items() if n}
    for live in halted:
        live.run(after)
        assert live.failures == [], live.name  # every expectation after the restore is met
    ended = [live for live in halted if after.unit().view(live.case_id)["state"] != "active"]
    assert len(ended) > 35, "nearly every case ran to its end"


def test_restored_timers_fire_through_the_job_executor_and_tasks_complete(
    deployed, tmp_path: Path
) -> None:
    before = installed(deployed, tmp_path, "before")
    scenario = next(s for s in sample_scenarios() if s.file.startswith("05-electronic-four"))
    live = LiveScenario(scenario)
    live.start(before)
    live.run(before, until=2)  # registered, not in the directory: the assistants are asked
    (timer,) = before.unit().load(live.case_id).state.timers
    archive = tmp_path / "backup.jsonl.gz"
    backup(before.db, archive)

    after = open_host(f"sqlite:///{tmp_path / 'after.db'}", tmp_path / "after", deploy=False)
    restore(after.db, archive)
    after.clock = VirtualClock(timer.due + timedelta(minutes=1))
    executor = JobExecutor(after, after.db, after.clock, "restored")
    assert executor.run_once() == 1
    assert executor.run_once() == 0, "a restored timer fires once"
    assert _states(after, live.case_id)["Four hours without an answer"] == "completed"
    assert _states(after, live.case_id)["Open the letter and decide"] == "active"
    after.unit().act(
        live.case_id, {"complete": "Open the letter and decide", "data": {"search": "found"}}
    )
    assert after.unit().view(live.case_id)["state"] == "completed"


def _states(host, case_id: str) -> dict[str, str]:
    return {item["name"]: item["state"] for item in host.unit().view(case_id)["items"]}


@pytest.mark.postgresql
def test_a_backup_restores_from_sqlite_into_postgresql_and_back(
    deployed, tmp_path: Path, postgres_engine: sa.Engine
) -> None:
    source = installed(deployed, tmp_path, "source")
    scenario = next(s for s in sample_scenarios() if s.file.startswith("07-payment-due-soon"))
    live = LiveScenario(scenario)
    live.start(source)
    live.run(source, until=4)
    UserStore(source.db, b"k" * 32).add("carl", "a-long-password", ["caseworker"])
    first = tmp_path / "first.jsonl.gz"
    backup(source.db, first)
    restore(postgres_engine, first)
    again = tmp_path / "again.jsonl.gz"
    backup(postgres_engine, again)
    back = make_engine(f"sqlite:///{tmp_path / 'back.db'}")
    restore(back, again)
    assert _dump(back) == _dump(source.db)
    with postgres_engine.begin() as connection:  # ids go on after the restored ones
        connection.execute(
            users.insert().values(
                username="new", password_hash="x", roles=[], groups=[], active=True,
                failed_logins=0, created_at=datetime.now(UTC),
            )
        )  # fmt: skip


def _dump(engine: sa.Engine) -> dict[str, list]:
    with engine.connect() as connection:
        return {
            table.name: sorted(map(repr, connection.execute(sa.select(table))))
            for table in (cases, case_timers, deployments, users)
        }


def test_a_database_holding_data_is_not_overwritten_unless_asked(deployed, tmp_path: Path) -> None:
    source = installed(deployed, tmp_path, "a")
    archive = tmp_path / "backup.jsonl.gz"
    backup(source.db, archive)
    other = installed(deployed, tmp_path, "b")
    with pytest.raises(BackupError, match="holds data"):
        restore(other.db, archive)
    restore(other.db, archive, replace=True)
    assert count_rows(other.db, deployments) == 5


def test_a_file_that_is_not_a_backup_is_refused_by_name(tmp_path: Path) -> None:
    junk = tmp_path / "junk.jsonl.gz"
    with gzip.open(junk, "wt") as stream:
        stream.write('{"hello": 1}\n')
    with pytest.raises(BackupError, match=r"junk\.jsonl\.gz: not a Case Studio backup"):
        read_header(junk)


def test_the_backup_and_restore_commands(deployed, tmp_path: Path, monkeypatch) -> None:
    source = installed(deployed, tmp_path, "a")
    source.db.dispose()
    runner = CliRunner()
    monkeypatch.setenv("STUDIO_INSTANCE_PATH", str(tmp_path / "a"))
    monkeypatch.setenv("STUDIO_DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    done = runner.invoke(main, ["backup", str(tmp_path / "out.jsonl.gz")])
    assert done.exit_code == 0, done.output
    assert "deployments" in done.output and "out.jsonl.gz" in done.output
    monkeypatch.setenv("STUDIO_INSTANCE_PATH", str(tmp_path / "b"))
    monkeypatch.setenv("STUDIO_DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    done = runner.invoke(main, ["restore", str(tmp_path / "out.jsonl.gz")])
    assert done.exit_code == 0, done.output
    assert count_rows(make_engine(f"sqlite:///{tmp_path / 'b.db'}"), deployments) == 5
    again = runner.invoke(main, ["restore", str(tmp_path / "out.jsonl.gz")])
    assert again.exit_code == 1 and "--replace" in again.output
    missing = runner.invoke(main, ["restore", str(tmp_path / "nothing.jsonl.gz")])
    assert missing.exit_code == 2 and "nothing.jsonl.gz" in missing.output
