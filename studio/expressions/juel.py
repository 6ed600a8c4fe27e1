"""Translation of JUEL (``${...}``, ``#{...}``) from Flowable and Camunda models.

Only what translates directly: property reads, literals, the operators ``&& || ! == != < > <=
>=`` and their word forms ``and or not eq ne lt gt le ge div mod``, ``empty``, ``a ? b : c``,
``true``/``false``/``null``, and Flowable's variable functions that read a variable
(``var:get``, ``var:eq``/``ne``/``lt``/``lte``/``gt``/``gte`` and their long names,
``var:contains``, ``var:isEmpty``/``isNotEmpty``; ``vars:`` and ``variables:`` alike).
Method calls (``${task.getVariable('x')}``, ``${bean.run()}``), other functions of a namespace,
text templates (``Dear ${name}``), assignments and lambdas do not translate: ``None``.

JUEL's coercions (``'5' == 5``) are not reproduced; values keep their JSON types.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable

Levels = tuple[int, int, int]

_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<function>[A-Za-z_]\w*:[A-Za-z_]\w*(?=\s*\())
  | (?P<name>[A-Za-z_]\w*)
  | (?P<op>&&|\|\||==|!=|<=|>=|[-+*/%<>!?:.,()\[\]])
    """,
    re.VERBOSE | re.DOTALL,
)
_WORD_OPERATORS = {
    "and": "and",
    "or": "or",
    "not": "not",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "div": "/",
    "mod": "%",
    "empty": "empty",
    "instanceof": "instanceof",
}
_CONSTANTS = {"true": "True", "false": "False", "null": "None"}
_FLOWABLE_NAMESPACES = {"var", "vars", "variables"}
_FLOWABLE_COMPARISONS = {
    "eq": "==",
    "equals": "==",
    "ne": "!=",
    "notEquals": "!=",
    "lt": "<",
    "lowerThan": "<",
    "lte": "<=",
    "lowerThanOrEquals": "<=",
    "gt": ">",
    "greaterThan": ">",
    "gte": ">=",
    "greaterThanOrEquals": ">=",
}
# Python precedence levels of the text produced (higher binds tighter).
_TERNARY, _OR, _AND, _NOT, _CMP, _ADD, _MUL, _UNARY, _ATOM = range(1, 10)
_MAX_SOURCE = 10_000


class _Untranslatable(Exception):
    """The JUEL source has no direct translation."""


def is_juel(source: str) -> bool:
    """True when the source is a JUEL expression: wrapped in ``${...}`` or ``#{...}``."""
    text = source.strip()
    return text[:2] in ("${", "#{") and text.endswith("}")


def translate_juel(source: str) -> str | None:
    """The studio-language form of a JUEL expression, or None when it does not translate.

    The ``${...}``/``#{...}`` wrapper is optional: bare JUEL (``a && !b``) translates too.
    """
    text = source.strip()
    if is_juel(text):
        text = text[2:-1]
    elif text[:2] in ("${", "#{"):
        return None
    if not text.strip() or len(text) > _MAX_SOURCE:
        return None
    try:
        tokens = _tokenize(text)
        parser = _Parser(tokens)
        result, _ = parser.ternary()
        if parser.peek() is not None:
            return None
    except (_Untranslatable, RecursionError):
        return None
    return result


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None:
            raise _Untranslatable
        position = match.end()
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        value = match.group()
        if kind == "name" and value in _WORD_OPERATORS:
            kind = "op"
            value = _WORD_OPERATORS[value]
        tokens.append((kind, value))
    return tokens


def _wrap(text: str, level: int, minimum: int) -> str:
    return f"({text})" if level < minimum else text


