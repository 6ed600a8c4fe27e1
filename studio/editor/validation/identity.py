"""Ids: unique within a file, and valid XML ids."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.notation.canonical import is_ncname


def check_ids(ctx: ModelContext) -> None:
    """Duplicate ids are errors (references become ambiguous); non-NCName ids are warnings."""
    seen: dict[str, object] = {}
    for element in ctx.elements:
        ident = getattr(element, "id", None)
        if not isinstance(ident, str):
            continue
        if ident in seen:
            first_line = getattr(seen[ident], "line", None)
            where = f" (first used on line {first_line})" if first_line else ""
            ctx.report(
                "model.duplicate-id",
                ERROR,
                f"the id {ident!r} is used by more than one element{where}; ids must be unique",
                element,
            )
            continue
        seen[ident] = element
        if not is_ncname(ident):
            ctx.report(
                "model.invalid-id",
                WARNING,
                f"the id {ident!r} is not a valid XML id (it must start with a letter or '_'); "
                "`studio fmt` renames it",
                element,
            )
