"""Constant folding after the allow-list check: literals of constants become constants, and
date/duration literals are parsed once (and refused at compile time when invalid)."""

from __future__ import annotations

import ast

from studio.expressions.errors import ExpressionError, ExpressionEvaluationError
from studio.expressions.functions import FUNCTION_SPECS
from studio.expressions.parsing import Positions


class _Folder(ast.NodeTransformer):
    """Turn list, tuple and object literals of constants into constants, evaluated once and
    shared: the language never changes a value in place, and results are copied."""

    def __init__(self, positions: Positions) -> None:
        self.positions = positions

    def visit_List(self, node: ast.List) -> ast.expr:
        self.generic_visit(node)
        if all(isinstance(e, ast.Constant) for e in node.elts):
            values = [e.value for e in node.elts]  # type: ignore[attr-defined]
            return ast.copy_location(ast.Constant(values), node)
        return node

    def visit_Tuple(self, node: ast.Tuple) -> ast.expr:
        self.generic_visit(node)
        if all(isinstance(e, ast.Constant) for e in node.elts):
            values = tuple(e.value for e in node.elts)  # type: ignore[attr-defined]
            return ast.copy_location(ast.Constant(values), node)
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.expr:
        self.generic_visit(node)
        if all(isinstance(v, ast.Constant) for v in node.values):
            values = {k.value: v.value for k, v in zip(node.keys, node.values, strict=True)}  # type: ignore[union-attr]
            return ast.copy_location(ast.Constant(values), node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        """``date("2026-01-05")``, ``datetime(...)``, ``duration("P2D")`` of a literal: parsed
        now, so a bad literal is refused at compile time and costs nothing per evaluation."""
        self.generic_visit(node)
        name = node.func.id  # type: ignore[attr-defined]
        if name in _FOLDABLE and all(isinstance(a, ast.Constant) for a in node.args):
            impl = FUNCTION_SPECS[name].impl
            try:
                value = impl(*[a.value for a in node.args])  # type: ignore[attr-defined,misc]
            except ExpressionEvaluationError as exc:
                raise ExpressionError(exc.code, exc.message, self.positions.of(node)) from None
            return ast.copy_location(ast.Constant(value), node)
        return node


_FOLDABLE = frozenset({"date", "datetime", "duration"})


def fold(node: ast.expr, positions: Positions) -> ast.expr:
    """``node`` with its constant parts folded."""
    return _Folder(positions).visit(node)
