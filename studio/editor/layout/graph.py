"""A notation-neutral layout graph (boxes, clusters, edges) laid out by Graphviz `dot`.

Sizes are integer pixels. DOT measures in points (1/72 inch); node sizes are given to it as
`pixels / 72` inches, so one point of its output is one pixel of ours. Leaf boxes become
HTML-like table labels with ports down their west and east sides, so an edge can end at an exact
spot of a side (a CMMN criterion, a BPMN boundary event). Cluster headers are fixed-size empty
tables: no font metrics enter the layout, which stays the same on every machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import graphviz

from studio.editor.layout.geometry import Point, Rect, bezier_polyline, port_centers, split_evenly

PORT_WIDTH = 2
LABEL_PORT = 24


@dataclass(slots=True)
class Node:
    """A box of `width` x `height` with an optional label area of its own below it."""

    name: str
    width: int
    height: int
    label_width: int = 0
    label_height: int = 0
    west_ports: int = 0
    east_ports: int = 0
    point: bool = False  # an invisible routing point
    label_ports: int = 0  # ports 'eb0', 'eb1'... down the east side of the label area,
    label_port_offset: int = 0  # below this many pixels of it, each `LABEL_PORT` high

    @property
    def box_width(self) -> int:
        extra = max(0, self.label_width - self.width)
        return self.width + extra + extra % 2  # keep the shape exactly centred

    @property
    def box_height(self) -> int:
        return self.height + self.label_height

    def shape_rect(self, box: Rect) -> Rect:
        """The shape's own rectangle inside the node box (the label area excluded)."""
        return Rect(box.x + (box.width - self.width) / 2, box.y, self.width, self.height)

    def port_point(self, box: Rect, side: str, index: int) -> Point:
        """Centre of port `index` on the `side` ('w' or 'e') of the shape."""
        shape = self.shape_rect(box)
        count = self.west_ports if side == "w" else self.east_ports
        y = port_centers(shape.y, self.height, count)[index]
        return (shape.x if side == "w" else shape.right), y


@dataclass(slots=True)
class Cluster:
    """A container drawn around its members, with a header strip of its own at the top."""

    name: str  # must start with "cluster"
    header_width: int = 0
    header_height: int = 0
    margin: int = 20
    members: list[Node | Cluster] = field(default_factory=list)

    def nodes(self) -> Iterator[Node]:
        for member in self.members:
            if isinstance(member, Cluster):
                yield from member.nodes()
            else:
                yield member


@dataclass(slots=True)
class Edge:
    """An edge; invisible ones only order ranks. Ports are 'w0', 'e1', ... of the node's sides."""

    name: str
    tail: str
    head: str
    tail_port: str | None = None
    head_port: str | None = None
    tail_cluster: str | None = None  # clip the edge where it leaves this cluster
    head_cluster: str | None = None  # clip the edge where it enters this cluster
    visible: bool = True
    weight: int = 1
    minlen: int = 1


@dataclass(slots=True)
class LayoutGraph:
    members: list[Node | Cluster] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    nodesep: int = 30
    ranksep: int = 50
    rankdir: str = "LR"
    same_ranks: list[list[str]] = field(default_factory=list)  # node names kept in one rank


@dataclass(slots=True)
class Placement:
    """Where everything went, in pixels with y pointing down; (0, 0) is the drawing's corner."""

    width: float
    height: float
    nodes: dict[str, Rect]
    clusters: dict[str, Rect]
    edges: dict[str, list[Point]]


# -- DOT ------------------------------------------------------------------------------------------


def to_dot(graph: LayoutGraph) -> graphviz.Digraph:
    """The DOT graph for `graph`."""
    dot = graphviz.Digraph("layout", strict=False)
    dot.attr(
        rankdir=graph.rankdir,
        compound="true",
        nodesep=_inches(graph.nodesep),
        ranksep=_inches(graph.ranksep),
        splines="spline",
        newrank="true",
        pad="0",
    )
    dot.attr("node", shape="plain", label="")
    dot.attr("edge", dir="none")
    for member in graph.members:
        _add_member(dot, member)
    for edge in graph.edges:
        attrs: dict[str, str] = {"id": edge.name}
        if not edge.visible:
            attrs["style"] = "invis"
        if edge.weight != 1:
            attrs["weight"] = str(edge.weight)
        if edge.minlen != 1:
            attrs["minlen"] = str(edge.minlen)
        if edge.tail_cluster:
            attrs["ltail"] = edge.tail_cluster
        if edge.head_cluster:
            attrs["lhead"] = edge.head_cluster
        dot.edge(
            _endpoint(edge.tail, edge.tail_port), _endpoint(edge.head, edge.head_port), **attrs
        )
    for names in graph.same_ranks:
        with dot.subgraph() as same:
            same.attr(rank="same")
            for name in names:
                same.node(name)
    return dot


def _inches(pixels: float) -> str:
    return f"{pixels / 72:.4f}"


