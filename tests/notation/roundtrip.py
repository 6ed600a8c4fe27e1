"""Round-trip checks shared by the CMMN and BPMN conformance tests."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lxml import etree

from studio.notation import read_model, write_model
from studio.notation.canonical import is_ncname


def element_counts(root: etree._Element) -> Counter:
    return Counter(e.tag for e in root.iter() if isinstance(e.tag, str))


def attributes_by_id(root: etree._Element) -> dict[str, dict[str, str]]:
    found = {}
    for e in root.iter():
        if not isinstance(e.tag, str):
            continue
        ident = e.get("id")
        if ident is None:
            ident = next((v for k, v in e.attrib.items() if k.endswith("}id")), None)
        if ident is not None:
            found[ident] = {k.rpartition("}")[2]: v for k, v in e.attrib.items()}
    return found


def assert_lossless(original: bytes, rewritten: bytes, *, added: set[str] = frozenset()) -> None:
    """No element lost, every id kept, every attribute of an element with an id kept."""
    before = etree.fromstring(original)
    after = etree.fromstring(rewritten)
    lost = {
        tag: (n, element_counts(after)[tag])
        for tag, n in element_counts(before).items()
        if element_counts(after)[tag] < n
    }
    assert not lost, f"elements lost: {lost}"
    extra = {t for t in element_counts(after) - element_counts(before) if t not in added}
    assert not extra, f"unexpected new elements: {extra}"
    attrs_before, attrs_after = attributes_by_id(before), attributes_by_id(after)
    # Ids that are not valid XML ids are renamed by the writer (prefixed with "_").
    renamed = {ident for ident in attrs_before if not is_ncname(ident)}
    attrs_before = {
        (ident if is_ncname(ident) else "_" + ident): attrs for ident, attrs in attrs_before.items()
    }
    missing = set(attrs_before) - set(attrs_after)
    assert not missing, f"ids lost: {sorted(missing)[:5]}"
    for ident, attrs in attrs_before.items():
        for name, value in attrs.items():
            if name == "id" or value.rpartition(":")[2] in renamed:
                continue  # the id itself, or a reference to a renamed id
            assert _same(attrs_after[ident].get(name), value), (
                f"{ident}: attribute {name}={value!r} became {attrs_after[ident].get(name)!r}"
            )


def _same(after: str | None, before: str) -> bool:
    if after == before:
        return True
    try:  # numbers are written canonically: 100.0 -> 100
        return after is not None and float(after) == float(before)
    except ValueError:
        return False


def rewrite(path: Path) -> bytes:
    return write_model(read_model(path.read_bytes(), str(path)))


def assert_stable(rewritten: bytes, source: str) -> None:
    again = write_model(read_model(rewritten, source))
    assert again == rewritten, "a second rewrite must give the same bytes"
