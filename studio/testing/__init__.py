"""Scenario tests (`studio test`): drive the engine through `*.scenario.json` steps."""

from __future__ import annotations

from studio.testing.driver import DriverFactory


def engine_driver() -> DriverFactory:
    """The factory of drivers that run scenarios on the case engine."""
    from studio.testing.case_driver import open_case_driver

    return open_case_driver
