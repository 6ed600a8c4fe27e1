"""An empty install offers the sample library: `studio serve` deploys it as examples."""

from __future__ import annotations

from pathlib import Path

from studio.runtime.config import load_settings
from studio.web.runtime import SAMPLES, open_runtime


def test_an_empty_install_gets_the_sample_library_deployed_once(tmp_path: Path) -> None:
    settings = load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path / "instance")})
    runtime = open_runtime(settings, examples=True)
    keys = {d.key for d in runtime.deployments.list()}
    projects = {p.name for p in SAMPLES.iterdir() if p.is_dir()}
    assert keys == projects and len(keys) == 5
    assert runtime.deployments.latest("invoice-processing").created_by == "studio (examples)"
    runtime.engine.dispose()
    again = open_runtime(settings, examples=True)
    assert len(again.deployments.list()) == 5  # not deployed twice
    again.engine.dispose()
