"""A small in-memory stand-in for the case engine's driver, plausible enough to test the runner."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from studio.testing.driver import ActionRefused, ItemView, UnusableScenario

TRANSITIONS = {
    "complete": {"active": "completed"},
    "occur": {"available": "completed"},
    "start": {"enabled": "active"},
    "disable": {"enabled": "disabled"},
    "reenable": {"disabled": "enabled"},
    "terminate": {"active": "terminated", "enabled": "terminated", "available": "terminated"},
    "suspend": {"active": "suspended"},
    "resume": {"suspended": "active"},
}
TERMINAL = {"completed", "terminated", "failed", "disabled"}


@dataclass
class Spec:
    """A plan item of the fake model."""

    key: str
    plan_item_id: str | None = None
    name: str | None = None
    definition_id: str | None = None
    definition_name: str | None = None
    level: int = 0
    state: str | None = "active"
    """The state it is created in when the case starts; None: not created then."""
    repeat: int = 0
    """How many more instances completing it creates."""
    then: str | None = None
    """The key of an item that its completion activates (created `active` if absent)."""
    timer: timedelta | None = None
    """Occurs that long after the start while `available`."""
    message: str | None = None
    """Completes when this message arrives while it is `active`."""
    discretionary: bool = False
    applicable: bool = True
    required: bool = False

    def __post_init__(self) -> None:
        self.plan_item_id = self.plan_item_id or self.key


@dataclass
class Instance:
    spec: Spec
    state: str
    created: int


@dataclass
class FakeDriver:
    specs: list[Spec]
    leak_on_refuse: bool = False
    """Misbehave: change the case file before refusing."""
    crash_on: str | None = None
    """Raise RuntimeError on this action."""
    started_with: dict[str, Any] | None = None
    started_at: datetime | None = None
    case: str = "active"
    suspended_from: str = "active"
    clock: datetime | None = None
    file: dict[str, Any] = field(default_factory=dict)
    instances: list[Instance] = field(default_factory=list)
    calls: list[tuple[str, Any]] = field(default_factory=list)

    # -- the CaseDriver protocol -------------------------------------------------------------
    def start(self, data: dict[str, Any], at: datetime) -> None:
        self.started_with, self.started_at, self.clock = copy.deepcopy(data), at, at
        self.file = data
        for spec in self.specs:
            if spec.state is not None and not spec.discretionary:
                self._create(spec, spec.state)

    def items(self) -> list[ItemView]:
        return [
            ItemView(
                key=i.spec.key,
                plan_item_id=i.spec.plan_item_id or i.spec.key,
                name=i.spec.name,
                definition_id=i.spec.definition_id,
                definition_name=i.spec.definition_name,
                state=i.state,
                level=i.spec.level,
                created=i.created,
            )
            for i in self.instances
        ]

    def case_state(self) -> str:
        return self.case

    def data(self) -> dict[str, Any]:
        return self.file

    def perform(self, action: str, key: str | None, data: dict[str, Any] | None = None) -> None:
        self.calls.append((action, key))
        if action == self.crash_on:
            raise RuntimeError("boom")
        if key is None:
            return self._case_action(action)
        if self.case != "active":
            self._refuse(f"the case is {self.case}")
        spec = self._spec(key)
        if action == "plan":
            if not (spec.discretionary and spec.applicable):
                self._refuse(f"{key} cannot be planned")
            self._create(spec, "active")
            return
        moves = TRANSITIONS[action]
        instance = next((i for i in self._of(key) if i.state in moves), None)
        if instance is None:
            self._refuse(f"no instance of {key} accepts {action}")
        if data:
            self.file.update(copy.deepcopy(data))
        instance.state = moves[instance.state]
        if instance.state == "completed":
            self._completed(instance)

    def set(self, writes: dict[str, Any]) -> None:
        for path, value in writes.items():
            if path.startswith("locked"):
                self._refuse(f"{path} is read-only")
            *parents, last = path.split(".")
            target = self.file
            for part in parents:
                target = target.setdefault(part, {})
            if value is None:
                target.pop(last, None)
            else:
                target[last] = value

    def advance(self, duration: timedelta) -> None:
        assert self.clock is not None and self.started_at is not None
        self.clock += duration
        for instance in list(self.instances):
            timer = instance.spec.timer
            if timer and instance.state == "available" and self.started_at + timer <= self.clock:
                instance.state = "completed"
                self._completed(instance)

    def message(
        self, name: str, data: dict[str, Any] | None = None, correlation: Any = None
    ) -> None:
        waiting = [i for i in self.instances if i.spec.message == name and i.state == "active"]
        if not waiting:
            raise ActionRefused(f"nothing waits for {name}")
        self.file.update(data or {})
        waiting[0].state = "completed"
        self._completed(waiting[0])

    def signal(self, name: str) -> None:
        raise ActionRefused(f"nothing waits for signal {name}")

    def explain(self, key: str | None) -> str:
        return f"{key or 'the case'} waits for\nsomething"

    # -- optional extras ---------------------------------------------------------------------
    def known_names(self) -> set[str]:
        fields = ("plan_item_id", "name", "definition_id", "definition_name")
        return {getattr(s, f) for s in self.specs for f in fields if getattr(s, f)}

    def discretionary(self) -> list[ItemView]:
        return [
            ItemView(s.key, s.plan_item_id or s.key, s.name, None, None, "discretionary", 0, -1)
            for s in self.specs
            if s.discretionary
        ]

    # -- inside ------------------------------------------------------------------------------
    def _refuse(self, why: str) -> None:
        if self.leak_on_refuse:
            self.file["leaked"] = True
        raise ActionRefused(why)

    def _case_action(self, action: str) -> None:
        if action == "suspend" and self.case == "active":
            self.case = "suspended"
        elif action == "resume" and self.case == "suspended":
            self.case = "active"
        elif action in ("complete", "terminate") and self.case == "active":
            self.case = "completed" if action == "complete" else "terminated"
        else:
            self._refuse(f"the case is {self.case}: cannot {action} it")

    def _spec(self, key: str) -> Spec:
        return next(s for s in self.specs if s.key == key)

    def _of(self, key: str) -> list[Instance]:
        return sorted((i for i in self.instances if i.spec.key == key), key=lambda i: i.created)

    def _create(self, spec: Spec, state: str) -> None:
        self.instances.append(Instance(spec, state, len(self.instances) + 1))

    def _completed(self, instance: Instance) -> None:
        spec = instance.spec
        if spec.repeat and len(self._of(spec.key)) <= spec.repeat:
            self._create(spec, "active")
        if spec.then:
            follower = [i for i in self._of(spec.then) if i.state == "available"]
            if follower:
                follower[0].state = "active"
            else:
                self._create(self._spec(spec.then), "active")
        required = [i for i in self.instances if i.spec.required]
        if required and all(i.state == "completed" for i in required):
            self.case = "completed"


class NamelessDriver(FakeDriver):
    """A driver without the optional extras (`known_names`, `discretionary`)."""

    known_names = None  # type: ignore[assignment]
    discretionary = None  # type: ignore[assignment]


def factory_of(*specs: Spec, driver_class: type[FakeDriver] = FakeDriver, **options: Any):
    """A DriverFactory making a fresh FakeDriver per scenario; `.drivers` keeps them."""
    drivers: list[FakeDriver] = []

    def open_case(model: Path, case: str | None) -> FakeDriver:
        if case == "NoSuchCase":
            raise UnusableScenario(f'{model.name}: no case "{case}"')
        driver = driver_class([copy.deepcopy(s) for s in specs], **options)
        drivers.append(driver)
        return driver

    open_case.drivers = drivers  # type: ignore[attr-defined]
    return open_case


open_case_driver = factory_of(Spec("A", name="A"))
"""Stands in for `studio.testing.case_driver:open_case_driver` in the tests of `engine_driver`."""
