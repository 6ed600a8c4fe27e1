"""The model-project pages: the list (create, import), a project (files, versions, download,
diff) and the diagram editor of a model file (save, live validation, auto-layout).

The forms here post to these pages (server-side, CSRF-checked) and read the project store
directly; the editor page's script speaks to the REST API (`/api/v1/projects/...`).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext, lazy_gettext, lazy_pgettext, ngettext

from studio.editor.projects import (
    DuplicateKey,
    ProjectError,
    StaleVersion,
    UnknownProject,
    UnknownVersion,
)
from studio.editor.projects.diff import diff_files
from studio.editor.projects.examples import AUTHOR as EXAMPLES_AUTHOR
from studio.editor.projects.files import kind_of, notation_of
from studio.editor.projects.importing import read_upload
from studio.editor.projects.records import Project, Version
from studio.messages import translate
from studio.runtime.services import ServiceRegistry
from studio.web.areas.projects_starters import STARTS, starter
from studio.web.areas.projects_strings import editor_strings
from studio.web.auth import csrf, current_user, runtime
from studio.web.studio_pages import BUILT, error_page, page

blueprint = Blueprint("projects", __name__, template_folder="../templates")

READ = ("analyst", "tester", "admin")
EDIT = ("analyst", "admin")
LARGEST = 2**31 - 1
EDITABLE = ("bpmn", "cmmn")
KIND_ORDER = ("cmmn", "bpmn", "dmn", "schema", "form", "scenario", "simulation", "data",
              "readme", "other")  # fmt: skip
KIND_LABELS = {
    "cmmn": lazy_gettext("Case models (CMMN)"),
    "bpmn": lazy_gettext("Process models (BPMN)"),
    "dmn": lazy_gettext("Decision tables (DMN)"),
    "schema": lazy_gettext("Case file schemas"),
    "form": lazy_gettext("Forms"),
    "scenario": lazy_gettext("Scenario tests"),
    "simulation": lazy_gettext("Simulations"),
    "data": lazy_gettext("Sample data"),
    "readme": lazy_gettext("Read me"),
    "other": lazy_gettext("Other files"),
}


# -- the list --------------------------------------------------------------------------------------


@blueprint.get("/projects")
@page(*READ)
def index() -> Any:
    return _index()


def _index(error: str | None = None, form: dict[str, str] | None = None, status: int = 200) -> Any:
    projects = runtime().projects.list()
    return (
        render_template(
            "projects/index.html",
            projects=projects,
            example=is_example,
            may_edit=_may_edit(),
            error=error,
            form=form or {},
        ),
        status,
    )


def is_example(project: Project) -> bool:
    """A project of the sample library, imported on a fresh install."""
    return project.created_by == EXAMPLES_AUTHOR


@blueprint.post("/projects")
@page(*EDIT)
def create() -> Any:
    csrf.protect()
    key = request.form.get("key", "").strip()
    name = request.form.get("name", "").strip() or None
    start = request.form.get("start", "bpmn")
    form = {"key": key, "name": name or "", "start": start}
    if not key:
        return _index(gettext("Give the project a key, for instance “claims”."), form, 400)
    try:
        files = starter(start, key, name or key) if start in STARTS else {}
        message = gettext("Created with a first model") if files else ""
        project = runtime().projects.create(key, name, _username(), files or None, message)
    except DuplicateKey:
        message = gettext("A project with the key “%(key)s” exists already.", key=key)
        return _index(message, form, 409)
    except ProjectError as exc:
        return _index(gettext("The project was not created: %(reason)s", reason=_said(exc)),
                      form, 422)  # fmt: skip
    return redirect(url_for("projects.show", project_id=project.id), 303)


@blueprint.post("/projects/import")
@page(*EDIT)
def import_upload() -> Any:
    csrf.protect()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _index(
            gettext("Choose a file to import: a zip, a .cmmn or a .bpmn file."), None, 400
        )
    data, filename = upload.read(), upload.filename
    store = runtime().projects
    form = {"import_key": request.form.get("key", "").strip()}
    try:
        read = read_upload(data, filename, store.limits)
        key = form["import_key"] or read.key
        if not key:
            return _index(gettext("Give the imported project a key."), form, 400)
        project = store.create(
            key, None, _username(), read.files, f"Imported from {filename[:200]}"
        )
    except DuplicateKey as exc:
        message = gettext(
            "%(reason)s. Give the import another key.",
            reason=_said(exc)[:1].upper() + _said(exc)[1:],
        )
        return _index(message, form, 409)
    except ProjectError as exc:
        return _index(gettext("Nothing was imported: %(reason)s", reason=_said(exc)), form, 422)
    return render_template(
        "projects/imported.html",
        project=project,
        report=read.report(),
        filename=filename,
        number=1,
        created=True,
    ), 201


@blueprint.post("/projects/<int:project_id>/import")
@page(*EDIT)
def import_version(project_id: int) -> Any:
    """A new version holding exactly the uploaded files (based on the newest)."""
    csrf.protect()
    project = _project(project_id)
    if isinstance(project, tuple):
        return project
    upload = request.files.get("file")
    back = url_for("projects.show", project_id=project_id)
    if upload is None or not upload.filename:
        return error_page(400, gettext("Choose a file to import: a zip, a .cmmn or a .bpmn file."))
    store = runtime().projects
    base = project.latest.number if project.latest else 0
    message = request.form.get("message", "").strip() or f"Imported from {upload.filename[:200]}"
    try:
        read = read_upload(upload.read(), upload.filename, store.limits)
        saved = store.save(project_id, base, read.files, (), message, _username(), replace_all=True)
    except StaleVersion:
        return redirect(back, 303)
    except ProjectError as exc:
        return error_page(422, gettext("Nothing was imported: %(reason)s", reason=_said(exc)))
    return render_template(
        "projects/imported.html",
        project=project,
        report=read.report(),
        filename=upload.filename,
        number=saved.version.number,
        created=saved.created,
    ), 201 if saved.created else 200


# -- a project ------------------------------------------------------------------------------------


@blueprint.get("/projects/<int:project_id>")
@page(*READ)
def show(project_id: int) -> Any:
    store = runtime().projects
    project = _project(project_id)
    if isinstance(project, tuple):
        return project
    versions = store.versions(project_id)
    number = _number(request.args.get("version"), project)
    files: list[Any] = []
    version: Version | None = None
    if number:
        try:
            version = store.version(project_id, number)
        except UnknownVersion:
            return error_page(404, gettext("%(key)s has no version %(number)s.", key=project.key,
                                           number=number))  # fmt: skip
        files = store.entries(project_id, number)
    deployed = {d.content_hash for d in runtime().deployments.list(project.key)}
    return render_template(
        "projects/project.html",
        project=project,
        version=version,
        versions=versions,
        groups=_grouped(files),
        deployed=deployed,
        editable=EDITABLE,
        example=is_example(project),
        may_edit=_may_edit(),
        format_decimal=format_decimal,
    )


def _grouped(entries: list[Any]) -> list[tuple[str, Any, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for entry in entries:
        groups.setdefault(kind_of(entry.path), []).append(entry)
    return [(kind, KIND_LABELS[kind], groups[kind]) for kind in KIND_ORDER if kind in groups]


@blueprint.get("/projects/<int:project_id>/diff")
@page(*READ)
def diff(project_id: int) -> Any:
    store = runtime().projects
    project = _project(project_id)
    if isinstance(project, tuple):
        return project
    newest = project.latest.number if project.latest else 0
    to = _number(request.args.get("to"), project)
    start = _number(request.args.get("from"), project, default=max(0, to - 1))
    if to > newest or start > newest:
        return error_page(404, gettext("%(key)s has no such version.", key=project.key))
    old, new = (store.files(project_id, n) if n else {} for n in (start, to))
    label = lambda n: f"version {n}" if n else "empty"  # noqa: E731
    body = diff_files(old, new, label(start), label(to))
    return render_template(
        "projects/diff.html",
        project=project,
        versions=store.versions(project_id),
        start=start,
        to=to,
        diff=body,
        summary=diff_summary(body["files"], set(old) & set(new)),
        change_names=CHANGE_NAMES,
    )


CHANGE_NAMES = {
    "added": lazy_pgettext("diff", "added"),
    "removed": lazy_pgettext("diff", "removed"),
    "renamed": lazy_pgettext("diff", "renamed"),
    "moved": lazy_pgettext("diff", "moved"),
    "retyped": lazy_pgettext("diff", "retyped"),
    "changed": lazy_pgettext("diff", "changed"),
    "layout": lazy_pgettext("diff", "layout"),
}
"""The badge of a changed file or model change on the changes page ("added" alone is also a
verb of the audit log: hence the context)."""


def diff_summary(files: list[dict[str, Any]], common: set[str]) -> str:
    """One line on a version diff in the page's language, e.g. "1 changed, 2 unchanged"."""
    counts = {status: sum(f["status"] == status for f in files)
              for status in ("added", "removed", "changed")}  # fmt: skip
    words = {
        "added": lambda n: ngettext("%(num)d file added", "%(num)d files added", n),
        "removed": lambda n: ngettext("%(num)d file removed", "%(num)d files removed", n),
        "changed": lambda n: ngettext("%(num)d file changed", "%(num)d files changed", n),
    }
    shown = [words[status](n) for status, n in counts.items() if n]
    unchanged = len(common) - counts["changed"]
    return gettext(
        "%(changes)s (%(unchanged)s unchanged)",
        changes=", ".join(shown) or gettext("no differences"),
        unchanged=unchanged,
    )


