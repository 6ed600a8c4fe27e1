"""Zip uploads are hostile until checked: every refusal names the entry and unpacks nothing."""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile

import pytest

from studio.deploy import DeploymentError
from studio.deploy.archive import ZipLimits, check_files, read_zip, unpack_zip

MODEL = b"<definitions/>"


def make_zip(*entries: tuple[str | zipfile.ZipInfo, bytes], method: int = zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are what some tests want
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def refused(data: bytes, *words: str, limits: ZipLimits | None = None) -> str:
    with pytest.raises(DeploymentError) as caught:
        read_zip(data, limits) if limits else read_zip(data)
    for word in words:
        assert word in caught.value.message
    assert caught.value.problems == []
    return caught.value.message


def test_a_zip_of_a_folder_loses_its_top_folder():
    data = make_zip(
        ("claims/", b""),
        ("claims/claim.cmmn", MODEL),
        ("claims/data/sample.json", b"{}"),
        ("__MACOSX/claims/._claim.cmmn", b"junk"),
    )
    unpacked = unpack_zip(data)
    assert unpacked.top == "claims"
    assert unpacked.files == {"claim.cmmn": MODEL, "data/sample.json": b"{}"}


def test_a_flat_zip_keeps_its_names():
    unpacked = unpack_zip(make_zip(("a.cmmn", MODEL), ("b/c.json", b"[]")))
    assert unpacked.top is None
    assert set(unpacked.files) == {"a.cmmn", "b/c.json"}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.cmmn", ".."),
        ("project/../../evil.cmmn", ".."),
        ("/etc/passwd", "absolute"),
        ("C:/windows/evil.cmmn", "drive letter"),
        ("project\\..\\evil.cmmn", "backslash"),
        ("project//evil.cmmn", "empty"),
        ("project/./evil.cmmn", "empty or ."),
        ("bad\x07name.cmmn", "control"),
    ],
)
def test_paths_outside_the_project_are_refused(name, reason):
    message = refused(make_zip(("ok.cmmn", MODEL), (name, b"x")), reason)
    assert ascii(name.rstrip("/")) in message or ascii(name) in message


def test_a_symbolic_link_is_refused():
    link = zipfile.ZipInfo("project/passwd")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    refused(make_zip(("project/a.cmmn", MODEL), (link, b"/etc/passwd")), "symbolic link", "passwd")


def test_a_device_file_is_refused():
    device = zipfile.ZipInfo("dev")
    device.create_system = 3
    device.external_attr = (stat.S_IFCHR | 0o666) << 16
    refused(make_zip((device, b"")), "not a regular file")


def test_too_many_files_are_refused():
    data = make_zip(*((f"m{i}.json", b"{}") for i in range(5)))
    refused(data, "more than 4 entries", limits=ZipLimits(max_files=4))


def test_the_entry_count_is_read_before_the_directory_is_parsed():
    data = bytearray(make_zip(("a.json", b"{}")))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)  # entries on this disk, in total
    refused(bytes(data), "more than 1000 entries")


def test_the_entry_count_of_a_zip64_archive_is_read_too(monkeypatch):
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 0)  # write the zip64 end records
    data = make_zip(*((f"p/m{i}.json", b"{}") for i in range(3)))
    monkeypatch.undo()
    assert b"PK\x06\x06" in data
    assert len(read_zip(data)) == 3
    refused(data, "more than 2 entries", limits=ZipLimits(max_files=2))


def test_a_bomb_by_declared_size_is_refused_before_unpacking():
    data = make_zip(("bomb.json", b"\0" * (2 * 1024 * 1024)))
    assert len(data) < 10_000  # tiny on the wire
    refused(data, "bomb.json", "more than 1 MB", limits=ZipLimits(max_file=1024 * 1024))


def test_the_total_declared_size_is_capped():
    data = make_zip(*((f"part{i}.json", b"\0" * 400_000) for i in range(3)))
    refused(data, "more than 1 MB", limits=ZipLimits(max_total=1024 * 1024))


def test_a_bomb_that_lies_about_its_size_cannot_unpack_more_than_declared():
    data = bytearray(make_zip(("liar.json", b"\0" * (5 * 1024 * 1024))))
    # declare 100 bytes in the local header and the central directory
    struct.pack_into("<L", data, 22, 100)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<L", data, central + 24, 100)
    refused(bytes(data), "liar.json")


def test_an_entry_shorter_than_declared_is_refused():
    data = bytearray(make_zip(("short.json", b"{}" * 10), method=zipfile.ZIP_STORED))
    struct.pack_into("<L", data, 22, 30)
    struct.pack_into("<L", data, data.find(b"PK\x01\x02") + 24, 30)
    refused(bytes(data), "short.json")


def test_duplicate_names_are_refused():
    refused(make_zip(("a.cmmn", MODEL), ("a.cmmn", MODEL)), "duplicate", "a.cmmn")


def test_names_equal_ignoring_case_are_duplicates():
    refused(make_zip(("Claim.cmmn", MODEL), ("claim.cmmn", MODEL)), "duplicate")


def test_a_file_where_a_folder_is_needed_is_refused():
    refused(make_zip(("data", b"x"), ("data/a.json", b"{}")), "'data' is a file")


def test_encrypted_entries_are_refused():
    data = bytearray(make_zip(("secret.cmmn", MODEL), method=zipfile.ZIP_STORED))
    # the "encrypted" flag bit in the local header and the central directory
    struct.pack_into("<H", data, 6, 0x1)
    struct.pack_into("<H", data, data.find(b"PK\x01\x02") + 8, 0x1)
    refused(bytes(data), "encrypted", "secret.cmmn")


def test_compression_without_a_bound_per_read_is_refused():
    refused(make_zip(("a.cmmn", MODEL), method=zipfile.ZIP_BZIP2), "compression method 12")


def test_the_compressed_input_is_capped():
    refused(make_zip(("a.cmmn", MODEL)), "larger than 10 bytes", limits=ZipLimits(max_input=10))


def test_not_a_zip_and_an_empty_zip_are_refused():
    refused(b"plain text", "not a readable zip")
    refused(make_zip(("folder/", b"")), "no files")


def test_files_given_by_name_pass_the_same_checks():
    check_files({"a.cmmn": MODEL, "data/b.json": b"{}"})
    for bad in ("../a.cmmn", "/a.cmmn", "a\\b.cmmn"):
        with pytest.raises(DeploymentError):
            check_files({bad: MODEL})
    with pytest.raises(DeploymentError, match="more than 1 files"):
        check_files({"a.cmmn": MODEL, "b.cmmn": MODEL}, ZipLimits(max_files=1))
    with pytest.raises(DeploymentError, match="larger than"):
        check_files({"a.cmmn": b"x" * 11}, ZipLimits(max_file=10))
