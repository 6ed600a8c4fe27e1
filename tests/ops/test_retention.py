"""Retention: cases that ended before the cut-off are archived (with their history and what they
started) and purged; running cases and recently ended ones stay and run on; the job executor
runs it once a day when it is configured."""

from __future__ import annotations

import copy
import gzip
import json
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from studio.cli import main
from studio.host.cases import CaseHost
from studio.host.executor import JobExecutor
from studio.ops.erasure import MARKER, erase
from studio.ops.metrics import DatabaseFigures
from studio.ops.retention import DailyRetention, Policy, RetentionError, run_retention
from studio.ops.retention import policy_from as retention_policy
from studio.runtime import audit
from studio.runtime.clock import VirtualClock
from studio.runtime.store.schema import case_history, cases
from studio.runtime.store.service_tables import case_links
from tests.ops.live_scenarios import LiveScenario, count_rows, open_host, sample_scenarios
from tests.runtime.test_store import postgres_engine

__all__ = ["postgres_engine"]  # a fixture

PICKED = (
    "03-electronic-found-in-the-directory.scenario.json",  # ends at once
    "05-electronic-four-hours-without-an-answer.scenario.json",  # a timer, then ends
    "main-path.scenario.json",  # starts processes, ends closed
    "supply_contract_through_its_life.scenario.json",  # long: stopped half-way, still running
)
LATER = timedelta(days=91)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, LiveScenario]]:
    """An install made once: the picked cases, all ended but one."""
    folder = tmp_path_factory.mktemp("template")
    host = open_host(f"sqlite:///{folder / 'studio.db'}", folder / "instance")
    lives = {s.file: LiveScenario(s) for s in sample_scenarios() if s.file in PICKED}
    for name, live in lives.items():
        live.start(host)
        live.run(host, until=None if name != PICKED[3] else 10)
        assert live.failures == [], name
    host.db.dispose()  # the last connection closed: the WAL is folded into the file
    return folder, lives


@pytest.fixture
def install(template, tmp_path: Path) -> tuple[CaseHost, dict[str, LiveScenario]]:
    """A copy of the template install for one test."""
    folder, lives = template
    shutil.copyfile(folder / "studio.db", tmp_path / "studio.db")
    host = open_host(f"sqlite:///{tmp_path / 'studio.db'}", tmp_path / "instance", deploy=False)
    yield host, copy.deepcopy(lives)
    host.db.dispose()


def _exists(host: CaseHost, case_id: str) -> bool:
    return count_rows(host.db, cases, cases.c.id == case_id) == 1


def test_ended_cases_are_archived_with_their_history_and_purged(install, tmp_path: Path) -> None:
    host, lives = install
    ended = [live.case_id for name, live in lives.items() if name != PICKED[3]]
    running = lives[PICKED[3]]
    families = {case_id: _family(host, case_id) for case_id in ended}
    assert len(families[lives["main-path.scenario.json"].case_id]) > 1, "it started processes"
    purged = [case_id for family in families.values() for case_id in family]
    history = {case_id: count_rows(host.db, case_history, case_history.c.case_id == case_id)
               for case_id in purged}  # fmt: skip

    policy = Policy(timedelta(days=90), tmp_path / "archive")
    soon = run_retention(host.db, policy, "ops", datetime.now(UTC) + timedelta(days=1))
    assert soon.cases == () and soon.archive is None, "nothing ended 90 days ago yet"

    done = run_retention(host.db, policy, "ops", datetime.now(UTC) + LATER)
    assert sorted(done.cases) == sorted(purged)
    assert not any(_exists(host, case_id) for case_id in purged)
    assert count_rows(host.db, case_history, case_history.c.case_id.in_(purged)) == 0
    assert count_rows(host.db, case_links, case_links.c.child_id.in_(purged)) == 0
    with gzip.open(done.archive, "rt") as stream:
        archived = [json.loads(line) for line in stream]
    assert sorted(r["case"]["id"] for r in archived) == sorted(purged)
    for record in archived:
        assert len(record["history"]) == history[record["case"]["id"]]
        assert record["case"]["state"] in ("completed", "terminated", "closed")
    entry, first = audit.entries(host.db, action="retention.purge")  # newest first
    assert entry["actor"] == "ops" and entry["details"]["cases"] == len(purged)
    assert first["details"]["cases"] == 0, "a run that purges nothing is in the trail too"

    assert _exists(host, running.case_id)
    running.run(host)  # the case still running is whole: it runs to its end
    assert running.failures == []


def _family(host: CaseHost, case_id: str) -> list[str]:
    found = [case_id]
    for link in host.children_of(case_id):
        found += _family(host, link.child)
    return found


