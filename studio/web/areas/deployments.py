"""The deployments pages: every deployed version with its diagrams and running cases (/deployments,
routed by studio/web/studio_pages.py), deploying a saved project version (admins), and migrating
the running cases of a version to another one with a dry run first (/deployments/<id>/migrate).

Deploying and migrating go through the REST API (`POST /api/v1/projects/{id}/versions/{n}/deploy`,
`POST /api/v1/cases/{id}/migrate`) from `frontend/src/pages/deployments.js`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_babel import gettext

from studio.deploy.deployments import UnknownDeployment
from studio.runtime.engine.state import TERMINAL
from studio.runtime.store.schema import cases
from studio.runtime.store.service_tables import case_links
from studio.web.auth import current_user, runtime
from studio.web.studio_pages import _diagrams, error_page, page

blueprint = Blueprint("deployments", __name__, template_folder="../templates")


def deployments_page() -> Any:
    """The list of deployments (its route stays `studio.deployments`)."""
    user = current_user()
    admin = user is not None and user.has("admin")
    deployed = runtime().deployments.list()
    running = running_cases()
    newest: dict[str, int] = {}
    for deployment in deployed:
        newest[deployment.key] = max(newest.get(deployment.key, 0), deployment.version)
    rows = [
        {
            "deployment": d,
            "diagrams": _diagrams(d),
            "running": running.get(d.id, 0),
            "migratable": admin and running.get(d.id, 0) > 0 and d.version < newest[d.key],
        }
        for d in deployed
    ]
    return render_template(
        "deployments.html",
        rows=rows,
        admin=admin,
        projects=_deployable() if admin else [],
        strings=_strings() if admin else {},
    )


@blueprint.get("/deployments/<int:ident>/migrate")
@page("admin")
def migrate(ident: int) -> Any:
    """Move the running cases of one deployment to another version of its project."""
    store = runtime().deployments
    try:
        source = store.get(ident)
    except UnknownDeployment:
        return error_page(404, gettext("There is no deployment %(id)s.", id=ident))
    targets = [d for d in store.list(source.key) if d.id != source.id]
    targets.sort(key=lambda d: d.version, reverse=True)
    return render_template(
        "admin/migrate.html",
        source=source,
        targets=targets,
        cases=_running_on(source.id),
        strings=_strings(),
    )


def running_cases() -> Counter[int]:
    """How many cases that have not ended run on each deployment (not counting the processes
    and sub-cases they started, which are items of their case): one grouped query."""
    query = (
        sa.select(cases.c.definition_version, sa.func.count())
        .where(*_top_level_running())
        .group_by(cases.c.definition_version)
    )
    with runtime().engine.connect() as connection:
        return Counter({_deployment_of(version): n for version, n in connection.execute(query)})


def _running_on(deployment: int) -> list[dict[str, Any]]:
    """The top-level cases of one deployment that have not ended, oldest first."""
    query = (
        sa.select(cases.c.id, cases.c.definition_key, cases.c.state, cases.c.created_at)
        .where(*_top_level_running(), cases.c.definition_version == str(deployment))
        .order_by(cases.c.created_at, cases.c.id)
    )
    with runtime().engine.connect() as connection:
        return [
            {"id": i, "definition": key, "state": state, "created_at": at}
            for i, key, state, at in connection.execute(query)
        ]


def _top_level_running() -> list[Any]:
    started = sa.select(case_links.c.child_id)
    return [cases.c.state.not_in(sorted(TERMINAL)), cases.c.id.not_in(started)]


def _deployment_of(version: str | None) -> int:
    try:
        return int(version or 0)
    except ValueError:
        return 0


def _deployable() -> list[dict[str, Any]]:
    """The projects with saved versions, newest version first, for the deploy form."""
    projects = runtime().projects
    shown = []
    for project in projects.list():
        if project.latest is None:
            continue
        versions = sorted(projects.versions(project.id), key=lambda v: v.number, reverse=True)
        deployed = {d.content_hash: d.version for d in runtime().deployments.list(project.key)}
        shown.append(
            {
                "project": project,
                "versions": [(v, deployed.get(v.content_hash)) for v in versions],
            }
        )
    return shown


def _strings() -> dict[str, str]:
    """The deployment pages' script messages ({name}: filled in by it)."""
    return {
        "failed": gettext("That did not work: {reason}"),
        "offline": gettext("The server could not be reached. Check your connection and try again."),
        "choose": gettext("Choose a project version to deploy."),
        "deploying": gettext("Deploying…"),
        "deployed": gettext("{key} is deployed as version {version}."),
        "unchanged": gettext("Nothing new: {key} version {version} has the same content."),
        "refused": gettext("Not deployed: fix these problems in the models first."),
        "checking": gettext("Checking case {done} of {total}…"),
        "all_map": gettext("All {total} cases can be migrated."),
        "one_maps": gettext("The case can be migrated."),
        "one_fails": gettext("The case cannot be migrated (see below)."),
        "some_fail": gettext("{ok} of {total} cases can be migrated; {bad} cannot (see below)."),
        "maps": gettext("Everything maps"),
        "cannot": gettext("Cannot be migrated"),
        "migrating": gettext("Migrating case {done} of {total}…"),
        "migrated": gettext("Cases moved to version {version}: {count}."),
        "moved": gettext("Moved to version {version}"),
        "not_moved": gettext("Not moved"),
        "some_stayed": gettext(
            "{moved} of {total} cases moved to version {version}; {stayed} did not (see below)."
        ),
        "outcome_verdict": gettext(
            "Migration done: {moved} of {total} cases are on version {version} now; {stayed}"
            " stayed where they were (see below)."
        ),
        "outcome": gettext("Migration"),
        "dry_run": gettext("Dry run"),
        "migrate_button": gettext("Migrate the cases that map ({count})"),
        "unmapped": gettext("{item} ({state}): {reason}"),
        "none_started": gettext("none"),
        "started_what": gettext("({definition})"),
    }  # fmt: skip
