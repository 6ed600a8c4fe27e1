"""The machine a benchmark ran on, in one line (the benchmarks print it with their figures)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    """CPU model and count, platform, Python version and implementation."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu} x{os.cpu_count()}, {platform.platform()}, "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )
