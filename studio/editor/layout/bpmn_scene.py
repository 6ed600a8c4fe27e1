"""What a BPMN diagram shows: bands (pools or bare processes), lanes, nested items and links.

Built from the semantic model alone; sizes and positions are decided elsewhere. Processes are
drawn in the pools of the participants naming them, in participant order; processes no pool
names follow as bare bands. Expanded sub-processes (those with content) hold their own items.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from studio.notation.bpmn import BpmnIndex, local_ref
from studio.notation.bpmn_model import (
    Association,
    BoundaryEvent,
    BpmnDefinitions,
    DataObject,
    DataObjectReference,
    DataStoreReference,
    FlowNode,
    Lane,
    Participant,
    Process,
    SequenceFlow,
    SubProcess,
    TextAnnotation,
)


def kind_of(element: object) -> str:
    """The drawing kind of a model element: its XML element name (`userTask`, `lane`...)."""
    tags = getattr(type(element), "TAGS", None)
    return tags[0].rpartition("}")[2] if tags else "unknown"


@dataclass(eq=False, slots=True)
class Item:
    """One shape drawn for a model element inside a process or sub-process."""

    id: str
    kind: str
    name: str
    element: Any
    parent: Content
    lane: str | None = None  # the leaf lane holding it (items directly in a process)
    content: Content | None = None  # what an expanded sub-process holds
    host: Item | None = None  # the activity a boundary event sits on
    boundary: list[Item] = field(default_factory=list)  # boundary events on this activity

    @property
    def event_sub_process(self) -> bool:
        return isinstance(self.element, SubProcess) and self.element.is_event_sub_process


@dataclass(eq=False, slots=True)
class Content:
    """The items directly inside a process or an expanded sub-process, in document order."""

    id: str
    owner: Item | None = None  # the sub-process (None: a process)
    items: list[Item] = field(default_factory=list)

    def walk(self) -> Iterator[Item]:
        """Every item inside, nested ones included, depth first."""
        for item in self.items:
            yield item
            if item.content is not None:
                yield from item.content.walk()


@dataclass(eq=False, slots=True)
class LaneNode:
    lane: Lane
    depth: int
    children: list[LaneNode] = field(default_factory=list)

    def leaves(self) -> Iterator[LaneNode]:
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()

    def walk(self) -> Iterator[LaneNode]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(eq=False, slots=True)
class Band:
    """A horizontal band of the diagram: a pool, or a process drawn without one."""

    participant: Participant | None
    process: Process | None
    content: Content | None
    lanes: list[LaneNode] = field(default_factory=list)

    @property
    def id(self) -> str:
        element = self.participant or self.process
        return (element.id if element else None) or ""

    def leaf_lanes(self) -> list[LaneNode]:
        return [leaf for node in self.lanes for leaf in node.leaves()]

    def all_lanes(self) -> list[LaneNode]:
        return [n for node in self.lanes for n in node.walk()]


@dataclass(eq=False, slots=True)
class Link:
    """An edge: a sequence or message flow, an association or a data association."""

    id: str
    kind: str
    source: str  # an item id (or a participant id, for message flows)
    target: str
    name: str
    element: Any

    @property
    def text(self) -> str:
        """What its label shows: the name, else a sequence flow's condition."""
        if self.name.strip() or not isinstance(self.element, SequenceFlow):
            return self.name
        condition = (self.element.condition or "").strip()
        return condition if len(condition) <= 40 else condition[:39] + "…"


@dataclass(eq=False, slots=True)
class Scene:
    plane_element: str
    bands: list[Band]
    items: dict[str, Item]
    links: list[Link]
    free: list[Item]  # collaboration annotations tied to nothing drawn inside a pool


def build_scene(model: BpmnDefinitions, plane: str | None = None) -> Scene | None:
    """The scene of `model`, or None when it has nothing to draw. With `plane` (the id of a
    collaboration or process), only what a diagram of that element shows: the collaboration's
    pools, or the process alone."""
    return _Builder(model).build(plane)


def _inside(inner: Content, outer: Content) -> bool:
    """True when `inner` lies (at any depth) inside a sub-process of `outer`."""
    owner = inner.owner
    while owner is not None:
        if owner.parent is outer:
            return True
        owner = owner.parent.owner
    return False


