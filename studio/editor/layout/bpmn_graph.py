"""The layout graph of BPMN items: ported boxes in clusters for pools and lanes.

Sequence flows order the boxes left to right. Each box has one port down each side spanning
the shape (not the label under it): dot lines up the ports of an edge's two ends, so shapes in
a row share their centre line whatever labels hang below them. An activity with boundary events
has room under it for them and their labels, and a port per event down the east side of that
room: the flows leaving an event start there, below the activity. Data objects and
annotations stand in the rank of the activity they belong to: inputs and annotations above it,
outputs under it. Pools and lanes are clusters, which keeps the content of each together (each
is moved to its own band afterwards).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from studio.editor.layout.bpmn_scene import Item, Link
from studio.editor.layout.bpmn_sizes import DATA_OBJECT_KINDS, EVENT, LABELLED_BELOW, label_size
from studio.editor.layout.graph import LABEL_PORT, Cluster, Edge, LayoutGraph, Node

NODESEP = 30
RANKSEP = 50
CLUSTER_MARGIN = 16
FLOW_WEIGHT = 2
BOUNDARY_WEIGHT = 4  # flows from boundary events: keep them level with their port
DATA_KINDS = DATA_OBJECT_KINDS | {"dataStoreReference"}


@dataclass(eq=False, slots=True)
class Frame:
    """A pool or lane of the top level (key "": no cluster) and the items directly in it."""

    key: str
    items: list[Item] = field(default_factory=list)
    children: list[Frame] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class FlowGraph:
    graph: LayoutGraph
    nodes: dict[str, Node] = field(default_factory=dict)  # item id -> its box
    edges: dict[str, str] = field(default_factory=dict)  # link id -> dot edge name
    partners: dict[str, tuple[str, bool]] = field(default_factory=dict)  # data object or
    # annotation id -> (id of the item it stands by, whether it stands above it)
    boundary_ports: dict[str, int] = field(default_factory=dict)  # boundary event id -> the
    # index of its port under its host, top down


def build_graph(
    frames: list[Frame],
    links: list[Link],
    items: dict[str, Item],
    size_of: Callable[[Item], tuple[int, int]],
) -> FlowGraph:
    """The layout graph of the items in `frames` (sizes from `size_of`) and links among them
    (`items`: every item of the scene, to find the sub-process a link's end is in)."""
    return _Builder(links, items, size_of).build(frames)


class _Builder:
    def __init__(
        self,
        links: list[Link],
        items: dict[str, Item],
        size_of: Callable[[Item], tuple[int, int]],
    ) -> None:
        self.links = links
        self.scene_items = items
        self.size_of = size_of
        self.flow = FlowGraph(LayoutGraph(nodesep=NODESEP, ranksep=RANKSEP))
        self.items: dict[str, Item] = {}
        self.count = 0
        self.parent: dict[str, str] = {}  # union-find over node names kept in one rank

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def build(self, frames: list[Frame]) -> FlowGraph:
        for frame in frames:
            self.flow.graph.members.extend(self.members(frame))
        self.flows()
        self.anchors()
        groups: dict[str, list[str]] = {}
        for name in self.parent:
            groups.setdefault(self.find(name), []).append(name)
        self.flow.graph.same_ranks.extend(
            sorted(g, key=_node_number) for g in groups.values() if len(g) > 1
        )
        self.flow.graph.same_ranks.sort(key=lambda g: _node_number(g[0]))
        return self.flow

    # -- boxes and clusters ---------------------------------------------------------------------

    def members(self, frame: Frame) -> list[Node | Cluster]:
        nodes: list[Node | Cluster] = [self.node(i) for i in frame.items if i.host is None]
        if not frame.key:
            return nodes
        cluster = Cluster(self.name("cluster"), margin=CLUSTER_MARGIN)
        cluster.members.extend(nodes)
        for child in frame.children:
            cluster.members.extend(self.members(child))
        if not cluster.members:  # an empty lane or a pool without a process
            cluster.members.append(Node(self.name("h"), 1, 1, point=True))
        return [cluster]

    def node(self, item: Item) -> Node:
        width, height = self.size_of(item)
        label = label_size(item.name) if item.kind in LABELLED_BELOW else (0, 0)
        node = Node(self.name("n"), width, height, *label, west_ports=1, east_ports=1)
        if item.boundary:  # room under it for the events, their labels and their flows
            tallest = max(label_size(event.name)[1] for event in item.boundary)
            node.label_port_offset = EVENT[1] // 2 + tallest + 6
            node.label_ports = len(item.boundary)
            node.label_height = node.label_port_offset + LABEL_PORT * len(item.boundary)
            for index, event in enumerate(item.boundary):
                self.flow.boundary_ports[event.id] = index
                self.items[event.id] = event
        self.flow.nodes[item.id] = node
        self.items[item.id] = item
        return node

    def end(self, item: Item, tail: bool) -> tuple[str, str]:
        """The node and port a flow leaves (`tail`) or enters."""
        if item.host is not None:
            return self.flow.nodes[item.host.id].name, f"eb{self.flow.boundary_ports[item.id]}"
        return self.flow.nodes[item.id].name, "e0" if tail else "w0"

    # -- edges ----------------------------------------------------------------------------------

    def representative(self, item_id: str) -> Item | None:
        """The item of this graph that holds `item_id` (itself, or a sub-process around it)."""
        item = self.scene_items.get(item_id)
        while item is not None and item.id not in self.items:
            item = item.parent.owner
        return item

    def flows(self) -> None:
        """Sequence flows, and associations between flow nodes (compensation), order ranks."""
        for link in self.links:
            if link.kind == "sequenceFlow" or (
                link.kind == "association" and self.between_flow_nodes(link)
            ):
                tail, head = self.representative(link.source), self.representative(link.target)
                if tail is None or head is None or tail is head or tail.host is head:
                    continue
                (a, a_port), (b, b_port) = self.end(tail, True), self.end(head, False)
                if a == b:
                    continue
                name = self.name("e")
                self.flow.edges[link.id] = name
                weight = BOUNDARY_WEIGHT if tail.host is not None else FLOW_WEIGHT
                self.flow.graph.edges.append(
                    Edge(name, a, b, tail_port=a_port, head_port=b_port, weight=weight)
                )

    def between_flow_nodes(self, link: Link) -> bool:
        ends = (self.scene_items.get(link.source), self.scene_items.get(link.target))
        return all(e is not None and e.kind not in DATA_KINDS | {"textAnnotation"} for e in ends)

    def anchors(self) -> None:
        """Data objects and annotations in the rank of the item they belong to."""
        for item in self.items.values():
            if item.kind not in DATA_KINDS and item.kind != "textAnnotation":
                continue
            partner, above = self.partner(item)
            if partner is None:
                continue
            partner = partner.host or partner
            node, other = self.flow.nodes[item.id], self.flow.nodes[partner.id]
            self.flat(node, other) if above else self.flat(other, node)
            self.flow.partners[item.id] = (partner.id, above)

    def partner(self, item: Item) -> tuple[Item | None, bool]:
        """The item `item` stands next to, and whether it stands above it."""
        ends: list[tuple[int, Item, bool]] = []
        for link in self.links:
            if item.id not in (link.source, link.target):
                continue
            other = self.representative(link.target if link.source == item.id else link.source)
            if other is None or other is item:
                continue
            if link.kind == "dataOutputAssociation":
                ends.append((0, other, False))
            elif link.kind == "dataInputAssociation":
                ends.append((1, other, True))
            elif link.kind == "association":
                ends.append((2, other, True))
        if not ends:
            return None, False
        _, other, above = min(ends, key=lambda e: e[0])
        return other, above

    def flat(self, upper: Node, lower: Node) -> None:
        """Keep `lower` in the rank of `upper`, under it."""
        self.union(upper.name, lower.name)
        self.flow.graph.edges.append(Edge(self.name("o"), upper.name, lower.name, visible=False))

    # -- union-find -----------------------------------------------------------------------------

    def find(self, name: str) -> str:
        self.parent.setdefault(name, name)
        while self.parent[name] != name:
            self.parent[name] = self.parent[self.parent[name]]
            name = self.parent[name]
        return name

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb, key=_node_number)] = min(ra, rb, key=_node_number)


def _node_number(name: str) -> int:
    return int(name.lstrip("abcdefghijklmnopqrstuvwxyz") or 0)
