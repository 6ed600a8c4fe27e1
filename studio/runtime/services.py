"""Service handlers for BPMN service tasks: Python callables installed as package entry points.

A package registers handlers in the entry-point group `studio.services`; a service task names
one with `implementation="name"`. A handler is `handler(variables, context) -> dict | None`: it
gets a copy of the process variables and a `ServiceContext`; a returned dict is written to the
variables. Each call runs in a thread with a deadline (a timeout is a failure). The engine calls
through a `ServiceRegistry` it is given, so its core stays free of IO and of installed code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import EntryPoint, entry_points
from typing import Any

GROUP = "studio.services"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """What a handler knows about its call; `idempotency_key` is the same for every attempt."""

    instance_id: str
    node_id: str
    idempotency_key: str
    attempt: int
    now: datetime


Handler = Callable[[dict[str, Any], ServiceContext], "dict[str, Any] | None"]


class ServiceFailure(Exception):
    """A handler raised, timed out or returned something other than a dict or None."""


class ServiceRegistry:
    """Named handlers (entry points loaded on first use), each call with a timeout."""

    def __init__(
        self,
        handlers: Mapping[str, Handler | EntryPoint] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        self._handlers: dict[str, Handler | EntryPoint] = dict(handlers or {})
        self.timeout = timeout
        self.retries = max(1, retries)

    @classmethod
    def installed(cls) -> ServiceRegistry:
        """The handlers of the `studio.services` entry points (read once per process)."""
        global _INSTALLED
        if _INSTALLED is None:
            _INSTALLED = cls({ep.name: ep for ep in entry_points(group=GROUP)})
        return _INSTALLED

    def names(self) -> list[str]:
        return sorted(self._handlers)

    def get(self, name: str) -> Handler | None:
        """The handler `name` (an entry point is loaded the first time), or None."""
        found = self._handlers.get(name)
        if isinstance(found, EntryPoint):
            found = found.load()
            self._handlers[name] = found
        return found

    def call(
        self, name: str, variables: dict[str, Any], context: ServiceContext
    ) -> dict[str, Any] | None:
        """One attempt: the handler's result, or ServiceFailure (raised, timed out, bad result)."""
        handler = self.get(name)
        if handler is None:
            raise ServiceFailure(f"no service handler {name!r} is installed")
        outcome: dict[str, Any] = {}

        def attempt() -> None:
            try:
                outcome["result"] = handler(variables, context)
            except Exception as exc:  # a handler's failure, whatever it is
                outcome["error"] = exc

        worker = threading.Thread(target=attempt, name=f"service {name}", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():  # the thread is abandoned; the handler should be idempotent
            raise ServiceFailure(f"timed out after {self.timeout:g} s")
        if "error" in outcome:
            exc = outcome["error"]
            raise ServiceFailure(f"{type(exc).__name__}: {exc}")
        result = outcome.get("result")
        if result is not None and not isinstance(result, dict):
            raise ServiceFailure(f"returned a {type(result).__name__}, not a dict or None")
        return result


_INSTALLED: ServiceRegistry | None = None


def echo(variables: dict[str, Any], context: ServiceContext) -> dict[str, Any]:
    """A built-in handler for tests and demos: `echo` gets the variable `message` (if any)
    and the call's idempotency key."""
    return {"echo": variables.get("message"), "echo_key": context.idempotency_key}
