"""The migration dry run in the admin's language: why an item cannot move, and the items'
states, in French for `Accept-Language: fr`; the English answer is as before. Every template of
`studio/deploy/case_migration.py` has a French translation with the same placeholders."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from babel.messages.pofile import read_po

from tests.web.conftest import admin
from tests.web.test_migrate_family import deploy, project, started_case

ROOT = Path(__file__).resolve().parents[2]
MIGRATION = ROOT / "studio" / "deploy" / "case_migration.py"
FRENCH = ROOT / "studio" / "web" / "translations" / "fr" / "LC_MESSAGES"


def templates() -> set[str]:
    """The literal `text(...)` templates of the migration planner."""
    return {
        node.args[0].value
        for node in ast.walk(ast.parse(MIGRATION.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "text"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def fields(template: str) -> set[tuple[str, str | None]]:
    return {
        (name, conversion) for _, name, _, conversion in string.Formatter().parse(template) if name
    }


def french() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in ("admin.po", "engine.po"):
        with (FRENCH / name).open("rb") as stream:
            found |= {m.id: m.string for m in read_po(stream) if m.id and m.string and not m.fuzzy}
    return found


def test_every_migration_template_has_a_french_translation_with_the_same_placeholders():
    found, translated = templates(), french()
    assert {"no longer in the model", "moved from {old} to {new}"} <= found
    missing = sorted(t for t in found if t not in translated)
    assert not missing, f"no French for {missing}"
    for template in found:
        assert fields(translated[template]) == fields(template), template


def test_the_dry_run_says_why_an_item_cannot_move_in_french_for_a_french_admin(client) -> None:
    deploy(client, project())
    case_id, _ = started_case(client)
    renamed = deploy(client, project(('"manual"', '"manual_review"')))
    url = f"/api/v1/cases/{case_id}/migrate"
    body = {"deployment": renamed, "dry_run": True}

    def manual(headers: dict[str, str]) -> dict:
        dry = client.post(url, json=body, headers=headers).get_json()
        (process,) = dry["started"]
        return {i["item"]: i for i in process["items"]}["manual"]

    english = manual(admin(client))
    assert (english["state_word"], english["reason"]) == ("active", "no longer in the model")
    in_french = manual({**admin(client), "Accept-Language": "fr"})
    assert (in_french["state_word"], in_french["reason"]) == (
        "en cours",
        "n\u2019est plus dans le modèle",
    )
    assert (in_french["status"], in_french["state"]) == ("unmapped", "active")  # codes stay
