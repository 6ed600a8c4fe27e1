"""DMN decision tables: a hit policy the engine evaluates, and rules that fit the table."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING

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
                    f"decision {label} is not a decision table; only decision tables run here",
                    decision,
                )
            continue
        policy = (table.hit_policy or "UNIQUE").upper()
        if policy not in SUPPORTED_HIT_POLICIES:
            ctx.report(
                "dmn.hit-policy.unsupported",
                WARNING,
                f"decision {label} uses hit policy {policy}; supported: "
                + ", ".join(sorted(SUPPORTED_HIT_POLICIES)),
                decision,
            )
        if not table.outputs:
            ctx.report("dmn.table.no-output", ERROR, f"decision table {label} has no output", table)
        for number, rule in enumerate(table.rules, start=1):
            if len(rule.input_entries) != len(table.inputs) or len(rule.output_entries) != len(
                table.outputs
            ):
                ctx.report(
                    "dmn.rule.shape",
                    ERROR,
                    f"rule {number} of {label} has {len(rule.input_entries)} input and "
                    f"{len(rule.output_entries)} output entries; the table has "
                    f"{len(table.inputs)} inputs and {len(table.outputs)} outputs",
                    rule,
                )
