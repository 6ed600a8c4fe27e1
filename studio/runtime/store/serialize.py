"""CaseState <-> JSON-able documents, versioned so that stored cases survive product upgrades.

Field-driven: the codec of a dataclass is derived from its fields' type hints, so a new field with
a default needs no code here (old documents without it load with the default). Fields marked
``metadata={"derived": True}`` are indexes the engine rebuilds (`CaseEngine.restore`): not stored.
Date-times are ISO-8601 UTC text (a naive date-time is taken to be UTC), sets sorted lists, and
values typed `Any` (the case file) must be JSON. Dumping and loading both copy: a document never
shares mutable parts with the state it was made from or loaded into.

A document is ``{"format_version": N, "case": {...}}``. When a change needs more than a default
(a renamed or reshaped field), bump `FORMAT_VERSION` and register an upgrader from the previous
version with `@upgrader(from_version=N - 1)`; `upgrade` applies them version by version.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from studio.messages import restored, stored
from studio.runtime.engine.incidents import Incident, legacy_incident
from studio.runtime.engine.state import CaseState

FORMAT_VERSION = 6
"""The version of the documents `dump_state` writes."""

Document = dict[str, Any]
Upgrader = Callable[[Document], Document]
T = TypeVar("T")

UPGRADERS: dict[int, Upgrader] = {}
"""Upgrade functions by the format version they read (each returns the next version)."""


class FormatError(ValueError):
    """A document this version cannot read (malformed, too new, or no upgrade path)."""


# -- date-times -----------------------------------------------------------------------------------


def to_utc(value: datetime) -> datetime:
    """The same instant, UTC-aware (a naive date-time is taken to be UTC already)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if value.tzinfo is UTC:
        return value
    return value.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    """ISO-8601 UTC text, ``Z``-suffixed."""
    return to_utc(value).isoformat().replace("+00:00", "Z")


def parse_datetime(text: str) -> datetime:
    """A UTC-aware date-time from ISO-8601 text (UTC unless it carries an offset)."""
    try:
        return to_utc(datetime.fromisoformat(text))
    except (TypeError, ValueError):
        raise FormatError(f"not an ISO-8601 date-time: {text!r}") from None


# -- codecs ---------------------------------------------------------------------------------------

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]  # (encode, decode)
_SCALARS = (str, int, float, bool, type(None))


def _same(value: Any) -> Any:
    return value


def _json(value: Any, path: str = "") -> Any:
    """A copy of a JSON value (tuples become lists); anything else is refused."""
    if isinstance(value, dict):
        copied = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise FormatError(f"{path or 'value'}: JSON object keys must be text, not {key!r}")
            copied[key] = _json(item, f"{path}.{key}" if path else key)
        return copied
    if isinstance(value, list | tuple):
        return [_json(item, f"{path}[{n}]") for n, item in enumerate(value)]
    if isinstance(value, _SCALARS):
        return value
    raise FormatError(f"{path or 'value'}: {type(value).__name__} is not a JSON value")


