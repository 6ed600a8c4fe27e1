"""Evaluation of checked syntax trees with simpleeval, on plain JSON-like data.

``SimpleEval`` walks the tree; this subclass swaps in the language's semantics: names read the
variables only (an unknown name is an error), ``a.b`` reads key ``b`` of an object (never a
Python attribute), a missing key or index reads as null, null propagates through ``.`` and
``[]``, operators are the capped ones of ``operators``, and calls go to the curated functions.
One evaluator per thread holds the variables and clock of the evaluation under way.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import simpleeval

from studio.expressions.errors import ExpressionError, ExpressionEvaluationError
from studio.expressions.functions import CLOCK_FUNCTIONS, FUNCTION_SPECS
from studio.expressions.limits import MAX_ITEMS
from studio.expressions.operators import OPERATORS
from studio.expressions.parsing import Positions
from studio.expressions.values import (
    charge,
    count_items,
    plain,
    restore_work,
    start_work,
    too_large,
    type_error,
    type_name,
)

_CONTAINERS = (list, tuple, dict)


class Evaluator(simpleeval.SimpleEval):
    """A simpleeval evaluator restricted to the node types the allow-list lets through."""

    def __init__(self) -> None:
        super().__init__(operators=dict(OPERATORS), functions={}, names={})
        self.functions = {
            name: spec.impl for name, spec in FUNCTION_SPECS.items() if spec.impl is not None
        }
        self.functions.update(
            {name: self._clock_function(fn) for name, fn in CLOCK_FUNCTIONS.items()}
        )
        self.nodes = {
            ast.Constant: self._eval_constant,
            ast.Name: self._eval_name,
            ast.BoolOp: self._eval_boolop,
            ast.BinOp: self._eval_binop,
            ast.UnaryOp: self._eval_unaryop,
            ast.Compare: self._eval_compare,
            ast.IfExp: self._eval_ifexp,
            ast.Call: self._eval_call,
            ast.Attribute: self._eval_attribute,
            ast.Subscript: self._eval_subscript,
            ast.Slice: self._eval_slice,
            ast.List: self._eval_list,
            ast.Tuple: self._eval_tuple,
            ast.Dict: self._eval_dict,
        }
        self.variables: Mapping[str, Any] = {}
        self.clock: datetime | None = None
        self.positions: Positions | None = None

    def run(
        self,
        node: ast.expr,
        variables: Mapping[str, Any],
        clock: datetime | None,
        positions: Positions | None = None,
    ) -> Any:
        """Evaluate ``node`` against ``variables``; the result is plain data (copied).
        ``positions`` locate an unknown name in the source."""
        saved = self.variables, self.clock, self.positions
        self.variables, self.clock, self.positions = variables, clock, positions
        work = start_work()
        try:
            return plain(self._eval(node))
        except ExpressionError:
            raise
        except ZeroDivisionError:
            raise ExpressionEvaluationError("expr.division-by-zero", "division by zero") from None
        except OverflowError as exc:
            raise too_large(f"the result is out of range ({exc})") from None
        except (RecursionError, MemoryError):
            raise too_large("the evaluation needs too much memory or nesting") from None
        except TypeError as exc:
            raise type_error(str(exc)) from None
        except ValueError as exc:
            raise ExpressionEvaluationError("expr.value-error", str(exc)) from None
        except Exception as exc:  # e.g. a variables mapping that fails: still a clear error
            raise ExpressionEvaluationError(
                "expr.error", f"the evaluation failed: {type(exc).__name__}: {exc}"
            ) from exc
        finally:
            self.variables, self.clock, self.positions = saved
            restore_work(work)

    def _clock_function(self, fn: Any) -> Any:
        def bound() -> Any:
            if self.clock is None:
                self.clock = datetime.now(UTC)
            return fn(self.clock)

        return bound

    def _eval(self, node: ast.AST) -> Any:
        # No per-result scan of simpleeval's: the allow-list admits no callable, module or
        # attribute value, and values are plain data.
        return self.nodes[type(node)](node)

    @staticmethod
    def _eval_constant(node: ast.Constant) -> Any:
        return node.value

    def _eval_name(self, node: ast.Name) -> Any:
        try:
            return self.variables[node.id]
        except KeyError:
            offset = None if self.positions is None else self.positions.of(node)
            raise ExpressionEvaluationError(
                "expr.unknown-name", f"unknown name {node.id!r}", offset
            ) from None

    def _eval_call(self, node: ast.Call) -> Any:
        function = self.functions[node.func.id]  # type: ignore[attr-defined]
        return function(*[self._eval(arg) for arg in node.args])

    def _eval_attribute(self, node: ast.Attribute) -> Any:
        base = self._eval(node.value)
        if type(base) is dict:
            return base.get(node.attr)
        if base is None:
            return None
        if isinstance(base, Mapping):
            return base.get(node.attr)
        raise type_error(f"cannot read .{node.attr} of {type_name(base)}")

    def _eval_subscript(self, node: ast.Subscript) -> Any:
        base = self._eval(node.value)
        key = self._eval(node.slice)
        if base is None:
            return None
        if type(base) is dict or isinstance(base, Mapping):
            try:
                return base.get(key)
            except TypeError:
                raise type_error(f"an object's keys are text, not {type_name(key)}") from None
        if isinstance(base, list | tuple | str):
            if type(key) is int:
                try:
                    return base[key]
                except IndexError:
                    return None
            if type(key) is slice:
                result = base[key]
                charge(len(result))
                return result
            raise type_error(f"positions in {type_name(base)} are integers, not {type_name(key)}")
        raise type_error(f"cannot index {type_name(base)}")

    def _eval_slice(self, node: ast.Slice) -> slice:
        bounds = []
        for part in (node.lower, node.upper, node.step):
            value = None if part is None else self._eval(part)
            if value is not None and type(value) is not int:
                raise type_error(f"slice bounds are integers, not {type_name(value)}")
            bounds.append(value)
        return slice(*bounds)

    def _elements(self, nodes: list[ast.expr]) -> list[Any]:
        values = [self._eval(item) for item in nodes]
        size = 0
        for value in values:
            if type(value) in _CONTAINERS:
                size += count_items(value, MAX_ITEMS)
                if size > MAX_ITEMS:
                    raise too_large(f"the list would hold more than {MAX_ITEMS} values")
        return values

    def _eval_list(self, node: ast.List) -> list[Any]:
        return self._elements(node.elts)

    def _eval_tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self._elements(node.elts))

    def _eval_dict(self, node: ast.Dict) -> dict[str, Any]:
        values = self._elements(node.values)
        return {key.value: value for key, value in zip(node.keys, values, strict=True)}  # type: ignore[union-attr]


_local = threading.local()


def evaluator() -> Evaluator:
    """This thread's evaluator."""
    try:
        return _local.evaluator
    except AttributeError:
        _local.evaluator = Evaluator()
        return _local.evaluator
