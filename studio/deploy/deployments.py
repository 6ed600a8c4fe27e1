"""Deployments: model projects validated, then stored immutably as numbered versions per key.

A project (a folder, a zip, or files by relative path) keeps only its model-project files; the
rest (code, hidden files) is left out and listed. Its models are validated with the editor's
rules in a fresh temporary folder; any error refuses it (DeploymentError with the problems) and
nothing is stored. Identical content under the same key is a no-op; otherwise the next version
is stored, with the warnings, in one transaction with its audit entry. The engine compiles a
deployment from its files unpacked once under `<instance>/deployments/<id>/`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy as sa

from studio.deploy import DeploymentError, FileProblem
from studio.deploy.archive import LIMITS, ZipLimits, check_files, check_name, unpack_zip
from studio.editor.validation.compiled import CompiledProject
from studio.editor.validation.project import MODEL_SUFFIXES, ModelProject
from studio.editor.validation.report import validate_paths
from studio.messages import restored, stored, without
from studio.runtime.audit import record
from studio.runtime.engine.definition import DefinitionError
from studio.runtime.store.service_tables import NAME, deployment_files, deployments

PROJECT_SUFFIXES = (*MODEL_SUFFIXES, ".json", ".jsonl", ".csv")
"""Model-project files: models, JSON (schemas, sample data, scenarios, simulations), JSONL, CSV."""
LEFT_OUT_FOLDERS = frozenset({"__MACOSX", "__pycache__", "node_modules"})
KEY = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_.-]{{0,{NAME - 1}}}$")
RETRIES = 3
CODE_NOT_RUNNABLE = "deploy.not-runnable"


class UnknownDeployment(LookupError):
    """No deployment with that id."""


@dataclass(frozen=True, slots=True)
class Deployment:
    """One stored version of a model project."""

    id: int
    key: str
    version: int
    content_hash: str
    created_at: datetime
    created_by: str | None
    manifest: dict[str, Any]
    problems: list[dict[str, Any]]
    """The warnings it was deployed with."""

    def declares(self, definition_id: str) -> bool:
        """Whether a case or BPMN process of this deployment has that id."""
        return _declares(self.manifest, definition_id)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "version": self.version,
            "content_hash": self.content_hash,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "manifest": self.manifest,
            "problems": self.problems,
        }


class DeployResult(NamedTuple):
    deployment: Deployment
    created: bool
    """False: the newest version of the key had identical content (nothing stored)."""
    skipped: list[str]
    """Files left out as not part of a model project."""


def is_project_file(name: str) -> bool:
    """Whether a relative path is kept in a deployment."""
    parts = name.split("/")
    if any(p.startswith(".") or p in LEFT_OUT_FOLDERS for p in parts):
        return False
    lower = parts[-1].lower()
    return lower == "readme.md" or lower.endswith(PROJECT_SUFFIXES)


def content_hash(files: dict[str, bytes]) -> str:
    """SHA-256 over the sorted (path, SHA-256 of the bytes) pairs."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{hashlib.sha256(files[name]).hexdigest()}\n".encode())
    return digest.hexdigest()


def check_key(key: str) -> str:
    if not KEY.match(key):
        raise DeploymentError(
            f"{key!r} cannot be a deployment key: letters, digits, '_', '.' and '-' only "
            f"(starting with a letter or digit, at most {NAME} characters)"
        )
    return key