class _Builder:
    def __init__(self, model: BpmnDefinitions) -> None:
        self.model = model
        self.index = BpmnIndex(model)
        self.items: dict[str, Item] = {}
        self.links: list[Link] = []
        self.referenced = self._data_references()

    def build(self, plane: str | None = None) -> Scene | None:
        collaborations = [c for c in self.model.collaborations if c.participants]
        processes = list(self.model.processes)
        if plane is not None:
            collaborations = [c for c in collaborations if c.id == plane]
            processes = [] if collaborations else [p for p in processes if p.id == plane]
        bands: list[Band] = []
        used: set[str] = set()
        for collaboration in collaborations:
            for participant in collaboration.participants:
                process = self.index.processes.get(local_ref(participant.process_ref or ""))
                if process is not None and process.id in used:
                    process = None
                bands.append(self._band(participant, process, used))
        for process in processes:
            if process.id not in used:
                bands.append(self._band(None, process, used))
        if not bands:
            return None
        if collaborations and collaborations[0].id:
            plane = collaborations[0].id
        else:
            processes = [b.process for b in bands if b.process is not None and b.process.id]
            executable = [p for p in processes if p.is_executable]
            chosen = (executable or processes or [None])[0]
            if chosen is None or not chosen.id:
                return None
            plane = chosen.id
        self._data_links()
        free = self._artifacts(collaborations)
        participants = {b.participant.id: b for b in bands if b.participant and b.participant.id}
        self._message_flows(collaborations, participants)
        self._settle_annotations()
        for band in bands:
            self._assign_lanes(band)
        return Scene(plane, bands, self.items, self.links, free)

    # -- bands and lanes ------------------------------------------------------------------------

    def _band(self, participant: Participant | None, process: Process | None, used: set) -> Band:
        if process is None:
            return Band(participant, None, None)
        used.add(process.id)
        content = Content(process.id or "")
        self._fill(content, process)
        lanes = [self._lane(lane, 0) for s in process.lane_sets for lane in s.lanes if lane.id]
        return Band(participant, process, content, lanes)

    def _lane(self, lane: Lane, depth: int) -> LaneNode:
        node = LaneNode(lane, depth)
        node.children = [self._lane(child, depth + 1) for child in lane.child_lanes if child.id]
        return node

    def _assign_lanes(self, band: Band) -> None:
        """Put each item of a process with lanes in one leaf lane."""
        leaves = band.leaf_lanes()
        if not leaves or band.content is None:
            return
        leaf_of: dict[str, str] = {}
        for node in band.all_lanes():  # parents before their children: leaves win
            first_leaf = next(node.leaves()).lane.id or ""
            for ref in node.lane.flow_node_refs:
                if node.children:
                    leaf_of.setdefault(local_ref(ref), first_leaf)
                else:
                    leaf_of[local_ref(ref)] = first_leaf
        items = band.content.items
        for item in items:
            item.lane = leaf_of.get(item.id)
        neighbours = self._neighbours()
        for _ in range(3):  # unlisted items follow what they are linked to
            for item in items:
                if item.lane is None:
                    linked = (n for n in neighbours.get(item.id, ()) if n.lane is not None)
                    source = next(linked, None)
                    if source is not None:
                        item.lane = source.lane
        for item in items:
            if item.host is not None:
                item.lane = item.host.lane
            if item.lane is None:
                item.lane = leaves[0].lane.id

    def _neighbours(self) -> dict[str, list[Item]]:
        found: dict[str, list[Item]] = {}
        for link in self.links:
            a, b = self.items.get(link.source), self.items.get(link.target)
            if a is not None and b is not None:
                found.setdefault(a.id, []).append(b)
                found.setdefault(b.id, []).append(a)
        return found

    # -- items ----------------------------------------------------------------------------------

    def _fill(self, content: Content, container: Process | SubProcess) -> None:
        boundary: list[Item] = []
        for element in container.flow_elements:
            if not element.id or element.id in self.items:
                continue
            if isinstance(element, SequenceFlow):
                continue
            drawn = isinstance(element, FlowNode | DataObjectReference | DataStoreReference)
            if isinstance(element, DataObject):
                drawn = element.id in self.referenced
            if not drawn:
                continue
            item = self._item(element, content)
            if isinstance(element, BoundaryEvent):
                boundary.append(item)
            if isinstance(element, SubProcess) and element.flow_elements:
                inner = Content(element.id, owner=item)
                self._fill(inner, element)
                item.content = inner if inner.items else None
        if isinstance(container, Process) and container.io_specification is not None:
            io = container.io_specification
            for data in (*io.data_inputs, *io.data_outputs):  # a process's inputs and outputs
                if data.id and data.id not in self.items:
                    self._item(data, content)
        for item in boundary:
            host = self.items.get(local_ref(item.element.attached_to_ref or ""))
            if (
                host is not None
                and host.parent is content
                and host.host is None
                and (not host.event_sub_process)
            ):
                item.host = host
                host.boundary.append(item)
        for element in container.flow_elements:
            if isinstance(element, SequenceFlow) and element.id:
                self._link(element, "sequenceFlow", element.source_ref, element.target_ref)
        for artifact in container.artifacts:
            if isinstance(artifact, TextAnnotation) and artifact.id:
                self._item(artifact, content)
        for artifact in container.artifacts:
            if isinstance(artifact, Association) and artifact.id:
                self._link(artifact, "association", artifact.source_ref, artifact.target_ref)

    def _item(self, element: Any, content: Content) -> Item:
        item = Item(element.id, kind_of(element), self._name(element), element, content)
        self.items[item.id] = item
        content.items.append(item)
        return item

    def _name(self, element: Any) -> str:
        if isinstance(element, TextAnnotation):
            return element.content
        name = getattr(element, "name", None)
        if not name and isinstance(element, DataObjectReference | DataStoreReference):
            ref = element.data_object_ref if isinstance(element, DataObjectReference) else None
            ref = ref or getattr(element, "data_store_ref", None)
            name = getattr(self.index.resolve(ref), "name", None)
        return name or ""

    def _link(self, element: Any, kind: str, source: str | None, target: str | None) -> None:
        if not source or not target:
            return
        source, target = local_ref(source), local_ref(target)
        if source in self.items and target in self.items and source != target:
            name = getattr(element, "name", None) or ""
            self.links.append(Link(element.id, kind, source, target, name, element))

    # -- collaboration --------------------------------------------------------------------------

    def _artifacts(self, collaborations: list) -> list[Item]:
        """Annotations of the collaborations: next to the item they describe, else free."""
        free: list[Item] = []
        holder = Content("")
        for collaboration in collaborations:
            associations = [a for a in collaboration.artifacts if isinstance(a, Association)]
            for artifact in collaboration.artifacts:
                if not isinstance(artifact, TextAnnotation) or not artifact.id:
                    continue
                if artifact.id in self.items:
                    continue
                partner = None
                for association in associations:
                    ends = {
                        local_ref(association.source_ref or ""),
                        local_ref(association.target_ref or ""),
                    }
                    if artifact.id in ends:
                        others = [self.items[e] for e in ends - {artifact.id} if e in self.items]
                        partner = partner or (others[0] if others else None)
                if partner is not None:
                    self._item(artifact, partner.parent)
                else:
                    free.append(self._item(artifact, holder))
            for association in associations:
                if association.id:
                    self._link(
                        association, "association", association.source_ref, association.target_ref
                    )
        return free

    def _message_flows(self, collaborations: list, participants: dict[str, Band]) -> None:
        for collaboration in collaborations:
            for flow in collaboration.message_flows:
                if not flow.id or not flow.source_ref or not flow.target_ref:
                    continue
                source, target = local_ref(flow.source_ref), local_ref(flow.target_ref)
                known = self.items.keys() | participants.keys()
                if source in known and target in known and source != target:
                    self.links.append(
                        Link(flow.id, "messageFlow", source, target, flow.name or "", flow)
                    )

    def _settle_annotations(self) -> None:
        """An annotation of an item inside a sub-process goes inside it too, next to the item."""
        for link in self.links:
            if link.kind != "association":
                continue
            for note_id, other_id in ((link.source, link.target), (link.target, link.source)):
                note, other = self.items[note_id], self.items[other_id]
                if note.kind == "textAnnotation" and _inside(other.parent, note.parent):
                    note.parent.items.remove(note)
                    other.parent.items.append(note)
                    note.parent = other.parent

    # -- data -----------------------------------------------------------------------------------

    def _data_owners(self) -> Iterator[tuple[Item, Any]]:
        for item in list(self.items.values()):
            for association in getattr(item.element, "data_input_associations", ()):
                yield item, association
            for association in getattr(item.element, "data_output_associations", ()):
                yield item, association

    def _data_references(self) -> set[str]:
        """Ids data associations name directly (data objects, process inputs and outputs)."""
        found: set[str] = set()
        for process in self.model.processes:
            for element in process.iter_flow_elements():
                for association in (
                    *getattr(element, "data_input_associations", ()),
                    *getattr(element, "data_output_associations", ()),
                ):
                    found.update(local_ref(ref) for ref in association.source_refs)
                    if association.target_ref:
                        found.add(local_ref(association.target_ref))
        return found

    def _data_links(self) -> None:
        for item, association in self._data_owners():
            if not association.id:
                continue
            inputs = "DataInput" in type(association).__name__
            if inputs:
                for ref in association.source_refs:
                    if local_ref(ref) in self.items:
                        self._add_data(association, "dataInputAssociation", local_ref(ref), item.id)
                        break
            elif association.target_ref and local_ref(association.target_ref) in self.items:
                target = local_ref(association.target_ref)
                self._add_data(association, "dataOutputAssociation", item.id, target)

    def _add_data(self, association: Any, kind: str, source: str, target: str) -> None:
        if source != target:
            self.links.append(Link(association.id, kind, source, target, "", association))
