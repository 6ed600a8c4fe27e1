"""Size caps of the expression language: compile-time limits (per engine) and runtime caps."""

from __future__ import annotations

from dataclasses import dataclass

MAX_STRING = 100_000
"""Longest text an operation or function may produce (characters)."""

MAX_ITEMS = 100_000
"""Most values a list repetition, concatenation or result may hold, nested values counted."""

MAX_INT = 10**40
"""Largest integer (in absolute value) an operation or function may produce."""

MAX_RESULT_DEPTH = 64
"""Deepest nesting of lists and objects in a result."""

MAX_WORK = 1_000_000
"""Work one evaluation may do, counted in characters and values produced, copied or scanned by
the operations whose cost grows with their operands (repetition, concatenation, ``str`` of a
list, ``in`` over a long list, comparison of lists, slices, ``min``/``max``/``sum``)."""

MAX_ROUND_DIGITS = 20
"""Largest ``ndigits`` accepted by ``round``."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Compile-time caps; an expression beyond any of them is refused before it can run."""

    max_source: int = 4_000
    """Characters of source text (after stripping surrounding blanks)."""
    max_nodes: int = 1_000
    """Syntax-tree nodes."""
    max_depth: int = 50
    """Nesting of the syntax tree (``a + b + c`` nests one level per ``+``)."""
    max_brackets: int = 32
    """Nesting of parentheses and brackets."""
    max_int_digits: int = 30
    """Digits of an integer literal."""
    max_string_literal: int = 1_000
    """Characters of a string literal."""
    max_script_lines: int = 500
    """Assignments in a script."""
    max_script_source: int = 100_000
    """Characters of a script."""


DEFAULT_LIMITS = Limits()