def _json_decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json_decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_decode(item) for item in value]
    return value


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (dicts, lists and scalars)."""
    return _json_decode(value)


def _decode_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise FormatError(f"not an ISO-8601 date-time: {value!r}")
    return parse_datetime(value)


def _optional(codec: Codec) -> Codec:
    encode, decode = codec
    return (
        lambda v: None if v is None else encode(v),
        lambda v: None if v is None else decode(v),
    )


def _mapping(codec: Codec) -> Codec:
    encode, decode = codec
    if encode is _json:  # name the key in errors
        return (
            lambda v: {k: _json(x, str(k)) for k, x in v.items()},
            lambda v: {k: decode(x) for k, x in _expect(v, dict).items()},
        )
    return (
        lambda v: {k: encode(x) for k, x in v.items()},
        lambda v: {k: decode(x) for k, x in _expect(v, dict).items()},
    )


def _sequence(codec: Codec, kind: type) -> Codec:
    encode, decode = codec
    return (
        lambda v: [encode(x) for x in v],
        lambda v: kind(decode(x) for x in _expect(v, list)),
    )


def _unordered(codec: Codec, kind: type) -> Codec:
    encode, decode = codec
    return (
        lambda v: sorted(encode(x) for x in v),
        lambda v: kind(decode(x) for x in _expect(v, list)),
    )


def _expect(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise FormatError(f"expected a JSON {kind.__name__}, found {value!r}")
    return value


_CODECS: dict[Any, Codec] = {}


def codec_of(hint: Any) -> Codec:
    """The (encode, decode) pair of a type hint."""
    found = _CODECS.get(hint)
    if found is None:
        found = _CODECS[hint] = _make_codec(hint)
    return found


def _make_codec(hint: Any) -> Codec:
    if hint is Any:
        return _json, _json_decode
    if hint is datetime:
        return format_datetime, _decode_datetime
    if hint in _SCALARS:
        return _same, _same
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        codec = _dataclass_codec(hint)
        return codec.encode, codec.decode
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        others = [a for a in args if a is not type(None)]
        if all(a in _SCALARS for a in others):
            return _same, _same
        if len(others) == 1:
            return _optional(codec_of(others[0]))
    elif origin is dict and args[0] is str:
        return _mapping(codec_of(args[1]))
    elif origin is list:
        return _sequence(codec_of(args[0]), list)
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _sequence(codec_of(args[0]), tuple)
    elif origin in (set, frozenset):
        return _unordered(codec_of(args[0]), origin)
    raise TypeError(f"no JSON codec for {hint!r}: add one to studio.runtime.store.serialize")


class _DataclassCodec:
    """Encodes a dataclass as an object of its fields; missing fields load with their default."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        hints = typing.get_type_hints(cls)
        stored = [f for f in dataclasses.fields(cls) if not f.metadata.get("derived")]
        self.fields = [(f.name, codec_of(hints[f.name])) for f in stored]
        self.derived = {f.name for f in dataclasses.fields(cls)} - {f.name for f in stored}
        self.required = {
            f.name
            for f in stored
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }

    def encode(self, obj: Any, exclude: frozenset[str] = frozenset()) -> Document:
        document = {}
        for name, (encode, _) in self.fields:
            if name not in exclude:
                value = getattr(obj, name)
                document[name] = value if encode is _same or value is None else encode(value)
        return document

    def decode(self, document: Any) -> Any:
        _expect(document, dict)
        values = {
            name: decode(document[name]) for name, (_, decode) in self.fields if name in document
        }
        if len(values) != len(document):
            unknown = sorted(set(document) - values.keys() - self.derived)
            if unknown:
                raise FormatError(f"{self.cls.__name__} has no field {', '.join(unknown)}")
        missing = self.required - values.keys()
        if missing:
            raise FormatError(f"{self.cls.__name__} lacks {', '.join(sorted(missing))}")
        return self.cls(**values)


_DATACLASSES: dict[type, _DataclassCodec] = {}


def _dataclass_codec(cls: type) -> _DataclassCodec:
    found = _DATACLASSES.get(cls)
    if found is None:
        found = _DATACLASSES[cls] = _DataclassCodec(cls)
    return found


def dump(obj: Any, *, exclude: frozenset[str] = frozenset()) -> Document:
    """The document of a dataclass instance (fields in `exclude` left out)."""
    return _dataclass_codec(type(obj)).encode(obj, exclude)


def load(cls: type[T], document: Document) -> T:
    """A dataclass instance from its document (no format upgrade: see `load_state`)."""
    return _dataclass_codec(cls).decode(document)


# -- incidents ------------------------------------------------------------------------------------

_WORDING = ("template", "values")


def _encode_incident(incident: Incident) -> Document:
    """An incident's fields, and its message's template and values when it has them
    (`studio.messages.stored`): loaded again, the message translates as when it was recorded."""
    return {**_dataclass_codec(Incident).encode(incident), **stored(incident.message)}


