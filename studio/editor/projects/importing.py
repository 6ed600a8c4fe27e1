"""Reading an upload into model-project files: every byte is hostile until checked.

Accepted: a zip of a project folder (with or without one top folder), a single model file,
Flowable exports (Modeler app zips with `bpmn-models/`, `cmmn-models/`, `decision-table-models/`
folders, deployable `.bar` archives, files named `*.cmmn.xml`, `*.bpmn20.xml`, `*.bpmn.xml`,
`*.dmn.xml`) and Camunda Modeler files (`.bpmn`, `.cmmn`, `.dmn`, possibly zipped).

Zips go through the deployment's safe archive reader (path traversal, entry count, unpacked
sizes); every model file is parsed by the notation's hardened reader, which decides its notation
and so its name (`.cmmn`, `.bpmn`, `.dmn`). Nothing is dropped silently: each file left out is
listed with the reason, each renamed file with its old name.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.deploy import DeploymentError
from studio.deploy.archive import LIMITS, ZipLimits, unpack_zip
from studio.deploy.deployments import LEFT_OUT_FOLDERS, is_project_file
from studio.editor.projects.errors import ProjectError
from studio.editor.projects.files import KEPT, check_sizes, model_stem, notation_of
from studio.messages import Text, text
from studio.notation import NotationError, read_model
from studio.runtime.engine.wording import joined
from studio.runtime.store.service_tables import NAME

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
ARCHIVE_SUFFIXES = (".zip", ".bar")
FLOWABLE_FOLDERS = frozenset({"bpmn-models", "cmmn-models", "decision-table-models", "form-models"})
"""The folders of a Flowable Modeler app export; their models are moved to the top level."""
IMAGE = text("an image is not part of a model project")
LEFT_OUT = {
    ".form": text(
        "a Camunda or Flowable form (.form) is not supported; Case Studio forms are "
        "*.form.json files"
    ),
    ".app": text("a Flowable app descriptor: not needed, the models of the archive are imported"),
    ".png": IMAGE,
    ".svg": IMAGE,
    ".jpg": IMAGE,
}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file of the upload that was not imported, and why."""

    path: str
    reason: str
    code: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason, "code": self.code}


@dataclass(frozen=True, slots=True)
class Renamed:
    """A file imported under another name, and why."""

    source: str
    path: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.path, "reason": self.reason}


