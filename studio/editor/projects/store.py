"""Model projects in the runtime database: create, read, and save immutable versions.

A save names the version it is based on (optimistic concurrency): when someone saved a newer
version meanwhile it is refused (StaleVersion, naming who saved what). A save whose content
equals its base stores nothing and answers the base. File contents are stored once per distinct
SHA-256 (`project_blobs`), so saving one file of a large project copies no other file's bytes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from studio.deploy import DeploymentError
from studio.deploy.archive import LIMITS, ZipLimits
from studio.deploy.deployments import check_key
from studio.editor.projects.errors import (
    DuplicateKey,
    ProjectError,
    Saved,
    StaleVersion,
    UnknownProject,
    UnknownVersion,
)
from studio.editor.projects.files import check_model_safety, check_path, check_sizes
from studio.editor.projects.records import FileEntry, Project, SaveResult, Version
from studio.messages import text
from studio.runtime.store.project_tables import (
    DISPLAY_NAME,
    project_blobs,
    project_files,
    project_versions,
    projects,
)
from studio.runtime.store.service_tables import NAME

MAX_MESSAGE = 2000
RETRIES = 3


def version_hash(hashes: Mapping[str, str]) -> str:
    """A version's content hash from the SHA-256 of each file: the same value as
    `studio.deploy.deployments.content_hash` gives for the files themselves."""
    digest = hashlib.sha256()
    for name in sorted(hashes):
        digest.update(f"{name}\0{hashes[name]}\n".encode())
    return digest.hexdigest()


class ProjectStore:
    """Projects, versions and files in the runtime database (`engine`)."""

    def __init__(self, engine: sa.Engine, limits: ZipLimits = LIMITS) -> None:
        self.engine = engine
        self.limits = limits

    # -- projects --------------------------------------------------------------------------------

    def create(
        self,
        key: str,
        name: str | None = None,
        actor: str | None = None,
        files: Mapping[str, bytes] | None = None,
        message: str = "",
    ) -> Project:
        """A new project; with `files`, its version 1 in the same transaction."""
        key = _checked_key(key)
        name = _checked_name(name or key)
        if files is not None:
            sizes = {check_path(path, self.limits): len(data) for path, data in files.items()}
            check_sizes(sizes, self.limits)
            for path, data in files.items():
                check_model_safety(path, data)
        row = {
            "key": key,
            "name": name,
            "created_at": datetime.now(UTC),
            "created_by": _actor(actor),
            "archived": False,
        }
        try:
            with self.engine.begin() as connection:
                taken = _key_taken(connection, key)
                if taken is not None:
                    raise DuplicateKey(_duplicate(key, taken))
                ident = connection.execute(projects.insert().values(row)).inserted_primary_key[0]
                if files is not None:
                    entries = {p: (hashlib.sha256(d).hexdigest(), len(d)) for p, d in files.items()}
                    _insert_version(connection, ident, 1, files, entries, message, actor)
        except sa.exc.IntegrityError:
            raise DuplicateKey(_duplicate(key, key)) from None
        return self.get(ident)

    def get(self, project_id: int) -> Project:
        """The project (UnknownProject)."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(projects).where(projects.c.id == project_id)).first()
            if row is None:
                raise UnknownProject(text("no project {id}", id=project_id))
            return _project(row, _newest(connection, project_id))

    def by_key(self, key: str) -> Project | None:
        with self.engine.connect() as connection:
            ident = connection.execute(
                sa.select(projects.c.id).where(projects.c.key == key)
            ).scalar()
        return None if ident is None else self.get(ident)

    def list(self, archived: bool = False) -> list[Project]:
        """Every project (archived ones only with `archived`), by name."""
        query = sa.select(projects).order_by(projects.c.name, projects.c.id)
        if not archived:
            query = query.where(projects.c.archived.is_(False))
        newest = (
            sa.select(
                project_versions.c.project_id, sa.func.max(project_versions.c.number).label("n")
            )
            .group_by(project_versions.c.project_id)
            .subquery()
        )
        latest_rows = sa.select(project_versions).join(
            newest,
            sa.and_(
                newest.c.project_id == project_versions.c.project_id,
                newest.c.n == project_versions.c.number,
            ),
        )
        with self.engine.connect() as connection:
            latest = {row.project_id: _version(row) for row in connection.execute(latest_rows)}
            return [_project(row, latest.get(row.id)) for row in connection.execute(query)]

    def update(
        self, project_id: int, name: str | None = None, archived: bool | None = None
    ) -> Project:
        """Rename a project or (un)archive it."""
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = _checked_name(name)
        if archived is not None:
            values["archived"] = bool(archived)
        self.get(project_id)
        if values:
            with self.engine.begin() as connection:
                connection.execute(
                    projects.update().where(projects.c.id == project_id).values(values)
                )
        return self.get(project_id)

    # -- versions --------------------------------------------------------------------------------

    def versions(self, project_id: int) -> list[Version]:
        """Every version of the project, newest first."""
        self.get(project_id)
        query = (
            sa.select(project_versions)
            .where(project_versions.c.project_id == project_id)
            .order_by(project_versions.c.number.desc())
        )
        with self.engine.connect() as connection:
            return [_version(row) for row in connection.execute(query)]

    def version(self, project_id: int, number: int | None = None) -> Version:
        """Version `number` (the newest when None); UnknownProject, UnknownVersion."""
        project = self.get(project_id)
        if number is None:
            if project.latest is None:
                raise UnknownVersion(text("{key} has no version yet", key=project.key))
            return project.latest
        with self.engine.connect() as connection:
            row = _version_row(connection, project_id, number)
        if row is None:
            raise UnknownVersion(
                text("{key} has no version {number}", key=project.key, number=number)
            )
        return _version(row)

    def entries(self, project_id: int, number: int) -> list[FileEntry]:
        """The files of a version, by path."""
        ident = self._version_id(project_id, number)
        query = (
            sa.select(project_files.c.path, project_files.c.size, project_files.c.sha256)
            .where(project_files.c.version_id == ident)
            .order_by(project_files.c.path)
        )
        with self.engine.connect() as connection:
            return [FileEntry(path, size, sha) for path, size, sha in connection.execute(query)]

    def files(
        self, project_id: int, number: int, wanted: Callable[[str], bool] | None = None
    ) -> dict[str, bytes]:
        """The files of a version (those whose path is `wanted`, if given): path -> bytes."""
        ident = self._version_id(project_id, number)
        query = (
            sa.select(project_files.c.path, project_blobs.c.content)
            .join(project_blobs, project_blobs.c.sha256 == project_files.c.sha256)
            .where(project_files.c.version_id == ident)
            .order_by(project_files.c.path)
        )
        if wanted is not None:
            paths = [entry.path for entry in self.entries(project_id, number) if wanted(entry.path)]
            if not paths:
                return {}
            query = query.where(project_files.c.path.in_(paths))
        with self.engine.connect() as connection:
            return {path: bytes(content) for path, content in connection.execute(query)}

    def file(self, project_id: int, number: int, path: str) -> tuple[bytes, str]:
        """One file of a version and its SHA-256 (UnknownVersion when it has no such file)."""
        ident = self._version_id(project_id, number)
        query = (
            sa.select(project_blobs.c.content, project_blobs.c.sha256)
            .join(project_files, project_blobs.c.sha256 == project_files.c.sha256)
            .where(project_files.c.version_id == ident, project_files.c.path == path)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise UnknownVersion(
                text("version {number} has no file {path!a}", number=number, path=path)
            )
        return bytes(row.content), row.sha256

    # -- saving ----------------------------------------------------------------------------------

    def save(
        self,
        project_id: int,
        base: int,
        changes: Mapping[str, bytes] | None = None,
        removed: Iterable[str] = (),
        message: str = "",
        actor: str | None = None,
        *,
        replace_all: bool = False,
    ) -> SaveResult:
        """A new version from version `base` (0: none yet) with `changes` added or replaced
        and `removed` taken out; with `replace_all`, the version holds `changes` only.
        Raises StaleVersion when `base` is not the newest, ProjectError for unusable input."""
        project = self.get(project_id)
        changes = dict(changes or {})
        removed = list(removed)
        for path in [*changes, *removed]:
            check_path(path, self.limits)
        for path, data in changes.items():
            check_model_safety(path, data)
        if set(changes) & set(removed):
            both = sorted(set(changes) & set(removed))[0]
            raise ProjectError(text("{path!a}: both changed and removed", path=both))
        for attempt in range(RETRIES):
            try:
                with self.engine.begin() as connection:
                    newest = _newest(connection, project_id)
                    _check_base(connection, project, base, newest)
                    entries = {} if replace_all or newest is None else _entries(connection, newest)
                    for path in removed:
                        if entries.pop(path, None) is None:
                            raise ProjectError(
                                text("{path!a}: not a file of version {base}", path=path, base=base)
                            )
                    for path, data in changes.items():
                        entries[path] = (hashlib.sha256(data).hexdigest(), len(data))
                    check_sizes({path: size for path, (_, size) in entries.items()}, self.limits)
                    digest = version_hash({path: sha for path, (sha, _) in entries.items()})
                    if newest is not None and digest == newest.content_hash:
                        return SaveResult(newest, False)
                    version = _insert_version(
                        connection, project_id, base + 1, changes, entries, message, actor
                    )
                return SaveResult(version, True)
            except sa.exc.IntegrityError:
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _version_id(self, project_id: int, number: int) -> int:
        with self.engine.connect() as connection:
            row = _version_row(connection, project_id, number)
        if row is None:
            self.version(project_id, number)  # names the missing project or version
        assert row is not None
        return row.id


def _checked_key(key: Any) -> str:
    if not isinstance(key, str):
        raise ProjectError(text("a project key is a string"))
    try:
        return check_key(key)
    except DeploymentError as exc:
        raise ProjectError(exc.message.replace("deployment key", "project key")) from None


def _checked_name(name: Any) -> str:
    if not isinstance(name, str):
        raise ProjectError(text("a project name is a string"))
    name = " ".join(name.split())
    if not name:
        raise ProjectError(text("a project name cannot be blank"))
    if len(name) > DISPLAY_NAME:
        raise ProjectError(
            text("a project name has at most {count} characters", count=DISPLAY_NAME)
        )
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise ProjectError(text("a project name cannot hold control characters"))
    return name


def _actor(actor: str | None) -> str | None:
    return None if actor is None else actor[:NAME]


def _key_taken(connection: sa.Connection, key: str) -> str | None:
    """The key of the project whose key equals `key` ignoring case, if any."""
    query = sa.select(projects.c.key).where(sa.func.lower(projects.c.key) == key.lower())
    return connection.execute(query).scalar()


def _duplicate(key: str, taken: str) -> str:
    if taken == key:
        return text("a project with the key {key!r} exists already", key=key)
    return text(
        "a project with the key {key!r} exists already "
        "({taken!r}: keys are compared ignoring case)",
        key=key,
        taken=taken,
    )


def _check_base(
    connection: sa.Connection, project: Project, base: Any, newest: Version | None
) -> None:
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        raise ProjectError(text("name the version the save is based on (base: 0 for none yet)"))
    top = 0 if newest is None else newest.number
    if base > top:
        raise ProjectError(
            text(
                "{key} has no version {base} (the newest is {top})",
                key=project.key,
                base=base,
                top=top,
            )
        )
    if base < top:
        query = (
            sa.select(project_versions)
            .where(project_versions.c.project_id == project.id, project_versions.c.number > base)
            .order_by(project_versions.c.number)
        )
        meanwhile = [
            Saved(row.number, row.author, row.created_at, row.message)
            for row in connection.execute(query)
        ]
        raise StaleVersion(project.key, base, meanwhile)


def _insert_version(
    connection: sa.Connection,
    project_id: int,
    number: int,
    changes: Mapping[str, bytes],
    entries: Mapping[str, tuple[str, int]],
    message: str,
    actor: str | None,
) -> Version:
    """Insert version `number` holding `entries` (path -> (SHA-256, size)), storing the bytes
    of `changes` that no version stored yet."""
    blobs = {hashlib.sha256(data).hexdigest(): data for data in changes.values()}
    if blobs:
        stored = set(
            connection.execute(
                sa.select(project_blobs.c.sha256).where(project_blobs.c.sha256.in_(blobs))
            ).scalars()
        )
        missing = [
            {"sha256": sha, "size": len(data), "content": data}
            for sha, data in blobs.items()
            if sha not in stored
        ]
        if missing:
            connection.execute(project_blobs.insert(), missing)
    version = Version(
        project_id=project_id,
        number=number,
        author=_actor(actor),
        created_at=datetime.now(UTC),
        message=_message(message),
        content_hash=version_hash({path: sha for path, (sha, _) in entries.items()}),
        file_count=len(entries),
    )
    row = {name: getattr(version, name) for name in Version.__slots__}
    ident = connection.execute(project_versions.insert().values(row)).inserted_primary_key[0]
    if entries:
        connection.execute(
            project_files.insert(),
            [
                {"version_id": ident, "path": path, "sha256": sha, "size": size}
                for path, (sha, size) in entries.items()
            ],
        )
    return version


def _message(message: Any) -> str:
    if not isinstance(message, str):
        raise ProjectError(text("a version message is a string"))
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise ProjectError(
            text("a version message has at most {count} characters", count=MAX_MESSAGE)
        )
    return message


def _version_row(connection: sa.Connection, project_id: int, number: int) -> sa.Row | None:
    query = sa.select(project_versions).where(
        project_versions.c.project_id == project_id, project_versions.c.number == number
    )
    return connection.execute(query).first()


def _entries(connection: sa.Connection, version: Version) -> dict[str, tuple[str, int]]:
    """path -> (SHA-256, size) of every file of a version."""
    query = (
        sa.select(project_files.c.path, project_files.c.sha256, project_files.c.size)
        .join(project_versions, project_versions.c.id == project_files.c.version_id)
        .where(
            project_versions.c.project_id == version.project_id,
            project_versions.c.number == version.number,
        )
    )
    return {path: (sha, size) for path, sha, size in connection.execute(query)}


def _newest(connection: sa.Connection, project_id: int) -> Version | None:
    query = (
        sa.select(project_versions)
        .where(project_versions.c.project_id == project_id)
        .order_by(project_versions.c.number.desc())
        .limit(1)
    )
    row = connection.execute(query).first()
    return None if row is None else _version(row)


def _version(row: sa.Row) -> Version:
    return Version(
        project_id=row.project_id,
        number=row.number,
        author=row.author,
        created_at=row.created_at,
        message=row.message,
        content_hash=row.content_hash,
        file_count=row.file_count,
    )


def _project(row: sa.Row, latest: Version | None) -> Project:
    return Project(
        id=row.id,
        key=row.key,
        name=row.name,
        created_at=row.created_at,
        created_by=row.created_by,
        archived=row.archived,
        latest=latest,
    )
