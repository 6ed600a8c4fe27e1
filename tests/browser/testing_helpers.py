"""Fixtures of the scenario and simulation browser tests: the invoice sample imported as a
project of its own, a tester, and waiting for the pages' asynchronous work."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from studio.editor.projects.importing import read_folder
from tests.browser.conftest import PASSWORD, SAMPLE

TESTER = "tina"
PROJECT_KEY = "testing-invoices"


def import_invoice_project(studio: Any) -> int:
    """The invoice sample as a project (key testing-invoices), with a tester: its id."""
    runtime = studio.extensions["studio"]
    with contextlib.suppress(Exception):  # already there (another module added it)
        runtime.users.add(TESTER, PASSWORD, ["tester"])
    store = runtime.projects
    found = store.by_key(PROJECT_KEY)
    if found is not None:
        return found.id
    files = read_folder(Path(SAMPLE), store.limits).files
    return store.create(PROJECT_KEY, "Invoices (tests)", "test", files, "imported").id


def newest_version(studio: Any, project_id: int) -> int:
    versions = studio.extensions["studio"].projects.versions(project_id)
    return max(v.number for v in versions)
