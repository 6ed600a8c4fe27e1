"""`studio simulate`: run one simulation (or two, side by side), print, write the HTML report."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from studio.simulation.errors import SpecError

EXIT_OK, EXIT_UNUSABLE = 0, 2


def run_simulate(file: Path, output_format: str, out: Path | None, other: Path | None) -> int:
    """Run the command; returns its exit code."""
    from studio.simulation.spec import load_spec

    try:
        spec = load_spec(_existing(file), shown=str(file))
        second = load_spec(_existing(other), shown=str(other)) if other is not None else None
        result, extras = _run(spec, file)
        compared = _run(second, other) if second is not None and other is not None else None
    except SpecError as exc:
        print(f"studio simulate: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if compared is None:
        _print_one(result, file, output_format)
        if out is not None:
            from studio.simulation.report_html import render_report

            title = f"Simulation of {spec.model.name} ({file.name})"
            _write(out, render_report(result, extras, spec.model, title))
    else:
        assert other is not None and second is not None
        _print_two(result, compared[0], file, other, output_format)
        if out is not None:
            from studio.simulation.compare import render_comparison_html

            _write(
                out,
                render_comparison_html(
                    result, extras, compared[0], compared[1], file.name, other.name,
                    model_a=spec.model, model_b=second.model,
                    title=f"What-if: {file.name} against {other.name}",
                ),
            )  # fmt: skip
    return EXIT_OK


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise SpecError("no such file", file=str(path))
    return path


def _run(spec, file: Path) -> tuple[dict, dict]:
    from studio.simulation.simulator import run

    try:
        return run(spec, _progress(file.name))
    except SpecError as exc:
        raise exc.located(str(file)) from None


def _progress(name: str):
    """A progress bar on a terminal's stderr; nothing on a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{name} [{bar}] {done:,}/{total:,}{end}")
        sys.stderr.flush()

    return show


def _print_one(result: dict, file: Path, output_format: str) -> None:
    if output_format == "json":
        print(json.dumps(result, indent=2))
    else:
        from studio.simulation.summary import render_text

        print(render_text(result, file.name))


def _print_two(a: dict, b: dict, file_a: Path, file_b: Path, output_format: str) -> None:
    from studio.simulation.compare import comparison_json, render_comparison_text

    if output_format == "json":
        print(json.dumps(comparison_json(a, b), indent=2))
    else:
        print(render_comparison_text(a, b, file_a.name, file_b.name))


def _write(path: Path, text: str) -> None:
    """Write the report whole or not at all (a temporary file renamed into place)."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
