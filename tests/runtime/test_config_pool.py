"""A server database's connection pool is sized from the environment (PostgreSQL's
max_connections is shared by every process); a bad value is one line and exit 2, not a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studio.runtime.config import ConfigError, load_settings
from studio.runtime.store.database import make_engine

PG = "postgresql+psycopg://studio@127.0.0.1:5432/studio"


def test_the_pool_of_a_server_database_follows_the_settings(tmp_path):
    env = {"STUDIO_INSTANCE_PATH": str(tmp_path), "STUDIO_DATABASE_URL": PG}
    default = load_settings(env)
    assert default.engine_options == {"pool_size": 5, "max_overflow": 10}
    small = load_settings(
        env | {"STUDIO_DATABASE_POOL_SIZE": "2", "STUDIO_DATABASE_MAX_OVERFLOW": "0"}
    )
    engine = make_engine(small.database_url, **small.engine_options)  # no connection yet
    assert engine.pool.size() == 2 and engine.pool._max_overflow == 0
    engine.dispose()
    assert load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path)}).engine_options == {}  # SQLite


def test_a_pool_size_out_of_range_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="STUDIO_DATABASE_POOL_SIZE must be a number of "
                                          "connections from 1 to 100, not '0'"):  # fmt: skip
        load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path), "STUDIO_DATABASE_POOL_SIZE": "0"})


def test_the_commands_say_so_in_one_line_and_exit_2(tmp_path):
    env = {"STUDIO_INSTANCE_PATH": str(tmp_path), "STUDIO_DATABASE_MAX_OVERFLOW": "lots",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    for command in (["users", "list"], ["worker"], ["backup", str(tmp_path / "b.gz")]):
        done = subprocess.run([sys.executable, "-m", "studio", *command], env=env,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.strip().count("\n") == 0
        assert "STUDIO_DATABASE_MAX_OVERFLOW must be a number" in done.stderr
