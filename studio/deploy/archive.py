"""Reading an uploaded zip of a model project, hostile until checked; nothing is written to disk.

Refused, naming the entry: absolute paths, drive letters, backslashes, `.` / `..` / empty path
components, control characters, symbolic links and other special files, encrypted entries,
compression other than stored and deflate (bzip2 and LZMA inflate without a bound per read),
names that collide (also ignoring case, or a file where a folder is needed), more entries than
`max_files`, and an entry or the total above their unpacked caps. The caps are checked on the
sizes the archive declares before anything is unpacked, and again while reading through a
bounded stream, so an archive that lies about its sizes cannot exhaust memory. The entry count
is read from the end-of-central-directory record before the archive is opened at all.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from studio.deploy import DeploymentError

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Caps on an uploaded project: compressed input, files, unpacked bytes, path length."""

    max_input: int = 50 * MB
    max_files: int = 1_000
    max_file: int = 20 * MB
    max_total: int = 100 * MB
    max_path: int = 500


LIMITS = ZipLimits()
CHUNK = 64 * 1024
IGNORED_TOP = "__MACOSX"
"""macOS's resource-fork folder in zips made by the Finder: checked, then left out."""
_DRIVE = re.compile(r"^[A-Za-z]:")
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL_ENTRY_CAP = 4096
"""Bytes of central directory allowed per entry (header, name, extra fields, comment)."""


@dataclass(frozen=True, slots=True)
class Unpacked:
    """The files of an archive by relative path, and the common top folder stripped (if any)."""

    files: dict[str, bytes]
    top: str | None


def read_zip(data: bytes, limits: ZipLimits = LIMITS) -> dict[str, bytes]:
    """The files of a zip by relative path (one common top folder stripped)."""
    return unpack_zip(data, limits).files


