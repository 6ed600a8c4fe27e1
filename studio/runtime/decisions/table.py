"""A DMN decision table compiled once: input expressions, unary tests and output entries.

`CompiledTable.evaluate(variables, now)` returns the outputs by output name (a single unnamed
output takes the decision's variable name, else the decision's name); see `hits` for what each
hit policy returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studio.expressions import CompiledExpression, default_engine
from studio.expressions.errors import ExpressionError
from studio.notation.dmn_model import Decision, DecisionTable, OutputClause
from studio.runtime.decisions.errors import DecisionError
from studio.runtime.decisions.hits import AGGREGATIONS, POLICIES, apply_policy
from studio.runtime.decisions.unary import (
    UnaryTest,
    any_value,
    compile_unary,
    evaluate,
    split_list,
)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    number: int  # 1-based, as the table shows it
    tests: tuple[tuple[int, UnaryTest], ...]  # (input column, test); `-` cells left out
    outputs: tuple[CompiledExpression | None, ...]  # None: an empty output entry


@dataclass(frozen=True, slots=True)
class CompiledTable:
    """A decision table ready to evaluate many times."""

    decision: str  # the decision's name (or id), for messages
    hit_policy: str
    aggregation: str | None
    inputs: tuple[tuple[str, CompiledExpression], ...]  # (label, input expression)
    outputs: tuple[str, ...]  # output names, the keys of the result
    rules: tuple[CompiledRule, ...]
    defaults: tuple[CompiledExpression | None, ...] | None  # default output entries, if any
    priorities: tuple[dict[Any, int] | None, ...]  # per output: value -> rank (output values)

    def evaluate(self, variables: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
        """The outputs by name (raises `DecisionError`)."""
        values = [
            self._input(i, label, expr, variables, now)
            for i, (label, expr) in enumerate(self.inputs)
        ]
        first = self.hit_policy == "FIRST"
        matched: list[CompiledRule] = []
        for rule in self.rules:
            try:
                if all(test(values[i], variables, now) for i, test in rule.tests):
                    matched.append(rule)
                    if first:
                        break
            except ExpressionError as exc:
                raise self.error("dmn.evaluation", f"rule {rule.number}: {exc.message}") from None
        return apply_policy(self, matched, variables, now)

    def _input(
        self, index: int, label: str, expression: CompiledExpression, variables: Any, now: Any
    ) -> Any:
        try:
            return evaluate(expression, variables, now)
        except ExpressionError as exc:
            raise self.error(
                "dmn.evaluation", f"input {index + 1} ({label!r}): {exc.message}"
            ) from None

    def row(
        self, rule: CompiledRule | None, variables: Mapping[str, Any], now: datetime | None
    ) -> tuple[Any, ...]:
        """The output values of a rule (of the default output entries when `rule` is None)."""
        entries = rule.outputs if rule is not None else (self.defaults or ())
        row = []
        for column, entry in enumerate(entries):
            try:
                row.append(None if entry is None else evaluate(entry, variables, now))
            except ExpressionError as exc:
                where = f"rule {rule.number}" if rule is not None else "default output"
                raise self.error(
                    "dmn.evaluation",
                    f"{where}, output {column + 1} ({self.outputs[column]!r}): {exc.message}",
                ) from None
        return tuple(row)

    def error(self, code: str, message: str) -> DecisionError:
        return DecisionError(code, f"decision {self.decision!r}: {message}")


def compile_table(decision: Decision) -> CompiledTable:
    """Compile a decision's table (raises `DecisionError` naming the rule and column)."""
    label = decision.name or decision.id or "decision"
    table = decision.table
    if table is None:
        raise DecisionError("dmn.no-table", f"decision {label!r} is not a decision table")
    policy = (table.hit_policy or "UNIQUE").upper()
    aggregation = table.aggregation.upper() if table.aggregation else None
    if policy not in POLICIES:
        raise DecisionError("dmn.hit-policy", f"decision {label!r}: hit policy {policy} unknown")
    if aggregation is not None and (policy != "COLLECT" or aggregation not in AGGREGATIONS):
        raise DecisionError(
            "dmn.aggregation",
            f"decision {label!r}: aggregation {aggregation} (COLLECT takes SUM, MIN, MAX, COUNT)",
        )
    if not table.outputs:
        raise DecisionError("dmn.no-output", f"decision {label!r} has no output column")
    names = _output_names(decision, table, label)
    inputs = tuple(
        (clause.label or clause.expression or f"input {i + 1}", _input(clause.expression, label, i))
        for i, clause in enumerate(table.inputs)
    )
    rules = tuple(_rule(table, number, label, names) for number in range(1, len(table.rules) + 1))
    defaults = None
    if any(o.default_output_entry is not None for o in table.outputs):
        defaults = tuple(
            _entry(o.default_output_entry.source if o.default_output_entry else "", label, n)
            for o, n in zip(table.outputs, names, strict=True)
        )
    priorities = tuple(_priority(o, label) for o in table.outputs)
    return CompiledTable(label, policy, aggregation, inputs, names, rules, defaults, priorities)


