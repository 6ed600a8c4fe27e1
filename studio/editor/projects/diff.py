"""The differences between two versions of a project, readable for a person.

Per file: added, removed or changed. A changed model (`.cmmn`, `.bpmn`, `.dmn`) gets its semantic
changes (elements added, removed, renamed, moved, with changed properties, by id and name); every
text file gets a unified diff (`difflib`), unless it is too large for one.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping
from typing import Any

from studio.editor.projects.files import notation_of
from studio.editor.projects.semantic import compare_models
from studio.notation import NotationError, read_model

MAX_TEXT_DIFF = 2 * 1024 * 1024
"""Largest file (bytes, either side) that gets a line diff."""
MAX_DIFF_WORK = 4_000_000
"""The line diff's cost grows with the changed lines times the lines between the first and the
last change; every other line changed in 2,000 lines (a work of 4 million) takes about 0.15 s,
in 4,000 lines 0.5 s. Beyond this work there is no line diff, only the note why."""
CONTEXT = 3


def diff_files(
    old: Mapping[str, bytes], new: Mapping[str, bytes], old_label: str, new_label: str
) -> dict[str, Any]:
    """The changed files between two file sets, and a one-line summary."""
    files = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        files.append(_file_diff(path, before, after, old_label, new_label))
    counts = {status: sum(f["status"] == status for f in files)
              for status in ("added", "removed", "changed")}  # fmt: skip
    unchanged = len(set(old) & set(new)) - counts["changed"]
    shown = [f"{n} {status}" for status, n in counts.items() if n]
    summary = ", ".join(shown) if shown else "no differences"
    return {"summary": f"{summary} ({unchanged} unchanged)", "files": files}


def _file_diff(
    path: str, before: bytes | None, after: bytes | None, old_label: str, new_label: str
) -> dict[str, Any]:
    status = "added" if before is None else "removed" if after is None else "changed"
    entry: dict[str, Any] = {
        "path": path,
        "status": status,
        "size_before": None if before is None else len(before),
        "size_after": None if after is None else len(after),
        "changes": None,
        "note": None,
        "diff": None,
    }
    if status == "changed" and notation_of(path) is not None:
        assert before is not None and after is not None
        try:
            changes = compare_models(read_model(before, path), read_model(after, path))
            entry["changes"] = [c.as_json() for c in changes]
        except NotationError as exc:
            entry["note"] = f"elements not compared: {exc.message}"
        except RecursionError:
            entry["note"] = "elements not compared: the model is nested too deeply"
    entry["diff"], note = _text_diff(path, before, after, old_label, new_label)
    entry["note"] = entry["note"] or note
    return entry


def _text_diff(
    path: str, before: bytes | None, after: bytes | None, old_label: str, new_label: str
) -> tuple[str | None, str | None]:
    sides = [b"" if side is None else side for side in (before, after)]
    if any(len(side) > MAX_TEXT_DIFF for side in sides):
        return None, f"too large for a line diff (over {MAX_TEXT_DIFF // 1024} KB)"
    try:
        old_text, new_text = (side.decode("utf-8") for side in sides)
    except UnicodeDecodeError:
        return None, "not UTF-8 text: no line diff"
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    changed, span = _changed(old_lines, new_lines)
    if changed * span > MAX_DIFF_WORK:
        return None, f"too many changes for a line diff ({changed} lines changed)"
    lines = difflib.unified_diff(
        old_lines,
        new_lines,
        fromfile=f"{path} ({old_label})" if before is not None else "/dev/null",
        tofile=f"{path} ({new_label})" if after is not None else "/dev/null",
        n=CONTEXT,
        lineterm="",
    )
    return "\n".join(lines) + "\n", None


def _changed(old: list[str], new: list[str]) -> tuple[int, int]:
    """The lines of either side the other side lacks, and the longer side's count of lines
    between the common first lines and the common last lines."""
    shortest = min(len(old), len(new))
    head = 0
    while head < shortest and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < shortest - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    before = Counter(old[head : len(old) - tail])
    after = Counter(new[head : len(new) - tail])
    changed = sum((before - after).values()) + sum((after - before).values())
    return changed, max(sum(before.values()), sum(after.values()))
