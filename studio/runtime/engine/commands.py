"""Commands: what a user (or the host, or a timer) asks of a case, checked then run."""

from __future__ import annotations

from typing import Any

from studio.runtime.engine.casefile import apply_writes, check_schema
from studio.runtime.engine.completion import Completion
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.lifecycle import WORK
from studio.runtime.engine.outcome import Command
from studio.runtime.engine.state import TERMINAL
from studio.runtime.engine.team import may_act


class CaseRun(Completion):
    """One command on a case: its target instance, the role check, and one handler per action."""

    def command(self, command: Command) -> None:
        action = command.action
        if action == "set":
            self.write(command.data or {}, paths=True)
            return
        if command.item is None:
            target = self.state.by_item[self.definition.plan][0]
        elif action.startswith("child_"):
            target = command.item  # the host names the calling task's instance
            if self.state.items.get(target) is None or self.get(target).state != "active":
                raise Refused(f"no active task instance {target!r} waits for a child")
        else:
            target = self.target(command.item, action)
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            raise Refused(f"unknown action {action!r}")
        self.authorize(target, command)
        handler(target, command)

    def authorize(self, target: str, command: Command) -> None:
        """Items bound to case roles refuse users outside the case team (`team.may_act`)."""
        if command.user is None:
            return
        item = (
            self.definition.items[target] if target in self.definition.items else self.item(target)
        )
        roles = (item.performer,) if item.performer else item.authorized_roles
        if not roles:
            return
        if may_act(self.state.team, roles, command.user, command.groups):
            return
        raise Refused(
            f"{command.user} may not {command.action} {item.label!r}: only the case team's "
            f"{' / '.join(roles)} may"
        )

    ACCEPTS = {
        "complete": ("active",),
        "occur": ("available",),
        "start": ("enabled",),
        "disable": ("enabled",),
        "reenable": ("disabled",),
        "terminate": ("available", "enabled", "disabled", "active", "suspended"),
        "suspend": ("available", "enabled", "disabled", "active"),
        "resume": ("suspended",),
        "fault": ("active",),
        "reactivate": ("failed",),
    }

    def target(self, item_id: str, action: str) -> str:
        """The oldest instance of the item in a state the action accepts ('' to plan one); an
        instance id names that very instance."""
        exact = self.state.items.get(item_id)
        if exact is not None and item_id not in self.definition.items:
            if exact.state not in self.ACCEPTS.get(action, ()):
                label = self.definition.items[exact.item].label
                raise Refused(f"cannot {action} {label!r}: it is {exact.state}")
            return item_id
        if item_id not in self.definition.items:
            raise Refused(f"no item {item_id!r} in case {self.definition.id!r}")
        if action == "plan":
            return item_id
        accepted = self.ACCEPTS.get(action, ())
        for instance in self.state.instances_of(item_id):
            if instance.state in accepted:
                return instance.id
        states = sorted({i.state for i in self.state.instances_of(item_id)}) or ["absent"]
        raise Refused(
            f"cannot {action} {self.definition.items[item_id].label!r}: it is {' / '.join(states)}"
        )

    def write(self, writes: dict[str, Any], *, paths: bool) -> None:
        """Write the case file (refused when it names undeclared items or breaks the schema);
        each item written is recorded and emits its event."""
        declared = self.definition.case_file_items
        if declared:
            unknown = sorted({key.split(".")[0] for key in writes} - set(declared))
            if unknown:
                raise Refused(
                    f"the case file has no item {unknown[0]!r} (declared: {', '.join(declared)})"
                )
        data, events = apply_writes(self.state.data, writes, paths=paths)
        if self.definition.schema is not None:
            check_schema(self.definition.schema, data)
        self.state.data = data
        for name, event, whole in events:
            self.log(None, name, event, None, "case file")
            self.push(lambda n=name, e=event, w=whole: self.hear_file(n, e, w))
        if events:
            self.push(self.data_changed)

    def do_complete(self, iid: str, command: Command) -> None:
        definition = self.item(iid)
        if definition.kind == "stage":
            left = self.blockers(iid, manual=True)
            if left:
                names = ", ".join(self.definition.items[b.item].label for b in left)
                raise Refused(f"{definition.label!r} cannot complete yet: {names} not done")
        elif definition.kind not in WORK:
            raise Refused(f"{definition.label!r} is not a task or stage")
        if command.data:
            self.write(command.data, paths=False)
        self.push(lambda: self.complete(iid))

    def do_occur(self, iid: str, command: Command) -> None:
        definition = self.item(iid)
        if definition.kind not in ("user_event", "event_listener"):
            raise Refused(f"{definition.label!r} is not a user event listener")
        self.emit(iid, "occur", "completed")
        self.push(lambda: self.repeat(iid))

    def do_start(self, iid: str, command: Command) -> None:
        self.begin(iid, "manualStart")

    def do_disable(self, iid: str, command: Command) -> None:
        self.emit(iid, "disable", "disabled")

    def do_reenable(self, iid: str, command: Command) -> None:
        self.emit(iid, "reenable", "enabled")

    def do_terminate(self, iid: str, command: Command) -> None:
        self.emit(iid, "terminate", "terminated", "by a user")
        self.push(lambda: self.end_children(iid))
        self.push(lambda: self.repeat(iid))

    def do_suspend(self, iid: str, command: Command) -> None:
        self.edit(iid).resume_to = self.get(iid).state
        self.emit(iid, "suspend", "suspended")
        self.suspend_children(iid)

    def suspend_children(self, stage: str) -> None:
        for child in self.state.children(stage):
            if child.state not in TERMINAL and child.state != "suspended":
                self.edit(child.id).resume_to = child.state
                self.emit(child.id, "parentSuspend", "suspended")
                self.suspend_children(child.id)

    def do_resume(self, iid: str, command: Command) -> None:
        instance = self.edit(iid)
        back, instance.resume_to = instance.resume_to or "active", None
        self.emit(iid, "resume", back)
        self.resume_children(iid)

    def resume_children(self, stage: str) -> None:
        for child in self.state.children(stage):
            if child.state == "suspended" and child.resume_to is not None:
                instance = self.edit(child.id)
                back, instance.resume_to = instance.resume_to, None
                self.emit(child.id, "parentResume", back)
                self.resume_children(child.id)

    def do_plan(self, item_id: str, command: Command) -> None:
        definition = self.definition.items[item_id]
        if not definition.discretionary:
            raise Refused(f"{definition.label!r} is not a discretionary item")
        stages = [
            i for i in self.state.instances_of(definition.parent or "") if i.state == "active"
        ]
        if not stages:
            raise Refused(f"{definition.label!r} can be planned only while its stage is active")
        if definition.applicability and not all(self.evaluate(r) for r in definition.applicability):
            raise Refused(f"{definition.label!r} is not applicable now (applicability rule)")
        self.create(definition.id, stages[0].id)

    def do_bind(self, iid: str, command: Command) -> None:
        """Bind a case role to users and groups: {"role": name, "members": [...]}."""
        data = command.data or {}
        role, members = data.get("role"), data.get("members")
        if not isinstance(role, str) or not isinstance(members, list):
            raise Refused('bind takes {"role": name, "members": [users or groups]}')
        self.state.team = {**self.state.team, role: tuple(str(m) for m in members)}

    def do_close(self, iid: str, command: Command) -> None:
        if self.state.state not in ("completed", "terminated"):
            raise Refused(
                f"only a completed or terminated case can be closed, not a {self.state.state} one"
            )
        self.emit(iid, "close", "closed")

    def do_child_completed(self, iid: str, command: Command) -> None:
        """The child of a blocking task completed: write back what it changed (through the
        task's output mappings when it has some), then complete."""
        outputs = self.item(iid).outputs
        writes = command.data or {}
        if outputs is not None:
            writes = self.mapped(outputs, writes, self.item(iid).label)
        if writes:
            self.write(writes, paths=False)
        self.push(lambda: self.complete(iid))

    def do_child_terminated(self, iid: str, command: Command) -> None:
        self.emit(iid, "terminate", "terminated", "its child ended terminated")
        self.push(lambda: self.repeat(iid))

    def do_child_failed(self, iid: str, command: Command) -> None:
        reason = (command.data or {}).get("reason")
        self.emit(
            iid, "fault", "failed", f"its child failed: {reason}" if reason else "its child failed"
        )

    def do_fault(self, iid: str, command: Command) -> None:
        """An item's work failed (a called process or sub-case failed, a script raised)."""
        self.emit(iid, "fault", "failed", (command.data or {}).get("reason"))

    def do_reactivate(self, iid: str, command: Command) -> None:
        self.emit(iid, "reactivate", "active")
