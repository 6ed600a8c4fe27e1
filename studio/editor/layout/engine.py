"""The `LayoutEngine` seam and its Graphviz implementation, one layout function per notation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from studio.editor.layout.bpmn_layout import layout_bpmn
from studio.editor.layout.cmmn_layout import layout_cmmn
from studio.editor.layout.runner import GraphvizRunner, LayoutError

M = TypeVar("M")

# notation name ('cmmn', 'bpmn') -> function laying out a model of it with a runner
NOTATION_LAYOUTS: dict[str, Callable[[Any, GraphvizRunner], Any]] = {
    "cmmn": layout_cmmn,
    "bpmn": layout_bpmn,
}


@runtime_checkable
class LayoutEngine(Protocol):
    """Computes diagram interchange: returns the model with fresh DI, its semantics untouched."""

    def layout(self, model: M) -> M: ...


class GraphvizLayoutEngine:
    """Lays models out with Graphviz `dot` (which must be installed)."""

    def __init__(self, runner: GraphvizRunner | None = None) -> None:
        self.runner = runner or GraphvizRunner()

    def layout(self, model: M) -> M:
        notation = getattr(type(model), "notation", None)
        function = NOTATION_LAYOUTS.get(notation or "")
        if function is None:
            raise LayoutError(
                f"no automatic layout for {notation or type(model).__name__} models yet"
            )
        return function(model, self.runner)


def layout_model(model: M, *, timeout: float = 30.0) -> M:
    """`model` with new DI from Graphviz (a shortcut for `GraphvizLayoutEngine().layout`)."""
    return GraphvizLayoutEngine(GraphvizRunner(timeout=timeout)).layout(model)
