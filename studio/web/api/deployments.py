"""POST /api/v1/deployments (a zip of a model project) and GET /api/v1/deployments."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from studio.deploy.deployments import DeploymentError
from studio.web.api import api
from studio.web.auth import current_user, requires, runtime
from studio.web.errors import ApiError


@api.post("/deployments")
@requires("admin")
def deploy():
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data(cache=False)
    if not data:
        raise ApiError(400, "bad-request", "send the model project as a zip (field 'file')")
    user = current_user()
    assert user is not None
    key = request.form.get("key") or request.args.get("key")
    if not key and upload is not None and upload.filename:
        key = upload.filename.rsplit("/", 1)[-1].removesuffix(".zip") or None
    try:
        deployment, created, skipped = runtime().deployments.deploy_zip(
            data, key=key, actor=user.username
        )
    except DeploymentError as exc:
        raise ApiError(422, "invalid-project", str(exc), _problems(exc)) from None
    current_app.logger.info("deployment %s v%s by %s", deployment.key, deployment.version, user)
    body = {**_shown(deployment), "created": created, "skipped": skipped}
    response = jsonify(body)
    response.status_code = 201 if created else 200
    return response


@api.get("/deployments")
@requires("admin", "analyst", "tester", "caseworker")
def list_deployments():
    return jsonify({"deployments": [_shown(d) for d in runtime().deployments.list()]})


def _shown(deployment: Any) -> dict[str, Any]:
    return {
        "id": deployment.id,
        "key": deployment.key,
        "version": deployment.version,
        "content_hash": deployment.content_hash,
        "created_at": deployment.created_at.isoformat().replace("+00:00", "Z"),
        "created_by": deployment.created_by,
        "manifest": deployment.manifest,
        "problems": deployment.problems,
    }


def _problems(exc: DeploymentError) -> Any:
    problems = getattr(exc, "problems", None)
    return {"problems": problems} if problems else None
