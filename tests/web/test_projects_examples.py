"""An empty install offers the sample library as model projects to open and edit."""

from __future__ import annotations

from pathlib import Path

from studio.runtime.config import load_settings
from studio.web.runtime import SAMPLES, open_runtime


def test_an_empty_install_gets_the_sample_library_as_projects_once(tmp_path: Path) -> None:
    settings = load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path / "instance")})
    runtime = open_runtime(settings, examples=True)
    projects = runtime.projects.list()
    assert {p.key for p in projects} == {p.name for p in SAMPLES.iterdir() if p.is_dir()}
    assert len(projects) == 5
    invoices = runtime.projects.by_key("invoice-processing")
    assert invoices is not None and invoices.name == "Invoice processing"
    assert invoices.created_by == "studio (examples)"
    assert invoices.latest is not None and invoices.latest.author == "studio (examples)"
    files = runtime.projects.files(invoices.id, 1)
    assert {"disputed-invoice.cmmn", "invoice-processing.bpmn", "invoices.jsonl"} <= set(files)
    assert not any(path.endswith((".py", ".svg")) for path in files)
    deployed = runtime.deployments.latest("invoice-processing")
    assert deployed is not None and deployed.content_hash == invoices.latest.content_hash
    runtime.engine.dispose()
    again = open_runtime(settings, examples=True)
    assert len(again.projects.list()) == 5  # not imported twice
    again.engine.dispose()


def test_an_install_with_a_project_gets_no_examples(tmp_path: Path) -> None:
    settings = load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path / "instance")})
    runtime = open_runtime(settings)
    archived = runtime.projects.create("mine")
    runtime.projects.update(archived.id, archived=True)
    runtime.engine.dispose()
    later = open_runtime(settings, examples=True)
    assert [p.key for p in later.projects.list(archived=True)] == ["mine"]
    later.engine.dispose()
