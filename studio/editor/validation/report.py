"""`studio validate`: problems of files and folders, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from studio.editor.validation.problems import Problem
from studio.editor.validation.project import ModelProject, is_model_file
from studio.editor.validation.validator import validate_file


@dataclass
class FileReport:
    file: str
    problems: list[Problem]


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for f in self.files for p in f.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for f in self.files for p in f.problems)

    def as_json(self) -> dict:
        return {
            "errors": self.errors,
            "warnings": self.warnings,
            "files": [
                {"file": f.file, "problems": [p.as_json() for p in f.problems]} for f in self.files
            ],
        }


def model_files(path: Path) -> list[Path]:
    """The model files of a path: the file itself, or those found below a folder."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if is_model_file(p))


def validate_paths(paths: list[Path], progress: Callable[[int, int], None] | None = None) -> Report:
    """Validate files and folders; each folder is a model project for cross-file references.

    `progress(done, total)` is called after each file when given.
    """
    report = Report()
    projects: dict[Path, ModelProject] = {}
    files = [file for path in paths for file in model_files(path)]
    for done, file in enumerate(files, start=1):
        project = projects.setdefault(file.parent, ModelProject(file.parent))
        report.files.append(FileReport(str(file), validate_file(file, project)))
        if progress is not None:
            progress(done, len(files))
    return report


def print_report(report: Report, output_format: str, out: TextIO) -> None:
    if output_format == "json":
        json.dump(report.as_json(), out, indent=2)
        out.write("\n")
        return
    for file_report in report.files:
        for p in file_report.problems:
            where = f"{file_report.file}:{p.line}" if p.line else file_report.file
            element = f" [{p.element}]" if p.element else ""
            out.write(f"{where}: {p.severity} {p.code}{element}: {p.message}\n")
    count = len(report.files)
    out.write(
        f"{count} file{'s' if count != 1 else ''} checked: {report.errors} error"
        f"{'s' if report.errors != 1 else ''}, {report.warnings} warning"
        f"{'s' if report.warnings != 1 else ''}\n"
    )
