"""The worklist: the human tasks of live cases, who may work them, who works them.

A task is an active human task (CMMN human task or blocking plain task, BPMN user or manual
task) of a case or of a process it started. Its role is the CMMN performer or the BPMN lane; a
user may work it when the role is open to them (`team.may_act`) or it has none. A user claims a
task (or an assignee or admin delegates it); a claimed task is completed by its assignee only.
Completion data is checked against the task's form schema when the project has one:
`<task definition id>.form.json`, a JSON Schema, beside the models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from studio.host.cases import ActionError, Actor, CaseHost
from studio.host.open_tasks import OpenCase, open_cases, top_cases
from studio.host.work import task_id, work_item
from studio.runtime.engine.outcome import Command
from studio.runtime.engine.state import CaseState, HistoryEvent
from studio.runtime.engine.team import may_act
from studio.runtime.store.service_tables import task_assignments


@dataclass(frozen=True, slots=True)
class Task:
    case: str  # the top-level case
    owner: str  # the case or process the task belongs to
    instance: str
    item: str
    definition: str | None  # the task definition id (its form is `<definition>.form.json`)
    name: str
    role: str | None
    assignee: str | None
    due: datetime | None = None
    """When it should be done (the model's due date, worked out when it became active)."""

    @property
    def id(self) -> str:
        """The task's id in the API, safe in a URL path: `<owner case>:<instance>` with the
        instance's `#` written `~` (neither can appear in an XML id)."""
        return task_id(self.owner, self.instance)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case": self.case,
            "owner": self.owner,
            "instance": self.instance,
            "item": self.item,
            "name": self.name,
            "role": self.role,
            "assignee": self.assignee,
            "due": None if self.due is None else self.due.isoformat().replace("+00:00", "Z"),
        }


LEAVING_ACTIVE = frozenset({"complete", "terminate", "exit", "fault", "suspend", "parentSuspend"})
"""The transitions that take a task out of `active` (and end its claim)."""


