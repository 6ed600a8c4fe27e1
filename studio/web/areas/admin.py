"""The admin pages: users and roles (/admin), incidents with retry (/admin/incidents) and the
timer job queue (/admin/jobs).

The pages are rendered here from the runtime; their changes go through the REST API
(`/api/v1/users...`, the case action `{"retry": "@case"}`) from `frontend/src/pages/admin*.js`,
which send the page's CSRF token.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext, lazy_gettext

from studio.host.cases import ActionError
from studio.host.executor import JobExecutor
from studio.host.worker import in_process_executor
from studio.runtime import audit
from studio.runtime.users import MIN_PASSWORD, ROLES
from studio.web.areas.admin_incidents import cases_with_incidents
from studio.web.auth import current_user, runtime
from studio.web.studio_pages import page

blueprint = Blueprint("admin", __name__, template_folder="../templates")

JOB_STATES = ("waiting", "running", "retry", "failed")
ROLE_LABELS = {
    "analyst": lazy_gettext("Analyst"),
    "tester": lazy_gettext("Tester"),
    "admin": lazy_gettext("Administrator"),
    "caseworker": lazy_gettext("Case worker"),
}
ROLE_HINTS = {
    "analyst": lazy_gettext("models, validation, simulation"),
    "tester": lazy_gettext("scenarios, simulation"),
    "admin": lazy_gettext("deployments, runtime, users"),
    "caseworker": lazy_gettext("the worklist and its cases"),
}
STATE_LABELS = {
    "waiting": lazy_gettext("Waiting"),
    "running": lazy_gettext("Running"),
    "retry": lazy_gettext("Retrying"),
    "failed": lazy_gettext("Failed"),
}
CHANGE_LABELS = {
    "user.add": lazy_gettext("added"),
    "user.set-roles": lazy_gettext("changed the roles of"),
    "user.set-groups": lazy_gettext("changed the groups of"),
    "user.set-password": lazy_gettext("reset the password of"),
    "user.activate": lazy_gettext("activated"),
    "user.deactivate": lazy_gettext("deactivated"),
    "user.revoke-tokens": lazy_gettext("revoked the API tokens of"),
    "login.locked": lazy_gettext("locked after failed logins:"),
}
INCIDENT_KINDS = {
    "timer": lazy_gettext("A timer failed"),
    "loop": lazy_gettext("Loop budget exceeded"),
    "task": lazy_gettext("A task failed"),
    "child": lazy_gettext("A called process failed"),
    "other": lazy_gettext("A step failed"),
}
RECENT = 8
CASE_PAGE = "casework.case"
TABS = (
    ("admin.users", lazy_gettext("Users and roles")),
    ("admin.incidents", lazy_gettext("Incidents")),
    ("admin.jobs", lazy_gettext("Job queue")),
)


@blueprint.app_context_processor
def _admin_shell() -> dict[str, Any]:
    return {
        "admin_tabs": TABS,
        "role_labels": ROLE_LABELS,
        "job_state_labels": STATE_LABELS,
        "case_url": case_url,
    }


def case_url(case_id: str) -> str | None:
    """The page of a case, when the studio has case pages."""
    if CASE_PAGE not in current_app.view_functions:
        return None
    return url_for(CASE_PAGE, case_id=case_id)


@blueprint.get("/admin")
@page("admin")
def users() -> Any:
    me = current_user()
    assert me is not None
    return render_template(
        "admin/users.html",
        users=runtime().users.list(),
        me=me.username,
        roles=ROLES,
        role_hints=ROLE_HINTS,
        min_password=MIN_PASSWORD,
        changes=recent_changes(),
        change_labels=CHANGE_LABELS,
        strings=_strings(),
    )


@blueprint.get("/admin/incidents")
@page("admin")
def incidents() -> Any:
    found = cases_with_incidents(runtime().store, runtime().host.unit(), _executor().jobs("failed"))
    return render_template(
        "admin/incidents.html", cases=found, kinds=INCIDENT_KINDS, strings=_strings()
    )


@blueprint.get("/admin/jobs")
@page("admin")
def jobs() -> Any:
    executor = _executor()
    state = request.args.get("state")
    if state not in JOB_STATES:
        state = None
    status = executor.status()
    listed = [_job(job) for job in executor.jobs(state)]
    failed = {job["case_id"] for job in listed if job["state"] == "failed"}
    retried = failed - {incident["case"] for incident in open_incidents()} if failed else set()
    return render_template(
        "admin/jobs.html",
        retried=retried,
        status=status,
        counts={s: status["jobs"].get(s, 0) for s in JOB_STATES},
        jobs=listed,
        state=state,
        executor_running=runtime().executor is not None and status["running"],
        workers_elsewhere=not in_process_executor(os.environ),
        strings=_strings(),
    )


# -- reading the runtime ------------------------------------------------------------------------


def _executor() -> Any:
    """The serving process's job executor, or (none runs here) one to read the queue with."""
    found = runtime().executor
    return found if found is not None else JobExecutor(runtime().host, runtime().engine)


def open_incidents() -> list[dict[str, Any]]:
    """The cases whose timer job failed and that still have incidents, oldest failure first."""
    host = runtime().host.unit()
    found = []
    for job in _executor().jobs("failed"):
        try:
            view = host.view(job["case_id"])
        except ActionError:
            continue
        if not view.get("incidents"):
            continue  # retried: its timer fires on the executor's next round
        found.append(
            {
                "case": job["case_id"],
                "definition": view.get("definition"),
                "deployment": view.get("deployment"),
                "state": view.get("state"),
                "messages": list(view["incidents"]),
                "attempts": job["attempts"],
                "since": job["due"],
                "last_error": job["last_error"],
            }
        )
    return found


def recent_changes() -> list[dict[str, Any]]:
    """The newest user changes of the audit trail (who did what to whom, when)."""
    entries = audit.entries(runtime().engine, limit=200)
    return [e for e in entries if e["action"] in CHANGE_LABELS][:RECENT]


def _job(job: dict[str, Any]) -> dict[str, Any]:
    return {**job, "due": job["due"] if isinstance(job["due"], datetime) else None}


def _strings() -> dict[str, Any]:
    """The admin pages' script messages, in the page's language ({name}: filled in by it)."""
    return {
        "failed": gettext("That did not work: {reason}"),
        "offline": gettext("The server could not be reached. Check your connection and try again."),
        "saving": gettext("Saving…"),
        "added": gettext("{user} was added."),
        "saved": gettext("The changes to {user} were saved."),
        "password": gettext("The password of {user} was reset; their API tokens were revoked."),
        "revoked": gettext("API tokens of {user} revoked: {count}."),
        "retried": gettext("The incidents of case {case} were cleared; its timers run again."),
        "retrying": gettext("Retrying case {case}…"),
        "dismissed": gettext("The incidents of case {case} were dismissed."),
        "task_retried": gettext("Task {task} of case {case} ran again."),
        "need_username": gettext("Enter a username."),
        "need_password": gettext("Enter a password of at least {min} characters."),
        "need_role": gettext("Choose at least one role."),
    }  # fmt: skip