def test_a_family_with_a_member_still_running_is_kept(install, tmp_path: Path) -> None:
    host, lives = install
    top = lives["main-path.scenario.json"].case_id
    child = host.children_of(top)[0].child
    with host.db.begin() as connection:  # a detached process that still runs
        connection.execute(sa.update(cases).where(cases.c.id == child).values(state="active"))
    mail = [live.case_id for name, live in lives.items() if name.startswith("0")]
    mail_families = sorted(c for case_id in mail for c in _family(host, case_id))
    done = run_retention(host.db, Policy(timedelta(days=90)), "ops", datetime.now(UTC) + LATER)
    assert top not in done.cases and _exists(host, top) and _exists(host, child)
    assert sorted(done.cases) == mail_families
    assert done.archive is None, "no archive folder: purged only"


def test_the_retention_command(install, tmp_path: Path, monkeypatch) -> None:
    host, _ = install
    monkeypatch.setenv("STUDIO_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("STUDIO_DATABASE_URL", host.db.url.render_as_string(hide_password=False))
    runner = CliRunner()
    dry = runner.invoke(main, ["retention", "run", "--older-than", "PT0S", "--dry-run"])
    assert dry.exit_code == 2 and "positive" in dry.output
    dry = runner.invoke(main, ["retention", "run", "--older-than", "P1D", "--dry-run"])
    assert dry.exit_code == 0 and "would purge 0 cases" in dry.output  # they ended today
    host.db.dispose()
    time.sleep(1.1)
    archive = tmp_path / "archive"
    done = runner.invoke(
        main, ["retention", "run", "--older-than", "PT1S", "--archive", str(archive)]
    )
    assert done.exit_code == 0, done.output
    assert done.output.startswith("purged ") and str(archive) in done.output
    assert len(list(archive.glob("cases-*.jsonl.gz"))) == 1
    unsaid = runner.invoke(main, ["retention", "run"])
    assert unsaid.exit_code == 2 and "--older-than" in unsaid.output
    bad = runner.invoke(main, ["retention", "run", "--older-than", "90 days"])
    assert bad.exit_code == 2 and "'90 days' is not an ISO-8601 duration" in bad.output


def test_the_job_executor_runs_retention_once_a_day(install, tmp_path: Path, monkeypatch) -> None:
    host, _ = install
    monkeypatch.setenv("STUDIO_RETENTION_AFTER", "P90D")
    monkeypatch.setenv("STUDIO_RETENTION_ARCHIVE", str(tmp_path / "archive"))
    assert retention_policy() == Policy(timedelta(days=90), tmp_path / "archive")
    clock = VirtualClock(datetime.now(UTC) + LATER)
    executor = JobExecutor(host, host.db, clock, "daily", interval=0.01)
    assert [type(op) for op in executor.periodic] == [DailyRetention]
    executor.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while not audit.entries(host.db, action="retention.purge"):
            assert datetime.now(UTC) < deadline, "the executor ran retention"
    finally:
        executor.stop(5)
    other = DailyRetention(host.db, Policy(timedelta(days=90)), owner="another process")
    assert other(clock.now()) is None, "done today"
    assert other(clock.now() + timedelta(days=1, minutes=1)) is not None, "due again tomorrow"
    assert len(audit.entries(host.db, action="retention.purge")) == 2


def test_a_retention_setting_that_is_not_a_duration_is_named() -> None:
    with pytest.raises(RetentionError, match="STUDIO_RETENTION_AFTER: '3 months'"):
        retention_policy({"STUDIO_RETENTION_AFTER": "3 months"})
    assert retention_policy({}) is None


@pytest.mark.postgresql
def test_retention_erasure_and_the_figures_on_postgresql(postgres_engine, tmp_path: Path) -> None:
    host = open_host(postgres_engine, tmp_path / "instance")
    lives = {s.file: LiveScenario(s) for s in sample_scenarios() if s.file in PICKED}
    for name, live in lives.items():
        live.start(host)
        live.run(host, until=None if name != PICKED[3] else 10)
    running = lives[PICKED[3]].case_id
    erased = erase(host.db, running, ["contract.business_owner.name"], "admin")
    assert erased.values >= 1
    assert host.unit().view(running)["data"]["contract"]["business_owner"]["name"] == MARKER
    figures = {f.name: f.samples for f in DatabaseFigures(host.db).collect()}
    assert [s.value for s in figures["studio_open_cases"]] == [1]
    done = run_retention(host.db, Policy(timedelta(days=90)), "ops", datetime.now(UTC) + LATER)
    assert running not in done.cases and len(done.cases) > 3
    assert count_rows(host.db, cases) == len(_family(host, running))
