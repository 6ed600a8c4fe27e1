"""Automatic diagram layout: the `LayoutEngine` seam and its Graphviz implementation."""

from studio.editor.layout.engine import GraphvizLayoutEngine, LayoutEngine, layout_model
from studio.editor.layout.runner import GraphvizRunner, LayoutError

__all__ = ["GraphvizLayoutEngine", "GraphvizRunner", "LayoutEngine", "LayoutError", "layout_model"]