class DeploymentStore:
    """Deployments in the runtime database; unpacked folders under `<instance>/deployments/`."""

    def __init__(self, engine: sa.Engine, instance_path: Path, limits: ZipLimits = LIMITS) -> None:
        self.engine = engine
        self.root = Path(instance_path) / "deployments"
        self.limits = limits
        self._projects: dict[int, CompiledProject] = {}
        self._lock = threading.Lock()
        self._newest: tuple[int | None, dict[str, Deployment | None]] = (None, {})
        """(the newest deployment id seen, definition id -> its newest deployment then)."""

    # -- deploying -------------------------------------------------------------------------------

    def deploy_path(
        self, path: Path | str, key: str | None = None, actor: str | None = None
    ) -> DeployResult:
        """Deploy a project folder or a `.zip` file."""
        source = Path(path)
        if source.is_dir():
            return self.deploy_folder(source, key, actor)
        if not (source.is_file() and source.suffix.lower() == ".zip"):
            raise DeploymentError(f"{source}: not a folder or a .zip file")
        if source.stat().st_size > self.limits.max_input:
            raise DeploymentError(f"{source}: larger than {self.limits.max_input} bytes")
        return self.deploy_zip(source.read_bytes(), key, actor, filename=source.name)

    def deploy_folder(
        self, path: Path | str, key: str | None = None, actor: str | None = None
    ) -> DeployResult:
        """Deploy a project folder (key: the folder's name). Symbolic links are left out."""
        folder = Path(path)
        if not folder.is_dir():
            raise DeploymentError(f"{folder}: not a folder")
        files, skipped = self._read_folder(folder)
        result = self.deploy_files(files, key or folder.resolve().name, actor)
        return result._replace(skipped=sorted([*skipped, *result.skipped]))

    def deploy_zip(
        self,
        data: bytes,
        key: str | None = None,
        actor: str | None = None,
        filename: str | None = None,
    ) -> DeployResult:
        """Deploy a zip (key: its top folder, else the stem of `filename`)."""
        unpacked = unpack_zip(data, self.limits)
        key = key or unpacked.top or (Path(filename).stem if filename else None)
        if not key:
            raise DeploymentError("name the deployment: the archive has no top folder")
        return self.deploy_files(unpacked.files, key, actor)

    def deploy_files(
        self, files: dict[str, bytes], key: str, actor: str | None = None
    ) -> DeployResult:
        """Deploy files by relative path (`/`-separated)."""
        check_key(key)
        check_files(files, self.limits)
        kept = {name: data for name, data in files.items() if is_project_file(name)}
        skipped = sorted(name for name in files if name not in kept)
        if not any(name.lower().endswith(MODEL_SUFFIXES) for name in kept):
            raise DeploymentError(f"{key}: no model files (.cmmn, .bpmn, .dmn) to deploy")
        digest = content_hash(kept)
        newest = self.latest(key)
        if newest is not None and newest.content_hash == digest:
            return DeployResult(newest, False, skipped)
        with tempfile.TemporaryDirectory(prefix="studio-deploy-") as temporary:
            root = Path(temporary)
            write_files(root, kept)
            problems, manifest = inspect_project(root)
        errors = sum(p.severity == "error" for p in problems)
        if errors:
            raise DeploymentError(
                f"{key} was not deployed: {errors} error{'s' if errors != 1 else ''}", problems
            )
        manifest["files"] = [
            {"path": n, "size": len(kept[n]), "sha256": hashlib.sha256(kept[n]).hexdigest()}
            for n in sorted(kept)
        ]
        deployment, created = self._store(key, digest, manifest, problems, kept, actor)
        return DeployResult(deployment, created, skipped)

    def _read_folder(self, folder: Path) -> tuple[dict[str, bytes], list[str]]:
        files: dict[str, bytes] = {}
        skipped: list[str] = []
        total = 0
        for current, dirs, names in os.walk(folder, followlinks=False):
            base = Path(current).relative_to(folder)
            for name in list(dirs):
                path = Path(current) / name
                if name.startswith(".") or name in LEFT_OUT_FOLDERS or path.is_symlink():
                    dirs.remove(name)
                    skipped.append((base / name).as_posix() + "/")
            for name in names:
                relative = (base / name).as_posix()
                path = Path(current) / name
                if path.is_symlink() or not path.is_file() or not is_project_file(relative):
                    skipped.append(relative)
                    continue
                size = path.stat().st_size
                total += size
                if len(files) >= self.limits.max_files:
                    raise DeploymentError(f"{folder}: more than {self.limits.max_files} files")
                if size > self.limits.max_file or total > self.limits.max_total:
                    raise DeploymentError(f"{relative}: the project is too large to deploy")
                files[relative] = path.read_bytes()
        return files, skipped

    def _store(
        self,
        key: str,
        digest: str,
        manifest: dict[str, Any],
        problems: list[FileProblem],
        files: dict[str, bytes],
        actor: str | None,
    ) -> tuple[Deployment, bool]:
        """Insert the next version (or find identical content), retrying a racing writer."""
        for attempt in range(RETRIES):
            try:
                with self.engine.begin() as connection:
                    newest = _newest_row(connection, key)
                    if newest is not None and newest.content_hash == digest:
                        return _deployment(newest), False
                    version = (newest.version if newest is not None else 0) + 1
                    row = _row(key, version, digest, manifest, problems, actor)
                    inserted = connection.execute(deployments.insert().values(row))
                    ident = inserted.inserted_primary_key[0]
                    rows = [
                        {"deployment_id": ident, "path": p, "content": c} for p, c in files.items()
                    ]
                    connection.execute(deployment_files.insert(), rows)
                    details = {"deployment": ident, "version": version, "content_hash": digest}
                    record(connection, actor, "deploy", key, details | {"files": len(files)})
                return self.get(ident), True
            except sa.exc.IntegrityError:
                if attempt == RETRIES - 1:
                    raise DeploymentError(f"{key}: deployed by someone else meanwhile") from None
        raise AssertionError("unreachable")

    # -- reading ---------------------------------------------------------------------------------

    def get(self, ident: int) -> Deployment:
        """The deployment `ident` (UnknownDeployment)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(deployments).where(deployments.c.id == ident)
            ).first()
        if row is None:
            raise UnknownDeployment(f"no deployment {ident}")
        return _deployment(row)

    def latest(self, key: str) -> Deployment | None:
        """The newest version of `key`, if any."""
        with self.engine.connect() as connection:
            row = _newest_row(connection, key)
        return None if row is None else _deployment(row)

    def list(self, key: str | None = None) -> list[Deployment]:
        """Every deployment (or every version of `key`), newest first."""
        query = sa.select(deployments).order_by(deployments.c.id.desc())
        if key is not None:
            query = query.where(deployments.c.key == key)
        with self.engine.connect() as connection:
            return [_deployment(row) for row in connection.execute(query)]

    def newest_with(self, definition_id: str) -> Deployment | None:
        """The newest deployment whose manifest declares case or process `definition_id`.

        Deployments never change, so the answer holds until a newer one is made: it is kept
        per newest deployment id (one small query tells whether another process deployed)."""
        with self.engine.connect() as connection:
            newest = connection.execute(sa.select(sa.func.max(deployments.c.id))).scalar()
            seen, answers = self._newest
            if seen != newest:
                answers = {}
                self._newest = (newest, answers)
            elif definition_id in answers:
                return answers[definition_id]
            query = sa.select(deployments).order_by(deployments.c.id.desc())
            found = next(
                (
                    _deployment(row)
                    for row in connection.execute(query)
                    if _declares(row.manifest, definition_id)
                ),
                None,
            )
        answers[definition_id] = found
        return found

    def files(self, ident: int) -> dict[str, bytes]:
        """The deployment's files by relative path (UnknownDeployment)."""
        query = sa.select(deployment_files.c.path, deployment_files.c.content).where(
            deployment_files.c.deployment_id == ident
        )
        with self.engine.connect() as connection:
            found = {path: bytes(content) for path, content in connection.execute(query)}
        if not found:
            self.get(ident)  # UnknownDeployment when there is no such deployment
        return found

    def folder(self, ident: int) -> Path:
        """The deployment's files unpacked under `<instance>/deployments/<id>/`: written once
        (to a temporary folder, then renamed into place) and never rewritten."""
        target = self.root / str(int(ident))
        if target.is_dir():
            return target
        files = self.files(ident)
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{int(ident)}-", dir=self.root))
        try:
            write_files(temporary, files, sync=True)
            os.rename(temporary, target)
        except OSError:
            shutil.rmtree(temporary, ignore_errors=True)
            if target.is_dir():  # another process unpacked it first
                return target
            raise
        return target

    def project(self, ident: int) -> CompiledProject:
        """The deployment's compiled cases and processes (one per deployment, kept)."""
        with self._lock:
            if ident not in self._projects:
                self._projects[ident] = CompiledProject(ModelProject(self.folder(ident)))
            return self._projects[ident]