class _Parser:
    """Recursive descent over JUEL's grammar, emitting Python text with parentheses wherever
    Python's precedence or comparison chaining would read it differently."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def accept(self, *values: str) -> str | None:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in values:
            self.position += 1
            return token[1]
        return None

    def expect(self, value: str) -> None:
        if self.accept(value) is None:
            raise _Untranslatable

    def ternary(self) -> tuple[str, int]:
        condition, level = self.disjunction()
        if self.accept("?") is None:
            return condition, level
        then, then_level = self.ternary()
        self.expect(":")
        otherwise, _ = self.ternary()
        return (
            f"{_wrap(then, then_level, _OR)} if {_wrap(condition, level, _OR)} else {otherwise}",
            _TERNARY,
        )

    def _chain(
        self, operand: Callable[[], tuple[str, int]], operators: dict[str, str], levels: Levels
    ) -> tuple[str, int]:
        """A left-associative chain; ``levels`` = (its level, left minimum, right minimum)."""
        level, left_min, right_min = levels
        text, current = operand()
        while (op := self.accept(*operators)) is not None:
            right, right_level = operand()
            left = _wrap(text, current, left_min)
            text = f"{left} {operators[op]} {_wrap(right, right_level, right_min)}"
            current = level
        return text, current

    def disjunction(self) -> tuple[str, int]:
        return self._chain(self.conjunction, {"||": "or", "or": "or"}, (_OR, _OR, _AND))

    def conjunction(self) -> tuple[str, int]:
        return self._chain(self.equality, {"&&": "and", "and": "and"}, (_AND, _AND, _NOT))

    def equality(self) -> tuple[str, int]:
        # Python would chain comparisons (a < b == c): operands are wrapped instead.
        return self._chain(self.relational, {"==": "==", "!=": "!="}, (_CMP, _ADD, _ADD))

    def relational(self) -> tuple[str, int]:
        operators = {op: op for op in ("<", ">", "<=", ">=")}
        return self._chain(self.additive, operators, (_CMP, _ADD, _ADD))

    def additive(self) -> tuple[str, int]:
        return self._chain(self.multiplicative, {"+": "+", "-": "-"}, (_ADD, _ADD, _MUL))

    def multiplicative(self) -> tuple[str, int]:
        operators = {"*": "*", "/": "/", "%": "%"}
        return self._chain(self.unary, operators, (_MUL, _MUL, _UNARY))

    def unary(self) -> tuple[str, int]:
        if self.accept("!", "not"):
            operand, level = self.unary()
            return f"not {_wrap(operand, level, _ADD)}", _NOT
        if self.accept("-"):
            operand, level = self.unary()
            return f"-{_wrap(operand, level, _UNARY)}", _UNARY
        if self.accept("empty"):
            operand, level = self.unary()
            return f'{_wrap(operand, level, _ADD)} in (None, "", [], {{}})', _CMP
        return self.postfix()

    def postfix(self) -> tuple[str, int]:
        text = self.primary()
        while True:
            if self.accept("."):
                token = self.peek()
                if token is None or token[0] != "name" or token[1].startswith("_"):
                    raise _Untranslatable
                self.position += 1
                if self.peek() == ("op", "("):
                    raise _Untranslatable  # a method call
                name = token[1]
                text += f'["{name}"]' if keyword.iskeyword(name) else f".{name}"
            elif self.accept("["):
                index, _ = self.ternary()
                self.expect("]")
                text += f"[{index}]"
            else:
                return text, _ATOM

    def primary(self) -> str:
        token = self.peek()
        if token is None:
            raise _Untranslatable
        kind, value = token
        self.position += 1
        if kind in ("string", "number"):
            return value
        if kind == "function":
            return self.flowable_function(value)
        if kind == "name":
            if value in _CONSTANTS:
                return _CONSTANTS[value]
            if keyword.iskeyword(value) or value.startswith("_"):
                raise _Untranslatable
            if self.peek() == ("op", "("):
                self.position += 1
                return f"{value}({', '.join(text for text, _ in self.arguments())})"
            return value
        if value == "(":
            inner, _ = self.ternary()
            self.expect(")")
            return f"({inner})"
        if value == "[":
            items = self.arguments("]")
            return f"[{', '.join(text for text, _ in items)}]"
        raise _Untranslatable

    def arguments(self, closing: str = ")") -> list[tuple[str, int]]:
        items: list[tuple[str, int]] = []
        if self.accept(closing):
            return items
        while True:
            items.append(self.ternary())
            if self.accept(closing):
                return items
            self.expect(",")

    def flowable_function(self, qualified: str) -> str:
        namespace, name = qualified.split(":")
        if namespace not in _FLOWABLE_NAMESPACES:
            raise _Untranslatable
        self.expect("(")
        start = self.position
        args = self.arguments()
        variable = self._variable_name(start)
        if name == "get" and len(args) == 1:
            return variable
        if name in _FLOWABLE_COMPARISONS and len(args) == 2:
            value = _wrap(args[1][0], args[1][1], _ADD)
            return f"({variable} {_FLOWABLE_COMPARISONS[name]} {value})"
        if name == "contains" and len(args) >= 2:
            tests = [f"contains({variable}, {text})" for text, _ in args[1:]]
            return tests[0] if len(tests) == 1 else "(" + " and ".join(tests) + ")"
        if name == "isEmpty" and len(args) == 1:
            return f'({variable} in (None, "", [], {{}}))'
        if name == "isNotEmpty" and len(args) == 1:
            return f'({variable} not in (None, "", [], {{}}))'
        raise _Untranslatable

    def _variable_name(self, start: int) -> str:
        """The variable a Flowable function names: an identifier or a quoted identifier."""
        kind, value = self.tokens[start]
        if kind == "string":
            value = value[1:-1]
        elif kind != "name":
            raise _Untranslatable
        if not value.isidentifier() or keyword.iskeyword(value) or value.startswith("_"):
            raise _Untranslatable
        return value