def _output_names(decision: Decision, table: DecisionTable, label: str) -> tuple[str, ...]:
    if len(table.outputs) == 1 and not table.outputs[0].name:
        variable = decision.variable.name if decision.variable else None
        return (variable or decision.name or decision.id or "result",)
    names = []
    for column, output in enumerate(table.outputs, 1):
        if not output.name:
            raise DecisionError(
                "dmn.output-name", f"decision {label!r}: output {column} has no name"
            )
        names.append(output.name)
    return tuple(names)


def _input(source: str, label: str, index: int) -> CompiledExpression:
    if not source:
        raise DecisionError("dmn.input", f"decision {label!r}: input {index + 1} has no expression")
    try:
        return default_engine().compile(source)
    except ExpressionError as exc:
        raise DecisionError(
            "dmn.input", f"decision {label!r}: input {index + 1} ({source!r}): {exc.message}"
        ) from None


def _rule(table: DecisionTable, number: int, label: str, names: tuple[str, ...]) -> CompiledRule:
    rule = table.rules[number - 1]
    if len(rule.inputs) != len(table.inputs) or len(rule.outputs) != len(table.outputs):
        raise DecisionError(
            "dmn.rule-shape",
            f"decision {label!r}, rule {number}: {len(rule.inputs)} input and "
            f"{len(rule.outputs)} output entries for {len(table.inputs)} inputs and "
            f"{len(table.outputs)} outputs",
        )
    tests = []
    for column, text in enumerate(rule.inputs):
        clause = table.inputs[column]
        name = clause.label or clause.expression or f"input {column + 1}"
        where = f"decision {label!r}, rule {number}, input {column + 1} ({name!r})"
        test = compile_unary(text, where)
        if test is not any_value:
            tests.append((column, test))
    outputs = tuple(
        _entry(text, label, f"rule {number}, output {column + 1} ({names[column]!r})")
        for column, text in enumerate(rule.outputs)
    )
    return CompiledRule(number, tuple(tests), outputs)


def _entry(source: str, label: str, where: str) -> CompiledExpression | None:
    if not source:
        return None
    try:
        return default_engine().compile(source)
    except ExpressionError as exc:
        raise DecisionError(
            "dmn.output", f"decision {label!r}, {where}: {source!r}: {exc.message}"
        ) from None


def _priority(output: OutputClause, label: str) -> dict[Any, int] | None:
    """Output values (`"high","medium","low"`) -> rank, for PRIORITY and OUTPUT ORDER."""
    source = output.output_values.source if output.output_values else ""
    if not source:
        return None
    ranks: dict[Any, int] = {}
    try:
        for rank, element in enumerate(split_list(source)):
            ranks.setdefault(default_engine().compile(element).evaluate({}), rank)
    except (ExpressionError, ValueError, TypeError) as exc:
        reason = exc.message if isinstance(exc, ExpressionError) else str(exc)
        raise DecisionError(
            "dmn.output-values",
            f"decision {label!r}: output values of {output.name or 'the output'!r}: {reason}",
        ) from None
    return ranks