def _decode_incident(document: Any) -> Incident:
    fields = {k: v for k, v in _expect(document, dict).items() if k not in _WORDING}
    incident = _dataclass_codec(Incident).decode(fields)
    if fields.keys() == document.keys():
        return incident
    return dataclasses.replace(incident, message=restored(document))


_CODECS[Incident] = (_encode_incident, _decode_incident)


# -- case documents -------------------------------------------------------------------------------


def dump_state(state: CaseState) -> Document:
    """The versioned document of a case state."""
    try:
        return {"format_version": FORMAT_VERSION, "case": dump(state)}
    except FormatError as exc:
        raise FormatError(f"case {state.id!r}: {exc}") from None


def load_state(document: Document) -> CaseState:
    """A case state from a document of this or any earlier format version."""
    return load(CaseState, upgrade(document)["case"])


def upgrader(from_version: int) -> Callable[[Upgrader], Upgrader]:
    """Register a function that turns a document of `from_version` into one of the next."""

    def register(function: Upgrader) -> Upgrader:
        if from_version in UPGRADERS:
            raise ValueError(f"an upgrader from format version {from_version} is registered")
        UPGRADERS[from_version] = function
        return function

    return register


def upgrade(document: Document) -> Document:
    """The document in the current format, upgraded version by version (the input is kept)."""
    version = document.get("format_version") if isinstance(document, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise FormatError("not a case document: no integer format_version")
    if version > FORMAT_VERSION:
        raise FormatError(
            f"the case was stored in format version {version} by a newer Case Studio; this one "
            f"reads up to version {FORMAT_VERSION}"
        )
    while version < FORMAT_VERSION:
        step = UPGRADERS.get(version)
        if step is None:
            raise FormatError(f"no upgrader from case format version {version}")
        document = step(_json_decode(document))
        version += 1
        document["format_version"] = version
    return document


@upgrader(from_version=1)
def _add_process_error(document: Document) -> Document:
    """Version 2 records the BPMN error a failed process ended with (none before)."""
    document["case"].setdefault("error", None)
    return document


@upgrader(from_version=2)
def _add_due_dates_and_parked_timers(document: Document) -> Document:
    """Version 3 keeps a task's due date and the timers an incident parked (none before)."""
    case = document["case"]
    for item in case.get("items", {}).values():
        item.setdefault("due", None)
    case.setdefault("parked", [])
    return document


@upgrader(from_version=3)
def _mark_items_suspended_by_their_parent(document: Document) -> Document:
    """Version 4 tells an item suspended with its stage (parentSuspend, undone by parentResume)
    from one suspended on its own. Before, resuming a stage resumed every suspended child: a
    suspended child of a suspended stage counts as suspended by its parent."""
    items = document["case"].get("items", {})
    for item in items.values():
        stage = items.get(item.get("stage") or "")
        item["suspended_by_parent"] = (
            item.get("state") == "suspended"
            and item.get("resume_to") is not None
            and stage is not None
            and stage.get("state") == "suspended"
        )
    return document


@upgrader(from_version=4)
def _add_timer_cycles(document: Document) -> Document:
    """Version 5 keeps with a timer the repeating interval its expression gave (none before:
    such a timer fired once)."""
    case = document["case"]
    for timer in [*case.get("timers", []), *case.get("parked", [])]:
        timer.setdefault("cycle", None)
    return document


@upgrader(from_version=5)
def _code_incidents(document: Document) -> Document:
    """Version 6 keeps each incident as an object with a stable code, its message, time and
    element; before, an incident was its English message alone: its code and element are read
    from the wording of the time, once, here (its time is left unknown)."""
    case = document["case"]
    case["incidents"] = [
        dump(legacy_incident(message)) if isinstance(message, str) else message
        for message in case.get("incidents", [])
    ]
    return document


__all__ = [
    "FORMAT_VERSION",
    "UPGRADERS",
    "FormatError",
    "copy_json",
    "dump",
    "dump_state",
    "format_datetime",
    "load",
    "load_state",
    "parse_datetime",
    "to_utc",
    "upgrade",
    "upgrader",
]
