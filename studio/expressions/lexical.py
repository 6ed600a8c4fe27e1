"""Mistakes Python's parser only warns about, found in the tokens before parsing.

`1and 2` reads in Python as `1 and 2`, `"\\d"` as a backslash and a d; the parser accepts both
with a warning. Here both are syntax errors, so a model says what it means. Looking at the tokens
(rather than turning the interpreter's warnings into errors) leaves the process-wide warning
filters alone, which other threads of a server share.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import NoReturn

_NUMBER_KINDS = {"0x": "hexadecimal", "0o": "octal", "0b": "binary"}
_SIMPLE_ESCAPES = frozenset("\n\\'\"abfnrtv")
_TEXT_ONLY_ESCAPES = frozenset("NuU")  # not escapes in bytes
_OCTAL = frozenset("01234567")
_SUSPECT = re.compile(r"\\|\d[A-Za-z_]")
"""Text that may hold either mistake; most expressions have neither and skip the tokenizer."""


def check_lexical(source: str) -> None:
    """Raise `SyntaxError` (line and 1-based column within `source`) at the first number run
    into a word or unknown escape in text; do nothing where the tokens cannot be read (the
    parser reports that better)."""
    if not _SUSPECT.search(source):
        return
    previous: tokenize.TokenInfo | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO("(\n" + source + "\n)").readline):
            if _runs_into(previous, token):
                line, column = token.start
                raise _error(f"invalid {_number_kind(previous.string)} literal", line, column)
            if token.type == tokenize.STRING:
                _check_escapes(token)
            previous = token
    except (tokenize.TokenError, IndentationError):
        return


def _runs_into(previous: tokenize.TokenInfo | None, token: tokenize.TokenInfo) -> bool:
    """A number immediately followed by a word (`1and`, `0x1for`)."""
    return (
        token.type == tokenize.NAME
        and previous is not None
        and previous.type == tokenize.NUMBER
        and previous.end == token.start
    )


def _number_kind(number: str) -> str:
    if number[-1:] in "jJ":
        return "imaginary"
    return _NUMBER_KINDS.get(number[:2].lower(), "decimal")


def _check_escapes(token: tokenize.TokenInfo) -> None:
    literal = token.string
    prefix = literal[: len(literal) - len(literal.lstrip("rRbBuUfF"))].lower()
    if "r" in prefix:
        return
    quote = literal[len(prefix) : len(prefix) + 3]
    quote = quote if quote in ('"""', "'''") else quote[:1]
    body = literal[len(prefix) + len(quote) : len(literal) - len(quote)]
    index = 0
    while index < len(body):
        if body[index] != "\\":
            index += 1
            continue
        following = body[index + 1 : index + 2]
        if following in _OCTAL:
            digits = body[index + 1 : index + 4]
            digits = digits[: len(digits) - len(digits.lstrip("01234567"))]
            if int(digits, 8) > 0o377:
                reason = f"invalid octal escape sequence '\\{digits}'"
                _raise_at(token, prefix, quote, body, index, reason)
            index += 1 + len(digits)
            continue
        known = (
            following in _SIMPLE_ESCAPES
            or following == "x"
            or (following in _TEXT_ONLY_ESCAPES and "b" not in prefix)
        )
        if following and not known:
            _raise_at(token, prefix, quote, body, index, f"invalid escape sequence '\\{following}'")
        index += 2


def _raise_at(
    token: tokenize.TokenInfo, prefix: str, quote: str, body: str, index: int, message: str
) -> NoReturn:
    before = body[:index]
    line, column = token.start
    if "\n" in before:
        line += before.count("\n")
        column = len(before) - before.rindex("\n") - 1
    else:
        column += len(prefix) + len(quote) + index
    raise _error(message, line, column + 1)


def _error(message: str, line: int, column: int) -> SyntaxError:
    """A `SyntaxError` on `source`'s own lines (the tokens were read inside added parentheses)."""
    error = SyntaxError(message)
    error.lineno, error.offset = line - 1, column
    return error
