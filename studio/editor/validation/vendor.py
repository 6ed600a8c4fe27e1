"""Vendor extensions that change behaviour: translated where they map, otherwise a warning."""

from __future__ import annotations

from typing import Any

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import WARNING
from studio.editor.validation.timers import check_timer_text
from studio.expressions import translate_juel
from studio.messages import text
from studio.notation.vendor import (
    DUE_DATE,
    TRANSLATED_ATTRIBUTES,
    UNSUPPORTED_ATTRIBUTES,
    UNSUPPORTED_ELEMENTS,
    vendor_extensions,
)

WORK = ("HumanTask", "UserTask", "ManualTask")
"""The elements whose due date the runtime reads."""


def check_due_date(ctx: ModelContext, element: Any, label: str, value: str) -> None:
    """A due date is read on a person's task only, and must be a time or an expression."""
    name = getattr(element, "name", None) or element.id
    if type(element).__name__ not in WORK:
        ctx.report(
            "vendor.unsupported", WARNING,
            text("{attribute}: a due date is read only on human, user and manual tasks",
                 attribute=label), element,
        )  # fmt: skip
        return
    check_timer_text(ctx, value, element, text("the due date of {task}", task=repr(name)))


def check_vendor_extensions(ctx: ModelContext) -> None:
    for ext in vendor_extensions(ctx.model_elements):
        label = f"{ext.vendor}:{ext.name}"
        if ext.is_element:
            reason = UNSUPPORTED_ELEMENTS.get(ext.name)
            if reason:
                message = text("<{element}>: {reason}", element=label, reason=reason)
                ctx.report("vendor.unsupported", WARNING, message, ext.element)
            continue
        if ext.name == DUE_DATE:
            check_due_date(ctx, ext.element, label, (ext.value or "").strip())
            continue
        if ext.name in TRANSLATED_ATTRIBUTES:
            value = (ext.value or "").strip()
            if ("${" in value or "#{" in value) and translate_juel(value) is None:
                ctx.report(
                    "vendor.untranslatable",
                    WARNING,
                    text(
                        "{attribute}={value} is a vendor expression that does not translate "
                        "(method calls and beans cannot run here)",
                        attribute=label,
                        value=repr(value),
                    ),
                    ext.element,
                )
            continue
        reason = UNSUPPORTED_ATTRIBUTES.get(ext.name)
        if reason:
            message = text("{attribute}: {reason}", attribute=label, reason=reason)
            ctx.report("vendor.unsupported", WARNING, message, ext.element)
