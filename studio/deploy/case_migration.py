"""Migrating a running case (or BPMN process instance) to a newer definition: pure functions.

Items map by id: an item instance keeps its state when the new definition has an item (plan item
or flow node) of the same id, the same kind and the same parent stage (sub-process). The root
(the case plan model, the process itself) always maps to the new root. An instance that cannot
map blocks the migration while it still runs; one that has ended is dropped from the state (its
history stays). On-part memory follows its criterion and on-part (by source and event) and is
forgotten when they no longer exist; a join's arrivals follow their sequence flows.

`plan_migration` is the dry run; `apply_migration` returns the migrated state with its derived
indexes empty, so the engine rebuilds them (`restore`) as for a loaded case. Timers keep their due
times.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, replace
from typing import Any, Literal

from studio.messages import text
from studio.runtime.engine.definition import CaseDefinition, Criterion, ItemDefinition
from studio.runtime.engine.process_definition import ProcessDefinition
from studio.runtime.engine.state import TERMINAL, CaseState, ItemInstance
from studio.runtime.engine.wording import state_word

Definition = CaseDefinition | ProcessDefinition
Status = Literal["mapped", "dropped", "unmapped"]
Memory = tuple[tuple[str, tuple[int, ...]], ...]


class MigrationError(Exception):
    """A migration refused: something cannot map, or the case changed since the plan."""


@dataclass(frozen=True, slots=True)
class ItemMapping:
    """What becomes of one item instance."""

    instance: str
    item: str  # plan item or flow node id in the old definition
    kind: str | None
    state: str
    status: Status
    target: str | None = None  # the id in the new definition (mapped)
    reason: str | None = None  # why it cannot map (dropped, unmapped)
    memory: Memory = ()  # its memory in the new definition (mapped)
    forgotten: tuple[str, ...] = ()  # the memory that no longer applies

    def as_json(self) -> dict[str, Any]:
        return {
            "instance": self.instance,
            "item": self.item,
            "kind": self.kind,
            "state": self.state,
            "state_word": state_word(self.state),
            "status": self.status,
            "target": self.target,
            "reason": self.reason,
            "forgotten": list(self.forgotten),
        }


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    """The dry run of migrating case `case` from definition `source` to `target`."""

    case: str
    source: str
    target: str
    version: str | None
    items: tuple[ItemMapping, ...]
    added: tuple[str, ...] = ()
    """Items of the new definition that are not in the old one (no instance is created for
    them in stages already running)."""
    problems: tuple[str, ...] = ()
    """Reasons the whole case cannot migrate."""
    fingerprint: str = ""
    """The case as planned (its items, their states and memory): applying checks it."""

    @property
    def unmapped(self) -> list[ItemMapping]:
        return [m for m in self.items if m.status == "unmapped"]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unmapped

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "source": self.source,
            "target": self.target,
            "version": self.version,
            "ok": self.ok,
            "problems": list(self.problems),
            "items": [m.as_json() for m in self.items],
            "added": list(self.added),
        }

    def describe(self) -> str:
        """The plan as text, one line per instance (the dry run's output)."""
        version = f" (version {self.version})" if self.version else ""
        lines = [f"case {self.case}: {self.source} -> {self.target}{version}"]
        lines += [f"  cannot migrate: {problem}" for problem in self.problems]
        for m in self.items:
            label = "UNMAPPED" if m.status == "unmapped" else m.status
            what = f"{m.instance} ({m.kind or '?'}, {m.state})"
            detail = f": {m.reason}" if m.reason else ""
            if m.status == "mapped" and m.target != m.item:
                detail = f" as {m.target}"
            lines.append(f"  {label:<8} {what}{detail}")
            lines += [f"           forgets {f}" for f in m.forgotten]
        lines += [f"  added    {item} (not created in running stages)" for item in self.added]
        verdict = "can migrate" if self.ok else f"cannot migrate: {len(self.unmapped)} unmapped"
        lines.append(f"  {verdict}")
        return "\n".join(lines)


Shape = dict[str, tuple[str, str | None]]
"""Item id -> (kind, parent id)."""


def shape(definition: Definition) -> Shape:
    """Every item (flow node) of a definition with its kind and parent; the root included."""
    if isinstance(definition, CaseDefinition):
        return {i: (d.kind, d.parent) for i, d in definition.items.items()}
    nodes: Shape = {i: (n.kind, n.parent) for i, n in definition.nodes.items()}
    nodes[definition.plan] = ("process", None)
    return nodes


def plan_migration(
    state: CaseState, old: Definition, new: Definition, *, version: str | None = None
) -> MigrationPlan:
    """What migrating `state` from `old` to `new` does to each of its item instances.

    `version` names the target (e.g. the deployment) for the caller; it is only reported.
    """
    problems = _case_problems(state, old, new)
    old_shape, new_shape = shape(old), shape(new)

    def translate(item: str | None) -> str | None:
        return new.plan if item == old.plan else item

    items: list[ItemMapping] = []
    gone: set[str] = set()  # instances dropped or unmapped
    for instance in sorted(state.items.values(), key=lambda i: i.seq):
        kind = old_shape.get(instance.item, (None, None))[0]
        target = translate(instance.item)
        reason = problems[0] if problems else _reason(instance, old_shape, new_shape, translate)
        if reason is None and instance.stage in gone:
            reason = text("its stage instance does not migrate")
        if reason is not None:
            gone.add(instance.id)
            ended = instance.state in TERMINAL and not problems
            status: Status = "dropped" if ended else "unmapped"
            mapping = ItemMapping(instance.id, instance.item, kind, instance.state, status)
            items.append(replace(mapping, reason=reason))
            continue
        assert target is not None
        memory, forgotten = _memory(instance, old, new, target)
        mapping = ItemMapping(instance.id, instance.item, kind, instance.state, "mapped", target)
        items.append(replace(mapping, memory=memory, forgotten=forgotten))
    known = {translate(i) for i in old_shape}
    added = () if problems else tuple(sorted(i for i in new_shape if i not in known))
    return MigrationPlan(
        state.id, old.id, new.id, version, tuple(items), added, tuple(problems), fingerprint(state)
    )


def apply_migration(state: CaseState, plan: MigrationPlan) -> CaseState:
    """The migrated state (a new object; `state` is left as it was). Raises MigrationError
    when anything is unmapped or the case changed since the plan was made."""
    if not plan.ok:
        reasons = [*plan.problems, *(f"{m.instance}: {m.reason}" for m in plan.unmapped)]
        raise MigrationError(f"case {state.id} cannot migrate: {'; '.join(reasons)}")
    if plan.case != state.id or plan.source != state.definition:
        raise MigrationError(f"the plan is for case {plan.case} on {plan.source}")
    if plan.fingerprint != fingerprint(state):
        raise MigrationError(f"case {state.id} changed since the plan was made: plan again")
    items: dict[str, ItemInstance] = {}
    for mapping in plan.items:
        if mapping.status != "mapped":
            continue
        instance = state.items[mapping.instance].clone()
        instance.item = mapping.target or instance.item
        instance.memory = {key: set(parts) for key, parts in mapping.memory}
        items[instance.id] = instance
    return CaseState(
        id=state.id,
        definition=plan.target,
        state=state.state,
        data=copy.deepcopy(state.data),
        items=items,
        timers=[copy.copy(t) for t in state.timers if t.instance in items],
        seq=state.seq,
        incidents=list(state.incidents),
        team=dict(state.team),
        error=state.error,
    )


def fingerprint(state: CaseState) -> str:
    """A digest of what a plan depends on: the case's items, their states and memory."""
    items = sorted(
        (i.id, i.item, i.stage or "", i.state, sorted((k, sorted(v)) for k, v in i.memory.items()))
        for i in state.items.values()
    )
    text = repr((state.id, state.definition, state.seq, items))
    return hashlib.sha256(text.encode()).hexdigest()


def _case_problems(state: CaseState, old: Definition, new: Definition) -> list[str]:
    problems = []
    if state.definition != old.id:
        runs = text("the case runs {running!r}, not {old!r}", running=state.definition, old=old.id)
        problems.append(runs)
    if type(old) is not type(new):
        names = {CaseDefinition: text("a case"), ProcessDefinition: text("a process")}
        problems.append(
            text("{old} cannot become {new}", old=names[type(old)], new=names[type(new)])
        )
    if state.state in TERMINAL:
        problems.append(text("the case is {state}", state=state_word(state.state)))
    return problems


def _reason(instance: ItemInstance, old: Shape, new: Shape, translate) -> str | None:
    """Why an instance cannot map (None: it maps)."""
    if instance.item not in old:
        return text("not in the old definition")
    target = translate(instance.item)
    if target not in new:
        return text("no longer in the model")
    (old_kind, old_parent), (new_kind, new_parent) = old[instance.item], new[target]
    if old_kind != new_kind:
        return text("is a {new} now, was a {old}", new=new_kind, old=old_kind)
    if translate(old_parent) != new_parent:
        top = text("the top")
        return text("moved from {old} to {new}", old=old_parent or top, new=new_parent or top)
    return None


def _memory(
    instance: ItemInstance, old: Definition, new: Definition, target: str
) -> tuple[Memory, tuple[str, ...]]:
    """The instance's memory translated to the new definition, and what is forgotten."""
    if not instance.memory:
        return (), ()
    if isinstance(old, CaseDefinition) and isinstance(new, CaseDefinition):
        return _criteria_memory(instance, old.items[instance.item], new.items[target], old, new)
    assert isinstance(old, ProcessDefinition) and isinstance(new, ProcessDefinition)
    kept: dict[str, set[int]] = {k: set(v) for k, v in instance.memory.items()}
    forgotten: list[str] = []
    if "in" in kept and instance.item in old.nodes and target in new.nodes:
        flows_before, flows_now = old.nodes[instance.item].incoming, new.nodes[target].incoming
        arrived = set()
        for position in sorted(kept["in"]):
            flow = flows_before[position] if position < len(flows_before) else None
            if flow in flows_now:
                arrived.add(flows_now.index(flow))
            else:
                forgotten.append(text("the arrival on flow {flow}", flow=flow or position))
        kept["in"] = arrived
    return _frozen(kept), tuple(forgotten)


def _criteria_memory(
    instance: ItemInstance,
    before: ItemDefinition,
    now: ItemDefinition,
    old: CaseDefinition,
    new: CaseDefinition,
) -> tuple[Memory, tuple[str, ...]]:
    old_criteria = _criteria(before)
    new_criteria = _criteria(now)
    kept: dict[str, set[int]] = {}
    forgotten: list[str] = []
    for key, parts in instance.memory.items():
        criterion = new_criteria.get(key)
        if criterion is None:
            forgotten.append(text("criterion {key}", key=key))
            continue
        previous = old_criteria.get(key)
        if previous is None:
            kept[key] = set(parts)
            continue
        signatures = {_signature(p, p.source): p.index for p in criterion.sentry.on_parts}
        moved = set()
        for part in previous.sentry.on_parts:
            if part.index in parts:
                source = new.plan if part.source == old.plan else part.source
                index = signatures.get(_signature(part, source))
                if index is None:
                    forgotten.append(
                        text(
                            "an on-part of criterion {key} ({source} {event})",
                            key=key,
                            source=part.source,
                            event=part.event,
                        )
                    )
                else:
                    moved.add(index)
        kept[key] = moved
    return _frozen(kept), tuple(forgotten)


def _criteria(item: ItemDefinition) -> dict[str, Criterion]:
    return {c.id: c for c in (*item.entry, *item.exit)}


def _signature(part: Any, source: str) -> tuple:
    return (source, part.event, part.on_file, part.exit_criterion)


def _frozen(memory: dict[str, set[int]]) -> Memory:
    return tuple((key, tuple(sorted(parts))) for key, parts in sorted(memory.items()))
