"""Live validation while editing: POST /api/v1/projects/{id}/validate with an unsaved edit.

Target (issue 7): well under 1 s, so the editor shows problem markers within a second of an edit.
Measured end to end on the Flask app (a temporary SQLite instance, bearer token, JSON in and out)
and for the validation alone (`validate_files`), on a generated 300-plan-item CMMN model, a
300-element BPMN model, and the largest project of the sample library with one model edited.
Run: .venv/bin/python benchmarks/bench_validate.py [--runs 15]
Prints the median and best of the timed runs (one warm-up run first, not counted).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import bpmn_model, cmmn_model
from machine import machine

from studio.editor.projects.importing import read_folder
from studio.editor.projects.validating import overlaid, validate_files
from studio.runtime.config import load_settings
from studio.web import create_app
from studio.web.runtime import SAMPLES

PASSWORD = "bench-password-1"


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and best wall time of `call` in milliseconds (after one warm-up call)."""
    call()
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


def edited(data: bytes) -> str:
    """The model as the editor would send it after an edit: a renamed element."""
    text = data.decode()
    return text.replace('name="', 'name="Edited ', 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    settings = load_settings(
        {"STUDIO_INSTANCE_PATH": str(instance), "STUDIO_ADMIN_PASSWORD": PASSWORD}
    )
    app = create_app(settings)
    client = app.test_client()
    answer = client.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {answer.get_json()['token']}"}
    sample = max((p for p in SAMPLES.iterdir() if p.is_dir()), key=lambda p: len(list(p.iterdir())))
    sample_files = read_folder(sample).files
    sample_model = next(p for p in sorted(sample_files) if p.endswith(".cmmn"))
    cases = [
        ("CMMN, 300 plan items", {"big.cmmn": cmmn_model(300)}, "big.cmmn"),
        ("BPMN, 300 elements", {"big.bpmn": bpmn_model(300)}, "big.bpmn"),
        (f"sample {sample.name}", sample_files, sample_model),
    ]
    print(machine())
    print(f"{'project':<36}{'models':>7}{'validate ms':>13}{'REST ms':>9}{'best REST ms':>14}")
    for label, files, path in cases:
        texts = {name: data.decode() for name, data in files.items()}
        key = f"bench-{len(files)}-{path.replace('.', '-')}"
        created = client.post(
            "/api/v1/projects", headers=headers, json={"key": key, "files": texts}
        )
        project = created.get_json()["id"]
        overlay = {path: edited(files[path])}
        edit = {path: overlay[path].encode()}
        alone, _ = timed(lambda f=files, e=edit: validate_files(overlaid(f, e)), args.runs)

        def request(project: int = project, overlay: dict = overlay) -> None:
            done = client.post(
                f"/api/v1/projects/{project}/validate", headers=headers, json={"files": overlay}
            )
            assert done.status_code == 200, done.get_json()

        median, best = timed(request, args.runs)
        models = sum(name.endswith((".cmmn", ".bpmn", ".dmn")) for name in files)
        print(f"{label:<36}{models:>7}{alone:>13.1f}{median:>9.1f}{best:>14.1f}")
    app.extensions["studio"].engine.dispose()


if __name__ == "__main__":
    main()
