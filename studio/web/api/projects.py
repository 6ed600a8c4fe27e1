"""Model projects over REST: create, import, read, save versions, diff, validate, download,
deploy a version (docs/projects.md).

Roles: analysts and admins edit; testers read and save scenario, simulation and sample-data
files only; deploying a version is for admins; case workers have no access.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Response, jsonify, request

from studio.deploy import DeploymentError
from studio.editor.projects import (
    DuplicateKey,
    ProjectError,
    StaleVersion,
    UnknownProject,
    UnknownVersion,
)
from studio.editor.projects.deploying import deploy_version
from studio.editor.projects.diff import diff_files
from studio.editor.projects.download import zip_files
from studio.editor.projects.files import check_file_set, check_path, kind_of, tester_may_write
from studio.editor.projects.importing import read_upload
from studio.editor.projects.records import Project, stamp
from studio.editor.projects.validating import overlaid, read_by_validation, validate_files
from studio.web.api import api
from studio.web.auth import current_user, requires, runtime
from studio.web.errors import ApiError

READ = ("analyst", "tester", "admin")
EDIT = ("analyst", "admin")
SAVE = ("analyst", "tester", "admin")
LARGEST_ID = 2**31 - 1
MEDIA_TYPES = {
    "cmmn": "application/xml",
    "bpmn": "application/xml",
    "dmn": "application/xml",
    "readme": "text/markdown; charset=utf-8",
}
SUFFIX_TYPES = {".jsonl": "application/x-ndjson", ".csv": "text/csv; charset=utf-8",
                ".json": "application/json"}  # fmt: skip


# -- projects ------------------------------------------------------------------------------------


@api.get("/projects")
@requires(*READ)
def list_projects():
    archived = request.args.get("archived", "false").lower() in ("1", "true", "yes")
    return jsonify({"projects": [p.as_json() for p in runtime().projects.list(archived)]})


@api.post("/projects")
@requires(*EDIT)
def create_project():
    body = _body()
    files = _files(body.get("files"), "files") if "files" in body else None
    project = _answer(
        lambda: runtime().projects.create(
            body.get("key"), body.get("name"), _username(), files, body.get("message") or ""
        )
    )
    return _created(project.as_json(), f"/api/v1/projects/{project.id}")


@api.post("/projects/import")
@requires(*EDIT)
def import_project():
    data, filename = _upload()
    upload = _answer(lambda: read_upload(data, filename, runtime().projects.limits))
    key = request.form.get("key") or request.args.get("key") or upload.key
    if not key:
        raise ApiError(400, "bad-request", "name the project: send a key")
    name = request.form.get("name") or request.args.get("name")
    message = request.form.get("message") or _imported_from(filename)
    store = runtime().projects
    project = _answer(lambda: store.create(key, name, _username(), upload.files, message))
    body = {"project": project.as_json(), **upload.report()}
    return _created(body, f"/api/v1/projects/{project.id}")


@api.get("/projects/<int:project_id>")
@requires(*READ)
def get_project(project_id: int):
    return jsonify(_project(project_id).as_json())


@api.patch("/projects/<int:project_id>")
@requires(*EDIT)
def update_project(project_id: int):
    body = _body()
    archived = body.get("archived")
    if archived is not None and not isinstance(archived, bool):
        raise ApiError(400, "bad-request", "archived is true or false")
    _project(project_id)
    project = _answer(lambda: runtime().projects.update(project_id, body.get("name"), archived))
    return jsonify(project.as_json())


@api.post("/projects/<int:project_id>/import")
@requires(*EDIT)
def import_version(project_id: int):
    """A new version holding exactly the uploaded files (replacing every file)."""
    _project(project_id)
    data, filename = _upload()
    base = _integer(request.form.get("base", request.args.get("base")), "base", required=True)
    upload = _answer(lambda: read_upload(data, filename, runtime().projects.limits))
    message = request.form.get("message") or _imported_from(filename)
    saved = _answer(
        lambda: runtime().projects.save(
            project_id, base, upload.files, (), message, _username(), replace_all=True
        )
    )
    body = {"created": saved.created, "version": saved.version.as_json(), **upload.report()}
    return _created(body) if saved.created else jsonify(body)


# -- versions ------------------------------------------------------------------------------------


@api.get("/projects/<int:project_id>/versions")
@requires(*READ)
def list_versions(project_id: int):
    versions = _answer(lambda: runtime().projects.versions(_id(project_id)))
    return jsonify({"versions": [v.as_json() for v in versions]})


@api.post("/projects/<int:project_id>/versions")
@requires(*SAVE)
def save_version(project_id: int):
    body = _body()
    files = _files(body.get("files", {}), "files")
    removed = _paths(body.get("remove", []))
    _project(project_id)
    _check_tester([*files, *removed])
    saved = _answer(
        lambda: runtime().projects.save(
            project_id, body.get("base"), files, removed, body.get("message") or "", _username()
        )
    )
    answer = {"created": saved.created, "version": saved.version.as_json()}
    return _created(answer) if saved.created else jsonify(answer)


@api.get("/projects/<int:project_id>/versions/<int:number>")
@requires(*READ)
def get_version(project_id: int, number: int):
    store = runtime().projects
    project = _project(project_id)
    version = _answer(lambda: store.version(project_id, _id(number)))
    deployed = [
        {"id": d.id, "version": d.version, "created_at": stamp(d.created_at)}
        for d in runtime().deployments.list(project.key)
        if d.content_hash == version.content_hash
    ]
    return jsonify(
        {
            **version.as_json(),
            "files": [e.as_json() for e in store.entries(project_id, number)],
            "deployments": deployed,
        }
    )


@api.get("/projects/<int:project_id>/versions/<int:number>/files/<path:path>")
@requires(*READ)
def get_file(project_id: int, number: int, path: str):
    _project(project_id)
    data, sha = _answer(lambda: runtime().projects.file(project_id, _id(number), path))
    response = Response(data, mimetype=None, content_type=_media_type(path))
    response.headers["Content-Disposition"] = _attachment(path.rsplit("/", 1)[-1])
    response.set_etag(sha)
    return response.make_conditional(request)


@api.get("/projects/<int:project_id>/versions/<int:number>/download")
@requires(*READ)
def download_version(project_id: int, number: int):
    store = runtime().projects
    project = _project(project_id)
    version = _answer(lambda: store.version(project_id, _id(number)))
    data = zip_files(store.files(project_id, number), project.key, version.created_at)
    response = Response(data, content_type="application/zip")
    response.headers["Content-Disposition"] = _attachment(f"{project.key}-v{number}.zip")
    return response


@api.post("/projects/<int:project_id>/versions/<int:number>/deploy")
@requires("admin")
def deploy_project_version(project_id: int, number: int):
    _project(project_id)
    rt = runtime()
    try:
        result = _answer(
            lambda: deploy_version(
                rt.projects, rt.deployments, project_id, _id(number), _username()
            )
        )
    except DeploymentError as exc:
        details = {"problems": exc.problems} if exc.problems else None
        raise ApiError(422, "invalid-project", str(exc), details) from None
    deployment = result.deployment
    body = {
        "deployment": {**deployment.as_json(), "created_at": stamp(deployment.created_at)},
        "created": result.created,
        "skipped": result.skipped,
    }
    return _created(body) if result.created else jsonify(body)


# -- diff and validation ---------------------------------------------------------------------------


@api.get("/projects/<int:project_id>/diff")
@requires(*READ)
def diff_versions(project_id: int):
    project = _project(project_id)
    newest = project.latest.number if project.latest else 0
    to = _integer(request.args.get("to"), "to") if "to" in request.args else newest
    start = _integer(request.args.get("from"), "from") if "from" in request.args else max(0, to - 1)
    old, new = (_version_files(project_id, number) for number in (start, to))
    body = diff_files(old, new, _label(start), _label(to))
    return jsonify({"from": start, "to": to, **body})


@api.post("/projects/<int:project_id>/validate")
@requires(*READ)
def validate_project(project_id: int):
    """The problems of a version (default the newest) with unsaved edits laid over it."""
    body = _body(optional=True)
    edits = _files(body.get("files", {}), "files")
    removed = _paths(body.get("remove", []))
    project = _project(project_id)
    store = runtime().projects
    number = body.get("version")
    if number is None:
        number = project.latest.number if project.latest else 0
    number = _integer(number, "version")
    _answer(lambda: check_file_set(edits, store.limits))
    _answer(lambda: [check_path(path, store.limits) for path in removed])
    saved = _version_files(project_id, number, read_by_validation)
    report = validate_files(overlaid(saved, edits, removed))
    return jsonify({"version": number, **report})


# -- helpers -------------------------------------------------------------------------------------


def _answer(call: Callable[[], Any]) -> Any:
    """Run a store call, turning its refusals into API errors."""
    try:
        return call()
    except (UnknownProject, UnknownVersion) as exc:
        raise ApiError(404, "not-found", exc.args[0] if exc.args else str(exc)) from None
    except DuplicateKey as exc:
        raise ApiError(409, "duplicate-key", exc.message) from None
    except StaleVersion as exc:
        details = {
            "base": exc.base,
            "newest": exc.meanwhile[-1].number,
            "saved_meanwhile": [saved.as_json() for saved in exc.meanwhile],
        }
        raise ApiError(409, "stale-version", str(exc), details) from None
    except ProjectError as exc:
        raise ApiError(422, "invalid-project", exc.message) from None


def _version_files(
    project_id: int, number: int, wanted: Callable[[str], bool] | None = None
) -> dict[str, bytes]:
    """The files of a version (version 0: none, before the first save)."""
    if number == 0:
        return {}
    return _answer(lambda: runtime().projects.files(project_id, _id(number), wanted))


def _project(project_id: int) -> Project:
    return _answer(lambda: runtime().projects.get(_id(project_id)))


def _id(value: int) -> int:
    """An id or version number the database can hold (larger ones exist nowhere)."""
    if value > LARGEST_ID:
        raise ApiError(404, "not-found", f"no project or version {value}")
    return value


def _body(optional: bool = False) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and optional and not request.get_data(cache=True):
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "bad-request", "send a JSON object")
    return body


def _files(value: Any, name: str) -> dict[str, bytes]:
    """`{"path": "text"}` from a request, as bytes (UTF-8)."""
    if not isinstance(value, dict):
        raise ApiError(400, "bad-request", f'{name} is an object: {{"path": "content"}}')
    files = {}
    for path, text in value.items():
        if not isinstance(text, str):
            raise ApiError(400, "bad-request", f"{path!a}: the content is a string")
        try:
            files[path] = text.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(400, "bad-request", f"{path!a}: the content is not valid text") from None
    return files


def _paths(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ApiError(400, "bad-request", "remove is a list of file paths")
    return value


def _integer(value: Any, name: str, required: bool = False) -> int:
    if value is None and not required:
        return 0
    try:
        number = int(value) if isinstance(value, str | int) and not isinstance(value, bool) else -1
    except ValueError:
        number = -1
    if number < 0:
        raise ApiError(400, "bad-request", f"{name} is a version number (0 or more)")
    return number


def _upload() -> tuple[bytes, str | None]:
    upload = request.files.get("file")
    if upload is not None:
        return upload.read(), upload.filename or None
    data = request.get_data(cache=False)
    if not data:
        raise ApiError(
            400, "bad-request", "send a zip or a model file (multipart field 'file', or the body)"
        )
    return data, request.args.get("filename")


def _check_tester(paths: list[str]) -> None:
    """A tester without an editing role saves scenarios, simulations and sample data only."""
    user = current_user()
    assert user is not None
    if any(user.has(role) for role in EDIT):
        return
    refused = [path for path in paths if not tester_may_write(path)]
    if refused:
        raise ApiError(
            403,
            "forbidden",
            f"{refused[0]!a} is a {kind_of(refused[0])} file: a tester saves scenarios, "
            "simulation files and sample data only",
            {"roles": list(EDIT), "files": refused},
        )


def _username() -> str:
    user = current_user()
    assert user is not None
    return user.username


def _created(body: dict[str, Any], location: str | None = None) -> Response:
    response = jsonify(body)
    response.status_code = 201
    if location:
        response.headers["Location"] = location
    return response


def _media_type(path: str) -> str:
    kind = kind_of(path)
    if kind in MEDIA_TYPES:
        return MEDIA_TYPES[kind]
    lower = path.lower()
    return next(
        (t for s, t in SUFFIX_TYPES.items() if lower.endswith(s)), "application/octet-stream"
    )


def _attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _imported_from(filename: str | None) -> str:
    return f"Imported from {filename[:200]}" if filename else "Imported from an upload"


def _label(number: int) -> str:
    return f"version {number}" if number else "empty"
