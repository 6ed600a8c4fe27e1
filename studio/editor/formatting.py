"""`studio fmt`: rewrite a model in canonical form, optionally with a fresh diagram."""

from __future__ import annotations

from pathlib import Path

from studio.notation import NotationError, read_model_file, write_model


class FormatError(Exception):
    """A model that cannot be formatted, with a one-line reason naming the file."""


def format_model_file(path: Path, *, layout: bool = False) -> bytes:
    """The canonical bytes of a model file (with regenerated DI when `layout`)."""
    try:
        model = read_model_file(path)
    except NotationError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise FormatError(f"{exc.message}{where} [{exc.code}]") from None
    if layout:
        from studio.editor.layout import LayoutError, layout_model

        try:
            model = layout_model(model)
        except LayoutError as exc:
            raise FormatError(f"{path}: {exc}") from None
    return write_model(model)
