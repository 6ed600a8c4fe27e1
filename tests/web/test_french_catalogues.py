"""The French catalogues agree: one English string, one French translation, in every area.

`make translations` merges every `.po` of a language into one `messages.mo`, keeping the first
translation of a string; a catalogue that words a string differently is silently overruled, and
the same state would read differently depending on which file a translator last looked at.
The words of the states come from the case worker's pages (`casework.po`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from studio.runtime.engine.wording import STATES

FRENCH = Path(__file__).resolve().parents[2] / "studio" / "web" / "translations" / "fr"
CATALOGUES = sorted((FRENCH / "LC_MESSAGES").glob("*.po"))


def translations(po: Path) -> dict[str, str]:
    """Singular msgid -> msgstr of one catalogue, translated entries only; an entry with a
    context (msgctxt) is its own string, keyed "context\x04msgid" as gettext does."""
    with po.open("rb") as stream:
        return {
            (f"{m.context}\x04{m.id}" if m.context else m.id): m.string
            for m in read_po(stream)
            if isinstance(m.id, str) and m.id and m.string and not m.fuzzy
        }


def every_catalogue() -> dict[str, dict[str, str]]:
    return {po.name: translations(po) for po in CATALOGUES}


def test_the_areas_catalogues_are_all_read():
    assert {"casework.po", "testing.po", "engine.po"} <= {po.name for po in CATALOGUES}


@pytest.mark.parametrize("state", sorted(set(STATES) - {"absent"}))
def test_a_state_reads_as_the_case_workers_pages_word_in_every_catalogue(state):
    catalogues = every_catalogue()
    word = catalogues["casework.po"][state]
    others = {name: found[state] for name, found in catalogues.items() if state in found}
    assert others == dict.fromkeys(others, word)


def test_a_string_in_several_catalogues_has_one_translation():
    seen: dict[str, dict[str, str]] = {}
    for name, found in every_catalogue().items():
        for english, french in found.items():
            seen.setdefault(english, {})[name] = french
    disagreeing = {e: by for e, by in seen.items() if len(set(by.values())) > 1}
    assert disagreeing == {}
