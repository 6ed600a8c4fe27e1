"""Validating a version of a project, optionally with unsaved edits laid over it (live editing).

The answer has the shape of `studio validate --format json` with paths relative to the project:
`{"errors", "warnings", "files": [{"file", "problems": [{"code", "severity", "element", "line",
"message"}]}]}`. The models and JSON files (schemas) are written to a fresh temporary folder and
checked by the editor's validator, each folder a project for cross-file references, exactly as
`studio validate` and a deployment check them; sample data (`.jsonl`, `.csv`) is never read.
(A 300-element model validates in about 30 ms, benchmarks/bench_validate.py: no cache needed.)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio.deploy.deployments import write_files
from studio.editor.projects.files import notation_of
from studio.editor.validation.report import validate_paths
from studio.messages import without


def validate_files(files: Mapping[str, bytes]) -> dict[str, Any]:
    """The validation report of a project's files (paths relative to the project)."""
    needed = {path: data for path, data in files.items() if read_by_validation(path)}
    with tempfile.TemporaryDirectory(prefix="studio-validate-") as temporary:
        root = Path(temporary)
        write_files(root, needed)
        report = validate_paths([root]).as_json()
    for entry in report["files"]:
        entry["file"] = Path(entry["file"]).relative_to(root).as_posix()
        for problem in entry["problems"]:  # the server's temporary folder is nobody's business
            problem["message"] = without(problem["message"], f"{root}{os.sep}")
    return report


def overlaid(
    files: Mapping[str, bytes], edits: Mapping[str, bytes], removed: list[str] | tuple = ()
) -> dict[str, bytes]:
    """A version's files with unsaved `edits` laid over them and `removed` taken out."""
    result = {path: data for path, data in files.items() if path not in removed}
    result.update(edits)
    return result


def read_by_validation(path: str) -> bool:
    """Models, and JSON files a model may name as the JSON Schema of its case file."""
    return notation_of(path) is not None or path.lower().endswith(".json")
