"""The services one server process holds: database, store, users, deployments, model projects,
the case host."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from studio.deploy.deployments import DeploymentStore
from studio.editor.projects import ProjectStore
from studio.editor.projects.examples import import_examples
from studio.host.cases import CaseHost
from studio.host.worklist import Worklist
from studio.runtime.config import Settings
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import current_revision, head_revision, upgrade
from studio.runtime.store.sql import SqlStore
from studio.runtime.store.startup_lock import startup_lock
from studio.runtime.users import UserStore, ensure_first_admin


@dataclass
class Runtime:
    settings: Settings
    engine: sa.Engine
    store: SqlStore
    users: UserStore
    deployments: DeploymentStore
    host: CaseHost
    worklist: Worklist
    projects: ProjectStore
    first_password: str | None = None
    """A generated password for the first admin (printed once by `studio serve`)."""
    executor: Any = None
    """The job executor firing due timers (`studio serve` starts one)."""


def open_runtime(settings: Settings, migrate: bool = True, examples: bool = False) -> Runtime:
    """Connect to the database and build the services. The embedded SQLite database is
    migrated to the current revision here; any other must be migrated by `studio db upgrade`
    (SqlStore refuses it otherwise, NotMigrated). With `examples`, an install without any
    deployment gets the sample library deployed, as examples to open and run, and one without
    any model project gets it imported as projects, to open and edit.

    Processes started together take turns for the migration, the first admin and the sample
    library (`startup_lock`): the first does the work, the others find it done."""
    engine = make_engine(settings.database_url, **settings.engine_options)
    deployments = DeploymentStore(engine, settings.instance_path)
    projects = ProjectStore(engine)
    users = UserStore(engine, settings.secret_key)
    with startup_lock(engine):
        if migrate and settings.embedded and current_revision(engine) != head_revision():
            upgrade(engine)
        store = SqlStore(engine)
        first = ensure_first_admin(users, settings.admin_password)
        if examples and not deployments.list():
            deploy_examples(deployments)
        if examples and not projects.list(archived=True):
            import_examples(projects, SAMPLES)
    host = CaseHost(store, engine, deployments)
    worklist = Worklist(host)
    host.listeners.append(lambda c: worklist.forget(c.case_id, c.state, c.history))
    return Runtime(settings, engine, store, users, deployments, host, worklist, projects, first)


SAMPLES = Path(__file__).resolve().parents[2] / "sample_models"
"""The sample library, beside the package in a checkout."""


def deploy_examples(deployments: DeploymentStore, folder: Path = SAMPLES) -> list[str]:
    """Deploy every project of the sample library (those that validate); their keys."""
    deployed = []
    if not folder.is_dir():
        return deployed
    for project in sorted(p for p in folder.iterdir() if p.is_dir()):
        try:
            deployment, _, _ = deployments.deploy_folder(project, actor="studio (examples)")
        except Exception as exc:  # an example that does not deploy must not stop the server
            logging.getLogger(__name__).warning("example %s not deployed: %s", project.name, exc)
            continue
        deployed.append(deployment.key)
    return deployed
