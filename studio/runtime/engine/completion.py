"""Stage and case completion, checked only once the agenda is stable."""

from __future__ import annotations

from studio.runtime.engine.lifecycle import LISTENERS
from studio.runtime.engine.state import TERMINAL, ItemInstance
from studio.runtime.engine.timer_events import Timers


class Completion(Timers):
    """autoComplete both ways, required items, manual completion."""

    def settle(self) -> bool:
        return self.check_completion()

    def check_completion(self) -> bool:
        """Complete stages whose children changed (deepest first) and the case when their rules
        say so; True when one did."""
        if self.state.state != "active" or not self.unsettled:
            return False
        stages = sorted(
            (
                self.get(i)
                for i in self.unsettled
                if self.get(i).state == "active" and self.item(i).kind == "stage"
            ),
            key=lambda i: -i.seq,
        )
        self.unsettled.clear()
        for stage in stages:
            if not self.state.blocking.get(stage.id, 0):
                self.complete(stage.id)
                return True
        return False

    def blocks(self, child: ItemInstance) -> bool:
        """Whether a child keeps its stage from completing automatically."""
        return self.blocks_after(child, child.state)

    def blocks_after(self, child: ItemInstance, state: str) -> bool:
        if state in ("active", "suspended", "failed"):
            return True
        if state in TERMINAL or state == "disabled":
            return False
        if child.required:
            return True
        stage = self.definition.items[self.get(child.stage).item] if child.stage else None
        if stage is None or stage.auto_complete:
            return False
        return not self.may_wait(child, state)

    def blockers(self, stage: str, *, manual: bool = False) -> list[ItemInstance]:
        """Children that keep a stage from completing (automatically, or by hand)."""
        definition = self.item(stage)
        found = []
        for child in self.state.children(stage):
            if child.state in ("active", "suspended", "failed"):
                found.append(child)
                continue
            if child.state in ("completed", "terminated", "disabled"):
                continue
            waits = not manual and not definition.auto_complete and not self.may_wait(child)
            if child.required or waits:
                found.append(child)
        return found

    def may_wait(self, child: ItemInstance, state: str | None = None) -> bool:
        """Without autoComplete: listeners, milestones and waiting repetitions do not count."""
        kind = self.definition.items[child.item].kind
        if (state or child.state) != "available":
            return False
        if kind in LISTENERS or kind == "milestone":
            return True
        return self.state.by_item.get(child.item, (child.id,))[0] != child.id
