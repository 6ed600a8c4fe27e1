"""Fixtures for scenario tests: a fake model project on disk and a fake engine."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.testing.fake_driver import Spec, factory_of

SPECS = (
    Spec("PI_check", name="Check invoice", definition_id="HT_check", definition_name="Check",
         then="PI_pay", required=True),
    Spec("PI_pay", name="Pay", state="available", required=True),
    Spec("PI_call", name="Call customer", state="enabled"),
    Spec("PI_event", name="Supplier called", state="available"),
    Spec("PI_timer", name="Reminder due", state="available", timer=timedelta(hours=48)),
    Spec("PI_sign", name="Collect signature", repeat=2),
    Spec("PI_expert", name="Ask expert", state=None, discretionary=True),
    Spec("PI_small", name="Small claim expert", state=None, discretionary=True, applicable=False),
    Spec("PI_later", name="Later", state=None),
    Spec("P1_pay", plan_item_id="Task_pay", name="Pay", level=1),
    Spec("P1_wait", plan_item_id="Catch_approved", name="Wait for approval", level=1,
         message="approved"),
)  # fmt: skip


@pytest.fixture
def factory():
    """A fake engine over the SPECS model; `factory.drivers` holds the drivers it opened."""
    return factory_of(*SPECS)


@pytest.fixture
def write(tmp_path: Path):
    """Write a scenario (steps, plus top-level overrides) beside a model file; its path."""
    (tmp_path / "m.cmmn").write_text("<definitions/>")

    def write_scenario(
        steps: list[Any], file: str = "s.scenario.json", raw: str | None = None, **top: Any
    ) -> Path:
        path = tmp_path / file
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "m.cmmn").write_text("<definitions/>")
        document = {"name": path.name.split(".")[0], "model": "m.cmmn", "steps": steps, **top}
        path.write_text(raw if raw is not None else json.dumps(document))
        return path

    return write_scenario
