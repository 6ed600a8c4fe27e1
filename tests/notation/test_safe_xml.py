"""Hostile XML is refused quickly, with a clear message and a stable code."""

from __future__ import annotations

import gzip
import time

import pytest

from studio.notation import NotationError, read_model
from studio.notation.safe_xml import MAX_BYTES, MAX_DEPTH, parse_xml

CMMN_NS = "http://www.omg.org/spec/CMMN/20151109/MODEL"
MINIMAL = (
    f'<definitions xmlns="{CMMN_NS}" targetNamespace="urn:t">'
    '<case id="c"><casePlanModel id="p"/></case></definitions>'
).encode()


def refused(data: bytes) -> NotationError:
    started = time.perf_counter()
    with pytest.raises(NotationError) as info:
        read_model(data, "hostile.cmmn")
    assert time.perf_counter() - started < 1.0, "refusing hostile input must be quick"
    assert "hostile.cmmn" in info.value.message
    return info.value


def test_minimal_model_reads():
    model = read_model(MINIMAL, "ok.cmmn")
    assert model.cases[0].case_plan_model.id == "p"


def test_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<definitions xmlns="{CMMN_NS}" targetNamespace="urn:t" name="&x;"/>'
    ).encode()
    error = refused(data)
    assert error.code == "xml.doctype"
    assert "TOPSECRET" not in error.message


def test_billion_laughs_is_refused():
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>'
        f'<definitions xmlns="{CMMN_NS}" targetNamespace="urn:t" name="&a9;"/>'
    ).encode()
    assert refused(data).code == "xml.doctype"


def test_network_dtd_is_refused():
    data = (
        '<?xml version="1.0"?><!DOCTYPE definitions SYSTEM "http://example.com/evil.dtd">'
        f'<definitions xmlns="{CMMN_NS}" targetNamespace="urn:t"/>'
    ).encode()
    assert refused(data).code == "xml.doctype"


def test_utf16_doctype_is_refused():
    data = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x "y">]>'
        f'<definitions xmlns="{CMMN_NS}" targetNamespace="urn:t"/>'
    ).encode("utf-16")
    assert refused(data).code == "xml.doctype"


def test_xinclude_is_not_processed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    data = (
        f'<definitions xmlns="{CMMN_NS}" xmlns:xi="http://www.w3.org/2001/XInclude" '
        f'targetNamespace="urn:t"><xi:include href="file://{secret}" parse="text"/>'
        "</definitions>"
    ).encode()
    model = read_model(data, "xinclude.cmmn")
    from studio.notation import write_model

    assert b"TOPSECRET" not in write_model(model)


def test_deep_nesting_is_refused():
    depth = MAX_DEPTH + 50
    data = (
        f'<definitions xmlns="{CMMN_NS}" targetNamespace="urn:t"><extensionElements>'
        + "<x:a xmlns:x='urn:x'>" * depth
        + "</x:a>" * depth
        + "</extensionElements></definitions>"
    ).encode()
    assert refused(data).code == "xml.too-deep"


def test_very_deep_nesting_beyond_libxml_limit_is_refused():
    depth = 100_000
    data = (f'<definitions xmlns="{CMMN_NS}" targetNamespace="urn:t">' + "<a>" * depth).encode()
    assert refused(data).code == "xml.too-deep"


def test_huge_text_is_refused_by_size():
    data = MINIMAL.replace(
        b'targetNamespace="urn:t">', b'targetNamespace="urn:t">' + b"A" * (MAX_BYTES + 10)
    )
    error = refused(data)
    assert error.code == "xml.too-large"
    assert "limit" in error.message


def test_gzip_bomb_is_refused_without_unpacking():
    bomb = gzip.compress(b"<" + b"A" * 50_000_000)
    error = refused(bomb)
    assert error.code == "xml.compressed"
    assert "gzip" in error.message


PRETTY = MINIMAL.replace(b"><", b">\n  <") + b"\n"


@pytest.mark.parametrize("kept", [0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 0.99])
def test_truncated_file_is_refused_as_truncated(kept):
    cut = PRETTY[: int(len(PRETTY) * kept)]
    error = refused(cut)
    assert error.code == "xml.truncated", error.message
    assert "truncated" in error.message
    # the line where the text stops, or the line of the blanks after it
    assert cut.rstrip().count(b"\n") + 1 <= error.line <= cut.count(b"\n") + 1


def test_a_broken_file_that_is_not_cut_short_is_a_syntax_error():
    error = refused(PRETTY.replace(b"</case>", b"</cas>"))
    assert error.code == "xml.syntax"
    assert "mismatch" in error.message and error.line == 4


def test_huge_text_under_the_size_cap_is_refused_in_words():
    data = MINIMAL.replace(
        b'<case id="c">', b"<documentation>" + b"A" * 12_000_000 + b'</documentation><case id="c">'
    )
    assert len(data) < MAX_BYTES
    error = refused(data)
    assert error.code == "xml.too-large"
    assert "longer than a model file may hold" in error.message
    assert "XML_PARSE_HUGE" not in error.message


def test_huge_attribute_under_the_size_cap_is_refused_in_words():
    data = MINIMAL.replace(b'<case id="c">', b'<case id="c" name="' + b"A" * 12_000_000 + b'">')
    error = refused(data)
    assert error.code == "xml.too-large"
    assert "XML_PARSE_HUGE" not in error.message


def test_not_xml_at_all():
    assert refused(b"this is not xml").code == "xml.syntax"


def test_empty_file():
    assert refused(b"   ").code == "xml.empty"


def test_foreign_root_is_not_a_model():
    error = refused(b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>')
    assert error.code == "xml.not-a-model"
    assert "html" in error.message


def test_doctype_word_in_content_is_fine():
    data = MINIMAL.replace(
        b'<case id="c">', b'<documentation>see &lt;!DOCTYPE html&gt;</documentation><case id="c">'
    )
    assert read_model(data, "ok.cmmn").cases[0].id == "c"


def test_parse_xml_refuses_size_before_parsing():
    with pytest.raises(NotationError) as info:
        parse_xml(b"<a/>" * 10, "small.xml", max_bytes=8)
    assert info.value.code == "xml.too-large"


@pytest.mark.parametrize("collecting", [True, False])
def test_reading_leaves_the_garbage_collector_as_it_was(collecting):
    import gc

    was = gc.isenabled()
    try:
        (gc.enable if collecting else gc.disable)()
        read_model(MINIMAL, "ok.cmmn")
        assert gc.isenabled() is collecting
        with pytest.raises(NotationError):
            read_model(MINIMAL.replace(b'<case id="c">', b'<case id="c" x="1" x="2">'), "x.cmmn")
        deep = MINIMAL.replace(
            b'<case id="c">',
            b"<extensionElements>"
            + b"<a>" * 200
            + b"</a>" * 200
            + b'</extensionElements><case id="c">',
        )
        with pytest.raises(NotationError):
            read_model(deep, "deep.cmmn")  # refused while the typed model is built
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()
