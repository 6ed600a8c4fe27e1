"""Service tasks in simulation call nothing: a handler could reach the real world."""

from __future__ import annotations

from typing import Any

from studio.runtime.services import ServiceContext, ServiceRegistry


class SimulatedServices(ServiceRegistry):
    """Every service task completes at once and writes nothing (a task `work` names is held
    instead and completes with the outputs drawn for it)."""

    def call(
        self, name: str, variables: dict[str, Any], context: ServiceContext
    ) -> dict[str, Any] | None:
        return None


NO_SERVICES = SimulatedServices()
