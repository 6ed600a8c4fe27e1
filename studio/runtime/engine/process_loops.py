"""Multi-instance and standard loops of activities.

The activity seen from outside is a *body* instance (its boundary events are armed on it, it
counts as one token of its scope); each run is an inner instance of the same node whose stage is
the body. The body completes, like a sub-process, once no inner instance is left running.
"""

from __future__ import annotations

from typing import Any

from studio.expressions import CompiledExpression
from studio.expressions.errors import ExpressionError
from studio.messages import text
from studio.runtime.engine.errors import Refused
from studio.runtime.engine.process_definition import NodeDefinition
from studio.runtime.engine.process_events import Events
from studio.runtime.engine.state import ItemInstance


def is_body(instance: ItemInstance) -> bool:
    """Whether the instance is the body of a looping activity (not one of its runs)."""
    return "loop" in instance.memory


def loop_failed(node: NodeDefinition, error: Exception) -> Refused:
    """The refusal when an expression of the loop of `node` fails (its count, collection or a
    condition)."""
    return Refused(
        text(
            "the loop of {item!r} ({element}) failed: {reason}",
            item=node.label,
            element=node.id,
            reason=str(error),
        )
    )


class Loops(Events):
    """Starting the runs of a looping activity and deciding, after each, whether to go on."""

    def act(self, iid: str) -> None:  # pragma: no cover - token flow implements it
        raise NotImplementedError

    def start_loop(self, body: str) -> None:
        """The body is active: start its first run (every run, for a parallel multi-instance)."""
        node = self.node(body)
        loop = node.loop
        assert loop is not None
        self.state.count_blocking(body, 0)
        if loop.kind == "standard":
            self.edit(body).memory["loop"] = set()
            if not loop.test_before or self.holds_for(body, loop.condition):
                self.run(body, 0)
            return
        total = self.total(body)
        self.edit(body).memory["loop"] = {total}
        for index in range(total if loop.kind == "parallel" else min(total, 1)):
            self.run(body, index)

    def total(self, body: str) -> int:
        """How many runs a multi-instance activity has: its cardinality or collection size."""
        node = self.node(body)
        assert node.loop is not None
        try:
            if node.loop.cardinality is not None:
                return max(0, int(node.loop.cardinality.evaluate(self.state.data, now=self.now)))
            assert node.loop.collection is not None
            return len(self.collection(body))
        except (ExpressionError, TypeError, ValueError) as exc:
            raise loop_failed(node, exc) from None

    def collection(self, body: str) -> list[Any]:
        loop = self.node(body).loop
        assert loop is not None and loop.collection is not None
        value = loop.collection.evaluate(self.state.data, now=self.now)
        if not isinstance(value, list | tuple):
            raise TypeError(f"the collection is a {type(value).__name__}, not a list")
        return list(value)

    def run(self, body: str, index: int) -> None:
        """Start run `index` (the collection element written to its variable first)."""
        node = self.node(body)
        assert node.loop is not None
        if node.loop.collection is not None and node.loop.element:
            self.write({node.loop.element: self.collection(body)[index]}, paths=False)
        iid = self.create(node.id, body)
        self.edit(body).occurrences = index + 1
        self.emit(iid, "start", "active")
        self.act(iid)

    def next_run(self, body: str) -> None:
        """A run completed: start the next one, or end the remaining runs when the completion
        condition holds; the body completes once none is left running."""
        if self.get(body).state != "active":
            return
        node, started = self.node(body), self.get(body).occurrences
        loop = node.loop
        assert loop is not None
        if loop.kind == "standard":
            if (loop.maximum is None or started < loop.maximum) and self.holds_for(
                body, loop.condition
            ):
                self.run(body, started)
            return
        if loop.completion is not None and self.holds_for(body, loop.completion):
            for inner in self.state.children(body):
                if inner.item == node.id and inner.state == "active":
                    self.emit(inner.id, "terminate", "terminated", "completion condition")
            return
        total = max(self.get(body).memory["loop"], default=0)
        if loop.kind == "sequential" and started < total:
            self.run(body, started)

    def holds_for(self, body: str, condition: CompiledExpression | None) -> bool:
        """A loop or completion condition, reading the variables and the loop's counters."""
        if condition is None:
            return False
        instance, node = self.get(body), self.node(body)
        runs = [i for i in self.state.children(body) if i.item == node.id]
        counters = {
            "nrOfInstances": max(instance.memory.get("loop", ()), default=len(runs)),
            "nrOfCompletedInstances": sum(1 for i in runs if i.state == "completed"),
            "nrOfActiveInstances": sum(1 for i in runs if i.state == "active"),
            "loopCounter": instance.occurrences,
        }
        try:
            return bool(condition.evaluate({**self.state.data, **counters}, now=self.now))
        except ExpressionError as exc:
            if exc.code == "expr.unknown-name":
                return False
            raise loop_failed(node, exc) from None
