"""The compile-time allow-list: refuse every construct not listed, collect the names and dotted
paths an expression reads.

Allowed: ``and``/``or``/``not``, comparisons (``in``, ``not in``, ``is``/``is not`` with None),
``+ - * / // %``, unary ``-``/``+``, ``x if c else y``, names, constants, list/tuple literals,
object literals with text keys, attribute access ``a.b`` and subscripts ``a[0]``, ``a["k"]``,
``a[1:3]``, and calls of the curated functions by plain name. ``true``/``false``/``null`` are
constants.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass

from studio.expressions.errors import ExpressionError
from studio.expressions.folding import fold
from studio.expressions.functions import FUNCTION_SPECS, FUNCTIONS
from studio.expressions.limits import Limits
from studio.expressions.parsing import Positions
from studio.messages import text

CONSTANT_NAMES = {"true": True, "false": False, "null": None}

_REFUSED = {
    ast.Lambda: text("lambda expressions are not allowed"),
    ast.ListComp: text("comprehensions are not allowed"),
    ast.SetComp: text("comprehensions are not allowed"),
    ast.DictComp: text("comprehensions are not allowed"),
    ast.GeneratorExp: text("generator expressions are not allowed"),
    ast.JoinedStr: text("f-strings are not allowed; join text with +"),
    ast.FormattedValue: text("f-strings are not allowed; join text with +"),
    ast.NamedExpr: text("assignment expressions (:=) are not allowed"),
    ast.Set: text("set literals are not allowed; use a list [...]"),
    ast.Starred: text("unpacking with * is not allowed"),
    ast.Await: text("await is not allowed"),
    ast.Yield: text("yield is not allowed"),
    ast.YieldFrom: text("yield is not allowed"),
}
_OPERATOR_NAMES = {
    ast.Pow: text("the power operator ** is not allowed"),
    ast.MatMult: text("the @ operator is not allowed"),
    ast.BitOr: text("bitwise | is not allowed; use or"),
    ast.BitAnd: text("bitwise & is not allowed; use and"),
    ast.BitXor: text("bitwise ^ is not allowed"),
    ast.LShift: text("shift operators are not allowed"),
    ast.RShift: text("shift operators are not allowed"),
    ast.Invert: text("bitwise ~ is not allowed; use not"),
}
_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)
_UNARYOPS = (ast.Not, ast.USub, ast.UAdd)
_CONSTANT_TYPES = (type(None), bool, int, float, str)
_FOREIGN_CALLS = {
    "__import__",
    "open",
    "eval",
    "exec",
    "compile",
    "getattr",
    "setattr",
    "delattr",
    "globals",
    "locals",
    "vars",
    "type",
    "input",
    "print",
    "dir",
    "help",
    "exit",
    "quit",
}


@dataclass(frozen=True, slots=True)
class CheckedTree:
    """What the allow-list leaves: the expression node to evaluate and what it reads."""

    node: ast.expr
    names: frozenset[str]
    paths: frozenset[str]


def check(root: ast.expr, limits: Limits, positions: Positions) -> CheckedTree:
    """Walk the tree against the allow-list; refuse at the first offending node."""
    names: set[str] = set()
    paths: set[str] = set()
    count = 0
    # (parent, field, index, node, depth, extends_path)
    holder = ast.Expression(body=root)
    stack: list[tuple[ast.AST, str, int | None, ast.AST, int, bool]] = [
        (holder, "body", None, root, 1, False)
    ]
    while stack:
        parent, field, index, node, depth, extends = stack.pop()
        count += 1
        if count > limits.max_nodes:
            raise ExpressionError(
                "expr.too-complex",
                text("the expression has more than {count} parts", count=limits.max_nodes),
            )
        if depth > limits.max_depth:
            raise ExpressionError(
                "expr.too-complex",
                text("the expression nests deeper than {count} levels", count=limits.max_depth),
                positions.of(node),
            )
        if isinstance(node, ast.Name) and node.id in CONSTANT_NAMES:
            replacement = ast.copy_location(ast.Constant(CONSTANT_NAMES[node.id]), node)
            _replace(parent, field, index, replacement)
            continue
        children = _check_node(node, limits, positions)
        if isinstance(node, ast.Name):
            names.add(node.id)
        if not extends and isinstance(node, ast.Attribute | ast.Subscript | ast.Name):
            path = _path(node)
            if path is not None:
                paths.add(path)
        for child_field, child_index, child in children:
            child_extends = child_field == "value" and _extends_path(node)
            stack.append((node, child_field, child_index, child, depth + 1, child_extends))
    return CheckedTree(fold(holder.body, positions), frozenset(names), frozenset(paths))


def _forbidden(message: str, node: ast.AST, positions: Positions) -> ExpressionError:
    return ExpressionError("expr.forbidden", message, positions.of(node))


def _replace(parent: ast.AST, field: str, index: int | None, node: ast.AST) -> None:
    if index is None:
        setattr(parent, field, node)
    else:
        getattr(parent, field)[index] = node


def _fields(node: ast.AST, *names: str) -> list[tuple[str, int | None, ast.AST]]:
    found: list[tuple[str, int | None, ast.AST]] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, list):
            found.extend((name, i, item) for i, item in enumerate(value) if item is not None)
        elif value is not None:
            found.append((name, None, value))
    return found


def _check_node(
    node: ast.AST, limits: Limits, positions: Positions
) -> list[tuple[str, int | None, ast.AST]]:
    """Refuse ``node`` unless it is allowed; return its child expressions to check."""
    kind = type(node)
    if kind is ast.Constant:
        _check_constant(node, limits, positions)  # type: ignore[arg-type]
        return []
    if kind is ast.Name:
        if node.id.startswith("_"):  # type: ignore[attr-defined]
            raise _forbidden(text("names starting with '_' are not allowed"), node, positions)
        if not isinstance(node.ctx, ast.Load):  # type: ignore[attr-defined]
            raise _forbidden(text("assignment is not allowed in an expression"), node, positions)
        return []
    if kind is ast.BoolOp:
        return _fields(node, "values")
    if kind is ast.BinOp:
        op = type(node.op)  # type: ignore[attr-defined]
        if op not in _BINOPS:
            raise _forbidden(
                _OPERATOR_NAMES.get(op, text("this operator is not allowed")), node, positions
            )
        return _fields(node, "left", "right")
    if kind is ast.UnaryOp:
        op = type(node.op)  # type: ignore[attr-defined]
        if op not in _UNARYOPS:
            raise _forbidden(
                _OPERATOR_NAMES.get(op, text("this operator is not allowed")), node, positions
            )
        return _fields(node, "operand")
    if kind is ast.Compare:
        _check_compare(node, positions)  # type: ignore[arg-type]
        return _fields(node, "left", "comparators")
    if kind is ast.IfExp:
        return _fields(node, "test", "body", "orelse")
    if kind is ast.List or kind is ast.Tuple:
        if not isinstance(node.ctx, ast.Load):  # type: ignore[attr-defined]
            raise _forbidden(text("assignment is not allowed in an expression"), node, positions)
        return _fields(node, "elts")
    if kind is ast.Dict:
        for key in node.keys:  # type: ignore[attr-defined]
            if key is None:
                raise _forbidden(text("unpacking with ** is not allowed"), node, positions)
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                raise _forbidden(text("object keys must be quoted text"), key, positions)
        return _fields(node, "keys", "values")
    if kind is ast.Attribute:
        if node.attr.startswith("_"):  # type: ignore[attr-defined]
            raise _forbidden(
                text(
                    "attributes starting with '_' are not allowed (.{attribute})",
                    attribute=node.attr,  # type: ignore[attr-defined]
                ),
                node,
                positions,
            )
        return _fields(node, "value")
    if kind is ast.Subscript:
        return _fields(node, "value", "slice")
    if kind is ast.Slice:
        return _fields(node, "lower", "upper", "step")
    if kind is ast.Call:
        _check_call(node, positions)  # type: ignore[arg-type]
        return _fields(node, "args")
    message = _REFUSED.get(kind)
    if message is None:
        message = text("{construct} is not allowed in an expression", construct=kind.__name__)
    raise _forbidden(message, node, positions)


def _check_constant(node: ast.Constant, limits: Limits, positions: Positions) -> None:
    value = node.value
    if not isinstance(value, _CONSTANT_TYPES):
        message = text("{kind} literals are not allowed", kind=type(value).__name__)
        raise _forbidden(message, node, positions)
    if isinstance(value, int) and not isinstance(value, bool):
        if value and abs(value) >= 10**limits.max_int_digits:
            raise ExpressionError(
                "expr.too-long",
                text("integer literals have at most {count} digits", count=limits.max_int_digits),
                positions.of(node),
            )
    elif isinstance(value, str) and len(value) > limits.max_string_literal:
        raise ExpressionError(
            "expr.too-long",
            text("text literals have at most {count} characters", count=limits.max_string_literal),
            positions.of(node),
        )


def _is_none(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None
    return isinstance(node, ast.Name) and node.id == "null"


def _check_compare(node: ast.Compare, positions: Positions) -> None:
    operands = [node.left, *node.comparators]
    for i, op in enumerate(node.ops):
        if isinstance(op, ast.Is | ast.IsNot) and not (
            _is_none(operands[i]) or _is_none(operands[i + 1])
        ):
            raise _forbidden(text("'is' only compares with None; use =="), node, positions)


def _check_call(node: ast.Call, positions: Positions) -> None:
    func = node.func
    if isinstance(func, ast.Attribute):
        if func.attr in FUNCTION_SPECS and not func.attr.startswith("_"):
            message = text(
                "method calls like .{method}() are not allowed; write {method}(...)",
                method=func.attr,
            )
        else:
            message = text("method calls like .{method}() are not allowed", method=func.attr)
        raise _forbidden(message, node, positions)
    if not isinstance(func, ast.Name):
        raise _forbidden(text("only the built-in functions can be called"), node, positions)
    name = func.id
    if name.startswith("_"):
        message = text("names starting with '_' are not allowed ({name})", name=name)
        raise _forbidden(message, node, positions)
    spec = FUNCTION_SPECS.get(name)
    if spec is None:
        if name in _FOREIGN_CALLS:
            message = text("{name}() is not available in expressions", name=name)
        else:
            close = difflib.get_close_matches(name, FUNCTIONS, n=1)
            message = (
                text(
                    "unknown function {name}(); did you mean {close}()?", name=name, close=close[0]
                )
                if close
                else text("unknown function {name}()", name=name)
            )
        raise ExpressionError("expr.unknown-function", message, positions.of(node))
    if node.keywords:
        message = text("{name}() takes no keyword arguments", name=name)
        raise _forbidden(message, node, positions)
    count = len(node.args)
    if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
        values = {"name": name, "least": spec.min_args, "most": spec.max_args, "count": count}
        if spec.max_args is None:
            message = text("{name}() takes at least {least} arguments, not {count}", **values)
        elif spec.min_args == spec.max_args == 1:
            message = text("{name}() takes 1 argument, not {count}", **values)
        elif spec.min_args == spec.max_args:
            message = text("{name}() takes {least} arguments, not {count}", **values)
        else:
            message = text("{name}() takes {least} to {most} arguments, not {count}", **values)
        raise ExpressionError("expr.arity", message, positions.of(node))


def _extends_path(node: ast.AST) -> bool:
    """Whether ``node`` continues the dotted path of its ``value`` child."""
    if isinstance(node, ast.Attribute):
        return True
    return isinstance(node, ast.Subscript) and _text_key(node.slice) is not None


def _text_key(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _path(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attributes and text subscripts rooted at a name."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Name):
            if node.id in CONSTANT_NAMES:
                return None
            parts.append(node.id)
            return ".".join(reversed(parts))
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript) and (key := _text_key(node.slice)) is not None:
            parts.append(key)
            node = node.value
        else:
            return None
