"""Zip uploads with path traversal, links, too many entries and bombs, through every upload
entry (deploy, import a project, import a version, the import pages): refused naming the entry
and the reason, before anything is written."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from functools import cache

import pytest

from tests.attack.conftest import (
    PROJECTS,
    admin,
    case_model,
    csrf_token,
    error_of,
    log_in,
    stored,
    token,
    upload,
)

MB = 1024 * 1024
GOOD = ("p/attack.cmmn", case_model())


def archive(entries: list[tuple]) -> bytes:
    """A zip of (name, data[, external attributes]) entries, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data, *attributes in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if attributes:
                info.external_attr = attributes[0]
            zipped.writestr(info, data)
    return buffer.getvalue()


def lying_about_size(data: bytes, name: bytes, size: int) -> bytes:
    """The zip with `name`'s uncompressed size rewritten to `size` in both of its headers."""
    out = bytearray(data)
    for magic, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                    (b"PK\x01\x02", 24, 28, 46)):  # fmt: skip
        at = out.find(magic)
        while at != -1:
            length = struct.unpack_from("<H", out, at + name_length_at)[0]
            if out[at + name_at : at + name_at + length] == name:
                struct.pack_into("<I", out, at + size_at, size)
            at = out.find(magic, at + 4)
    return bytes(out)


@cache
def hostile() -> dict[str, tuple[bytes, str]]:
    """name -> (the zip, the refusal's words)."""
    link = (stat.S_IFLNK | 0o777) << 16
    bomb = archive([GOOD, ("p/data.json", b"0" * (21 * MB))])
    return {
        "parent folder": (archive([GOOD, ("p/../../evil.json", b"{}")]),
                          "'p/../../evil.json': .. in the path"),
        "absolute path": (archive([GOOD, ("/etc/cron.d/evil.json", b"{}")]),
                          "'/etc/cron.d/evil.json': absolute path"),
        "backslashes": (archive([GOOD, ("p\\..\\..\\evil.json", b"{}")]),
                        "backslash in a file name"),
        "drive letter": (archive([GOOD, ("C:/evil.json", b"{}")]),
                         "'C:/evil.json': drive letter in a file name"),
        "symbolic link": (archive([GOOD, ("p/link.json", b"/etc/passwd", link)]),
                          "'p/link.json': symbolic link"),
        "too many files": (archive([GOOD, *((f"p/f{i}.json", b"{}") for i in range(1001))]),
                           "more than 1000 entries"),
        "one-file bomb": (bomb, "'p/data.json': unpacks to more than 20 MB"),
        "many-file bomb": (archive([GOOD, *((f"p/d{i}.json", b" " * (19 * MB)) for i in range(6))]),
                           "more than 100 MB"),
        "size in the headers lies": (lying_about_size(bomb, b"p/data.json", 1000),
                                     "'p/data.json': damaged entry"),
        "duplicate entries": (archive([GOOD, ("p/ATTACK.cmmn", b"<x/>")]), "duplicate entry"),
        "long path": (archive([GOOD, ("p/" + "a" * 600 + ".json", b"{}")]), "long"),
        "not a zip": (b"PK\x03\x04" + b"\x00" * 100, "zip"),
    }  # fmt: skip


def test_deploying_a_hostile_zip(app, client) -> None:
    before = stored(app)
    for name, (data, words) in hostile().items():
        done = client.post("/api/v1/deployments", headers=admin(client), data=upload(data))
        assert done.status_code == 422, name
        error = error_of(done)
        assert error["code"] == "invalid-project" and words in error["message"], (name, error)
    assert stored(app) == before


def test_importing_a_hostile_zip_as_a_project_or_a_version(app, client) -> None:
    ann = token(client, "ann")
    project = client.post(PROJECTS, headers=ann, json={"key": "good", "files": {
        "attack.cmmn": case_model().decode()}}).get_json()["id"]  # fmt: skip
    before = stored(app)
    for name, (data, words) in hostile().items():
        for url in (f"{PROJECTS}/import", f"{PROJECTS}/{project}/import?base=1"):
            done = client.post(url, headers=ann, data=upload(data, "evil.zip"))
            assert done.status_code == 422, (name, url)
            message = error_of(done)["message"]
            assert message.startswith("evil.zip: ") and words in message, (name, message)
    assert stored(app) == before


@pytest.mark.parametrize("kind", ["parent folder", "symbolic link", "one-file bomb"])
def test_the_import_pages_refuse_a_hostile_zip_in_words(app, client, kind) -> None:
    log_in(client, "ann")
    project = client.post(PROJECTS, headers=token(client, "ann"), json={"key": "good", "files": {
        "attack.cmmn": case_model().decode()}}).get_json()["id"]  # fmt: skip
    before = stored(app)
    data, words = hostile()[kind]
    for url in ("/projects/import", f"/projects/{project}/import"):
        page = client.get(f"/projects/{project}").get_data(as_text=True)
        done = client.post(url, data={"csrf_token": csrf_token(page),
                                      "file": (io.BytesIO(data), "evil.zip")})  # fmt: skip
        assert done.status_code == 422, url
        text = done.get_data(as_text=True)
        assert "evil.zip" in text and "Traceback" not in text, url
        assert words.replace("'", "&#39;") in text or words in text, (url, text[-800:])
    assert stored(app) == before


def test_file_paths_in_addresses_and_saves_never_leave_the_project(app, client) -> None:
    ann = token(client, "ann")
    project = client.post(PROJECTS, headers=ann, json={"key": "good", "files": {
        "attack.cmmn": case_model().decode()}}).get_json()["id"]  # fmt: skip
    deployed = client.post(
        f"{PROJECTS}/{project}/versions/1/deploy", headers=admin(client), json={}
    )
    ident = deployed.get_json()["deployment"]["id"]
    for path in ["../../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd",
                 "attack.cmmn/../../secret_key", "../../secret_key"]:  # fmt: skip
        for url in (f"{PROJECTS}/{project}/versions/1/files/{path}",
                    f"/deployments/{ident}/files/{path}"):  # fmt: skip
            done = client.get(url, headers=admin(client))
            assert done.status_code == 404, url
            assert "root:" not in done.get_data(as_text=True)
    before = stored(app)
    for path, words in [("../evil.json", ".. in the path"), ("/abs.json", "absolute path"),
                        ("a\\b.json", "backslash"), ("C:/x.json", "drive letter")]:  # fmt: skip
        saved = client.post(f"{PROJECTS}/{project}/versions", headers=ann,
                            json={"base": 1, "files": {path: "{}"}})  # fmt: skip
        assert saved.status_code == 422 and words in error_of(saved)["message"], path
        checked = client.post(f"{PROJECTS}/{project}/validate", headers=ann,
                              json={"files": {path: "{}"}})  # fmt: skip
        assert checked.status_code == 422 and words in error_of(checked)["message"], path
    assert stored(app) == before
