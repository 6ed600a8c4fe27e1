"""The direction of dependencies: the engine core imports neither Flask nor SQLAlchemy, the
notation nothing above it, and only the notation imports lxml."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

STUDIO = Path(__file__).resolve().parents[1] / "studio"


def loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "module",
    [
        "studio.runtime.engine.engine",
        "studio.runtime.engine.process_engine",
        "studio.expressions",
        "studio.simulation.simulator",
        "studio.simulation.command",
    ],
)
def test_the_engine_core_and_the_simulator_load_neither_flask_nor_sqlalchemy(module):
    loaded = loaded_after(f"import {module}")
    assert not {m for m in loaded if m.split(".")[0] in ("flask", "sqlalchemy", "alembic")}


def imports_of(package: Path) -> set[str]:
    found = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
    return found


def test_notation_imports_nothing_above_it():
    above = (
        "studio.runtime",
        "studio.editor",
        "studio.testing",
        "studio.expressions",
        "studio.cli",
    )
    assert not {m for m in imports_of(STUDIO / "notation") if m.startswith(above)}


def test_only_the_notation_imports_lxml():
    for package in STUDIO.iterdir():
        if package.is_dir() and package.name not in ("notation", "__pycache__"):
            offenders = {m for m in imports_of(package) if m.split(".")[0] == "lxml"}
            assert not offenders, f"studio/{package.name} imports lxml"


def test_the_runtime_does_not_import_the_editor_or_the_tests():
    runtime = imports_of(STUDIO / "runtime")
    assert not {
        m for m in runtime if m.startswith(("studio.editor", "studio.testing", "studio.cli"))
    }
