"""Script task bodies: one assignment per line, ``target = expression``.

Blank lines and ``# comments`` are skipped. A target is a name (``status``) or a dotted path
(``invoice.status``): a path writes into a copy of the object it names, creating missing
objects on the way. Each line sees the results of the lines before it. ``Script.run`` returns
the top-level items written, each whole (``{"invoice": {...}}`` for ``invoice.status = ...``),
in the order they were first written: the engine writes each top-level key as one item.
"""

from __future__ import annotations

import copy
import keyword
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studio.expressions.errors import ExpressionError, ExpressionEvaluationError
from studio.expressions.values import to_json_value, type_name
from studio.messages import text as message

if TYPE_CHECKING:
    from studio.expressions.engine import CompiledExpression, SafeExpressionEngine


@dataclass(frozen=True, slots=True)
class Assignment:
    """One line of a script."""

    line: int
    target: tuple[str, ...]
    expression: CompiledExpression

    @property
    def target_path(self) -> str:
        return ".".join(self.target)


@dataclass(frozen=True, slots=True)
class Script:
    """A compiled script: its assignments, what it reads from outside and what it writes."""

    source: str
    assignments: tuple[Assignment, ...]
    names: frozenset[str]
    """Root names read before any line assigned them whole."""
    paths: frozenset[str]
    """Dotted paths read (as for expressions), by lines before their root was assigned whole."""
    assigned: frozenset[str]
    """Top-level names the script writes."""

    def run(self, variables: Mapping[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
        """Apply the assignments in order; return the top-level items written."""
        written: dict[str, Any] = {}
        scope = ChainMap(written, variables)
        for assignment in self.assignments:
            try:
                value = assignment.expression.evaluate(scope, now=now)
                root = assignment.target[0]
                if len(assignment.target) == 1:
                    written[root] = value
                else:
                    written[root] = _write_path(scope.get(root), assignment.target, value)
            except ExpressionEvaluationError as exc:
                exc.line = assignment.line
                raise
        return {key: to_json_value(value) for key, value in written.items()}


def _write_path(base: Any, target: tuple[str, ...], value: Any) -> dict[str, Any]:
    root: dict[str, Any] = {} if base is None else base
    if not isinstance(root, Mapping):
        raise ExpressionEvaluationError(
            "expr.type-error", f"cannot set {'.'.join(target)}: {target[0]} is {type_name(base)}"
        )
    root = copy.deepcopy(dict(root))
    current = root
    for depth, key in enumerate(target[1:-1], start=1):
        child = current.get(key)
        if child is None:
            child = current[key] = {}
        elif not isinstance(child, dict):
            where = ".".join(target[: depth + 1])
            raise ExpressionEvaluationError(
                "expr.type-error", f"cannot set {'.'.join(target)}: {where} is {type_name(child)}"
            )
        current = child
    current[target[-1]] = value
    return root


def compile_script(text: str, engine: SafeExpressionEngine | None = None) -> Script:
    """Compile a script; ``ExpressionError`` (with ``line``) at the first refused line."""
    from studio.expressions.engine import default_engine

    engine = engine or default_engine()
    limits = engine.limits
    if not isinstance(text, str):
        raise TypeError(f"a script is text, not {type(text).__name__}")
    if len(text) > limits.max_script_source:
        raise ExpressionError(
            "expr.too-long",
            message("the script is longer than {count} characters", count=limits.max_script_source),
        )
    assignments: list[Assignment] = []
    names: set[str] = set()
    paths: set[str] = set()
    defined: set[str] = set()
    assigned: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(assignments) >= limits.max_script_lines:
            raise ExpressionError(
                "expr.too-long",
                message(
                    "the script has more than {count} assignments", count=limits.max_script_lines
                ),
                line=number,
            )
        try:
            target, compiled = _compile_line(line, engine)
        except ExpressionError as exc:
            exc.line = number
            raise
        names.update(n for n in compiled.names if n not in defined)
        paths.update(p for p in compiled.paths if p.split(".", 1)[0] not in defined)
        if len(target) == 1:
            defined.add(target[0])
        assigned.add(target[0])
        assignments.append(Assignment(number, target, compiled))
    return Script(text, tuple(assignments), frozenset(names), frozenset(paths), frozenset(assigned))


def _compile_line(line: str, engine: SafeExpressionEngine) -> tuple[tuple[str, ...], Any]:
    if len(line.strip()) > engine.limits.max_source:
        raise ExpressionError(
            "expr.too-long",
            message("the line is longer than {count} characters", count=engine.limits.max_source),
        )
    split = _split_assignment(line)
    if split is None:
        raise ExpressionError(
            "expr.syntax", message("each line of a script is an assignment: name = expression")
        )
    target_text, equals = split
    target = _parse_target(target_text, line)
    return target, engine.compile_at(line[equals + 1 :], equals + 1)


def _split_assignment(line: str) -> tuple[str, int] | None:
    """(target text, index of the ``=``) of ``target = expression``, or None."""
    for index, char in enumerate(line):
        after = line[index + 1 : index + 2]
        if char == "=":
            return None if after == "=" else (line[:index], index)
        if char in "+-*/%" and after == "=":
            raise ExpressionError(
                "expr.forbidden",
                message(
                    "augmented assignment ({operator}=) is not allowed; write x = x {operator} ...",
                    operator=char,
                ),
                index,
            )
        if not (char.isalnum() or char in "_. \t"):
            return None
    return None


def _parse_target(text: str, line: str) -> tuple[str, ...]:
    offset = len(line) - len(line.lstrip())
    parts = tuple(part.strip() for part in text.strip().split("."))
    for part in parts:
        if not part.isidentifier() or keyword.iskeyword(part):
            raise ExpressionError(
                "expr.syntax",
                message("{target} is not a name or dotted path", target=repr(text.strip())),
                offset,
            )
        if part.startswith("_"):
            raise ExpressionError(
                "expr.forbidden",
                message("names starting with '_' are not allowed ({name})", name=part),
                offset,
            )
    return parts
