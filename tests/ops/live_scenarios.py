"""The sample library's scenarios run as live cases: deployed, on the SQL store, through the case
host, each on a virtual clock of its own, so that a test can stop them half-way (to back up,
restore, purge...) and carry on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from studio.deploy.deployments import DeploymentStore
from studio.host.cases import ActionError, CaseHost
from studio.runtime.clock import VirtualClock
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.sql import SqlStore
from studio.testing.expectations import check
from studio.testing.scenario_file import ActionStep, ExpectStep, Scenario, load_scenario
from studio.web.runtime import SAMPLES, deploy_examples

CASE_OF_MODEL = {
    "contract.cmmn": "Contract",
    "life_insurance_request.cmmn": "LifeInsuranceRequest",
}
"""The one case of the models whose scenarios leave `case` out."""


def sample_scenarios() -> list[Scenario]:
    return [load_scenario(path) for path in sorted(SAMPLES.glob("*/*.scenario.json"))]


def open_host(database: str | sa.Engine, instance: Path, deploy: bool = True) -> CaseHost:
    """A case host on a database (a URL or an engine; migrated), the sample library deployed
    first."""
    engine = (
        database
        if isinstance(database, sa.Engine)
        else make_engine(database, synchronous="OFF")  # a test database need not survive a crash
    )
    upgrade(engine)
    deployments = DeploymentStore(engine, instance)
    if deploy:
        assert len(deploy_examples(deployments)) == 5
    return CaseHost(SqlStore(engine), engine, deployments, VirtualClock(datetime(2026, 1, 1)))


@dataclass
class LiveScenario:
    """A sample scenario as one live case: where it stands (`done` steps, its clock)."""

    scenario: Scenario
    case_id: str = ""
    now: datetime | None = None
    done: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.scenario.file

    def start(self, host: CaseHost) -> None:
        unit = self._unit(host)
        case = self.scenario.case or CASE_OF_MODEL[self.scenario.model.name]
        self.case_id = unit.start(case, self.scenario.data)

    def run(self, host: CaseHost, until: int | None = None) -> None:
        """Carry out the steps from where it stands up to step `until` (default: all)."""
        steps = self.scenario.steps[self.done : until]
        for step in steps:
            unit = self._unit(host)
            if isinstance(step, ExpectStep):
                self._check(unit, step)
            elif step.action == "advance":
                assert step.duration is not None
                self._advance(unit, self.now + step.duration)
            else:
                self._act(unit, step)
            self.done += 1

    # -- steps ----------------------------------------------------------------------------------

    def _unit(self, host: CaseHost) -> CaseHost:
        unit = host.unit()
        self.now = self.now or self.scenario.start
        unit.clock = VirtualClock(self.now)
        return unit

    def _act(self, unit: CaseHost, step: ActionStep) -> None:
        action: dict[str, Any] = {step.action: step.target}
        if step.data is not None:
            action["data"] = step.data
        try:
            unit.act(self.case_id, action)
        except ActionError as exc:
            if not step.rejected:
                self.failures.append(f"step {step.number}: {step.describe()} refused: {exc}")
            return
        if step.rejected:
            self.failures.append(f"step {step.number}: {step.describe()} was accepted")

    def _advance(self, unit: CaseHost, target: datetime) -> None:
        """Fire the family's timers due by `target` one by one in due order, the clock reading
        each one's due time (as the scenario runner does)."""
        while True:
            due = sorted(
                (timer.due, case_id)
                for case_id in self._family(unit)
                for timer in unit.load(case_id).state.timers
                if timer.due <= target
            )
            fired = 0
            for moment, case_id in due:
                unit.clock.move_to(moment)  # type: ignore[attr-defined]
                fired = unit.fire_timers(case_id, moment)
                if fired:
                    break
            if not fired:
                break
        unit.clock.move_to(target)  # type: ignore[attr-defined]
        self.now = target

    def _family(self, unit: CaseHost) -> list[str]:
        found, waiting = [], [self.case_id]
        while waiting:
            case_id = waiting.pop()
            found.append(case_id)
            waiting.extend(link.child for link in unit.children_of(case_id))
        return found

    def _check(self, unit: CaseHost, step: ExpectStep) -> None:
        """The scenario runner's own check of an `expect` step (case, items, counts, data)."""
        self.failures += [f"step {step.number}: {m}" for m in check(step, _Seen(unit, self))]


@dataclass
class _Seen:
    """A live case as the scenario runner's checks read a case."""

    host: CaseHost
    live: LiveScenario

    def case_state(self) -> str:
        return self.host.load(self.live.case_id).state.state

    def items(self) -> list[Any]:
        return self.host.items(self.live.case_id)

    def data(self) -> dict[str, Any]:
        return self.host.load(self.live.case_id).state.data

    def explain(self, key: str | None) -> str:
        return self.host.explain(self.live.case_id, key)


def count_rows(engine: sa.Engine, table: sa.Table, *where: Any) -> int:
    with engine.connect() as connection:
        query = sa.select(sa.func.count()).select_from(table).where(*where)
        return int(connection.execute(query).scalar_one())
