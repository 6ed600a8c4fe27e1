"""Which checks run for which notation, in order."""

from __future__ import annotations

from collections.abc import Callable

from studio.editor.validation.bpmn_expressions import check_bpmn_expressions
from studio.editor.validation.bpmn_structure import (
    check_bpmn_diagrams,
    check_bpmn_gateways,
    check_bpmn_references,
    check_bpmn_unsupported,
)
from studio.editor.validation.cmmn_reachability import check_reachability, check_repetition
from studio.editor.validation.cmmn_references import check_references
from studio.editor.validation.cmmn_sentries import check_sentries
from studio.editor.validation.context import ModelContext
from studio.editor.validation.dmn_tables import check_decision_tables
from studio.editor.validation.expressions import check_cmmn_expressions
from studio.editor.validation.identity import check_ids
from studio.editor.validation.runnable import check_cases_compile, check_processes_compile
from studio.editor.validation.timers import check_cmmn_timers
from studio.editor.validation.vendor import check_vendor_extensions

Rule = Callable[[ModelContext], None]

RULES: dict[str, tuple[Rule, ...]] = {
    "cmmn": (
        check_ids,
        check_references,
        check_sentries,
        check_reachability,
        check_repetition,
        check_cmmn_expressions,
        check_cmmn_timers,
        check_vendor_extensions,
        check_cases_compile,
    ),
    "bpmn": (
        check_ids,
        check_bpmn_references,
        check_bpmn_gateways,
        check_bpmn_expressions,
        check_bpmn_unsupported,
        check_bpmn_diagrams,
        check_vendor_extensions,
        check_processes_compile,
    ),
    "dmn": (check_ids, check_decision_tables),
}
