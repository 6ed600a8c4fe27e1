"""BPMN expressions, scripts and timers: conditions, script task bodies, loops, timer events."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.expressions import check_expression
from studio.editor.validation.problems import ERROR, WARNING
from studio.editor.validation.scope import Scope, scope_from_schema
from studio.editor.validation.timers import check_timer_text
from studio.expressions import ExpressionError, compile_script
from studio.notation.bpmn_model import (
    ConditionalEventDefinition,
    Event,
    MultiInstanceLoopCharacteristics,
    ScriptTask,
    SequenceFlow,
    StandardLoopCharacteristics,
    TimerEventDefinition,
)

SCRIPT_FORMATS = {None, "", "python", "text/x-python", "studio"}


def _scope(ctx: ModelContext, process_id: str | None) -> Scope | None:
    """Declared variables of a process: `<process id>.schema.json` in the project, if any."""
    if not process_id:
        return None
    return scope_from_schema(ctx.project.json_schema(f"{process_id}.schema.json"))


def check_bpmn_expressions(ctx: ModelContext) -> None:
    for process in ctx.bpmn_index.processes.values():
        scope = _scope(ctx, process.id)
        for element in process.iter_flow_elements():
            label = repr(element.name or element.id)
            if isinstance(element, SequenceFlow) and element.condition_expression is not None:
                expression = element.condition_expression
                if expression.source:
                    check_expression(
                        ctx,
                        expression.source,
                        element,
                        f"the condition of flow {label}",
                        scope,
                        expression.language,
                    )
            elif isinstance(element, ScriptTask):
                _check_script(ctx, element, label)
            loop = getattr(element, "loop_characteristics", None)
            if isinstance(loop, MultiInstanceLoopCharacteristics):
                for part, where in (
                    (loop.loop_cardinality, "loop cardinality"),
                    (loop.completion_condition, "completion condition"),
                ):
                    if part is not None and part.source:
                        check_expression(
                            ctx,
                            part.source,
                            element,
                            f"the {where} of {label}",
                            scope,
                            part.language,
                        )
            elif (
                isinstance(loop, StandardLoopCharacteristics)
                and loop.loop_condition is not None
                and loop.loop_condition.source
            ):
                check_expression(
                    ctx,
                    loop.loop_condition.source,
                    element,
                    f"the loop condition of {label}",
                    scope,
                    loop.loop_condition.language,
                )
            if isinstance(element, Event):
                _check_event(ctx, element, label, scope)


def _check_script(ctx: ModelContext, task: ScriptTask, label: str) -> None:
    if task.script_format not in SCRIPT_FORMATS:
        ctx.report(
            "unsupported.script-format",
            WARNING,
            f"script task {label} is written in {task.script_format!r}; scripts here are lines "
            "of `name = expression` in the studio's expression language",
            task,
        )
        return
    source = task.script_source or ""
    if not source.strip():
        ctx.report("bpmn.script.empty", WARNING, f"script task {label} has no script", task)
        return
    try:
        compile_script(source)
    except ExpressionError as exc:
        line = f" (script line {exc.line})" if exc.line else ""
        ctx.report(exc.code, ERROR, f"the script of {label}{line}: {exc.message}", task)


def _check_event(ctx: ModelContext, event: Event, label: str, scope: Scope | None) -> None:
    for definition in event.event_definitions:
        if isinstance(definition, TimerEventDefinition):
            timer = definition.timer
            if timer is None or not timer[1]:
                ctx.report(
                    "timer.missing",
                    WARNING,
                    f"timer event {label} has no time, so it never fires",
                    event,
                )
            else:
                check_timer_text(ctx, timer[1], event, f"the timer of {label}")
        elif isinstance(definition, ConditionalEventDefinition) and definition.condition:
            source = definition.condition.source
            if source:
                check_expression(ctx, source, event, f"the condition of event {label}", scope)
