"""Canonical form: the repairs a rewrite makes so every written model is schema-valid."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

from studio.notation.binding import _plan
from studio.notation.namespaces import PREFERRED_PREFIXES

T = TypeVar("T")

_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def is_ncname(value: str) -> bool:
    """True when `value` may be an XML id (an NCName)."""
    # An ASCII Python identifier is an NCName: the common case, answered without the pattern.
    return (value.isascii() and value.isidentifier()) or bool(_NCNAME.match(value))


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
        xml_name in ("calledElement", "attachedToRef", "labelStyle")
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


XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"


def settle_namespaces(model: T, required: tuple[str, ...]) -> T:
    """Give each namespace of `model.namespaces` a prefix of its own, declaring `required` too.

    A namespace declared below the root with a prefix the root already uses for another one
    (typically a nested default namespace) gets a fresh prefix, so the writer can declare it at
    the root; the `xml` namespace is dropped (it is never declared). `required[0]` is the root
    element's namespace (default namespace when free); the others get their preferred prefix.
    The writer then declares exactly these, which keeps prefixed values (`xsi:type`) resolvable.
    """
    settled: list[tuple[str | None, str]] = []
    prefixes: set[str | None] = set()
    uris: set[str] = set()

    def add(prefix: str | None, uri: str) -> None:
        base = prefix
        n = 1
        while prefix in prefixes:
            base = base or PREFERRED_PREFIXES.get(uri, "ns")
            n += 1
            prefix = base if n == 2 and base not in prefixes else f"{base}{n}"
        settled.append((prefix, uri))
        prefixes.add(prefix)
        uris.add(uri)

    for prefix, uri in model.namespaces:  # type: ignore[attr-defined]
        if uri != XML_NAMESPACE and uri not in uris:
            add(prefix, uri)
    for n, uri in enumerate(required):
        if uri not in uris:
            add(None if n == 0 else PREFERRED_PREFIXES.get(uri, "ns"), uri)
    if tuple(settled) == tuple(model.namespaces):  # type: ignore[attr-defined]
        return model
    return dataclasses.replace(model, namespaces=tuple(settled))  # type: ignore[type-var]


def prefix_for(model: Any, uri: str) -> str | None:
    """The prefix `model.namespaces` binds to `uri` (None: the default namespace)."""
    for prefix, known in model.namespaces:
        if known == uri:
            return prefix
    return None
