"""Reading and writing model files: bytes in, typed definitions out, and back."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lxml import etree

from studio.messages import text
from studio.notation import binding
from studio.notation.errors import NotationError
from studio.notation.namespaces import PREFERRED_PREFIXES, XSI, split
from studio.notation.safe_xml import MAX_BYTES, MAX_DEPTH, parse_xml

_ROOTS: dict[str, str] = {}  # root tag -> notation name
_STANDARD_NAMESPACES: dict[str, tuple[str, ...]] = {}  # notation -> namespaces always declared
_CANONICALIZERS: dict[str, list] = {}  # notation -> functions run before writing


def register_notation(
    notation: str,
    root_tags: tuple[str, ...],
    standard_namespaces: tuple[str, ...],
    canonicalizers: tuple = (),
) -> None:
    """Make a notation's root element known to `read_model` and `write_model`."""
    for tag in root_tags:
        _ROOTS[tag] = notation
    _STANDARD_NAMESPACES[notation] = standard_namespaces
    _CANONICALIZERS[notation] = list(canonicalizers)


def _ensure_registered() -> None:
    # Importing the notation packages registers their classes and roots.
    from studio.notation import bpmn, cmmn, dmn  # noqa: F401


def read_model(data: bytes, source: str = "<model>", *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse CMMN, BPMN or DMN bytes into typed definitions, refusing unsafe input."""
    _ensure_registered()
    parsed = parse_xml(data, source, max_bytes=max_bytes)
    root = parsed.root
    tag = root.tag if isinstance(root.tag, str) else ""
    notation = _ROOTS.get(tag)
    if notation is None:
        namespace, local = split(tag)
        raise NotationError(
            "xml.not-a-model",
            text(
                "{source}: the root element <{element}> in namespace {namespace} is not a "
                "CMMN 1.1, BPMN 2.0 or DMN 1.3 definitions element",
                source=source,
                element=local,
                namespace=namespace or text("(none)"),
            ),
            line=root.sourceline,
        )
    cls = binding.class_for(tag)
    ctx = binding.ReadContext(source, root, MAX_DEPTH)
    try:
        with without_collection_pauses():
            model = binding.read(root, cls, ctx)
    except RecursionError:
        raise NotationError(
            "xml.too-deep", text("{source}: elements are nested too deeply", source=source)
        ) from None
    namespaces = tuple((prefix, uri) for uri, prefix in ctx.namespaces.items())
    return dataclasses.replace(model, namespaces=namespaces, source=source)


@contextmanager
def without_collection_pauses() -> Iterator[None]:
    """No garbage collection while a model's objects are built (they form no cycles): in a
    server holding many objects, the collections that tens of thousands of new objects trigger
    would cost a large model about a sixth of its reading time. Enabled again afterwards (unless
    it was off before, e.g. another thread is reading a model too). Validation uses it too: the
    engine's compile of a large case makes tens of thousands of records, and each collection they
    triggered walked the just-read model again until it was old enough."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_model_file(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """Read a model file (size-capped before it is read whole)."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise NotationError(
            "xml.too-large",
            text(
                "{source}: {size} bytes is over the {limit}-byte limit for a model file",
                source=str(path),
                size=f"{size:,}",
                limit=f"{max_bytes:,}",
            ),
        )
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    return read_model(data, str(path), max_bytes=max_bytes)


def notation_of(model: Any) -> str:
    """'cmmn', 'bpmn' or 'dmn'."""
    return type(model).notation


def _nsmap(model: Any) -> dict[str | None, str]:
    nsmap: dict[str | None, str] = {}
    declared: set[str] = set()
    for prefix, uri in model.namespaces:
        if prefix in nsmap or (uri in declared and prefix is not None):
            continue
        nsmap[prefix] = uri
        declared.add(uri)
    root_ns, _ = split(model.TAGS[0])
    if root_ns not in declared:
        nsmap[None if None not in nsmap else "m"] = root_ns
        declared.add(root_ns)
    for uri in (*_STANDARD_NAMESPACES.get(notation_of(model), ()), XSI):
        if uri in declared:
            continue
        prefix = PREFERRED_PREFIXES.get(uri, "ns")
        candidate, n = prefix, 1
        while candidate in nsmap:
            n += 1
            candidate = f"{prefix}{n}"
        nsmap[candidate] = uri
        declared.add(uri)
    return nsmap


_DIAGRAM_FIELDS = ("cmmndi", "diagrams", "dmndi")


def without_diagrams(model: Any) -> Any:
    """The model with its diagram interchange (DI) left out: what matters for execution."""
    changes = {}
    for name in _DIAGRAM_FIELDS:
        value = getattr(model, name, None)
        if value:
            changes[name] = () if isinstance(value, tuple) else None
    return dataclasses.replace(model, **changes) if changes else model


def diagrams_of(model: Any) -> list[Any]:
    """The diagram interchange parts of a model (what `without_diagrams` leaves out)."""
    found: list[Any] = []
    for name in _DIAGRAM_FIELDS:
        value = getattr(model, name, None)
        if value:
            found.extend(value if isinstance(value, tuple) else (value,))
    return found


def canonical(model: Any) -> Any:
    """The model with the repairs the writer makes (schema-required labels, valid ids)."""
    for fix in _CANONICALIZERS.get(notation_of(model), ()):
        model = fix(model)
    return model


def write_model(model: Any) -> bytes:
    """Serialize definitions to canonical, schema-valid XML (UTF-8, two-space indent, LF)."""
    _ensure_registered()
    model = canonical(model)
    root = binding.write(model, model.TAGS[0], None, nsmap=_nsmap(model))
    etree.cleanup_namespaces(root, keep_ns_prefixes=[p for p in root.nsmap if p])
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