class Worklist:
    """Tasks, claims and delegation over a case host."""

    def __init__(self, host: CaseHost, forms: dict[tuple[int, str], Any] | None = None) -> None:
        self.host = host
        self._forms: dict[tuple[int, str], Any] = forms if forms is not None else {}
        """(deployment, task definition) -> its form's validator, or None (no form)."""

    def over(self, host: CaseHost) -> Worklist:
        """This worklist on another host (a request's unit), sharing what it compiled."""
        return Worklist(host, self._forms)

    # -- reading --------------------------------------------------------------------------------

    def tasks(self, actor: Actor, everything: bool = False) -> list[Task]:
        """Active tasks `actor` may work (all of them for `everything`, an admin's view): those
        due soonest first, then those without a due date, oldest case first."""
        assigned = self._assignments()
        indexed = open_cases(self.host.store)
        if indexed is None:
            found = self._tasks_loading_each_case(actor, everything, assigned)
        else:
            found = self._tasks_indexed(actor, everything, assigned, indexed)
        found.sort(key=lambda t: (t.due is None, t.due.timestamp() if t.due else 0.0))
        return found

    def _tasks_indexed(
        self,
        actor: Actor,
        everything: bool,
        assigned: dict[tuple[str, str], str],
        indexed: list[OpenCase],
    ) -> list[Task]:
        """The tasks from the active item rows (`open_tasks`): two queries for every case."""
        host = self.host
        tops = top_cases(host.store, (case.id for case in indexed))
        found = []
        for case in indexed:
            try:
                engine = host.engine_for(case.deployment, "case_or_process", case.definition_key)
            except ActionError:
                continue
            if case.current:
                team, instances = case.team, case.instances
            else:
                state = engine.restore(host.store.load(case.id).state)
                team, instances = state.team, list(state.items.values())
            for task in _tasks(tops[case.id], case.id, instances, engine.definition, assigned):
                if everything or self._may_work_in(actor, task, team):
                    found.append(task)
        return found

    def _tasks_loading_each_case(
        self, actor: Actor, everything: bool, assigned: dict[tuple[str, str], str]
    ) -> list[Task]:
        """The tasks of a store without item rows (in memory): every active case loaded."""
        host = self.host
        found = []
        for summary in host.store.list_cases(state="active"):
            try:
                engine = host.engine_for(
                    int(summary.definition_version or 0), "case_or_process", summary.definition_key
                )
            except ActionError:
                continue
            state = engine.restore(host.store.load(summary.id).state)
            top = host.top_of(summary.id)
            for task in _tasks(top, summary.id, state.items.values(), engine.definition, assigned):
                if everything or self.may_work(actor, task, state):
                    found.append(task)
        return found

    def task(self, task_id: str) -> tuple[Task, CaseState]:
        """The active task `<case>:<instance>`, and its case's state; ActionError 404."""
        owner, _, instance = task_id.rpartition(":")
        instance = instance.replace("~", "#")
        if not owner:
            raise ActionError(f"no task {task_id!r}", 404)
        try:
            loaded = self.host.load(owner)
        except ActionError:
            raise ActionError(f"no task {task_id!r}", 404) from None
        state = loaded.state
        found = state.items.get(instance)
        if found is not None and found.state == "active":
            assigned = self._assignments(owner)
            top = self.host.top_of(owner)
            for task in _tasks(top, owner, (found,), loaded.definition, assigned):
                return task, state
        raise ActionError(f"no active task {task_id!r}", 404)

    def may_work(self, actor: Actor, task: Task, state: CaseState) -> bool:
        return self._may_work_in(actor, task, state.team)

    @staticmethod
    def _may_work_in(actor: Actor, task: Task, team: dict[str, tuple[str, ...]]) -> bool:
        if actor.user is None:
            return True
        if task.assignee is not None and task.assignee != actor.user:
            return False
        return task.role is None or may_act(team, (task.role,), actor.user, actor.groups)

    # -- claims ---------------------------------------------------------------------------------

    def claim(self, task_id: str, actor: Actor) -> Task:
        """The actor takes the task; refused when someone else has it or the role is not
        theirs."""
        task, state = self.task(task_id)
        if task.assignee == actor.user:
            return task
        if task.assignee is not None:
            raise ActionError(f"{task.name!r} is already claimed by {task.assignee}", 409)
        if not self.may_work(actor, task, state):
            raise ActionError(f"{actor.user} may not work {task.name!r} (role {task.role})", 403)
        self._assign(task, actor.user or "", actor.user, replace=False)
        return self.task(task_id)[0]

    def unclaim(self, task_id: str, actor: Actor, admin: bool = False) -> Task:
        task, _ = self.task(task_id)
        if task.assignee is None:
            return task
        if task.assignee != actor.user and not admin:
            raise ActionError(f"{task.name!r} is claimed by {task.assignee}, not you", 403)
        with self.host.db.begin() as connection:
            connection.execute(sa.delete(task_assignments).where(*self._key(task)))
        return self.task(task_id)[0]

    def delegate(self, task_id: str, to: str, actor: Actor, to_groups: frozenset[str],
                 admin: bool = False) -> Task:  # fmt: skip
        """The assignee (or an admin) hands the task to `to`, who must hold its role."""
        task, state = self.task(task_id)
        if task.assignee not in (None, actor.user) and not admin:
            raise ActionError(f"{task.name!r} is claimed by {task.assignee}, not you", 403)
        if task.role is not None and not may_act(state.team, (task.role,), to, to_groups):
            raise ActionError(f"{to} may not work {task.name!r} (role {task.role})", 422)
        self._assign(task, to, actor.user, replace=True)
        return self.task(task_id)[0]

    def complete(
        self, task_id: str, data: dict[str, Any] | None, actor: Actor, task: Task | None = None
    ) -> str:
        """Complete the task (`task`, when the caller looked it up already) with `data` checked
        against its form; returns the top-level case."""
        task = task or self.task(task_id)[0]
        if task.assignee is not None and task.assignee != actor.user and actor.user is not None:
            raise ActionError(f"{task.name!r} is claimed by {task.assignee}", 409)
        self._check_form(task, data or {})
        self.host.command(
            task.owner, Command("complete", task.instance, data, actor.user, actor.groups)
        )
        return task.case

    def forget(
        self,
        case_id: str,
        state: CaseState | None = None,
        history: Iterable[HistoryEvent] | None = None,
    ) -> None:
        """Drop the assignments of tasks of the case that are no longer active (a listener of
        the host: called after every change, with the history it appended)."""
        if history is not None and not any(e.event in LEAVING_ACTIVE for e in history):
            return
        state = state or self.host.store.load(case_id).state
        with self.host.db.begin() as connection:
            rows = connection.execute(
                sa.select(task_assignments.c.instance_id).where(
                    task_assignments.c.case_id == case_id
                )
            ).all()
            for (instance,) in rows:
                found = state.items.get(instance)
                if found is None or found.state != "active":
                    connection.execute(
                        sa.delete(task_assignments).where(
                            task_assignments.c.case_id == case_id,
                            task_assignments.c.instance_id == instance,
                        )
                    )

    # -- helpers --------------------------------------------------------------------------------

    def _assign(self, task: Task, to: str, by: str | None, replace: bool) -> None:
        with self.host.db.begin() as connection:
            if replace:
                connection.execute(sa.delete(task_assignments).where(*self._key(task)))
            try:
                row = {
                    "case_id": task.owner,
                    "instance_id": task.instance,
                    "assignee": to,
                    "assigned_at": self.host.clock.now(),
                    "assigned_by": by,
                }
                connection.execute(task_assignments.insert().values(**row))
            except sa.exc.IntegrityError:
                raise ActionError(f"{task.name!r} was claimed meanwhile", 409) from None

    @staticmethod
    def _key(task: Task) -> tuple[Any, ...]:
        return (
            task_assignments.c.case_id == task.owner,
            task_assignments.c.instance_id == task.instance,
        )

    def _assignments(self, case_id: str | None = None) -> dict[tuple[str, str], str]:
        query = sa.select(
            task_assignments.c.case_id, task_assignments.c.instance_id, task_assignments.c.assignee
        )
        if case_id is not None:
            query = query.where(task_assignments.c.case_id == case_id)
        with self.host.db.connect() as connection:
            return {(c, i): a for c, i, a in connection.execute(query)}

    def form(self, task: Task) -> dict[str, Any] | None:
        """The task's form (a JSON Schema), None when it has none."""
        validator = self._validator(task)
        return None if validator is None else dict(validator.schema)

    def _validator(self, task: Task) -> Any:
        if task.definition is None:
            return None
        deployment = self.host.load(task.owner).deployment
        key = (deployment, task.definition)
        if key not in self._forms:
            folder = _folder_of(self.host.deployments, deployment)
            form = folder / f"{task.definition}.form.json" if folder is not None else None
            self._forms[key] = (
                Draft202012Validator(json.loads(form.read_text(encoding="utf-8")))
                if form is not None and form.is_file()
                else None
            )
        return self._forms[key]

    def _check_form(self, task: Task, data: dict[str, Any]) -> None:
        validator = self._validator(task)
        if validator is None:
            return
        error = best_match(validator.iter_errors(data))
        if error is not None:
            where = ".".join(str(p) for p in error.absolute_path) or "data"
            raise ActionError(f"{task.name!r}: {where}: {error.message}")


def _tasks(
    top: str,
    owner: str,
    instances: Iterable[Any],
    definition: Any,
    assigned: dict[tuple[str, str], str],
) -> Iterator[Task]:
    for instance in instances:
        if instance.state != "active" or "loop" in instance.memory:
            continue
        found = work_item(definition, instance.item)
        if found is None:
            continue
        role, name, ident = found
        yield Task(
            top, owner, instance.id, instance.item, ident, name, role,
            assigned.get((owner, instance.id)), instance.due,
        )  # fmt: skip


def _folder_of(deployments: Any, deployment: int) -> Path | None:
    """The folder of a deployment's files (a deployment store unpacks them there)."""
    return Path(deployments.project(deployment).project.root)
