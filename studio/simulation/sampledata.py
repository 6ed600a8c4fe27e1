"""Sample data records for simulated cases: read from `.json`, `.jsonl` or `.csv`, checked
against the case file's JSON Schema, and handed out one per case by a `Picker`."""

from __future__ import annotations

import copy
import csv
import json
import math
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from jsonschema.exceptions import SchemaError, ValidationError, best_match
from jsonschema.validators import Draft202012Validator, validator_for

from studio.simulation.errors import SpecError

MAX_BYTES = 200_000_000
"""Largest sample data file read."""

MAX_RECORDS = 1_000_000
"""Most records one file may hold."""

SUFFIXES = (".json", ".jsonl", ".csv")
Pick = Literal["sequential", "random"]

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?P<fraction>(?:\.\d+)?(?:[eE][+-]?\d+)?)")
_MISSING = object()


def load_records(path: Path, schema: dict[str, Any] | None, where: str = "data.file") -> list[dict]:
    """Every record of a sample data file, each valid against the case file `schema` if given.

    Problems with the file as a whole are located at `where` (the sim file's place naming it),
    problems inside it at the file and the record's line (or number, for `.json`).
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SpecError(f'"{path.name}" is not {", ".join(SUFFIXES)}', where)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpecError(f'cannot read "{path.name}": {exc.strerror or exc}', where) from None
    if size > MAX_BYTES:
        raise SpecError(f'"{path.name}" is larger than {MAX_BYTES} bytes', where)
    validator = _validator(schema, where)
    reader = {".json": _json_records, ".jsonl": _jsonl_records, ".csv": _csv_records}[suffix]
    try:
        records = _read(reader(path, schema or {}), validator)
    except UnicodeDecodeError:
        raise SpecError(f'"{path.name}" is not UTF-8 text', where) from None
    except OSError as exc:
        raise SpecError(f'cannot read "{path.name}": {exc.strerror or exc}', where) from None
    except SpecError as exc:
        raise exc.located(path.name) from None
    if not records:
        raise SpecError(f'"{path.name}" holds no records', where)
    return records


class Picker:
    """Hands out copies of the records: in order and round again (`sequential`), or drawn
    uniformly with `rng` (`random`)."""

    def __init__(self, records: list[dict], pick: Pick, rng: random.Random) -> None:
        if not records:
            raise ValueError("no records to pick from")
        if pick not in ("sequential", "random"):
            raise ValueError(f"unknown pick {pick!r}")
        self._records = records
        self._pick = pick
        self._rng = rng
        self._next = 0

    def next(self) -> dict:
        """A deep copy of the next record."""
        if self._pick == "random":
            index = self._rng.randrange(len(self._records))
        else:
            index = self._next
            self._next = (index + 1) % len(self._records)
        return copy.deepcopy(self._records[index])


def _read(records: Iterator[tuple[str, dict]], validator: Any) -> list[dict]:
    found: list[dict] = []
    for place, record in records:
        if len(found) == MAX_RECORDS:
            raise SpecError(f"more than {MAX_RECORDS} records", place)
        if validator is not None:
            _check(validator, record, place)
        found.append(record)
    return found


def _validator(schema: dict[str, Any] | None, where: str) -> Any:
    if schema is None:
        return None
    cls = validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise SpecError(f"the case file schema is not valid: {exc.message}", where) from None
    return cls(schema)


def _check(validator: Any, record: dict, place: str) -> None:
    error = best_match(validator.iter_errors(record))
    if error is not None:
        raise SpecError(_reason(error), place)


def _reason(error: ValidationError) -> str:
    path = ".".join(str(part) for part in error.absolute_path)
    return f"{path}: {error.message}" if path else error.message


def _load_json(text: str) -> Any:
    return json.loads(text, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _json_records(path: Path, schema: dict[str, Any]) -> Iterator[tuple[str, dict]]:
    try:
        document = _load_json(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SpecError(f"not JSON: {exc.msg}", f"line {exc.lineno}") from None
    except (ValueError, RecursionError) as exc:
        raise SpecError(f"not JSON: {exc}") from None
    if isinstance(document, dict) and len(document) == 1:
        document = next(iter(document.values()))
    if not isinstance(document, list):
        raise SpecError("must be an array of records (or an object holding one)")
    for number, record in enumerate(document, 1):
        if not isinstance(record, dict):
            raise SpecError("must be an object", f"record {number}")
        yield f"record {number}", record


def _jsonl_records(path: Path, schema: dict[str, Any]) -> Iterator[tuple[str, dict]]:
    with path.open(encoding="utf-8-sig") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            place = f"line {number}"
            try:
                record = _load_json(line)
            except json.JSONDecodeError as exc:
                raise SpecError(f"not JSON: {exc.msg}", place) from None
            except (ValueError, RecursionError) as exc:
                raise SpecError(f"not JSON: {exc}", place) from None
            if not isinstance(record, dict):
                raise SpecError("must be a JSON object", place)
            yield place, record


def _csv_records(path: Path, schema: dict[str, Any]) -> Iterator[tuple[str, dict]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = csv.reader(stream)
        try:
            header = next(rows, None)
            if header is None:
                return
            columns = _columns(header, schema)
            line = rows.line_num + 1
            for row in rows:
                place = f"line {line}"
                line = rows.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(columns):
                    raise SpecError(f"{len(row)} values for {len(columns)} columns", place)
                yield place, _record(columns, row)
        except csv.Error as exc:
            raise SpecError(f"not CSV: {exc}", f"line {rows.line_num}") from None


def _columns(header: list[str], schema: dict[str, Any]) -> list[tuple[list[str], set[str]]]:
    """Each column's path in the record and the JSON types its schema allows (empty: guess)."""
    seen: dict[str, str] = {}
    columns = []
    for name in header:
        parts = name.strip().split(".")
        if not all(parts):
            raise SpecError(f'column "{name}" is not a name or dotted path', "line 1")
        dotted = ".".join(parts)
        if dotted in seen:
            raise SpecError(f'column "{name}" appears twice', "line 1")
        prefixes = {".".join(parts[:depth]) for depth in range(1, len(parts))}
        for key, other in seen.items():
            if key in prefixes or key.startswith(f"{dotted}."):
                raise SpecError(f'column "{name}" clashes with column "{other}"', "line 1")
        seen[dotted] = name
        columns.append((parts, _types(_subschema(schema, schema, parts))))
    return columns


