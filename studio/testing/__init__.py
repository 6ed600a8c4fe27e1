"""Scenario tests (`studio test`): drive the engine through `*.scenario.json` steps."""

from __future__ import annotations

import importlib
import importlib.util

from studio.testing.driver import DriverFactory

ENGINE_DRIVER = "studio.runtime.driver"


def engine_driver() -> DriverFactory | None:
    """The engine's driver factory (`studio.runtime.driver:open_case_driver`), None until the
    engine provides it. Errors inside an existing engine module are not hidden."""
    try:
        if importlib.util.find_spec(ENGINE_DRIVER) is None:
            return None
    except ModuleNotFoundError:
        return None
    module = importlib.import_module(ENGINE_DRIVER)
    return getattr(module, "open_case_driver", None)
