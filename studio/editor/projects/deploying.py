"""Deploying a saved version of a project to the runtime, under the project's key."""

from __future__ import annotations

from studio.deploy.deployments import DeploymentStore, DeployResult
from studio.editor.projects.store import ProjectStore
from studio.runtime.audit import record

ACTION = "project.deploy"


def deploy_version(
    projects: ProjectStore,
    deployments: DeploymentStore,
    project_id: int,
    number: int,
    actor: str | None,
) -> DeployResult:
    """Deploy version `number` of a project (DeploymentError with the problems when its models
    have errors; nothing is deployed then) and record who deployed which version."""
    project = projects.get(project_id)
    version = projects.version(project_id, number)
    result = deployments.deploy_files(projects.files(project_id, number), project.key, actor)
    details = {
        "project": project.id,
        "version": version.number,
        "deployment": result.deployment.id,
        "deployment_version": result.deployment.version,
        "created": result.created,
    }
    record(deployments.engine, actor, ACTION, project.key, details)
    return result
