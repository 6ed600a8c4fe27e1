"""Hostile model files through every HTTP entry that takes one: project import (zip and single
file, new project and new version), project creation and saved versions, live validation,
deployment (zip upload and project version) and the import page. Each is refused with words
naming the file and the reason, and nothing is stored."""

from __future__ import annotations

import gzip
import io
import zipfile
from functools import cache

import pytest

from tests.attack.conftest import (
    PROJECTS,
    admin,
    case_model,
    error_of,
    log_in,
    project_zip,
    stored,
    token,
    upload,
)

NS = 'xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="d" targetNamespace="t"'
SECRET_FILE = "/etc/passwd"
SECRET_TEXT = "root:x:0:0"


@cache
def hostile() -> dict[str, tuple[bytes, str]]:
    """name -> (model bytes, the refusal code)."""
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    deep = "<a>" * 5_000 + "</a>" * 5_000
    return {
        "external entity": (
            f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file://{SECRET_FILE}">]>\n'
            f'<definitions {NS}><case id="C" name="&x;"/></definitions>'.encode(), "xml.doctype"),
        "billion laughs": (
            f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY l0 "ha">{laughs}]>\n'
            f'<definitions {NS}><case id="C" name="&l9;"/></definitions>'.encode(), "xml.doctype"),
        "external DTD in UTF-16": (
            f'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE d SYSTEM "http://127.0.0.1:9/x.dtd">'
            f"\n<definitions {NS}/>".encode("utf-16"), "xml.doctype"),
        "deep nesting": (f"<definitions {NS}>{deep}</definitions>".encode(), "xml.too-deep"),
        "huge text": (
            f"<definitions {NS}><documentation>{'A' * (17 * 1024 * 1024)}</documentation>"
            "</definitions>".encode(), "xml.too-large"),
        "gzip bomb": (gzip.compress(b"<a>" + b" " * (30 * 1024 * 1024)), "xml.compressed"),
        "zip in disguise": (project_zip({"x.cmmn": b" " * (10 * 1024 * 1024)}), "xml.compressed"),
    }  # fmt: skip


REASONS = {"xml.doctype": "DOCTYPE", "xml.too-deep": "nested too deeply",
           "xml.too-large": "limit", "xml.compressed": "compressed", "xml.truncated": "truncated"}  # fmt: skip


def as_text() -> dict[str, tuple[str, str]]:
    """The hostile models that are UTF-8 text (what a JSON body can carry as a file's content)."""
    found = {}
    for name, (data, code) in hostile().items():
        try:
            found[name] = (data.decode("utf-8"), code)
        except UnicodeDecodeError:
            continue
    return found


def assert_named(message: str, code: str, file: str = "bad.cmmn") -> None:
    assert file in message and REASONS[code] in message, message
    assert "/tmp" not in message and SECRET_TEXT not in message, message


@pytest.fixture
def ann(client) -> dict:
    return token(client, "ann")


@pytest.fixture
def project(client, ann) -> int:
    done = client.post(PROJECTS, headers=ann, json={"key": "good", "files": {
        "attack.cmmn": case_model().decode()}})  # fmt: skip
    assert done.status_code == 201, done.get_json()
    return done.get_json()["id"]


def test_importing_a_hostile_model_as_a_new_project(app, client, ann) -> None:
    before = stored(app)
    for name, (data, code) in hostile().items():
        in_zip = client.post(f"{PROJECTS}/import", headers=ann,
                             data=upload(project_zip({"bad.cmmn": data}), "bad.zip"))  # fmt: skip
        assert in_zip.status_code == 422, name
        assert_named(error_of(in_zip)["message"], code)
        alone = client.post(f"{PROJECTS}/import?filename=bad.cmmn", headers=ann, data=data)
        assert alone.status_code == 422, name
        if name == "zip in disguise":  # a zip is read as the zip it is, whatever its name
            assert error_of(alone)["message"] == "nothing to import: x.cmmn: the file is empty"
        else:
            assert_named(error_of(alone)["message"], code)
    assert stored(app) == before


def test_a_hostile_model_beside_good_ones_is_left_out_with_its_reason(client, ann) -> None:
    data, _ = hostile()["external entity"]
    done = client.post(f"{PROJECTS}/import", headers=ann, data=upload(
        project_zip({"good.cmmn": case_model(), "bad.cmmn": data}), "mixed.zip"))  # fmt: skip
    assert done.status_code == 201, done.get_json()
    answer = done.get_json()
    assert answer["imported"] == ["good.cmmn"]
    [skipped] = answer["skipped"]
    assert skipped["path"] == "bad.cmmn" and "DOCTYPE" in skipped["reason"]
    files = client.get(f"{PROJECTS}/{answer['project']['id']}/versions/1", headers=ann).get_json()
    assert [f["path"] for f in files["files"]] == ["good.cmmn"]


