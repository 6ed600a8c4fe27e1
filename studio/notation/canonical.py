"""Canonical form: the repairs a rewrite makes so every written model is schema-valid."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

from studio.notation.binding import Element, _plan, iter_elements

T = TypeVar("T")

_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def is_ncname(value: str) -> bool:
    """True when `value` may be an XML id (an NCName)."""
    return bool(_NCNAME.match(value))


def transform(obj: T, fn: Callable[[Any], Any]) -> T:
    """Rebuild the model tree bottom-up, passing every element through `fn`."""
    plan = _plan(type(obj))
    changes: dict[str, Any] = {}
    for fp in plan.fields:
        kind = fp.binding.kind
        if kind == "child":
            value = getattr(obj, fp.name)
            if value is not None:
                new = transform(value, fn)
                if new is not value:
                    changes[fp.name] = new
        elif kind == "children":
            values = getattr(obj, fp.name)
            new_values = tuple(transform(v, fn) for v in values)
            if any(a is not b for a, b in zip(values, new_values, strict=True)):
                changes[fp.name] = new_values
    current = dataclasses.replace(obj, **changes) if changes else obj
    return fn(current)


def _is_reference(xml_name: str) -> bool:
    return xml_name.endswith(("Ref", "Refs", "Element", "default", "sharedStyle")) or (
        xml_name in ("calledElement", "attachedToRef")
    )


def repair_ids(root: T) -> tuple[T, dict[str, str]]:
    """Give every id that is not an NCName a valid one, rewriting the references to it.

    Returns the repaired tree and the renames made (old id -> new id).
    """
    ids: set[str] = set()
    bad: list[str] = []

    def collect(element: Any) -> Any:
        value = getattr(element, "id", None)
        if isinstance(value, str):
            ids.add(value)
            if not is_ncname(value):
                bad.append(value)
        return element

    transform(root, collect)
    if not bad:
        return root, {}
    renames: dict[str, str] = {}
    for old in bad:
        base = "_" + re.sub(r"[^\w.\-]", "_", old)
        new, n = base, 1
        while new in ids:
            n += 1
            new = f"{base}_{n}"
        ids.add(new)
        renames[old] = new

    def rename_token(token: str) -> str:
        prefix, sep, local = token.rpartition(":")
        if local in renames:
            return f"{prefix}{sep}{renames[local]}"
        return token

    def rewrite(element: Any) -> Any:
        plan = _plan(type(element))
        changes: dict[str, Any] = {}
        for fp in plan.fields:
            kind = fp.binding.kind
            value = getattr(element, fp.name)
            if value is None:
                continue
            if kind == "attr" and isinstance(value, str):
                if fp.name == "id" and value in renames:
                    changes["id"] = renames[value]
                elif _is_reference(fp.binding.names[0]):
                    new = " ".join(rename_token(t) for t in value.split())
                    if new != value:
                        changes[fp.name] = new
            elif kind == "text_child" and value in renames:
                changes[fp.name] = renames[value]
            elif kind == "text_children" and any(v in renames for v in value):
                changes[fp.name] = tuple(renames.get(v, v) for v in value)
        return dataclasses.replace(element, **changes) if changes else element

    return transform(root, rewrite), renames


def element_ids(root: Element) -> list[tuple[str, Element]]:
    """Every (id, element) of the tree, duplicates included, in document order."""
    return [
        (value, element)
        for element in iter_elements(root)
        if isinstance(value := getattr(element, "id", None), str)
    ]
