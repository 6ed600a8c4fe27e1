"""Geometry, text and Graphviz helpers shared by the layouts."""

from __future__ import annotations

import shutil

import pytest

from studio.editor.layout.geometry import (
    Rect,
    bezier_polyline,
    port_centers,
    simplify,
    split_evenly,
    spread,
)
from studio.editor.layout.graph import (
    Cluster,
    Edge,
    LayoutGraph,
    Node,
    placement,
    spline_points,
    to_dot,
)
from studio.editor.layout.runner import GraphvizRunner
from studio.editor.layout.text import text_width, wrap


def test_spread_keeps_order_and_gap_inside_the_range() -> None:
    assert spread([50, 52, 54], 0, 200, 30) == [50, 80, 110]
    assert spread([190, 195], 0, 200, 30) == [170, 200]
    assert spread([0, 0, 0], 0, 20, 30) == [0, 10, 20]  # no room: evenly spaced
    assert spread([], 0, 10, 5) == []


def test_ports_split_a_side_evenly() -> None:
    assert split_evenly(80, 3) == [27, 27, 26]
    assert port_centers(100, 80, 1) == [140]
    assert port_centers(100, 80, 2) == [120, 160]


def test_simplify_drops_points_on_a_line() -> None:
    points = [(0, 0), (1, 0.1), (2, 0), (3, 0), (3, 5)]
    assert simplify(points, 0.5) == [(0, 0), (3, 0), (3, 5)]


def test_bezier_polyline_passes_through_the_ends() -> None:
    line = bezier_polyline([(0, 0), (10, 0), (20, 10), (30, 10)], samples=4)
    assert line[0] == (0, 0) and line[-1] == (30, 10) and len(line) == 5


def test_boundary_points() -> None:
    box = Rect(0, 0, 100, 50)
    assert box.boundary_point((200, 25)) == (100, 25)
    assert box.boundary_point((50, -100)) == (50, 0)
    circle = Rect(0, 0, 36, 36)
    assert circle.boundary_point((18, 100), ellipse=True) == (18, 36)


def test_wrap_breaks_words_and_keeps_newlines() -> None:
    assert wrap("Claim\nProcessed", 200) == ["Claim", "Processed"]
    lines = wrap("Request missing documents from the customer", 90)
    assert len(lines) > 1 and all(text_width(line) <= 90 for line in lines)
    assert "".join(wrap("Supercalifragilistic", 40)) == "Supercalifragilistic"


def test_spline_points_skip_arrow_ends() -> None:
    assert spline_points("e,5,6 1,2 3,4") == [(1, 2), (3, 4)]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is missing")
def test_ports_and_sizes_match_graphviz() -> None:
    task = Node("n1", 100, 80, west_ports=2)
    listener = Node("n2", 36, 36, label_width=90, label_height=18)
    graph = LayoutGraph(
        members=[Cluster("cluster1", 120, 24, members=[task]), listener],
        edges=[Edge("e1", "n2", "n1", head_port="w1")],
    )
    placed = placement(graph, GraphvizRunner().run(to_dot(graph).source))
    box = placed.nodes["n1"]
    assert (box.width, box.height) == (100, 80)
    assert placed.clusters["cluster1"].contains(box)
    end = placed.edges["e1"][-1]
    port = task.port_point(box, "w", 1)
    assert abs(end[0] - port[0]) <= 2 and abs(end[1] - port[1]) <= 1
    assert (placed.nodes["n2"].width, placed.nodes["n2"].height) == (90, 54)
