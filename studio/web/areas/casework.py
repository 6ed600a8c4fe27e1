"""The case worker's pages: the worklist, the cases, one case at work.

The pages are shells: their ES modules (`frontend/src/pages/worklist.js`, `cases.js`, `case.js`)
read and act through the REST API (`/api/v1/tasks`, `/cases`, `/tasks/{id}/form`,
`/cases/{id}/offers`) and follow Socket.IO, so what a page shows is what the API allows. The
templates carry the page's messages in its language (`#page-strings`) and the CSRF token.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext

from studio.deploy.deployments import UnknownDeployment
from studio.web.api.cases import case_host, visible_case
from studio.web.api.visibility import case_roles
from studio.web.auth import runtime
from studio.web.errors import ApiError
from studio.web.studio_pages import BUILT, DIAGRAMS, WORKERS, error_page, page

blueprint = Blueprint("casework", __name__, template_folder="../templates")


@blueprint.get("/worklist")
@page(*WORKERS)
def worklist() -> Any:
    return render_template("casework/worklist.html", strings=_common() | _worklist_strings())


@blueprint.get("/cases")
@page(*WORKERS)
def cases() -> Any:
    return render_template(
        "casework/cases.html", strings=_common() | _cases_strings(), definitions=_definitions()
    )


@blueprint.get("/cases/<case_id>")
@page(*WORKERS)
def case(case_id: str) -> Any:
    try:
        view = visible_case(case_id)
    except ApiError:
        return error_page(404, gettext("There is no case %(id)s you may see.", id=case_id))
    diagram = _diagram_of(view["deployment"], view["definition"])
    family = case_host().family(case_id)
    return render_template(
        "casework/case.html",
        case=view,
        name=family[0][1].name or view["definition"],
        plan=getattr(family[0][1], "plan", ""),
        roles=sorted(case_roles(family)),
        diagram=diagram,
        built=BUILT.is_file(),
        strings=_common() | _worklist_strings() | _case_strings(),
    )


def _definitions() -> list[dict[str, str]]:
    """The cases and processes of the newest deployment of each key: what may be started. An id
    that several projects deploy is named with the project whose deployment is the newest, the
    one a start uses (`Deployments.newest_with`)."""
    newest: dict[str, Any] = {}
    for deployment in runtime().deployments.list():
        if deployment.key not in newest or deployment.version > newest[deployment.key].version:
            newest[deployment.key] = deployment
    found = {}
    for deployment in sorted(newest.values(), key=lambda d: d.id):
        for section in ("cases", "processes"):
            for entry in deployment.manifest.get(section, []):
                label = entry.get("name") or entry["id"]
                found[entry["id"]] = {"id": entry["id"], "label": label, "key": deployment.key}
    return sorted(found.values(), key=lambda d: d["label"].lower())


def _diagram_of(deployment_id: int, definition: str) -> dict[str, Any] | None:
    """The model file declaring `definition` (file, notation, src, page) and its deployment (key,
    version); None if unknown."""
    try:
        deployment = runtime().deployments.get(deployment_id)
    except UnknownDeployment:
        return None
    for section in ("cases", "processes"):
        for entry in deployment.manifest.get(section, []):
            notation = DIAGRAMS.get(PurePosixPath(entry["file"]).suffix.lower())
            if entry.get("id") == definition and notation:
                return {
                    "file": entry["file"],
                    "notation": notation,
                    "src": f"/deployments/{deployment_id}/files/{entry['file']}",
                    "page": f"/deployments/{deployment_id}/diagram/{entry['file']}",
                    "key": deployment.key,
                    "version": deployment.version,
                }
    return None


# -- the messages of the pages' scripts ({name}: filled in by the script) ------------------------


def _common() -> dict[str, str]:
    return {
        "network": gettext("The server could not be reached. Check your connection and try again."),
        "csrf": gettext("Your session has expired. Reload the page and try again."),
        "forbidden": gettext("Your roles do not allow this."),
        "not-found": gettext(
            "This is no longer open to you: someone else may have taken or finished it."
        ),
        "conflict": gettext(
            "Someone changed this case at the same moment. The page shows the new state: "
            "check it and try again."
        ),
        "refused": gettext("Refused: {reason}"),
        "failed": gettext("Something went wrong on the server ({status}). Try again later."),
        "state.available": gettext("available"),
        "state.enabled": gettext("enabled"),
        "state.disabled": gettext("disabled"),
        "state.active": gettext("active"),
        "state.suspended": gettext("suspended"),
        "state.completed": gettext("completed"),
        "state.terminated": gettext("terminated"),
        "state.failed": gettext("failed"),
        "state.closed": gettext("closed"),
        "nobody": gettext("nobody"),
        "named": gettext("{action}: {name}"),
        "none": gettext("none"),
    }


def _worklist_strings() -> dict[str, str]:
    return {
        "loading": gettext("Loading…"),
        "empty.me": gettext(
            "Nothing is assigned to you. Claim a task from “Unassigned” to start working on it."
        ),
        "empty.none": gettext("No task is waiting for someone to claim it."),
        "empty.all": gettext(
            "No task is waiting for you or your groups. New work appears here as cases need it."
        ),
        "count": gettext("{count} tasks"),
        "count.one": gettext("1 task"),
        "claim": gettext("Claim"),
        "unclaim": gettext("Release"),
        "open": gettext("Work on it"),
        "claimed": gettext("You claimed “{name}”."),
        "unclaimed": gettext("You released “{name}”."),
        "completed": gettext("“{name}” is completed."),
        "overdue": gettext("overdue"),
        "due.none": gettext("no due date"),
        "form.title": gettext("Complete “{name}”"),
        "form.none": gettext("This task needs no data: complete it when the work is done."),
        "form.submit": gettext("Complete the task"),
        "form.cancel": gettext("Cancel"),
        "form.required": gettext("required"),
        "form.add": gettext("Add a value"),
        "form.remove": gettext("Remove"),
        "form.choose": gettext("Choose…"),
        "form.fix": gettext("Some fields need your attention: {count}."),
        "error.required": gettext("Fill in this field."),
        "error.number": gettext("Enter a number."),
        "error.integer": gettext("Enter a whole number."),
        "error.minimum": gettext("Enter {limit} or more."),
        "error.maximum": gettext("Enter {limit} or less."),
        "error.minLength": gettext("Enter at least {limit} characters."),
        "error.maxLength": gettext("Enter at most {limit} characters."),
        "error.pattern": gettext("This does not have the expected form."),
        "error.minItems": gettext("Add at least {limit} values."),
        "error.maxItems": gettext("Keep at most {limit} values."),
    }


def _cases_strings() -> dict[str, str]:
    return {
        "loading": gettext("Loading…"),
        "empty": gettext("There is no case yet. Start one with “Start a case” above."),
        "empty.filtered": gettext(
            "No case matches these filters. Clear them to see every case you may see."
        ),
        "count": gettext("{count} cases"),
        "count.one": gettext("1 case"),
        "filter.field": gettext(
            "The value is not used yet: name the case file field it should equal too."
        ),
        "filter.value": gettext(
            "The case file field is not used yet: give the value it should equal too."
        ),
        "filter.dates": gettext(
            "No case can match: the “on or after” date is later than the “on or before” date."
        ),
        "json.invalid": gettext(
            "The initial data is not valid JSON: look at line {line}, column {column}."
        ),
        "json.object": gettext('The initial data must be a JSON object, such as {"invoice": {…}}.'),
    }


def _case_strings() -> dict[str, str]:
    return {
        "diagram.loading": gettext("Loading the diagram…"),
        "diagram.none": gettext(
            "This model has no diagram layout to show: its items and their states are listed "
            "beside."
        ),
        "diagram.failed": gettext("The diagram could not be shown: {reason}"),
        "action.start": gettext("Start"),
        "action.plan": gettext("Plan"),
        "action.occur": gettext("Raise"),
        "action.complete": gettext("Complete"),
        "action.case": gettext("Complete the case"),
        "action.done": gettext("Done: {label}."),
        "confirm.case": gettext("Complete the whole case now? Work still open in it ends."),
        "admin.suspend": gettext("Suspend the case"),
        "admin.resume": gettext("Resume the case"),
        "admin.terminate": gettext("Terminate the case"),
        "admin.none": gettext("The case has ended: there is nothing to suspend or terminate."),
        "confirm.terminate": gettext(
            "Terminate the whole case now? Work still open in it ends, and it cannot be undone."
        ),
        "offers.none": gettext(
            "Nothing can be started, planned or raised now. The explanation below says what the "
            "case waits for."
        ),
        "offers.refused": gettext("Not possible now, and why ({count})"),
        "tasks.none": gettext("No task of this case is waiting for someone."),
        "history.none": gettext("Nothing has happened in this case yet."),
        "data.invalid": gettext("This is not valid JSON: look at line {line}, column {column}."),
        "data.object": gettext("The case file must be a JSON object."),
        "data.same": gettext("Nothing changed: the case file is as it was."),
        "data.saved": gettext("The case file is saved."),
        "team.saved": gettext("The role “{role}” is now bound to {members}."),
        "bind": gettext("Bind"),
        "team.empty": gettext("This case has no case roles bound yet."),
        "team.some": gettext(
            "You may change only the roles you hold in this case; the others are shown read-only."
        ),
        "team.none": gettext(
            "You hold none of this case's roles: only their members or an admin may change who "
            "holds them."
        ),
        "by": gettext("by {user}"),
        "system": gettext("automatic"),
        "case.gone": gettext(
            "This case is no longer open to you: it has no work for your roles and its team "
            "does not include you."
        ),
        "children.none": gettext("This case has not started any process or sub-case."),
    }
