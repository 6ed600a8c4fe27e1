"""Deployed processes with timer start events start on schedule, once per occurrence, and a
newer deployment takes the schedule over."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from studio.deploy.deployments import DeploymentStore
from studio.host.cases import CaseHost
from studio.host.timer_starts import TimerStarts
from studio.runtime.clock import VirtualClock
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.sql import SqlStore

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">
  <process id="Report" name="Daily report" isExecutable="true">
    <startEvent id="every_hour" name="Every hour">
      <timerEventDefinition id="td"><timeCycle xsi:type="tFormalExpression">R{repeats}/PT1H</timeCycle></timerEventDefinition>
    </startEvent>
    <sequenceFlow id="f1" sourceRef="every_hour" targetRef="write"/>
    <userTask id="write" name="Write the report"/>
  </process>
</definitions>
"""


def setup(tmp_path: Path, repeats: int = 3) -> tuple[CaseHost, TimerStarts, DeploymentStore, Path]:
    engine = make_engine(f"sqlite:///{tmp_path / 'studio.db'}")
    upgrade(engine)
    deployments = DeploymentStore(engine, tmp_path / "instance")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.bpmn").write_text(PROCESS.format(repeats=repeats))
    deployments.deploy_folder(folder)
    clock = VirtualClock(datetime.now(UTC))
    host = CaseHost(SqlStore(engine), engine, deployments, clock)
    return host, TimerStarts(host, engine), deployments, folder


def reports(host: CaseHost) -> int:
    return len(host.store.list_cases(definition="Report"))


def test_each_occurrence_of_a_timer_start_starts_one_instance(tmp_path: Path) -> None:
    host, starts, deployments, _ = setup(tmp_path)
    deployed = deployments.latest("reports").created_at
    assert starts.run_once(deployed + timedelta(minutes=30)) == 0
    assert starts.run_once(deployed + timedelta(hours=1)) == 1
    assert starts.run_once(deployed + timedelta(hours=1, minutes=5)) == 0  # not twice
    assert starts.run_once(deployed + timedelta(hours=10)) == 2  # caught up, then R3 is over
    assert starts.run_once(deployed + timedelta(hours=20)) == 0
    assert reports(host) == 3
    view = host.view(host.store.list_cases(definition="Report")[0].id)
    assert {i["name"]: i["state"] for i in view["items"]}["Write the report"] == "active"


def test_two_executors_never_start_one_occurrence_twice(tmp_path: Path) -> None:
    host, starts, deployments, _ = setup(tmp_path, repeats=20)
    other = TimerStarts(host, host.db)
    later = deployments.latest("reports").created_at + timedelta(hours=20)
    counts: list[int] = []
    threads = [
        threading.Thread(target=lambda s=s: counts.append(s.run_once(later)))
        for s in (starts, other)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 20 and reports(host) == 20


def test_a_newer_deployment_takes_the_schedule_over(tmp_path: Path) -> None:
    host, starts, deployments, folder = setup(tmp_path, repeats=5)
    first = deployments.latest("reports")
    assert starts.run_once(first.created_at + timedelta(hours=1)) == 1
    (folder / "report.bpmn").write_text(PROCESS.format(repeats=2).replace("Daily", "Hourly"))
    second, created, _ = deployments.deploy_folder(folder)
    assert created and second.version == 2
    assert starts.run_once(second.created_at + timedelta(hours=5)) == 2  # the new schedule only
    assert reports(host) == 3
