"""Small CMMN cases for engine tests, and a harness that runs commands and records events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from studio.notation import read_model
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command
from studio.runtime.engine.state import CaseState

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def case_xml(body: str, *, auto_complete: bool = True, case_extra: str = "") -> bytes:
    auto = "true" if auto_complete else "false"
    return (
        '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">'
        f'<case id="C">{case_extra}<casePlanModel id="plan" autoComplete="{auto}">{body}'
        "</casePlanModel></case></definitions>"
    ).encode()


def task(pid: str, name: str | None = None, inner: str = "", attrs: str = "") -> str:
    """A plan item `pid` with a human task `ht_<pid>`; `inner` goes inside the plan item."""
    label = f' name="{name}"' if name else ""
    return (
        f'<planItem id="{pid}"{label} definitionRef="ht_{pid}">{inner}</planItem>'
        f'<humanTask id="ht_{pid}"{attrs}/>'
    )


def on(source: str, event: str, sentry: str, if_part: str | None = None) -> str:
    cond = f"<ifPart><condition>{if_part}</condition></ifPart>" if if_part else ""
    return (
        f'<sentry id="{sentry}"><planItemOnPart id="op_{sentry}" sourceRef="{source}">'
        f"<standardEvent>{event}</standardEvent></planItemOnPart>{cond}</sentry>"
    )


class Case:
    """One running case: commands, states of items, and every event emitted so far."""

    def __init__(self, xml: bytes, data: dict[str, Any] | None = None, at: datetime = T0):
        self.engine = CaseEngine(compile_case(read_model(xml, "t.cmmn")))
        self.now = at
        outcome = self.engine.start("c", data or {}, at)
        self.state: CaseState = outcome.state
        self.events = [(e.item, e.event) for e in outcome.history]

    def do(self, action: str, item: str | None = None, data: dict | None = None) -> Case:
        outcome = self.engine.execute(self.state, Command(action, item, data), self.now)
        self.state = outcome.state
        self.events += [(e.item, e.event) for e in outcome.history]
        return self

    def advance(self, duration: timedelta) -> Case:
        target = self.now + duration
        while True:
            due = [t.due for t in self.state.timers if t.due <= target]
            if not due:
                break
            self.now = min(due)
            outcome = self.engine.fire_due_timer(self.state, self.now)
            if outcome is None:
                break
            self.state = outcome.state
            self.events += [(e.item, e.event) for e in outcome.history]
        self.now = target
        return self

    def states(self, item: str) -> list[str]:
        return [i.state for i in sorted(self.state.instances_of(item), key=lambda i: i.seq)]

    def latest(self, item: str) -> str:
        found = self.states(item)
        return found[-1] if found else "absent"

    def events_of(self, item: str) -> list[str]:
        return [e for i, e in self.events if i == item]

    @property
    def case(self) -> str:
        return self.state.state