def write_files(root: Path, files: dict[str, bytes], *, sync: bool = False) -> None:
    """Write files below `root` (each path checked again, never overwriting)."""
    for name in sorted(files):
        target = root.joinpath(*check_name(name).split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as stream:
            stream.write(files[name])
            if sync:
                stream.flush()
                os.fsync(stream.fileno())


def inspect_project(root: Path) -> tuple[list[FileProblem], dict[str, Any]]:
    """The problems of a project folder's models, and its manifest (cases, BPMN processes and
    DMN decisions of the folder's top level, which is what the engine runs)."""
    problems = [
        FileProblem(
            _relative(report.file, root),
            p.code,
            p.severity,
            without(p.message, f"{root}{os.sep}"),  # never the server's temporary folder
            p.element,
            p.line,
        )
        for report in validate_paths([root]).files
        for p in report.problems
    ]
    project = ModelProject(root)
    manifest: dict[str, Any] = {"cases": [], "processes": [], "decisions": []}
    for path in project.model_files:
        model = project.model(path)
        notation = getattr(type(model), "notation", None)
        if notation == "cmmn":
            roots = [("cases", c) for c in model.cases]
        elif notation == "bpmn":
            roots = [("processes", p) for p in model.processes if p.is_executable is not False]
        elif notation == "dmn":
            roots = [("decisions", d) for d in model.decisions]
        else:
            continue
        for section, element in roots:
            if element.id:
                entry = {"id": element.id, "name": element.name, "file": path.name}
                manifest[section].append(entry)
    if not any(p.severity == "error" for p in problems):
        problems += _not_runnable(project, manifest)
    return problems, manifest


def _not_runnable(project: ModelProject, manifest: dict[str, Any]) -> list[FileProblem]:
    """Cases and processes that passed validation yet do not compile for the engine."""
    compiled = CompiledProject(project)
    found = []
    for kind, section in (("case", "cases"), ("process", "processes")):
        for entry in manifest[section]:
            try:
                compiled.get(kind, entry["id"])
            except DefinitionError as exc:
                problem = FileProblem(
                    entry["file"], CODE_NOT_RUNNABLE, "error", str(exc), entry["id"]
                )
                found.append(problem)
    return found


def _row(
    key: str,
    version: int,
    digest: str,
    manifest: dict[str, Any],
    problems: list[FileProblem],
    actor: str | None,
) -> dict[str, Any]:
    return {
        "key": key,
        "version": version,
        "content_hash": digest,
        "created_at": datetime.now(UTC),
        "created_by": None if actor is None else actor[:NAME],
        "manifest": manifest,
        "problems": [{**p.as_json(), **stored(p.message)} for p in problems],
    }


def _declares(manifest: dict[str, Any], definition_id: str) -> bool:
    return any(
        entry.get("id") == definition_id
        for section in ("cases", "processes")
        for entry in manifest.get(section, ())
    )


def _relative(file: str, root: Path) -> str:
    return Path(file).relative_to(root).as_posix()


def _newest_row(connection: sa.Connection, key: str) -> sa.Row | None:
    query = (
        sa.select(deployments)
        .where(deployments.c.key == key)
        .order_by(deployments.c.version.desc())
        .limit(1)
    )
    return connection.execute(query).first()


def _deployment(row: sa.Row) -> Deployment:
    values = row._mapping
    return Deployment(
        id=values["id"],
        key=values["key"],
        version=values["version"],
        content_hash=values["content_hash"],
        created_at=values["created_at"],
        created_by=values["created_by"],
        manifest=values["manifest"],
        problems=[_problem(p) for p in values["problems"] or ()],
    )


def _problem(document: dict[str, Any]) -> dict[str, Any]:
    """A stored problem as the API shows it, its message translatable again."""
    shown = {k: v for k, v in document.items() if k not in ("template", "values")}
    shown["message"] = restored(document)
    return shown
