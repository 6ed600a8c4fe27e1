"""What changed between two versions of a CMMN, BPMN or DMN model, element by element.

The elements a person thinks about are those with an id and a name field (plan items, tasks,
stages, sentries, criteria, flow nodes, sequence flows, decisions, ...): each is compared by id
between the two models. Everything below such an element that is not one itself (on-parts,
if-parts, conditions, rules, event definitions, extension elements) counts as a property of it,
named by its path: `if-part condition`, `timer event definition time duration`. Diagram
interchange (positions and sizes) is summed up in one line.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from studio import messages
from studio.notation.binding import RawNode, iter_elements
from studio.notation.documents import diagrams_of, without_diagrams
from studio.notation.namespaces import PREFERRED_PREFIXES, split
from studio.runtime.engine.wording import joined

SHOWN = 120
"""Longest value shown in a change line (longer ones are cut with an ellipsis)."""
SCALARS = frozenset({"attr", "text", "text_child", "text_children"})
IGNORED = frozenset({"id", "name", "incoming", "outgoing"})
"""Not properties: the id and name (compared on their own); BPMN `incoming`/`outgoing` repeat
the sequence flows' source and target, which are reported on the flows."""
LABELS = {"if_part": "if-part", "on_parts": "on-part", "body": "", "text": ""}


@dataclass
class Entity:
    """One element compared by id: its kind, name, enclosing element and properties."""

    id: str
    kind: str
    name: str | None
    parent: str | None
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.kind} '{self.name}' ({self.id})" if self.name else f"{self.kind} {self.id}"


@dataclass(frozen=True, slots=True)
class Change:
    """One line of a model diff."""

    change: str
    """added, removed, renamed, moved, retyped, changed or layout."""
    element: str | None
    kind: str | None
    name: str | None
    text: str
    property: str | None = None
    before: str | None = None
    after: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "element": self.element,
            "kind": self.kind,
            "name": self.name,
            "property": self.property,
            "before": self.before,
            "after": self.after,
            "text": self.text,
        }


def compare_models(old: Any, new: Any) -> list[Change]:
    """The changes from model `old` to model `new`, in the order of the new model."""
    before, after = entities(old), entities(new)
    changes: list[Change] = []
    for ident, entity in after.items():
        previous = before.get(ident)
        if previous is None:
            changes.append(_line("added", entity, f"{_cap(entity.label)} added"))
        else:
            changes.extend(_compared(previous, entity, before, after))
    for ident, entity in before.items():
        if ident not in after:
            changes.append(_line("removed", entity, f"{_cap(entity.label)} removed"))
    layout = _layout(old, new)
    if layout:
        changes.append(Change("layout", None, None, None, layout))
    return changes


def entities(model: Any) -> dict[str, Entity]:
    """The elements of a model (diagram interchange left out) by id, in document order."""
    found: dict[str, Entity] = {}
    root = without_diagrams(model)
    top = Entity(getattr(root, "id", None) or "(definitions)", _kind(root), _name(root), None)
    found[top.id] = top
    _collect(root, top, "", found)
    return found


def _collect(element: Any, owner: Entity, path: str, found: dict[str, Entity]) -> None:
    """Add `element`'s properties to `owner` under `path`, and walk its children."""
    for item in dataclasses.fields(element):
        binding = item.metadata.get("xml")
        value = getattr(element, item.name)
        if binding is None or item.name in IGNORED or value is None or value == ():
            continue
        label = _join(path, _label(item.name))
        if binding.kind in SCALARS:
            owner.properties[label] = _shown(value)
        elif binding.kind == "child":
            _visit(value, owner, label, found)
        else:
            singular = _join(path, _label(item.name, many=True))
            for index, child in enumerate(value, start=1):
                ident = getattr(child, "id", None)
                suffix = f" {ident}" if ident else (f" {index}" if len(value) > 1 else "")
                _visit(child, owner, singular + suffix, found)
    for name, value in getattr(element, "extra_attributes", ()):
        owner.properties[_join(path, _qualified(name))] = _shown(value)
    unknown = [node for _, node in getattr(element, "unknown", ())]
    for index, node in enumerate(unknown, start=1):
        key = _join(path, f"{_qualified(node.tag)}" + (f" {index}" if len(unknown) > 1 else ""))
        owner.properties[key] = _shown(_raw_text(node))


def _visit(child: Any, owner: Entity, path: str, found: dict[str, Entity]) -> None:
    if _is_entity(child) and child.id not in found:
        entity = Entity(child.id, _kind(child), _name(child), owner.id)
        found[child.id] = entity
        _collect(child, entity, "", found)
    else:
        _collect(child, owner, path, found)


def _is_entity(element: Any) -> bool:
    """An element with an id and a name field, except on-parts (they belong to their sentry)."""
    if not getattr(element, "id", None) or type(element).__name__.endswith("OnPart"):
        return False
    return any(f.name == "name" for f in dataclasses.fields(element))