def test_creating_saving_and_reimporting_a_hostile_model(app, client, ann, project) -> None:
    before = stored(app)
    for name, (text, code) in as_text().items():
        created = client.post(
            PROJECTS, headers=ann, json={"key": "evil", "files": {"bad.cmmn": text}}
        )
        assert created.status_code == 422, name
        assert_named(error_of(created)["message"], code)
        saved = client.post(f"{PROJECTS}/{project}/versions", headers=ann,
                            json={"base": 1, "files": {"bad.cmmn": text}})  # fmt: skip
        assert saved.status_code == 422, name
        assert_named(error_of(saved)["message"], code)
        again = client.post(f"{PROJECTS}/{project}/import?base=1", headers=ann,
                            data=upload(project_zip({"bad.cmmn": text.encode()}), "bad.zip"))  # fmt: skip
        assert again.status_code == 422, name
        assert_named(error_of(again)["message"], code)
    assert stored(app) == before


def test_live_validation_names_the_hostile_file_as_an_error(client, ann, project) -> None:
    for name, (text, code) in as_text().items():
        done = client.post(f"{PROJECTS}/{project}/validate", headers=ann,
                           json={"files": {"bad.cmmn": text}})  # fmt: skip
        assert done.status_code == 200, name
        report = done.get_json()
        [problem] = next(f["problems"] for f in report["files"] if f["file"] == "bad.cmmn")
        assert problem["severity"] == "error" and problem["code"] == code, (name, problem)
        assert_named(problem["message"], code)


def test_deploying_a_hostile_model(app, client) -> None:
    before = stored(app)
    for name, (data, code) in hostile().items():
        files = {"attack.cmmn": case_model(), "bad.cmmn": data}
        done = client.post("/api/v1/deployments", headers=admin(client),
                           data=upload(project_zip(files), "attack.zip"))  # fmt: skip
        assert done.status_code == 422, name
        error = error_of(done)
        assert error["code"] == "invalid-project"
        [problem] = error["details"]["problems"]
        assert problem["file"] == "bad.cmmn" and problem["code"] == code, (name, problem)
        assert_named(problem["message"], code)
    assert stored(app) == before


def test_a_truncated_model_is_kept_as_work_in_progress_but_never_deployed(app, client, ann,
                                                                           project) -> None:  # fmt: skip
    whole = case_model()
    cut = whole[: whole.index(b"<planItem")].decode()
    imported = client.post(f"{PROJECTS}/import?filename=cut.cmmn", headers=ann, data=cut.encode())
    assert imported.status_code == 422
    assert_named(error_of(imported)["message"], "xml.truncated", "cut.cmmn")
    saved = client.post(f"{PROJECTS}/{project}/versions", headers=ann,
                        json={"base": 1, "files": {"attack.cmmn": cut}})  # fmt: skip
    assert saved.status_code == 201
    deployments = app.extensions["studio"].deployments.list()
    done = client.post(f"{PROJECTS}/{project}/versions/2/deploy", headers=admin(client), json={})
    assert done.status_code == 422
    [problem] = error_of(done)["details"]["problems"]
    assert problem["code"] == "xml.truncated" and "attack.cmmn" in problem["message"]
    assert app.extensions["studio"].deployments.list() == deployments


def test_xinclude_is_never_processed(client, ann) -> None:
    model = case_model().replace(
        b"<case ", b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        b'href="file:///etc/passwd" parse="text"/>\n  <case ', 1)  # fmt: skip
    done = client.post(f"{PROJECTS}/import?filename=xi.cmmn", headers=ann, data=model)
    assert done.status_code == 201, done.get_json()
    pid = done.get_json()["project"]["id"]
    text = client.get(f"{PROJECTS}/{pid}/versions/1/files/xi.cmmn", headers=ann).get_data(True)
    assert SECRET_TEXT not in text
    deployed = client.post(f"{PROJECTS}/{pid}/versions/1/deploy", headers=admin(client), json={})
    assert SECRET_TEXT not in deployed.get_data(as_text=True)


def test_the_import_page_refuses_a_hostile_model_in_words(app, client) -> None:
    log_in(client, "ann")
    page = client.get("/projects").get_data(as_text=True)
    from tests.attack.conftest import csrf_token

    data, _ = hostile()["external entity"]
    done = client.post("/projects/import", data={"csrf_token": csrf_token(page),
                       "file": (io.BytesIO(data), "bad.cmmn")})  # fmt: skip
    assert done.status_code == 422
    text = done.get_data(as_text=True)
    assert "Nothing was imported" in text and "DOCTYPE" in text and "Traceback" not in text
    assert app.extensions["studio"].projects.list(True) == []


def test_a_zip_of_hostile_models_only_never_unpacks_them(client, ann) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (data, _) in enumerate(list(hostile().values())[:3]):
            archive.writestr(f"p/bad{index}.cmmn", data)
    done = client.post(f"{PROJECTS}/import", headers=ann, data=upload(buffer.getvalue(), "p.zip"))
    assert done.status_code == 422
    assert error_of(done)["message"].startswith("nothing to import: bad0.cmmn: ")