@dataclass
class Upload:
    """The files an upload gives a project, what was renamed and skipped, and a key for it."""

    files: dict[str, bytes]
    renamed: list[Renamed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    key: str | None = None
    """A project key suggested by the upload (its top folder or file name), if usable."""

    def report(self) -> dict[str, Any]:
        return {
            "imported": sorted(self.files),
            "renamed": [r.as_json() for r in self.renamed],
            "skipped": [s.as_json() for s in self.skipped],
        }


def read_upload(data: bytes, filename: str | None = None, limits: ZipLimits = LIMITS) -> Upload:
    """The project files of an uploaded zip or single file (ProjectError when unusable)."""
    name = _base_name(filename) if filename else None
    if data.startswith(ZIP_MAGIC) or (name and name.lower().endswith(ARCHIVE_SUFFIXES)):
        try:
            unpacked = unpack_zip(data, limits)
        except DeploymentError as exc:
            refusal = (
                text("{name}: {reason}", name=name, reason=exc.message)
                if name
                else text("the upload: {reason}", reason=exc.message)
            )
            raise ProjectError(refusal) from None
        top = unpacked.top or (_archive_stem(name) if name else None)
        return sort_files(unpacked.files, limits, key=top)
    if not name:
        raise ProjectError(text("name the uploaded file (a .zip, .cmmn, .bpmn or .dmn file)"))
    if len(data) > limits.max_file:
        megabytes = limits.max_file // 1024 // 1024
        raise ProjectError(
            text("{name!a}: larger than {megabytes} MB", name=name, megabytes=megabytes)
        )
    return sort_files({name: data}, limits, key=model_stem(name))


def read_folder(folder: Path, limits: ZipLimits = LIMITS) -> Upload:
    """The project files of a folder on disk (symbolic links and hidden entries left out)."""
    files: dict[str, bytes] = {}
    skipped: list[Skipped] = []
    total = 0
    for current, dirs, names in os.walk(folder, followlinks=False):
        base = Path(current).relative_to(folder)
        for name in sorted(dirs):
            path = Path(current) / name
            if name.startswith(".") or name in LEFT_OUT_FOLDERS or path.is_symlink():
                dirs.remove(name)
                skipped.append(Skipped((base / name).as_posix() + "/", _left_out_reason(name)))
        for name in sorted(names):
            relative = (base / name).as_posix()
            path = Path(current) / name
            if path.is_symlink() or not path.is_file():
                skipped.append(Skipped(relative, text("a symbolic link or special file")))
                continue
            total += path.stat().st_size
            if len(files) >= limits.max_files or total > limits.max_total:
                raise ProjectError(
                    text("{folder}: too large to import ({path!a})", folder=folder, path=relative)
                )
            if path.stat().st_size > limits.max_file:
                raise ProjectError(
                    text(
                        "{path!a}: larger than {count} bytes", path=relative, count=limits.max_file
                    )
                )
            files[relative] = path.read_bytes()
    upload = sort_files(files, limits, key=folder.resolve().name)
    upload.skipped = sorted([*skipped, *upload.skipped], key=lambda s: s.path)
    return upload


def sort_files(
    files: dict[str, bytes], limits: ZipLimits = LIMITS, key: str | None = None
) -> Upload:
    """Keep the project files (models checked and named by their notation), list the rest."""
    flowable = _is_flowable_app(files)
    kept: dict[str, bytes] = {}
    renamed: list[Renamed] = []
    skipped: list[Skipped] = []
    folded: dict[str, str] = {}
    for path in sorted(files):
        data = files[path]
        target, reason, refusal = _placed(path, data, flowable)
        if refusal is not None:
            skipped.append(refusal)
            continue
        assert target is not None
        clash = folded.get(target.casefold())
        if clash is not None:
            clashes = text(
                "would be named {target!a}, as {clash!a} already is", target=target, clash=clash
            )
            skipped.append(Skipped(path, clashes))
            continue
        folded[target.casefold()] = path
        kept[target] = data
        if target != path:
            renamed.append(Renamed(path, target, reason or text("renamed")))
    if not kept:
        raise ProjectError(_nothing_to_import(skipped))
    check_sizes({path: len(data) for path, data in kept.items()}, limits)
    return Upload(kept, renamed, skipped, suggested_key(key) if key else None)


def suggested_key(name: str) -> str | None:
    """A usable project key made of a folder or file name, if any is left."""
    key = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    key = re.sub(r"^[^A-Za-z0-9]+", "", key)[:NAME].rstrip(".-")
    return key or None


def _placed(
    path: str, data: bytes, flowable: bool
) -> tuple[str | None, str | None, Skipped | None]:
    """Where a file goes in the project and why it moved, or why it is left out."""
    parts = path.split("/")
    lower = path.lower()
    in_app_folder = flowable and len(parts) > 1 and parts[0] in FLOWABLE_FOLDERS
    if not is_project_file(path) and not lower.endswith(".xml"):
        return None, None, Skipped(path, _left_out_reason(path))
    if notation_of(path) is not None or lower.endswith(".xml"):
        return _placed_model(path, data, in_app_folder)
    if in_app_folder and parts[0] == "form-models":
        reason = text("a Flowable form is not supported; Case Studio forms are *.form.json files")
        return None, None, Skipped(path, reason)
    if flowable and lower.endswith(".json") and _is_flowable_editor_json(data):
        reason = (
            text("the Flowable app definition: the XML models of the export are imported")
            if len(parts) == 1
            else text("Flowable Modeler's JSON: the XML models of the export are imported")
        )
        return None, None, Skipped(path, reason)
    if in_app_folder:
        return None, None, Skipped(path, text("a Flowable Modeler file that is not a model"))
    return path, None, None


def _placed_model(
    path: str, data: bytes, in_app_folder: bool
) -> tuple[str | None, str | None, Skipped | None]:
    try:
        model = read_model(data, path)
    except NotationError as exc:
        return None, None, Skipped(path, _without_source(exc.message, path), exc.code)
    notation = type(model).notation
    declared = notation_of(path)
    stem = model_stem(path) if declared is not None else path[: -len(".xml")]
    if in_app_folder:
        stem = stem.split("/", 1)[1]
    target = f"{stem}.{notation}"
    if declared is not None and declared != notation:
        reason = text("the file holds a {notation} model", notation=notation.upper())
    elif in_app_folder:
        reason = text("moved out of the Flowable app folder")
    elif declared is None:
        reason = text("an .xml file holding a {notation} model", notation=notation.upper())
    else:
        reason = text("Flowable's file name for a {notation} model", notation=notation.upper())
    return target, reason, None


def _left_out_reason(path: str) -> str:
    parts = path.rstrip("/").split("/")
    if any(p.startswith(".") for p in parts):
        return text("a hidden file or folder")
    if any(p in LEFT_OUT_FOLDERS for p in parts):
        return text("a tool's folder, not part of a model project")
    suffix = os.path.splitext(parts[-1])[1].lower()
    return LEFT_OUT.get(suffix) or text(
        "not a model-project file (a project keeps {kept})", kept=KEPT
    )


class _WithoutSource(Text):
    """A reader's message ("{source}: ...") without the file name in front, for a listing that
    names the file already: translated whole, then the name taken off again."""

    def translate(self, gettext: Callable[[str], str]) -> str:
        whole = Text(self.template.format(**self.values), self.template, self.values)
        translated = whole.translate(gettext)
        source = str(self.values["source"])
        for prefix in (f"{source} : ", f"{source}: "):  # French puts a space before a colon
            if translated.startswith(prefix):
                return translated[len(prefix) :]
        return translated


def _without_source(message: str, path: str) -> str:
    prefix = f"{path}: "
    if (
        isinstance(message, Text)
        and message.template.startswith("{source}: ")
        and message.values.get("source") == path
    ):
        return _WithoutSource(message.removeprefix(prefix), message.template, message.values)
    return message.removeprefix(prefix)


def _is_flowable_app(files: dict[str, bytes]) -> bool:
    return any(path.split("/", 1)[0] in FLOWABLE_FOLDERS and "/" in path for path in files)


def _is_flowable_editor_json(data: bytes) -> bool:
    try:
        loaded = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return isinstance(loaded, dict) and "editorJson" in loaded


def _nothing_to_import(skipped: list[Skipped]) -> str:
    if not skipped:
        return text("nothing to import: the upload holds no files")
    shown = joined(
        (text("{path}: {reason}", path=s.path, reason=s.reason) for s in skipped[:5]), "; "
    )
    if len(skipped) > 5:
        return text(
            "nothing to import: {shown} (and {more} more)", shown=shown, more=len(skipped) - 5
        )
    return text("nothing to import: {shown}", shown=shown)


def _base_name(filename: str) -> str:
    return re.split(r"[/\\]", filename)[-1]


def _archive_stem(name: str) -> str:
    lower = name.lower()
    for suffix in ARCHIVE_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name