def _endpoint(node: str, port: str | None) -> str:
    return f"{node}:{port}:{port[0]}" if port else node


def _add_member(dot: graphviz.Digraph, member: Node | Cluster) -> None:
    if isinstance(member, Node):
        if member.point:
            dot.node(member.name, shape="point", width="0.01", height="0.01", style="invis")
        else:
            dot.node(member.name, label=_node_label(member))
        return
    with dot.subgraph(name=member.name) as sub:
        label = (
            f"<{_table(f'<TR>{_cell(member.header_width, member.header_height)}</TR>')}>"
            if member.header_height
            else ""
        )
        sub.attr(label=label, labelloc="t", labeljust="l", margin=str(member.margin))
        for child in member.members:
            _add_member(sub, child)


def _table(rows: str) -> str:
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'


def _cell(width: int, height: int, port: str | None = None, colspan: int = 1) -> str:
    extra = f' PORT="{port}"' if port else ""
    extra += f' COLSPAN="{colspan}"' if colspan > 1 else ""
    return f'<TD FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}"{extra}></TD>'


def _port_column(side: str, count: int, height: int) -> str:
    if count == 0:
        return _cell(PORT_WIDTH, height)
    rows = "".join(
        f"<TR>{_cell(PORT_WIDTH, size, f'{side}{i}')}</TR>"
        for i, size in enumerate(split_evenly(height, count))
    )
    return f"<TD>{_table(rows)}</TD>"


def _label_port_column(node: Node) -> str:
    rows = []
    if node.label_port_offset:
        rows.append(f"<TR>{_cell(PORT_WIDTH, node.label_port_offset)}</TR>")
    rows += [f"<TR>{_cell(PORT_WIDTH, LABEL_PORT, f'eb{i}')}</TR>" for i in range(node.label_ports)]
    rest = node.label_height - node.label_port_offset - LABEL_PORT * node.label_ports
    if rest > 0:
        rows.append(f"<TR>{_cell(PORT_WIDTH, rest)}</TR>")
    return f"<TD>{_table(''.join(rows))}</TD>"


def _node_label(node: Node) -> str:
    pad = (node.box_width - node.width) // 2
    cells = [
        _port_column("w", node.west_ports, node.height),
        _cell(node.width - 2 * PORT_WIDTH, node.height),
        _port_column("e", node.east_ports, node.height),
    ]
    if pad:
        cells = [_cell(pad, node.height), *cells, _cell(pad, node.height)]
    rows = f"<TR>{''.join(cells)}</TR>"
    if node.label_height and node.label_ports:
        body = _cell(node.box_width - PORT_WIDTH, node.label_height, colspan=len(cells) - 1)
        rows += f"<TR>{body}{_label_port_column(node)}</TR>"
    elif node.label_height:
        rows += f"<TR>{_cell(node.box_width, node.label_height, colspan=len(cells))}</TR>"
    return f"<{_table(rows)}>"


# -- reading dot's answer --------------------------------------------------------------------


def placement(graph: LayoutGraph, answer: dict[str, Any]) -> Placement:
    """Positions from dot's `-Tjson` answer, flipped so y points down."""
    x0, y0, x1, y1 = _floats(answer["bb"])

    def flip(x: float, y: float) -> Point:
        return x - x0, y1 - y

    sizes = {n.name: n for n in _all_nodes(graph.members)}
    nodes: dict[str, Rect] = {}
    clusters: dict[str, Rect] = {}
    for obj in answer.get("objects", ()):
        name = obj.get("name", "")
        if name in sizes and "pos" in obj:
            node = sizes[name]
            cx, cy = flip(*_floats(obj["pos"]))
            nodes[name] = Rect(
                cx - node.box_width / 2, cy - node.box_height / 2, node.box_width, node.box_height
            )
        elif name.startswith("cluster") and "bb" in obj:
            left, bottom, right, top = _floats(obj["bb"])
            (ax, ay), (bx, by) = flip(left, top), flip(right, bottom)
            clusters[name] = Rect(ax, ay, bx - ax, by - ay)
    edges: dict[str, list[Point]] = {}
    for obj in answer.get("edges", ()):
        if obj.get("style") == "invis" or "pos" not in obj:
            continue
        controls = [flip(*p) for p in spline_points(obj["pos"])]
        edges[obj["id"]] = bezier_polyline(controls)
    return Placement(x1 - x0, y1 - y0, nodes, clusters, edges)


def _all_nodes(members: list[Node | Cluster]) -> Iterator[Node]:
    for member in members:
        if isinstance(member, Cluster):
            yield from member.nodes()
        else:
            yield member


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in text.split(","))


def spline_points(pos: str) -> list[Point]:
    """The Bézier control points of an edge's `pos` attribute (arrow end points dropped)."""
    first = pos.split(";")[0]
    points: list[Point] = []
    for token in first.split():
        if token.startswith(("e,", "s,")):
            continue
        x, y = _floats(token)[:2]
        points.append((x, y))
    return points