def unpack_zip(data: bytes, limits: ZipLimits = LIMITS) -> Unpacked:
    """The files of a zip and its common top folder; raises DeploymentError naming the entry."""
    if len(data) > limits.max_input:
        raise DeploymentError(f"the archive is larger than {_size(limits.max_input)}")
    _check_directory_record(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise DeploymentError(f"not a readable zip archive: {exc}") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_files:
            raise DeploymentError(f"the archive holds more than {limits.max_files} entries")
        wanted = _checked_entries(infos, limits)
        files = {name: _read_entry(archive, info, limits) for name, info in wanted.items()}
    _check_total(files.values(), limits, "unpacks to")
    if not files:
        raise DeploymentError("the archive holds no files")
    return _strip_top(files)


def check_name(name: str, limits: ZipLimits = LIMITS) -> str:
    """A file's relative path, refused (DeploymentError) unless plainly inside the project."""
    if not name:
        raise DeploymentError("an entry has an empty name")
    shown = ascii(name)
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise DeploymentError(f"{shown}: control characters in a file name")
    if "\\" in name:
        raise DeploymentError(f"{shown}: backslash in a file name")
    if name.startswith("/"):
        raise DeploymentError(f"{shown}: absolute path")
    if _DRIVE.match(name):
        raise DeploymentError(f"{shown}: drive letter in a file name")
    if len(name) > limits.max_path:
        raise DeploymentError(f"{shown}: path longer than {limits.max_path} characters")
    for part in name.split("/"):
        if part in ("", ".", ".."):
            raise DeploymentError(f"{shown}: {'..' if part == '..' else 'empty or .'} in the path")
        if len(part.encode("utf-8", "surrogatepass")) > 255:
            raise DeploymentError(f"{shown}: a path component longer than 255 bytes")
    return name


def check_files(files: dict[str, bytes], limits: ZipLimits = LIMITS) -> None:
    """Check the names, count and sizes of a project's files given as a mapping."""
    if len(files) > limits.max_files:
        raise DeploymentError(f"more than {limits.max_files} files")
    for name, content in files.items():
        check_name(name, limits)
        if len(content) > limits.max_file:
            raise DeploymentError(f"{name!a}: larger than {_size(limits.max_file)}")
    _check_total(files.values(), limits, "holds")
    _check_collisions(files)


def _check_directory_record(data: bytes, limits: ZipLimits) -> None:
    """Refuse, before parsing, an archive whose central directory is too big for the limits."""
    at = data.rfind(_EOCD, max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(data):
        return  # zipfile will say the archive is unreadable
    entries, size = struct.unpack_from("<HL", data, at + 10)
    if entries == 0xFFFF or size == 0xFFFFFFFF:
        entries, size = _zip64_directory(data, at)
    if entries > limits.max_files:
        raise DeploymentError(f"the archive holds more than {limits.max_files} entries")
    if size > limits.max_files * _CENTRAL_ENTRY_CAP:
        raise DeploymentError("the archive's central directory is too large")


def _zip64_directory(data: bytes, eocd: int) -> tuple[int, int]:
    locator = eocd - 20
    if locator < 0 or data[locator : locator + 4] != _EOCD64_LOCATOR:
        raise DeploymentError("the archive's end record is damaged")
    (offset,) = struct.unpack_from("<Q", data, locator + 8)
    if offset + 56 > len(data) or data[offset : offset + 4] != _EOCD64:
        raise DeploymentError("the archive's zip64 end record is damaged")
    entries, size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, size


def _checked_entries(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> dict[str, zipfile.ZipInfo]:
    """The file entries to read, by name, after every check that needs no unpacking."""
    wanted: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    declared = 0
    for info in infos:
        raw = info.orig_filename
        if "\x00" in raw:
            raise DeploymentError(f"{raw!a}: NUL in a file name")
        is_dir = raw.endswith("/")
        name = check_name(raw[:-1] if is_dir else raw, limits)
        shown = ascii(name)
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind == stat.S_IFLNK:
            raise DeploymentError(f"{shown}: symbolic link")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise DeploymentError(f"{shown}: not a regular file")
        folded = _folded(name)
        if folded in seen:
            raise DeploymentError(f"{shown}: duplicate entry (names are compared ignoring case)")
        seen.add(folded)
        if info.flag_bits & 0x1:
            raise DeploymentError(f"{shown}: encrypted entry")
        if is_dir or name.split("/")[0] == IGNORED_TOP:
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DeploymentError(
                f"{shown}: compression method {info.compress_type} (only stored and deflate)"
            )
        if info.file_size > limits.max_file:
            raise DeploymentError(f"{shown}: unpacks to more than {_size(limits.max_file)}")
        declared += info.file_size
        if declared > limits.max_total:
            raise DeploymentError(f"the archive unpacks to more than {_size(limits.max_total)}")
        wanted[name] = info
    _check_collisions(wanted)
    return wanted


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits) -> bytes:
    """An entry's bytes, read in chunks and never more than it declared (or the cap)."""
    bound = min(info.file_size, limits.max_file)
    shown = ascii(info.filename)
    buffer = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(min(CHUNK, bound + 1 - len(buffer))):
                buffer += chunk
                if len(buffer) > bound:
                    raise DeploymentError(f"{shown}: unpacks to more than it declares")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise DeploymentError(f"{shown}: damaged entry: {exc}") from None
    except (NotImplementedError, RuntimeError) as exc:
        raise DeploymentError(f"{shown}: cannot be unpacked: {exc}") from None
    if len(buffer) != info.file_size:
        raise DeploymentError(f"{shown}: unpacks to fewer bytes than it declares")
    return bytes(buffer)


def _check_total(contents: Iterable[bytes], limits: ZipLimits, verb: str) -> None:
    if sum(len(c) for c in contents) > limits.max_total:
        raise DeploymentError(f"the project {verb} more than {_size(limits.max_total)}")


def _check_collisions(names: Iterable[str]) -> None:
    """Refuse names equal ignoring case, and a file where another file needs a folder."""
    files: dict[str, str] = {}
    for name in names:
        folded = _folded(name)
        if folded in files:
            raise DeploymentError(f"{name!a}: duplicate of {files[folded]!a}")
        files[folded] = name
    for folded, name in files.items():
        parts = folded.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in files:
                raise DeploymentError(f"{name!a}: {files[folder]!a} is a file")


def _folded(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _strip_top(files: dict[str, bytes]) -> Unpacked:
    """Strip the one folder every file is in (a zip of a folder), if there is one."""
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        (top,) = tops
        return Unpacked({name.split("/", 1)[1]: data for name, data in files.items()}, top)
    return Unpacked(files, None)


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit} bytes"