# -- the editor -----------------------------------------------------------------------------------


@blueprint.get("/projects/<int:project_id>/edit/<path:path>")
@page(*READ)
def edit(project_id: int, path: str) -> Any:
    store = runtime().projects
    project = _project(project_id)
    if isinstance(project, tuple):
        return project
    number = _number(request.args.get("version"), project)
    try:
        entries = {e.path for e in store.entries(project_id, number)} if number else set()
    except UnknownVersion:
        entries = set()
    if path not in entries:
        message = gettext("Version %(number)s of %(key)s has no file “%(path)s”.",
                          number=number, key=project.key, path=path)  # fmt: skip
        return error_page(404, message)
    notation = notation_of(path)
    if notation not in EDITABLE:
        return error_page(404, gettext("“%(path)s” is not a BPMN or CMMN diagram.", path=path))
    newest = project.latest.number if project.latest else 0
    return render_template(
        "projects/editor.html",
        project=project,
        path=path,
        name=PurePosixPath(path).name,
        notation=notation,
        number=number,
        newest=newest,
        may_save=_may_edit(),
        built=BUILT.is_file(),
        source=url_for("api.get_file", project_id=project_id, number=number, path=path),
        strings=editor_strings(),
        services=ServiceRegistry.installed().names() if notation == "bpmn" else [],
    )


# -- helpers --------------------------------------------------------------------------------------


def _project(project_id: int) -> Project | tuple[str, int]:
    try:
        if project_id > LARGEST:
            raise UnknownProject(project_id)
        return runtime().projects.get(project_id)
    except UnknownProject:
        return error_page(404, gettext("There is no project %(id)s.", id=project_id))


def _number(value: str | None, project: Project, default: int | None = None) -> int:
    """A version number from the query (else `default`, else the newest)."""
    newest = project.latest.number if project.latest else 0
    try:
        number = int(value) if value is not None else (newest if default is None else default)
    except ValueError:
        number = newest
    return max(0, min(number, LARGEST))


def _may_edit() -> bool:
    user = current_user()
    return user is not None and any(user.has(role) for role in EDIT)


def _username() -> str:
    user = current_user()
    assert user is not None
    return user.username


def _said(refusal: ProjectError) -> str:
    """The store's refusal in the page's language."""
    return translate(refusal.message, gettext)
