"""Ids: unique within a file, and valid XML ids."""

from __future__ import annotations

from studio.editor.validation.context import ModelContext
from studio.editor.validation.problems import ERROR, WARNING
from studio.messages import text
from studio.notation.canonical import is_ncname


def check_ids(ctx: ModelContext) -> None:
    """Duplicate ids are errors (references become ambiguous); non-NCName ids are warnings."""
    by_id, duplicates = ctx.identified
    for ident, element in duplicates:
        first_line = getattr(by_id[ident], "line", None)
        message = (
            text(
                "the id {id} is used by more than one element (first used on line {line}); "
                "ids must be unique",
                id=repr(ident),
                line=first_line,
            )
            if first_line
            else text(
                "the id {id} is used by more than one element; ids must be unique",
                id=repr(ident),
            )
        )
        ctx.report("model.duplicate-id", ERROR, message, element)
    for ident, element in by_id.items():
        if not is_ncname(ident):
            ctx.report(
                "model.invalid-id",
                WARNING,
                text(
                    "the id {id} is not a valid XML id (it must start with a letter or '_'); "
                    "`studio fmt` renames it",
                    id=repr(ident),
                ),
                element,
            )
