"""What validates runs: every executable process and every case is compiled as the engine would,
and a refusal (an element the engine cannot run, a reference it cannot resolve) is reported."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR
from studio.messages import text


def check_processes_compile(ctx: ModelContext) -> None:
    """An executable BPMN process the engine refuses is an error of the process."""
    from studio.runtime.engine.definition import DefinitionError
    from studio.runtime.engine.process_definition import compile_process

    if any(p.severity == ERROR for p in ctx.problems):
        return  # the errors already found say why; compiling would only repeat them
    for process in ctx.model.processes:
        if process.is_executable is False or not process.id:
            continue
        try:
            compile_process(ctx.model, process.id, decisions=ctx.project.decision)
        except DefinitionError as exc:
            ctx.report(
                "bpmn.process.cannot-run",
                ERROR,
                text(
                    "process {process} cannot run: {reason}",
                    process=repr(process.name or process.id),
                    reason=_reason(exc),
                ),
                process,
            )


def _reason(exc: Exception) -> str:
    """The engine's words for a refusal (translatable when the engine made them so)."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, str) and first == str(exc) else str(exc)


def check_cases_compile(ctx: ModelContext) -> None:
    """A case the engine refuses is an error of the case."""
    from studio.runtime.engine.definition import DefinitionError, compile_case

    if any(p.severity == ERROR for p in ctx.problems):
        return
    for case in ctx.model.cases:
        if not case.id:
            continue
        try:
            compile_case(
                ctx.model, case.id, ctx.project.json_schema, ctx.project.decision, ctx.cmmn_index
            )
        except DefinitionError as exc:
            ctx.report(
                "cmmn.case.cannot-run",
                ERROR,
                text(
                    "case {case} cannot run: {reason}",
                    case=repr(case.name or case.id),
                    reason=_reason(exc),
                ),
                case,
            )
