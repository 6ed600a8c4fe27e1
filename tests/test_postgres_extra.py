"""The PostgreSQL driver comes with the `postgres` extra, and a missing driver names that extra."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from studio.cli import main
from studio.runtime.store.database import make_engine
from studio.runtime.store.usable import database_problem

ROOT = Path(__file__).resolve().parents[1]
URL = "postgresql+psycopg://studio:secret@127.0.0.1:9/studio"
INSTALL = "pip install 'case-studio[postgres]'"


@pytest.fixture
def no_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing psycopg fails, as in an install without the extra."""
    monkeypatch.setitem(sys.modules, "psycopg", None)


def test_the_postgres_extra_holds_psycopg_and_dev_installs_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert extras["postgres"] == ["psycopg[binary]>=3.2,<4"]
    assert f"{project['name']}[postgres]" in extras["dev"]
    assert not any(d.startswith("psycopg") for d in project["dependencies"])


def test_studio_serve_without_the_driver_names_the_extra(no_psycopg):
    with pytest.raises(ModuleNotFoundError) as missing:
        make_engine(URL)
    reason = database_problem(URL, missing.value)
    assert reason == (
        "the driver of the database postgresql+psycopg://studio:***@127.0.0.1:9/studio is "
        f"missing: psycopg (PostgreSQL: {INSTALL})"
    )


def test_studio_worker_without_the_driver_names_the_extra(no_psycopg, tmp_path):
    env = {
        "STUDIO_DATABASE_URL": URL,
        "STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
        "STUDIO_SECRET_KEY": "postgres-extra-tests",
    }
    result = CliRunner().invoke(main, ["worker"], env=env)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "studio worker: the driver of the database postgresql+psycopg://studio:***@127.0.0.1:9/"
        f"studio is missing: psycopg (PostgreSQL: {INSTALL})"
    )
    assert "Traceback" not in result.output
