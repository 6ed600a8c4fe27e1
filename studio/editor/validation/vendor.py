"""Vendor extensions that change behaviour: translated where they map, otherwise a warning."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import WARNING
from studio.expressions import translate_juel
from studio.notation.vendor import (
    TRANSLATED_ATTRIBUTES,
    UNSUPPORTED_ATTRIBUTES,
    UNSUPPORTED_ELEMENTS,
    vendor_extensions,
)


def check_vendor_extensions(ctx: ModelContext) -> None:
    for ext in vendor_extensions(ctx.model_elements):
        label = f"{ext.vendor}:{ext.name}"
        if ext.is_element:
            reason = UNSUPPORTED_ELEMENTS.get(ext.name)
            if reason:
                ctx.report("vendor.unsupported", WARNING, f"<{label}>: {reason}", ext.element)
            continue
        if ext.name in TRANSLATED_ATTRIBUTES:
            value = (ext.value or "").strip()
            if ("${" in value or "#{" in value) and translate_juel(value) is None:
                ctx.report(
                    "vendor.untranslatable",
                    WARNING,
                    f"{label}={value!r} is a vendor expression that does not translate (method "
                    "calls and beans cannot run here)",
                    ext.element,
                )
            continue
        reason = UNSUPPORTED_ATTRIBUTES.get(ext.name)
        if reason:
            ctx.report("vendor.unsupported", WARNING, f"{label}: {reason}", ext.element)
