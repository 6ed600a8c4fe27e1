"""Commands: what a user (or the host, or a timer) asks of a case, checked then run."""

from __future__ import annotations

from typing import Any

from studio.messages import text
from studio.runtime.engine.casefile import apply_writes, check_schema
from studio.runtime.engine.completion import Completion
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.lifecycle import WORK
from studio.runtime.engine.outcome import Command
from studio.runtime.engine.state import TERMINAL
from studio.runtime.engine.team import may_act
from studio.runtime.engine.wording import cannot, state_word, state_words, verb


class CaseRun(Completion):
    """One command on a case: its target instance, the role check, and one handler per action."""

    def command(self, command: Command) -> None:
        action = command.action
        self.check_case_accepts(command)
        if action == "set":
            self.write(command.data or {}, paths=True)
            return
        if command.item is None:
            target = self.state.by_item[self.definition.plan][0]
        elif action.startswith("child_"):
            target = command.item  # the host names the calling task's instance
            if self.state.items.get(target) is None or self.get(target).state != "active":
                raise Refused(
                    text("no active task instance {instance!r} waits for a child", instance=target)
                )
        else:
            target = self.target(command.item, action)
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            raise Refused(text("unknown action {action!r}", action=action))
        self.authorize(target, command)
        handler(target, command)

    CASE_ACCEPTS = {
        "complete": ("active",),
        "terminate": ("active", "suspended"),
        "suspend": ("active",),
        "resume": ("suspended",),
        "fault": ("active",),
        "reactivate": ("failed",),
        "close": ("completed", "terminated", "failed"),
        "bind": ("active", "suspended", "failed"),
    }
    """The case states in which a command aimed at the case itself (`@case`) is accepted; every
    other command needs an active case (nothing in a suspended or failed case changes)."""

    def check_case_accepts(self, command: Command) -> None:
        """Refuse a command the case's own state does not accept."""
        case_state = self.state.state
        if command.item is None and command.action in self.CASE_ACCEPTS:
            if case_state not in self.CASE_ACCEPTS[command.action]:
                raise Refused(
                    text(
                        "cannot {action} the case: it is {state}",
                        action=verb(command.action),
                        state=state_word(case_state),
                    )
                )
        elif case_state != "active":
            raise Refused(text("the case is {state}", state=state_word(case_state)))

    def authorize(self, target: str, command: Command) -> None:
        """Items bound to case roles refuse users outside the case team (`team.may_act`):
        performerRef / authorizedRoleRefs to work them, a discretionary item's planners to plan
        it."""
        if command.user is None:
            return
        item = (
            self.definition.items[target] if target in self.definition.items else self.item(target)
        )
        if command.action == "plan":
            roles = item.planners
        else:
            roles = (item.performer,) if item.performer else item.authorized_roles
        if not roles:
            return
        if may_act(self.state.team, roles, command.user, command.groups):
            return
        raise Refused(
            text(
                "{user} may not {action} {item!r}: only the case team's {roles} may",
                user=command.user,
                action=verb(command.action),
                item=item.label,
                roles=" / ".join(roles),
            )
        )

    ACCEPTS = {
        "complete": ("active",),
        "occur": ("available",),
        "start": ("enabled",),
        "disable": ("enabled",),
        "reenable": ("disabled",),
        "terminate": ("available", "enabled", "disabled", "active", "suspended", "failed"),
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
                raise Refused(cannot(action, label, state_word(exact.state)))
            return item_id
        if item_id not in self.definition.items:
            raise Refused(
                text("no item {item!r} in case {case!r}", item=item_id, case=self.definition.id)
            )
        if action == "plan":
            return item_id
        accepted = self.ACCEPTS.get(action, ())
        for instance in self.state.instances_of(item_id):
            if instance.state in accepted:
                return instance.id
        states = sorted({i.state for i in self.state.instances_of(item_id)}) or ["absent"]
        raise Refused(cannot(action, self.definition.items[item_id].label, state_words(states)))

    def write(self, writes: dict[str, Any], *, paths: bool) -> None:
        """Write the case file (refused when it names undeclared items or breaks the schema);
        each item written is recorded and emits its event."""
        declared = self.definition.case_file_items
        if declared:
            unknown = sorted({key.split(".")[0] for key in writes} - set(declared))
            if unknown:
                raise Refused(
                    text(
                        "the case file has no item {item!r} (declared: {declared})",
                        item=unknown[0],
                        declared=", ".join(declared),
                    )
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
                raise Refused(
                    text(
                        "{item!r} cannot complete yet: {items} not done",
                        item=definition.label,
                        items=names,
                    )
                )
        elif definition.kind not in WORK:
            raise Refused(text("{item!r} is not a task or stage", item=definition.label))
        if command.data:
            self.write(command.data, paths=False)
        self.push(lambda: self.complete(iid))

    def do_occur(self, iid: str, command: Command) -> None:
        definition = self.item(iid)
        if definition.kind not in ("user_event", "event_listener"):
            raise Refused(text("{item!r} is not a user event listener", item=definition.label))
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
                instance = self.edit(child.id)
                instance.resume_to, instance.suspended_by_parent = child.state, True
                self.emit(child.id, "parentSuspend", "suspended")
                self.suspend_children(child.id)

    def do_resume(self, iid: str, command: Command) -> None:
        stage = self.get(iid).stage
        if stage is not None and self.get(stage).state != "active":
            raise Refused(
                text(
                    "cannot resume {item!r}: its stage {stage!r} is {state}",
                    item=self.item(iid).label,
                    stage=self.item(stage).label,
                    state=state_word(self.get(stage).state),
                )
            )
        instance = self.edit(iid)
        back, instance.resume_to = instance.resume_to or "active", None
        self.emit(iid, "resume", back)
        self.resume_children(iid)

    def resume_children(self, stage: str) -> None:
        for child in self.state.children(stage):
            if child.state == "suspended" and child.suspended_by_parent:
                instance = self.edit(child.id)
                back, instance.resume_to = instance.resume_to or "active", None
                instance.suspended_by_parent = False
                self.emit(child.id, "parentResume", back)
                self.resume_children(child.id)

    def do_plan(self, item_id: str, command: Command) -> None:
        definition = self.definition.items[item_id]
        if not definition.discretionary:
            raise Refused(text("{item!r} is not a discretionary item", item=definition.label))
        stages = [
            i for i in self.state.instances_of(definition.parent or "") if i.state == "active"
        ]
        if not stages:
            raise Refused(
                text(
                    "{item!r} can be planned only while its stage is active", item=definition.label
                )
            )
        if definition.applicability and not all(self.evaluate(r) for r in definition.applicability):
            raise Refused(
                text("{item!r} is not applicable now (applicability rule)", item=definition.label)
            )
        self.create(definition.id, stages[0].id)

    def do_bind(self, iid: str, command: Command) -> None:
        """Bind a case role to users and groups: {"role": name, "members": [...]}."""
        data = command.data or {}
        role, members = data.get("role"), data.get("members")
        if not isinstance(role, str) or not isinstance(members, list):
            raise Refused(text('bind takes {{"role": name, "members": [users or groups]}}'))
        self.state.team = {**self.state.team, role: tuple(str(m) for m in members)}

    def do_close(self, iid: str, command: Command) -> None:
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
