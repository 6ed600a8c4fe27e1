"""Settings from STUDIO_* variables: what several server processes of one install share."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from studio.runtime.config import load_settings

PROCESSES = 8


def test_processes_starting_together_on_one_instance_folder_agree_on_its_secret(
    tmp_path: Path,
) -> None:
    for trial in range(10):  # a lost race showed in about one start of four before the fix
        instance = tmp_path / str(trial)
        keys = set(start_together(instance))
        assert len(keys) == 1, keys
        assert len(next(iter(keys))) == 64
        assert [p.name for p in instance.iterdir()] == ["secret_key"]


def test_a_given_secret_key_and_redis_channel_are_used() -> None:
    settings = load_settings(
        {"STUDIO_INSTANCE_PATH": "/tmp", "STUDIO_SECRET_KEY": "shared", "STUDIO_REDIS_CHANNEL": "a"}
    )
    assert settings.secret_key == b"shared" and settings.redis_channel == "a"


def start_together(instance: Path) -> list[bytes | str]:
    """The secret key each of PROCESSES processes reads, all starting at one moment."""
    context = multiprocessing.get_context("fork")
    barrier, answers = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(target=_read_secret, args=(str(instance), barrier, answers))
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    found = [answers.get(timeout=30) for _ in processes]
    for process in processes:
        process.join()
    return found


def _read_secret(instance: str, barrier, answers) -> None:
    barrier.wait()
    try:
        answers.put(load_settings({"STUDIO_INSTANCE_PATH": instance}).secret_key)
    except Exception as exc:  # the failure is the answer the test shows
        answers.put(repr(exc))
