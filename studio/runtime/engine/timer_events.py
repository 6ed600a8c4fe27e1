"""Timer event listeners: starting timers and firing them in virtual or wall time."""

from __future__ import annotations

from studio.expressions import CompiledExpression, TimerSpec, next_due, parse_timer
from studio.runtime.engine.sentries import Sentries
from studio.runtime.engine.state import Timer


class Timers(Sentries):
    """Timers belong to the case state; whoever drives the clock fires them."""

    def start_timer(self, iid: str) -> None:
        spec, cycle = self.item(iid).timer, None
        if isinstance(spec, CompiledExpression):
            from studio.expressions import timer_from_value

            spec = timer_from_value(spec.evaluate(self.state.data, now=self.now))
            cycle = spec.text if spec.kind == "cycle" else None
        if spec is None or self.get(iid).state != "available":
            return
        due = next_due(spec, self.now, 1)
        if due is not None:
            self.state.timers = [*self.state.timers, Timer(iid, due, 1, self.now, cycle)]

    def fire_timer(self, timer: Timer) -> None:
        self.state.timers = [t for t in self.state.timers if t.instance != timer.instance]
        iid = timer.instance
        if self.get(iid).state != "available":
            return
        spec = parse_timer(timer.cycle) if timer.cycle else self.item(iid).timer
        self.edit(iid).occurrences = timer.occurrence
        following = None
        if isinstance(spec, TimerSpec) and spec.kind == "cycle":
            following = next_due(spec, timer.started, timer.occurrence + 1)
        if following is not None:
            self.emit(iid, "occur", "available")
            following_timer = Timer(
                iid, following, timer.occurrence + 1, timer.started, timer.cycle
            )
            self.state.timers = [*self.state.timers, following_timer]
        else:
            self.emit(iid, "occur", "completed")
