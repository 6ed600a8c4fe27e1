"""A version of a project as a zip: one top folder named after the project key, byte for byte
the same archive at every download."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import datetime

EPOCH = (1980, 1, 1, 0, 0, 0)


def zip_files(files: Mapping[str, bytes], top: str, saved_at: datetime | None = None) -> bytes:
    """A deflated zip of `files` below the folder `top`, entries in path order, every entry
    stamped with `saved_at` (UTC) so the same version always gives the same bytes."""
    stamp = EPOCH if saved_at is None else max(EPOCH, saved_at.timetuple()[:6])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{path}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()
