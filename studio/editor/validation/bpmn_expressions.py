"""BPMN expressions, scripts and timers: conditions, script task bodies, loops, timer events."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.expressions import check_expression
from studio.editor.validation.problems import ERROR, WARNING
from studio.editor.validation.scope import Scope, scope_from_schema
from studio.editor.validation.timers import check_timer_text
from studio.expressions import ExpressionError, compile_script
from studio.messages import text
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
                        lambda label=label: text("the condition of flow {flow}", flow=label),
                        scope,
                        expression.language,
                    )
            elif isinstance(element, ScriptTask):
                _check_script(ctx, element, label)
            loop = getattr(element, "loop_characteristics", None)
            if isinstance(loop, MultiInstanceLoopCharacteristics):
                for part, where in (
                    (
                        loop.loop_cardinality,
                        lambda label=label: text("the loop cardinality of {node}", node=label),
                    ),
                    (
                        loop.completion_condition,
                        lambda label=label: text("the completion condition of {node}", node=label),
                    ),
                ):
                    if part is not None and part.source:
                        check_expression(
                            ctx,
                            part.source,
                            element,
                            where,
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
                    lambda label=label: text("the loop condition of {node}", node=label),
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
            text(
                "script task {task} is written in {language}; scripts here are lines of "
                "`name = expression` in the studio's expression language",
                task=label,
                language=repr(task.script_format),
            ),
            task,
        )
        return
    source = task.script_source or ""
    if not source.strip():
        ctx.report(
            "bpmn.script.empty", WARNING, text("script task {task} has no script", task=label), task
        )
        return
    try:
        compile_script(source)
    except ExpressionError as exc:
        message = (
            text(
                "the script of {task} (script line {line}): {reason}",
                task=label,
                line=exc.line,
                reason=exc.message,
            )
            if exc.line
            else text("the script of {task}: {reason}", task=label, reason=exc.message)
        )
        ctx.report(exc.code, ERROR, message, task)


def _check_event(ctx: ModelContext, event: Event, label: str, scope: Scope | None) -> None:
    for definition in event.event_definitions:
        if isinstance(definition, TimerEventDefinition):
            timer = definition.timer
            if timer is None or not timer[1]:
                ctx.report(
                    "timer.missing",
                    WARNING,
                    text("timer event {event} has no time, so it never fires", event=label),
                    event,
                )
            else:
                where = lambda label=label: text("the timer of {node}", node=label)  # noqa: E731
                check_timer_text(ctx, timer[1], event, where)
        elif isinstance(definition, ConditionalEventDefinition) and definition.condition:
            source = definition.condition.source
            if source:
                where = lambda label=label: text("the condition of event {event}", event=label)  # noqa: E731
                check_expression(ctx, source, event, where, scope)
