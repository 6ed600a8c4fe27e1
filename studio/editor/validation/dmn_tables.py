"""DMN decision tables: a hit policy the engine evaluates, and rules that fit the table."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.messages import text

SUPPORTED_HIT_POLICIES = {"UNIQUE", "FIRST", "PRIORITY", "COLLECT"}


def check_decision_tables(ctx: ModelContext) -> None:
    for decision in ctx.model.decisions:
        label = repr(decision.name or decision.id)
        table = decision.table
        if table is None:
            if decision.literal is None:
                ctx.report(
                    "unsupported.element",
                    WARNING,
                    text(
                        "decision {decision} is not a decision table; only decision tables run "
                        "here",
                        decision=label,
                    ),
                    decision,
                )
            continue
        policy = (table.hit_policy or "UNIQUE").upper()
        if policy not in SUPPORTED_HIT_POLICIES:
            ctx.report(
                "dmn.hit-policy.unsupported",
                WARNING,
                text(
                    "decision {decision} uses hit policy {policy}; supported: {supported}",
                    decision=label,
                    policy=policy,
                    supported=", ".join(sorted(SUPPORTED_HIT_POLICIES)),
                ),
                decision,
            )
        if not table.outputs:
            message = text("decision table {decision} has no output", decision=label)
            ctx.report("dmn.table.no-output", ERROR, message, table)
        for number, rule in enumerate(table.rules, start=1):
            if len(rule.input_entries) != len(table.inputs) or len(rule.output_entries) != len(
                table.outputs
            ):
                ctx.report(
                    "dmn.rule.shape",
                    ERROR,
                    text(
                        "rule {number} of {decision} has {inputs} input and {outputs} output "
                        "entries; the table has {table_inputs} inputs and {table_outputs} outputs",
                        number=number,
                        decision=label,
                        inputs=len(rule.input_entries),
                        outputs=len(rule.output_entries),
                        table_inputs=len(table.inputs),
                        table_outputs=len(table.outputs),
                    ),
                    rule,
                )
