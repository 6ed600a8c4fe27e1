"""The services one server process holds: database, store, users, deployments, the case host."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from studio.deploy.deployments import DeploymentStore
from studio.host.cases import CaseHost
from studio.host.worklist import Worklist
from studio.runtime.config import Settings
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import current_revision, head_revision, upgrade
from studio.runtime.store.sql import SqlStore
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
    first_password: str | None = None
    """A generated password for the first admin (printed once by `studio serve`)."""
    executor: Any = None
    """The job executor firing due timers (`studio serve` starts one)."""


def open_runtime(settings: Settings, migrate: bool = True) -> Runtime:
    """Connect to the database and build the services. The embedded SQLite database is
    migrated to the current revision here; any other must be migrated by `studio db upgrade`
    (SqlStore refuses it otherwise, NotMigrated)."""
    engine = make_engine(settings.database_url)
    if migrate and settings.embedded and current_revision(engine) != head_revision():
        upgrade(engine)
    store = SqlStore(engine)
    users = UserStore(engine, settings.secret_key)
    first = ensure_first_admin(users, settings.admin_password)
    deployments = DeploymentStore(engine, settings.instance_path)
    host = CaseHost(store, engine, deployments)
    worklist = Worklist(host)
    host.listeners.append(lambda case_id, state, _history: worklist.forget(case_id, state))
    return Runtime(settings, engine, store, users, deployments, host, worklist, first)