def _compared(
    old: Entity, new: Entity, before: dict[str, Entity], after: dict[str, Entity]
) -> list[Change]:
    changes = []
    if old.kind != new.kind:
        text = f"{_cap(new.label)}: changed from {old.kind} to {new.kind}"
        changes.append(_line("retyped", new, text, "kind", old.kind, new.kind))
    if old.name != new.name:
        text = f"{_cap(new.kind)} {new.id}: renamed from {_quoted(old.name)} to {_quoted(new.name)}"
        changes.append(_line("renamed", new, text, "name", old.name, new.name))
    if old.parent != new.parent:
        was = before[old.parent].label if old.parent in before else old.parent
        now = after[new.parent].label if new.parent in after else new.parent
        text = f"{_cap(new.label)}: moved from {was} to {now}"
        changes.append(_line("moved", new, text, "parent", old.parent, new.parent))
    for key in [*new.properties, *(k for k in old.properties if k not in new.properties)]:
        was, now = old.properties.get(key), new.properties.get(key)
        if was == now:
            continue
        if was is None:
            what = f"{key} set to {_quoted(now)}"
        elif now is None:
            what = f"{key} removed (was {_quoted(was)})"
        else:
            what = f"{key} changed from {_quoted(was)} to {_quoted(now)}"
        changes.append(_line("changed", new, f"{_cap(new.label)}: {what}", key, was, now))
    return changes


def _layout(old: Any, new: Any) -> str | None:
    """One line on the diagram interchange: shapes and edges changed, added, removed."""
    before, after = _diagram_elements(old), _diagram_elements(new)
    changed = sum(1 for k in after if k in before and before[k] != after[k])
    added = sum(1 for k in after if k not in before)
    removed = sum(1 for k in before if k not in after)
    if not (changed or added or removed):
        return None
    counts = [messages.text(one if n == 1 else many, n=n) for n, one, many in (
        (changed, "1 changed", "{n} changed"),
        (added, "1 added", "{n} added"),
        (removed, "1 removed", "{n} removed"),
    ) if n]  # fmt: skip
    return messages.text("Diagram layout: {counts} (shapes and edges)", counts=joined(counts))


def _diagram_elements(model: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for diagram in diagrams_of(model):
        for element in iter_elements(diagram):
            ident = getattr(element, "id", None)
            if ident and ident not in found:
                found[ident] = _without_children(element)
    return found


def _without_children(element: Any) -> tuple:
    """An element's own values (its bounds and waypoints included), not its id'd children."""
    values = []
    for item in dataclasses.fields(element):
        value = getattr(element, item.name)
        if item.name != "line" and not (isinstance(value, tuple) and value and _has_ids(value)):
            values.append(value)
    return tuple(values)


def _has_ids(values: tuple) -> bool:
    return any(getattr(v, "id", None) for v in values)


def _line(
    change: str,
    entity: Entity,
    text: str,
    prop: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> Change:
    return Change(change, entity.id, entity.kind, entity.name, text, prop, before, after)


def _kind(element: Any) -> str:
    name = re.sub(r"^(Cmmn|Bpmn|Dmn)(?=[A-Z])", "", type(element).__name__)
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def _name(element: Any) -> str | None:
    name = getattr(element, "name", None)
    return " ".join(name.split()) if isinstance(name, str) and name.strip() else None


def _label(field_name: str, many: bool = False) -> str:
    if field_name in LABELS:
        return LABELS[field_name]
    words = field_name.replace("_", " ")
    if many:
        if words.endswith("criteria"):
            return words[: -len("criteria")] + "criterion"
        if words.endswith("ies"):
            return words[:-3] + "y"
        if words.endswith("s") and not words.endswith("ss"):
            return words[:-1]
    return words


def _join(path: str, label: str) -> str:
    return " ".join(part for part in (path, label) if part)


def _qualified(clark: str) -> str:
    namespace, local = split(clark)
    prefix = PREFERRED_PREFIXES.get(namespace or "")
    if namespace and not prefix:
        prefix = namespace.rstrip("/").rsplit("/", 1)[-1]
    return f"{prefix}:{local}" if prefix else local


def _raw_text(node: RawNode) -> str:
    """A compact rendering of an unknown (extension) element."""
    if node.tag == "#comment":
        return f"<!--{node.text or ''}-->"
    attributes = "".join(f' {_qualified(k)}="{v}"' for k, v in node.attributes)
    inner = (node.text or "").strip() + "".join(_raw_text(child) for child in node.children)
    tag = _qualified(node.tag)
    return f"<{tag}{attributes}>{inner}</{tag}>" if inner else f"<{tag}{attributes}/>"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(_shown(v) for v in value)
    return " ".join(str(value).split())


def _quoted(value: str | None) -> str:
    if value is None:
        return "nothing"
    cut = value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"
    return f"'{cut}'"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
