"""Failed logins counted per client address, against password spraying.

The user store locks an account after repeated failures (`studio.runtime.users`); an attacker
trying one password on many accounts never trips that. Here every failed login of a client
address is remembered for `WINDOW`; past `MAX_FAILURES` in that window the address may not try
again until its oldest failure leaves the window. The count is per server process: behind nginx
with `ip_hash` one address always reaches the same process, so it is the address's count.

Behind a proxy the client address is the proxy's unless `STUDIO_TRUSTED_PROXIES=N` says how many
proxies set `X-Forwarded-For` (werkzeug's ProxyFix, applied in the app factory).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from studio.runtime.users import LoginRefused

WINDOW = 600.0
"""Seconds a failed login counts against its address."""
MAX_FAILURES = 30
"""Failed logins one address may make within `WINDOW`."""


class LoginGuard:
    """Remembers failed logins per client address and refuses addresses past the limit."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures, self.window, self.clock = max_failures, window, clock
        self.failures: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def check(self, address: str) -> None:
        """LoginRefused (with the seconds to wait) when `address` failed too often lately."""
        with self.lock:
            recent = self._recent(address)
            if len(recent) >= self.max_failures:
                wait = math.ceil(recent[0] + self.window - self.clock())
                raise LoginRefused(
                    "too many failed logins from this address: try again later", max(wait, 1)
                )

    def failed(self, address: str) -> None:
        """Count a failed login of `address`."""
        with self.lock:
            self._recent(address).append(self.clock())
            if len(self.failures) > 100_000:  # many addresses: forget those with nothing recent
                horizon = self.clock() - self.window
                for other in [a for a, t in self.failures.items() if not t or t[-1] <= horizon]:
                    del self.failures[other]

    def _recent(self, address: str) -> deque[float]:
        times = self.failures.setdefault(address, deque())
        horizon = self.clock() - self.window
        while times and times[0] <= horizon:
            times.popleft()
        return times
