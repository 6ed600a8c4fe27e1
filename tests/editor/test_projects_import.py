"""Importing uploads into projects: folder zips, single model files, Flowable and Camunda
exports; hostile archives and XML refused or left out, never silently."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from pathlib import Path

import pytest

from studio.deploy.archive import ZipLimits
from studio.editor.projects import ProjectError
from studio.editor.projects.importing import read_folder, read_upload
from studio.web.runtime import SAMPLES
from tests.conftest import shared_path

CMMN = (
    b'<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">'
    b'<case id="c1"><casePlanModel id="plan"/></case></definitions>'
)
BPMN = (
    b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">'
    b'<process id="p1"/></definitions>'
)
DMN = b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d"/>'
DOCTYPE = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'


def make_zip(*entries: tuple[str | zipfile.ZipInfo, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def skipped(upload) -> dict[str, str]:
    return {s.path: s.reason for s in upload.skipped}


def test_a_zip_of_a_folder_gives_its_files_and_its_folder_as_the_key() -> None:
    data = make_zip(("claims/claim.cmmn", CMMN), ("claims/data/a.json", b"{}"))
    upload = read_upload(data, "export.zip")
    assert upload.files == {"claim.cmmn": CMMN, "data/a.json": b"{}"}
    assert upload.key == "claims" and upload.skipped == [] and upload.renamed == []


def test_a_flat_zip_is_named_after_the_file() -> None:
    upload = read_upload(make_zip(("claim.cmmn", CMMN), ("check.bpmn", BPMN)), "My claims.zip")
    assert sorted(upload.files) == ["check.bpmn", "claim.cmmn"]
    assert upload.key == "My-claims"


def test_a_single_model_file_is_a_project_of_one_file() -> None:
    upload = read_upload(BPMN, "C:\\Users\\ann\\order.bpmn")
    assert upload.files == {"order.bpmn": BPMN} and upload.key == "order"


def test_a_flowable_named_file_is_renamed_after_its_notation() -> None:
    path = shared_path(
        "conformance/cmmn/flowable/PlanFragmentTest.testPlanFragmentsHaveNoRuntimeImpact.cmmn.xml"
    )
    upload = read_upload(path.read_bytes(), path.name)
    target = "PlanFragmentTest.testPlanFragmentsHaveNoRuntimeImpact.cmmn"
    assert list(upload.files) == [target]
    assert [(r.source, r.path) for r in upload.renamed] == [(path.name, target)]
    assert "Flowable" in upload.renamed[0].reason
    assert upload.key == "PlanFragmentTest.testPlanFragmentsHaveNoRuntimeImpact"


def test_flowable_names_in_a_zip_are_renamed_too() -> None:
    upload = read_upload(
        make_zip(("order.bpmn20.xml", BPMN), ("route.dmn.xml", DMN), ("x.bpmn.xml", BPMN)),
        "app.bar",
    )
    assert sorted(upload.files) == ["order.bpmn", "route.dmn", "x.bpmn"]


def test_a_flowable_modeler_app_export_gives_its_xml_models_at_the_top_level() -> None:
    editor_json = b'{"id": "1", "key": "claim", "editorJson": {"childShapes": []}}'
    upload = read_upload(
        make_zip(
            ("Claims app.json", editor_json),
            ("cmmn-models/claim.cmmn", CMMN),
            ("cmmn-models/claim.json", editor_json),
            ("cmmn-models/claim.png", b"\x89PNG\r\n"),
            ("bpmn-models/check.bpmn", BPMN),
            ("decision-table-models/route.dmn", DMN),
            ("decision-table-models/route.json", editor_json),
            ("form-models/claim-form.json", editor_json),
        ),
        "Claims app.zip",
    )
    assert sorted(upload.files) == ["check.bpmn", "claim.cmmn", "route.dmn"]
    assert {r.source: r.path for r in upload.renamed}["cmmn-models/claim.cmmn"] == "claim.cmmn"
    reasons = skipped(upload)
    assert "Flowable app definition" in reasons["Claims app.json"]
    assert "Flowable Modeler's JSON" in reasons["cmmn-models/claim.json"]
    assert "image" in reasons["cmmn-models/claim.png"]
    assert "Flowable form is not supported" in reasons["form-models/claim-form.json"]
    assert upload.key == "Claims-app"


def test_camunda_modeler_files_zipped_keep_their_names_and_forms_are_reported() -> None:
    upload = read_upload(
        make_zip(("order.bpmn", BPMN), ("rules.dmn", DMN), ("start.form", b'{"components": []}')),
        "camunda.zip",
    )
    assert sorted(upload.files) == ["order.bpmn", "rules.dmn"]
    assert "forms are *.form.json" in skipped(upload)["start.form"]


def test_the_notation_decides_the_name_of_a_model_file() -> None:
    upload = read_upload(make_zip(("a.xml", BPMN), ("b.bpmn", CMMN), ("notes.xml", b"<n/>")))
    assert sorted(upload.files) == ["a.bpmn", "b.cmmn"]
    reasons = {r.source: r.reason for r in upload.renamed}
    assert reasons == {
        "a.xml": "an .xml file holding a BPMN model",
        "b.bpmn": "the file holds a CMMN model",
    }
    assert "not a CMMN 1.1, BPMN 2.0 or DMN 1.3 definitions element" in skipped(upload)["notes.xml"]


def test_two_files_that_would_get_one_name_keep_the_first() -> None:
    upload = read_upload(make_zip(("claim.cmmn", CMMN), ("claim.cmmn.xml", CMMN)))
    assert list(upload.files) == ["claim.cmmn"]
    assert "would be named 'claim.cmmn'" in skipped(upload)["claim.cmmn.xml"]


def test_unsafe_or_unreadable_models_are_left_out_with_the_reader_s_reason() -> None:
    upload = read_upload(
        make_zip(
            ("good.cmmn", CMMN),
            ("evil.bpmn", DOCTYPE),
            ("cut.cmmn", CMMN.removesuffix(b"</definitions>")),
        )
    )
    assert list(upload.files) == ["good.cmmn"]
    refused = {s.path: (s.code, s.reason) for s in upload.skipped}
    assert refused["evil.bpmn"][0] == "xml.doctype"
    assert "DOCTYPE" in refused["evil.bpmn"][1]
    assert refused["cut.cmmn"][0] == "xml.truncated"


def test_an_upload_with_nothing_usable_is_refused_saying_why() -> None:
    with pytest.raises(ProjectError, match=re.escape("nothing to import: evil.bpmn: DOCTYPE")):
        read_upload(DOCTYPE, "evil.bpmn")
    with pytest.raises(
        ProjectError, match=re.escape("nothing to import: tool.py: not a model-project")
    ):
        read_upload(make_zip(("tool.py", b"print(1)")))
    with pytest.raises(ProjectError, match="name the uploaded file"):
        read_upload(CMMN)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/evil.cmmn", "'../../etc/evil.cmmn': .. in the path"),
        ("/etc/evil.cmmn", "absolute path"),
        ("C:/evil.cmmn", "drive letter"),
        ("a\\..\\evil.cmmn", "backslash"),
    ],
)
def test_a_zip_with_paths_outside_the_project_is_refused_naming_the_entry(
    name: str, reason: str
) -> None:
    with pytest.raises(ProjectError, match=re.escape(reason)):
        read_upload(make_zip(("ok.cmmn", CMMN), (name, CMMN)), "hostile.zip")


def test_a_zip_with_a_symbolic_link_is_refused() -> None:
    link = zipfile.ZipInfo("claims/passwd.json")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(
        ProjectError, match=re.escape("hostile.zip: 'claims/passwd.json': symbolic link")
    ):
        read_upload(make_zip(("claims/a.cmmn", CMMN), (link, b"/etc/passwd")), "hostile.zip")


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    limits = ZipLimits(max_file=1024 * 1024, max_total=2 * 1024 * 1024)
    bomb = make_zip(("data.json", b"0" * (3 * 1024 * 1024)))
    assert len(bomb) < 10_000
    with pytest.raises(ProjectError, match=re.escape("'data.json': unpacks to more than 1 MB")):
        read_upload(bomb, "bomb.zip", limits)


def test_too_many_entries_are_refused() -> None:
    entries = [(f"d{n}.json", b"{}") for n in range(6)]
    with pytest.raises(ProjectError, match="more than 5 entries"):
        read_upload(make_zip(*entries), "many.zip", ZipLimits(max_files=5))


def test_not_a_zip_is_refused_when_named_like_one() -> None:
    with pytest.raises(ProjectError, match=re.escape("broken.zip: not a readable zip archive")):
        read_upload(b"PK\x03\x04 not really", "broken.zip")


def test_a_sample_library_folder_imports_its_project_files_and_lists_the_rest() -> None:
    upload = read_folder(SAMPLES / "invoice-processing")
    assert upload.key == "invoice-processing"
    assert {"disputed-invoice.cmmn", "invoice-processing.bpmn", "README.md"} <= set(upload.files)
    assert "generate_data.py" in skipped(upload)
    assert skipped(upload)["invoice-processing.svg"] == "an image is not part of a model project"


def test_a_folder_s_symbolic_links_and_hidden_folders_are_left_out(tmp_path: Path) -> None:
    (tmp_path / "claim.cmmn").write_bytes(CMMN)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.json").write_text("{}")
    (tmp_path / "secret.json").symlink_to("/etc/hostname")
    upload = read_folder(tmp_path)
    assert list(upload.files) == ["claim.cmmn"]
    assert set(skipped(upload)) == {".git/", "secret.json"}
