"""Hardened XML reading: every model file is hostile until parsed.

Bytes are size-capped before parsing; DOCTYPE declarations (and with them every entity, internal
or external) are refused; the parser never touches the network, never loads a DTD and never
processes XInclude; element nesting is limited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from studio.messages import text
from studio.notation.errors import NotationError

MAX_BYTES = 16 * 1024 * 1024
"""Largest model file accepted (16 MiB); real models are a few hundred KiB at most."""

MAX_DEPTH = 128
"""Deepest element nesting accepted (checked while the typed model is built; libxml2 itself stops
at 256); CMMN and BPMN models rarely go past 20."""

_COMPRESSED_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"PK": "zip",
    b"BZh": "bzip2",
    b"\xfd7zXZ": "xz",
    b"(\xb5/\xfd": "zstd",
}

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedXml:
    """A parsed, checked document and where it came from."""

    root: etree._Element
    source: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        collect_ids=False,
    )


def _prolog(data: bytes) -> bytes:
    """The bytes before the root element, decoded to ASCII-compatible form for the DOCTYPE check."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data[:65536].decode("utf-16", errors="ignore")
        except UnicodeError:  # pragma: no cover - decode with errors="ignore" cannot raise
            return data[:65536]
        return text.encode("utf-8", errors="ignore")
    return data[:65536]


def _refuse_doctype(data: bytes, source: str) -> None:
    head = _prolog(data)
    # A DOCTYPE can only appear before the root element: look at the prolog only, so text in the
    # model that merely mentions "<!DOCTYPE" (escaped in content) does not trip the check.
    match = _DOCTYPE.search(head)
    if match is None:
        return
    before = head[: match.start()]
    # If a start tag (not a declaration/PI/comment) precedes it, it is inside content.
    if re.search(rb"<[A-Za-z_]", before):
        return
    raise NotationError(
        "xml.doctype",
        text(
            "{source}: DOCTYPE and entity declarations are not accepted in model files "
            "(they can read local files or expand without bound)",
            source=source,
        ),
        line=before.count(b"\n") + 1,
    )


def parse_xml(data: bytes, source: str = "<model>", *, max_bytes: int = MAX_BYTES) -> ParsedXml:
    """Parse untrusted model bytes, refusing anything unsafe with a `NotationError`."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse_xml takes bytes")
    if len(data) > max_bytes:
        raise NotationError(
            "xml.too-large",
            text(
                "{source}: {size} bytes is over the {limit}-byte limit for a model file",
                source=source,
                size=f"{len(data):,}",
                limit=f"{max_bytes:,}",
            ),
        )
    if not data.strip():
        raise NotationError("xml.empty", text("{source}: the file is empty", source=source))
    for magic, kind in _COMPRESSED_MAGIC.items():
        if data.startswith(magic):
            raise NotationError(
                "xml.compressed",
                text(
                    "{source}: this is a {kind}-compressed file, not XML; unpack it first",
                    source=source,
                    kind=kind,
                ),
            )
    _refuse_doctype(bytes(data), source)
    try:
        root = etree.fromstring(bytes(data), parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source, bytes(data)) from None
    if root is None:  # pragma: no cover - lxml raises instead
        raise NotationError("xml.syntax", text("{source}: no root element", source=source))
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise NotationError(
            "xml.doctype",
            text("{source}: DOCTYPE declarations are not accepted in model files", source=source),
        )
    return ParsedXml(root=root, source=source)


def _syntax_error(exc: etree.XMLSyntaxError, source: str, data: bytes) -> NotationError:
    message = str(exc.msg or exc).strip()
    line = exc.lineno or None
    lowered = message.lower()
    if "depth" in lowered and ("excessive" in lowered or "exceeds" in lowered):
        return NotationError(
            "xml.too-deep",
            text("{source}: elements are nested too deeply", source=source),
            line=line,
        )
    if "huge" in lowered or "too long" in lowered or "xml_parse_huge" in lowered:
        return NotationError(
            "xml.too-large",
            text(
                "{source}: a text, name or attribute value on line {line} is longer than a "
                "model file may hold (the limit is 10,000,000 characters for a text)",
                source=source,
                line=line or "?",
            ),
            line=line,
        )
    if "entity" in lowered:
        return NotationError(
            "xml.doctype",
            text("{source}: entities are not accepted in model files", source=source),
            line=line,
        )
    if "premature end" in lowered or "end of data" in lowered or _stops_at_the_end(exc, data):
        return NotationError(
            "xml.truncated",
            text(
                "{source}: the file ends before the XML does (truncated?): {reason}",
                source=source,
                reason=message,
            ),
            line=line,
        )
    return NotationError(
        "xml.syntax",
        text("{source}: not well-formed XML: {reason}", source=source, reason=message),
        line=line,
    )


def _stops_at_the_end(exc: etree.XMLSyntaxError, data: bytes) -> bool:
    """True when the parser gave up at the very end of the data: the file was cut short."""
    line, column = exc.position if exc.position else (None, None)
    if not line or column is None or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    body = data.rstrip()
    last_line = body.count(b"\n") + 1
    if line != last_line:
        return line > last_line
    # libxml2 counts columns from 1, in characters or bytes: either way, at or past the end.
    return column >= len(body.rpartition(b"\n")[2].decode("utf-8", errors="replace"))
