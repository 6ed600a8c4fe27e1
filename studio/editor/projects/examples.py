"""The sample library as projects: what an empty install offers to open, edit and deploy."""

from __future__ import annotations

import logging
from pathlib import Path

from studio.editor.projects.errors import DuplicateKey, ProjectError
from studio.editor.projects.importing import read_folder
from studio.editor.projects.store import ProjectStore

AUTHOR = "studio (examples)"
MESSAGE = "Imported from the sample library"


def import_examples(store: ProjectStore, folder: Path) -> list[str]:
    """Import every project folder of `folder` (the sample library) as a project with one
    version, named after its README's title; the keys of those imported. A project whose key
    exists already (imported before, or by another process at the same moment) is left as it is."""
    imported: list[str] = []
    if not folder.is_dir():
        return imported
    for source in sorted(p for p in folder.iterdir() if p.is_dir()):
        try:
            upload = read_folder(source, store.limits)
            key = upload.key or source.name
            if store.by_key(key) is not None:
                continue
            store.create(key, _title(upload.files), AUTHOR, upload.files, MESSAGE)
        except DuplicateKey:  # another process imported it meanwhile: there is one copy
            continue
        except ProjectError as exc:  # an example that does not import must not stop the server
            logging.getLogger(__name__).warning("example %s not imported: %s", source.name, exc)
            continue
        imported.append(key)
    return imported


def _title(files: dict[str, bytes]) -> str | None:
    """The first `# heading` of the README, if there is one."""
    readme = next((data for path, data in files.items() if path.lower() == "readme.md"), None)
    if readme is None:
        return None
    for line in readme.decode("utf-8", "replace").splitlines():
        if line.startswith("# "):
            return line[2:].strip()[:200] or None
    return None
