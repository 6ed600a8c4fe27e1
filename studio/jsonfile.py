"""Reading a JSON file a user wrote (a scenario, a simulation file): size-capped, UTF-8, strict
JSON — no duplicate keys, no NaN or Infinity — with a one-line reason when it is not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class JsonFileError(ValueError):
    """The file cannot be read as JSON; the message says why (without the file's name)."""


DUPLICATE = 'duplicate key "{key}"'


def read_json(path: Path, max_bytes: int, duplicate: str = DUPLICATE) -> Any:
    """The JSON value in `path`; JsonFileError when unreadable, too large, not UTF-8 or not
    strict JSON (`duplicate`: the reason given for a repeated key, with `{key}`)."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as exc:
        raise JsonFileError(f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise JsonFileError(f"larger than {max_bytes} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JsonFileError("not UTF-8 text") from None
    try:
        return json.loads(
            text,
            object_pairs_hook=lambda pairs: _no_duplicates(pairs, duplicate),
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as exc:
        raise JsonFileError(
            f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise JsonFileError("not JSON: nested too deeply") from None
    except ValueError as exc:
        raise JsonFileError(str(exc)) from None


def _no_duplicates(pairs: list[tuple[str, Any]], message: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(message.format(key=key))
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name} is not a JSON number")
