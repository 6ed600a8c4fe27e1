"""Waiting for something the benchmarks started: a server that answers, a queue that empties."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable


def wait_until(ready: Callable[[], bool], seconds: float, every: float) -> bool:
    """Whether `ready()` held within `seconds`, asked every `every` seconds. An exception from
    `ready` (the awaited process exited, say) ends the wait."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return True
        time.sleep(every)
    return False


def answers(port: int, path: str) -> bool:
    """Whether GET `path` on 127.0.0.1:`port` answers 200 (within 2 s)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()
