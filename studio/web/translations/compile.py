"""Compile each language's catalogues into the one `messages.mo` Flask-Babel reads.

A language folder may hold several `.po` files (`messages.po` and one per area of the studio,
e.g. `worklist.po`), so that people working on different pages do not edit the same file; they
are merged here, in name order (a string translated twice keeps the first translation).
Run by `make translations`: `python studio/web/translations/compile.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

HERE = Path(__file__).resolve().parent


def compile_language(folder: Path) -> tuple[int, int]:
    """Merge `folder/*.po` into `folder/messages.mo`; (strings, translated)."""
    merged: Catalog | None = None
    for po in sorted(folder.glob("*.po"), key=lambda p: (p.name != "messages.po", p.name)):
        with po.open("rb") as stream:
            catalog = read_po(stream)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id and merged.get(message.id, message.context) is None:
                merged[message.id] = message  # keyed by id and context (msgctxt)
    if merged is None:
        return 0, 0
    with (folder / "messages.mo").open("wb") as stream:
        write_mo(stream, merged)
    strings = [m for m in merged if m.id]
    return len(strings), sum(1 for m in strings if m.string)


def main() -> int:
    for folder in sorted(HERE.glob("*/LC_MESSAGES")):
        strings, translated = compile_language(folder)
        print(f"{folder.parent.name}: {translated} of {strings} strings translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
