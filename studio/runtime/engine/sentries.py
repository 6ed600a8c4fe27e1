"""Sentries: on-part memory per waiting instance, if-parts, entry and exit criteria firing."""

from __future__ import annotations

from studio.runtime.engine.definition import Criterion
from studio.runtime.engine.lifecycle import Lifecycle
from studio.runtime.engine.state import TERMINAL, ItemInstance


class Sentries(Lifecycle):
    """Hearing plan item and case file events, and firing the criteria they satisfy."""

    def hear(self, source: str, event: str) -> None:
        """An event of a plan item: record it in the on-part memory of the waiting criteria."""
        instance = self.get(source)
        for criterion, part in self.definition.listeners.get((instance.item, event), ()):
            for waiting in self.waiting_on(criterion, instance):
                self.edit(waiting).memory.setdefault(criterion.id, set()).add(part)
                self.push(lambda w=waiting, c=criterion: self.try_criterion(w, c))
        self.trigger_timers(self.definition.start_triggers.get((instance.item, event), ()))

    def trigger_timers(self, item_ids: tuple[str, ...]) -> None:
        """Start the timers of waiting timer event listeners whose start trigger occurred."""
        for item_id in item_ids:
            for timer in self.state.instances_of(item_id):
                if timer.state == "available" and not any(
                    t.instance == timer.id for t in self.state.timers
                ):
                    self.push(lambda t=timer.id: self.start_timer(t))

    def hear_file(self, name: str, event: str, whole: bool) -> None:
        events = [event] + (["replace"] if whole and event == "update" else [])
        for name_event in events:
            self.trigger_timers(self.definition.file_start_triggers.get((name, name_event), ()))
            for criterion, part in self.definition.file_listeners.get((name, name_event), ()):
                for waiting in self.waiting_on(criterion, None):
                    self.edit(waiting).memory.setdefault(criterion.id, set()).add(part)
                    self.push(lambda w=waiting, c=criterion: self.try_criterion(w, c))

    def waiting_on(self, criterion: Criterion, source: ItemInstance | None) -> list[str]:
        """Ids of the criterion owner's instances that wait on it, within the source's stage."""
        found = []
        source_def = self.definition.items.get(source.item) if source else None
        for instance in self.state.instances_of(criterion.owner):
            if criterion.is_exit:
                if instance.state in TERMINAL:
                    continue
            elif instance.state != "available":
                continue
            if source is not None and source_def is not None:
                sentry_stage = (
                    instance.id if instance.item == criterion.sentry.stage else (instance.stage)
                )
                if source_def.parent == criterion.sentry.stage and source.stage != sentry_stage:
                    continue  # an event of another instance of the sentry's stage
            found.append(instance.id)
        return found

    def satisfied(self, instance: ItemInstance, criterion: Criterion) -> bool:
        sentry = criterion.sentry
        seen = instance.memory.get(criterion.id, set())
        if any(part.index not in seen for part in sentry.on_parts):
            return False
        return sentry.if_part is None or self.evaluate(sentry.if_part)

    def try_criterion(self, iid: str, criterion: Criterion) -> None:
        instance = self.get(iid)
        if instance.state in TERMINAL or (not criterion.is_exit and instance.state != "available"):
            return
        if not self.satisfied(instance, criterion):
            return
        self.edit(iid).memory.pop(criterion.id, None)
        if criterion.is_exit:
            self.exit(iid, cause=criterion.id)
            self.push(lambda: self.repeat(iid))  # its own exit criterion: it may repeat
        else:
            self.enter(iid, criterion.id)

    def enter(self, iid: str, cause: str) -> None:
        """An entry criterion fired: activate, and prepare the next instance if it repeats."""
        definition = self.item(iid)
        if definition.repetition is not None and self.evaluate(definition.repetition):
            self.create(definition.id, self.get(iid).stage)
        self.activate(iid, cause)

    def check_data_criteria(self, iid: str) -> None:
        """Sentries with an if-part and nothing left to wait for: read the data again."""
        definition = self.item(iid)
        for criterion in (*definition.entry, *definition.exit):
            if criterion.sentry.if_part is not None:
                self.try_criterion(iid, criterion)

    def data_changed(self) -> None:
        for criterion in self.definition.data_criteria:
            for waiting in self.waiting_on(criterion, None):
                self.push(lambda w=waiting, c=criterion: self.try_criterion(w, c))