def _record(columns: list[tuple[list[str], set[str]]], row: list[str]) -> dict:
    record: dict[str, Any] = {}
    for (parts, types), cell in zip(columns, row, strict=False):
        value = _typed(cell, types) if types else _guessed(cell)
        if value is _MISSING:
            continue
        node = record
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return record


def _subschema(root: dict[str, Any], schema: Any, parts: list[str]) -> Any:
    """The schema of the value at `parts`, following local `$ref`s and combinators (or None)."""
    for _ in range(32):
        if not isinstance(schema, dict) or "$ref" not in schema:
            break
        schema = _pointer(root, schema["$ref"])
    if not parts or not isinstance(schema, dict):
        return schema
    properties = schema.get("properties")
    found = properties.get(parts[0]) if isinstance(properties, dict) else None
    if isinstance(found, dict):
        return _subschema(root, found, parts[1:])
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key, []):
            found = _subschema(root, branch, parts)
            if found is not None:
                return found
    return None


def _pointer(root: dict[str, Any], ref: Any) -> Any:
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    node: Any = root
    for token in ref[1:].split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return None
    return node


def _types(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return {_json_type(value) for value in values} if isinstance(values, list) else set()
    return set()


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _typed(cell: str, types: set[str]) -> Any:
    """The cell as the first of the schema's types it reads as; the text itself otherwise (so
    validation names the mismatch)."""
    text = cell.strip()
    if not text:
        if "string" in types:
            return cell
        return None if "null" in types else _MISSING
    if "boolean" in types and text.lower() in ("true", "false"):
        return text.lower() == "true"
    number = _number(text) if types & {"integer", "number"} else None
    if number is not None:
        if "integer" in types and float(number).is_integer():
            return int(number)
        if "number" in types:
            return number
    if types & {"array", "object"} and text[0] in "[{":
        try:
            value = _load_json(text)
        except (ValueError, RecursionError):
            return cell
        if _json_type(value) in types:
            return value
    return cell


def _guessed(cell: str) -> Any:
    """A whole number, a number, true/false, nothing for an empty cell, or the text."""
    text = cell.strip()
    if not text:
        return _MISSING
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    number = _number(text)
    return cell if number is None else number


def _number(text: str) -> int | float | None:
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    try:
        value = float(text) if match["fraction"] else int(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
