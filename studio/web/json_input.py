"""Request bodies are hostile JSON: nesting too deep for the parser and the non-standard
constants NaN and Infinity (which no browser could read back from a case file) are refused as
unusable input, a 400 that says why (`refusal()`), never an internal error."""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from flask.json.provider import DefaultJSONProvider

KEY = "json_refusal"


class StrictJSONInput(DefaultJSONProvider):
    """A JSON provider whose `loads` refuses what `json.loads` would let through or crash on.

    A refusal is a ValueError (so `get_json(silent=True)` reads it as no body); its reason is kept
    for the request's error answer."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_constant", _refuse_constant)
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise _refused("the JSON body nests too deeply") from None


def refusal() -> str | None:
    """Why this request's JSON body was refused, if it was."""
    return g.get(KEY) if has_app_context() else None


def _refuse_constant(name: str) -> Any:
    raise _refused(f"the JSON body holds {name}, which is not a JSON value")


def _refused(reason: str) -> ValueError:
    if has_app_context():
        setattr(g, KEY, reason)
    return ValueError(reason)
