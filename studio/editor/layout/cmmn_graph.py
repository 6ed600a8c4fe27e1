"""The layout graph of a CMMN case scene: stages as nested clusters, items as ported boxes.

Sentry dependencies order the items left to right: an entry criterion's sources come before its
item, an exit criterion's sources after it (its edge leaves the item's east side). Leaves have
one port per criterion, so dot routes each connector into its own diamond. Connectors to a
stage's criteria are clipped at the stage's border, where the criterion is then put. Items that
only set off exits of their own stage (exit triggers) stand in the stage's last column and are
joined to the border straight; other items inside a stage reach its exits through an invisible
point in that column. Unconnected groups of items are arranged in a grid, not a long column.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from studio.editor.layout.cmmn_scene import CaseScene, Connector, SceneCriterion, SceneShape
from studio.editor.layout.cmmn_sizes import STAGE_HEADER, header_width, label_below, shape_size
from studio.editor.layout.graph import Cluster, Edge, LayoutGraph, Node

CLUSTER_MARGIN = 20
PLAN_HEADER = 6  # the plan's name is in a tab above its frame: keep a small gap only
GRID_MIN = 2  # unconnected groups of a stage's items are put in a grid from this many on
CHAIN_ENDS = 4  # leaves on each side of an invisible ordering between two groups


@dataclass(eq=False, slots=True)
class EdgePlan:
    """How one connector is drawn: along a dot edge (maybe reversed), or straight afterwards."""

    connector: Connector
    edge: str | None = None
    reversed: bool = False
    via: str | None = None  # an invisible point in the stage's last column the edge ends at


@dataclass(eq=False, slots=True)
class CaseGraph:
    scene: CaseScene
    graph: LayoutGraph = field(default_factory=LayoutGraph)
    nodes: dict[str, Node] = field(default_factory=dict)  # leaf shape id -> node
    clusters: dict[str, Cluster] = field(default_factory=dict)  # container shape id -> cluster
    plans: list[EdgePlan] = field(default_factory=list)
    ports: dict[str, int] = field(default_factory=dict)  # criterion id -> place down its side

    def sides(self, shape: SceneShape) -> tuple[list[SceneCriterion], list[SceneCriterion]]:
        """The entry and the exit criteria of `shape`, each in port order (top down)."""
        return (
            sorted(shape.entry, key=lambda c: self.ports[c.id]),
            sorted(shape.exit, key=lambda c: self.ports[c.id]),
        )


def header_height(shape: SceneShape) -> int:
    """Height of the strip at the top of a container kept for its name."""
    return PLAN_HEADER if shape.kind == "casePlanModel" else STAGE_HEADER


def build_graph(
    scene: CaseScene,
    port_hints: dict[str, float] | None = None,
    *,
    nodesep: int = 30,
    ranksep: int = 60,
) -> CaseGraph:
    """The layout graph of `scene`; `port_hints` order the criteria down each side of an item."""
    built = CaseGraph(scene, LayoutGraph(nodesep=nodesep, ranksep=ranksep))
    hints = port_hints or {}
    for shape in scene.root.walk():
        for side in (shape.entry, shape.exit):
            order = sorted(range(len(side)), key=lambda i: (hints.get(side[i].id, i), i))
            for port, i in enumerate(order):
                built.ports[side[i].id] = port
    _Builder(built).build()
    return built


class _Builder:
    def __init__(self, built: CaseGraph) -> None:
        self.built = built
        self.scene = built.scene
        self.count = 0
        self.after: dict[str, set[str]] = {}  # node name -> node names kept to its right
        self._ranks: dict[str, int] | None = None
        self.shape_of: dict[str, SceneShape] = {}  # node name -> its shape
        self.points: dict[str, Node] = {}  # criterion id -> its routing point inside the stage

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def build(self) -> None:
        root = self.member(self.scene.root)
        if not isinstance(root, Cluster):  # an empty plan: keep a frame of a stage's size
            root = Cluster(self.name("cluster"), *self.header(self.scene.root), CLUSTER_MARGIN)
            root.members.append(Node(self.name("n"), 300, 150))
            self.built.clusters[self.scene.root.id] = root
            self.built.nodes.pop(self.scene.root.id, None)
        self.built.graph.members.append(root)
        self.shape_of = {
            node.name: self.scene.shapes[shape_id] for shape_id, node in self.built.nodes.items()
        }
        connectors: dict[str, list[Connector]] = {}
        for c in self.scene.connectors:
            connectors.setdefault(_common(c.source, c.target.owner).id, []).append(c)
        planned: dict[str, list[tuple[SceneShape, SceneShape]]] = {}
        for task, item in self.scene.planned_by:
            planned.setdefault(_common(task, item).id, []).append((task, item))
        plans: dict[int, EdgePlan] = {}
        containers = _post_order(self.scene.root)  # inner stages are settled first
        if self.scene.root not in containers:
            containers.append(self.scene.root)
        for container in containers:
            for c in connectors.get(container.id, ()):
                plans[id(c)] = self.plan(c)
            for task, item in planned.get(container.id, ()):
                self.chain([task], [item])
            self.arrange(container)
        self.built.plans = [plans[id(c)] for c in self.scene.connectors]

    def header(self, shape: SceneShape) -> tuple[int, int]:
        return header_width(shape), header_height(shape)

    def member(self, shape: SceneShape) -> Node | Cluster:
        if shape.is_container:
            cluster = Cluster(self.name("cluster"), *self.header(shape), CLUSTER_MARGIN)
            cluster.members.extend(self.member(child) for child in shape.children)
            self.built.clusters[shape.id] = cluster
            return cluster
        width, height = shape_size(shape)
        label_width, label_height = label_below(shape)
        node = Node(
            self.name("n"),
            width,
            height,
            label_width,
            label_height,
            west_ports=len(shape.entry),
            east_ports=len(shape.exit),
        )
        self.built.nodes[shape.id] = node
        return node

    # -- order of leaves ----------------------------------------------------------------------

    def precede(self, tail: str, head: str) -> None:
        if tail != head:
            self.after.setdefault(tail, set()).add(head)
            self._ranks = None

    def rank(self, node: str) -> int:
        """Length of the longest chain of leaves kept to the left of `node`."""
        if self._ranks is None:
            before: dict[str, list[str]] = {}
            for tail, heads in self.after.items():
                for head in heads:
                    before.setdefault(head, []).append(tail)
            ranks: dict[str, int] = {}
            visiting: set[str] = set()

            def visit(name: str) -> int:
                if name in ranks:
                    return ranks[name]
                if name in visiting:
                    return 0  # a cycle
                visiting.add(name)
                value = max((visit(p) + 1 for p in sorted(before.get(name, ()))), default=0)
                visiting.discard(name)
                ranks[name] = value
                return value

            for node_name in sorted(before):
                visit(node_name)
            self._ranks = ranks
        return self._ranks.get(node, 0)

    def leaves(self, shape: SceneShape, skip: frozenset[str] = frozenset()) -> list[str]:
        nodes = self.built.nodes
        return [nodes[s.id].name for s in shape.walk() if s.id in nodes and s.id not in skip]

    def firsts(self, shape: SceneShape) -> list[str]:
        """The leaves of `shape` nothing inside it precedes, earliest first."""
        leaves = self.leaves(shape)
        inside = set(leaves)
        preceded = {h for m in leaves for h in self.after.get(m, ()) if h in inside}
        found = [n for n in leaves if n not in preceded]
        return sorted(found or leaves, key=self.rank)

    def lasts(self, shape: SceneShape, skip: frozenset[str] = frozenset()) -> list[str]:
        """The leaves of `shape` that precede nothing inside it, latest first."""
        leaves = self.leaves(shape, skip)
        inside = set(leaves)
        found = [n for n in leaves if not self.after.get(n, set()) & inside]
        return sorted(found or leaves, key=lambda n: -self.rank(n))

    def constrain(self, tails: list[str], heads: list[str], *, skip_first: bool = False) -> None:
        """Keep every head right of every tail (invisible edges; the first pair maybe drawn)."""
        for i, tail in enumerate(tails):
            for j, head in enumerate(heads):
                self.precede(tail, head)
                if skip_first and i == j == 0:
                    continue
                minlen = self.minlen(tail, head)
                edge = Edge(self.name("c"), tail, head, visible=False, minlen=minlen)
                self.built.graph.edges.append(edge)

    def minlen(self, tail: str, head: str) -> int:
        """Two ranks apart when the nodes are two or more stage borders apart (room for both)."""
        if tail not in self.shape_of or head not in self.shape_of:
            return 1
        a, b = self.shape_of[tail], self.shape_of[head]
        common = _common(a, b)
        crossed = _depth(a) + _depth(b) - 2 * _depth(common) - 2
        return 2 if crossed >= 2 else 1

    def chain(self, first: list[SceneShape], then: list[SceneShape]) -> None:
        """Keep the group `then` to the right of the group `first` (its latest and earliest
        few leaves are enough)."""
        tails = sorted((n for s in first for n in self.lasts(s)), key=lambda n: -self.rank(n))
        heads = sorted((n for s in then for n in self.firsts(s)), key=self.rank)
        self.constrain(tails[:CHAIN_ENDS], heads[:CHAIN_ENDS])

    # -- connectors ---------------------------------------------------------------------------

    def plan(self, connector: Connector) -> EdgePlan:
        source, target = connector.source, connector.target
        owner = target.owner
        plan = EdgePlan(connector)
        if owner.contains(source) and not target.entry and not self.is_trigger(source, owner):
            return self.plan_inside(plan)
        if source is owner or source.contains(owner) or owner.contains(source):
            return plan  # drawn after the layout: a loop, or straight inside a stage
        plan.edge = self.name("e")
        plan.reversed = not target.entry
        if owner.is_container:
            cluster = self.built.clusters[owner.id].name
            ends = self.firsts(owner) if target.entry else self.lasts(owner)
            near: _End = (ends, None, cluster)
        else:
            port = f"{'w' if target.entry else 'e'}{self.built.ports[target.id]}"
            near = ([self.built.nodes[owner.id].name], port, None)
        if source.is_container:
            cluster = self.built.clusters[source.id].name
            ends = self.firsts(source) if plan.reversed else self.lasts(source)
            far: _End = (ends, None, cluster)
        else:
            via = connector.source_criterion
            port = f"e{self.built.ports[via.id]}" if via is not None and not plan.reversed else None
            far = ([self.built.nodes[source.id].name], port, None)
        tail, head = (near, far) if plan.reversed else (far, near)
        self.built.graph.edges.append(
            Edge(
                plan.edge,
                tail[0][0],
                head[0][0],
                tail_port=tail[1],
                head_port=head[1],
                tail_cluster=tail[2],
                head_cluster=head[2],
                minlen=self.minlen(tail[0][0], head[0][0]),
            )
        )
        self.constrain(tail[0], head[0], skip_first=True)
        return plan

    def plan_inside(self, plan: EdgePlan) -> EdgePlan:
        """An exit of a stage set off from inside by an item in its flow: route it with dot
        to a point in the stage's last column, next to the criterion."""
        target = plan.connector.target
        point = self.points.get(target.id)
        if point is None:
            point = Node(self.name("p"), 1, 1, point=True)
            self.points[target.id] = point
            self.built.clusters[target.owner.id].members.append(point)
            self.constrain(self.lasts(target.owner), [point.name])
        source = plan.connector.source
        plan.edge, plan.via = self.name("e"), point.name
        if source.is_container:
            tails = self.lasts(source)
            cluster: str | None = self.built.clusters[source.id].name
        else:
            tails, cluster = [self.built.nodes[source.id].name], None
        via = plan.connector.source_criterion
        port = f"e{self.built.ports[via.id]}" if via and not source.is_container else None
        edge = Edge(plan.edge, tails[0], point.name, tail_port=port, tail_cluster=cluster)
        self.built.graph.edges.append(edge)
        self.constrain(tails, [point.name], skip_first=True)
        return plan

    # -- arranging the children of a stage ----------------------------------------------------

    def arrange(self, container: SceneShape) -> None:
        """Put unconnected groups of children in rows, and exit triggers in the last column.

        An exit trigger only sets off exit criteria of the container (a user event listener
        closing the case, say): it stands next to the right border, where its criterion is.
        """
        blocks = self.blocks(container)
        triggers = [b[0] for b in blocks if len(b) == 1 and self.is_trigger(b[0], container)]
        free = [b for b in blocks if b[0] not in triggers]
        if len(free) >= GRID_MIN:
            columns = math.ceil(math.sqrt(len(free)))
            for start in range(0, len(free), columns):
                line = free[start : start + columns]
                for first, then in itertools.pairwise(line):
                    self.chain(first, then)
        if triggers:
            lasts = self.lasts(container, frozenset(t.id for t in triggers))
            self.constrain(lasts, [self.built.nodes[t.id].name for t in triggers])

    def blocks(self, container: SceneShape) -> list[list[SceneShape]]:
        """The children of `container` in groups linked by connectors (in model order)."""
        group = {child.id: child.id for child in container.children}

        def find(key: str) -> str:
            while group[key] != key:
                group[key] = group[group[key]]
                key = group[key]
            return key

        def lift(shape: SceneShape | None) -> str | None:
            while shape is not None and shape.parent is not container:
                shape = shape.parent
            return shape.id if shape is not None else None

        links = [(c.source, c.target.owner) for c in self.scene.connectors]
        for a, b in [*links, *self.scene.planned_by]:
            x, y = lift(a), lift(b)
            if x is not None and y is not None:
                group[find(x)] = find(y)
        found: dict[str, list[SceneShape]] = {}
        for child in container.children:
            found.setdefault(find(child.id), []).append(child)
        return list(found.values())

    def is_trigger(self, shape: SceneShape, container: SceneShape) -> bool:
        if shape.is_container or any(
            c.target.owner is shape and not c.target.entry for c in self.scene.connectors
        ):
            return False
        outgoing = [c for c in self.scene.connectors if c.source is shape]
        return bool(outgoing) and all(
            c.target.owner is container and not c.target.entry for c in outgoing
        )


_End = tuple[list[str], str | None, str | None]  # candidate nodes, port, cluster to clip at


def _common(a: SceneShape, b: SceneShape) -> SceneShape:
    """The innermost container holding both shapes."""
    ancestors = []
    shape: SceneShape | None = a.parent
    while shape is not None:
        ancestors.append(shape)
        shape = shape.parent
    shape = b.parent
    while shape is not None and shape not in ancestors:
        shape = shape.parent
    return shape if shape is not None else (ancestors[-1] if ancestors else a)


def _depth(shape: SceneShape) -> int:
    depth = 0
    while shape.parent is not None:
        shape = shape.parent
        depth += 1
    return depth


def _post_order(shape: SceneShape) -> list[SceneShape]:
    found: list[SceneShape] = []
    for child in shape.children:
        found.extend(_post_order(child))
    if shape.is_container:
        found.append(shape)
    return found
