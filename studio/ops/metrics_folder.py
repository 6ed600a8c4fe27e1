"""The folder `prometheus_client`'s multiprocess mode shares between the processes of one host.

`PROMETHEUS_MULTIPROC_DIR` names it; every `studio serve` and `studio worker` of the host that
should appear in one scrape sets it to the same empty folder before it starts. Each process
writes its figures to files named after its process id; any server answering /metrics sums them.

Histograms and counters of a process that ended keep counting (what it measured happened). Its
"live" gauges (running executors, Socket.IO connections) must not: a process that stops cleanly
removes their files (`leave`), and each scrape removes those of processes that no longer run
(`sweep`), such as a worker killed outright. Process ids are only meaningful on one host, so the
folder must not be shared between hosts (or containers with their own process ids).

This module does not create metrics, so it can check the folder before any metric is made
(`prometheus_client` opens a process's files when the metrics are defined).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from prometheus_client import multiprocess

SETTING = "PROMETHEUS_MULTIPROC_DIR"
LIVE_GAUGE_FILE = re.compile(r"gauge_live[a-z]+_(\d+)\.db")


def configured(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The shared folder, or None when the processes are scraped one by one."""
    value = environ.get(SETTING, "").strip()
    return Path(value) if value else None


def problem(environ: Mapping[str, str] = os.environ) -> str | None:
    """Why the configured folder cannot hold this process's figures, in words; None if it can
    (or none is configured)."""
    folder = configured(environ)
    if folder is None:
        return None
    if not folder.exists():
        return (
            f"{SETTING} names {folder}, which does not exist: make that folder (empty, shared "
            "by the servers and workers of this host) before starting them"
        )
    if not folder.is_dir():
        return f"{SETTING} names {folder}, which is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{SETTING} names {folder}, where this user cannot write"
    return None


def leave(pid: int | None = None, environ: Mapping[str, str] = os.environ) -> None:
    """Remove the live gauges of a process that stops (default: this one)."""
    folder = configured(environ)
    if folder is not None:
        multiprocess.mark_process_dead(os.getpid() if pid is None else pid, str(folder))


def sweep(folder: Path) -> list[int]:
    """Remove the live gauges of the processes that no longer run; their ids."""
    gone = sorted(
        {
            int(found.group(1))
            for found in map(LIVE_GAUGE_FILE.fullmatch, os.listdir(folder))
            if found and not running(int(found.group(1)))
        }
    )
    for pid in gone:
        multiprocess.mark_process_dead(pid, str(folder))
    return gone


def running(pid: int) -> bool:
    """Whether a process with this id runs on this host (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True
