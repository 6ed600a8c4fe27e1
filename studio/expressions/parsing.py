"""Parsing an expression's text: bracket-depth pre-check, syntax errors with their column, and
character positions of syntax-tree nodes.

Python's parser only warns about some mistakes (`1and 2` reads as `1 and 2`, `"\\d"` as a
backslash and a d); here they are syntax errors (studio.expressions.lexical), so a model says
what it means and nothing reaches the server's log.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from studio.expressions.errors import ExpressionError
from studio.expressions.lexical import check_lexical
from studio.expressions.limits import Limits
from studio.messages import text


def bracket_depth(source: str) -> int:
    """Deepest nesting of (), [] and {} outside string literals (a quick pre-parse scan)."""
    depth = deepest = 0
    quote = ""
    escaped = False
    for char in source:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


@dataclass(frozen=True, slots=True)
class Positions:
    """Turns a node's (line, UTF-8 byte column) into a character offset in the source."""

    lines: tuple[str, ...]
    base: int = 0
    line_shift: int = 0

    def of(self, node: ast.AST) -> int | None:
        line = getattr(node, "lineno", None)
        col = getattr(node, "col_offset", None)
        if line is None or col is None:
            return None
        index = line - 1 - self.line_shift
        if not 0 <= index < len(self.lines):
            return None
        text = self.lines[index]
        chars = len(text.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
        return self.base + sum(len(t) + 1 for t in self.lines[:index]) + chars


def parse(source: str, limits: Limits, base_offset: int = 0) -> tuple[ast.expr, Positions]:
    """Parse one expression; syntax errors and size caps become ``ExpressionError``.

    A source over several lines parses as if it were in parentheses.
    """
    if bracket_depth(source) > limits.max_brackets:
        raise ExpressionError(
            "expr.too-complex",
            text(
                "parentheses and brackets nest deeper than {count} levels",
                count=limits.max_brackets,
            ),
        )
    positions = Positions(tuple(source.split("\n")), base_offset)
    try:
        tree = _parse_strictly(source)
    except SyntaxError as exc:
        if "\n" not in source:
            raise _syntax_error(source, exc, base_offset) from None
        try:
            tree = _parse_strictly("(\n" + source + "\n)")
        except SyntaxError as wrapped:
            raise _syntax_error(source, _inside(wrapped, source) or exc, base_offset) from None
        positions = Positions(positions.lines, base_offset, line_shift=1)
    except (RecursionError, MemoryError):
        raise ExpressionError("expr.too-complex", text("the expression nests too deeply")) from None
    except ValueError as exc:  # e.g. null characters
        raise ExpressionError("expr.syntax", str(exc), base_offset) from None
    return tree.body, positions


def _parse_strictly(source: str) -> ast.Expression:
    """`ast.parse` in eval mode, after refusing what the parser would only warn about."""
    check_lexical(source)
    return ast.parse(source, mode="eval")


def _inside(wrapped: SyntaxError, source: str) -> SyntaxError | None:
    """The error of `source` parsed in parentheses, on the source's own lines; None when it
    is about the added parentheses (then the unwrapped error says more)."""
    if wrapped.lineno is None or not 2 <= wrapped.lineno <= source.count("\n") + 2:
        return None
    moved = SyntaxError(wrapped.msg)
    moved.lineno, moved.offset = wrapped.lineno - 1, wrapped.offset
    return moved


_NUMBER_RUNS_ON = re.compile(r"invalid (decimal|hexadecimal|octal|binary|imaginary) literal")
_BAD_ESCAPE = re.compile(r"invalid (?:octal )?escape sequence '(.+)'")


def _reason(exc: SyntaxError) -> str:
    """The parser's reason, in words a modeller can act on where Python's are cryptic."""
    reason = exc.msg or "invalid syntax"
    if reason == "invalid syntax":  # Python's most common words, said in the reader's language
        return text("invalid syntax")
    if _NUMBER_RUNS_ON.fullmatch(reason):
        return text("a number runs into the word after it; put a space between them")
    escape = _BAD_ESCAPE.fullmatch(reason)
    if escape:
        return text(
            "{sequence} is not an escape sequence in text; write \\\\ for a backslash",
            sequence=escape.group(1),
        )
    return reason


def _syntax_error(source: str, exc: SyntaxError, base_offset: int) -> ExpressionError:
    offset = None
    if exc.lineno is not None and exc.offset is not None:
        lines = source.split("\n")
        line = min(max(exc.lineno, 1), len(lines))
        offset = sum(len(part) + 1 for part in lines[: line - 1]) + max(exc.offset - 1, 0)
        offset = min(offset, len(source)) + base_offset
    reason = _reason(exc)
    if "&&" in source or "||" in source:
        message = text(
            "{reason} (write 'and' / 'or' instead of '&&' / '||', or wrap JUEL in ${{...}})",
            reason=reason,
        )
    elif "!" in source.replace("!=", ""):
        message = text("{reason} (write 'not x' instead of '!x')", reason=reason)
    elif re.search(r"(?<![=!<>])=(?!=)", source):
        message = text("{reason} (compare with ==; an expression cannot assign)", reason=reason)
    else:
        message = reason
    return ExpressionError("expr.syntax", message, offset)
