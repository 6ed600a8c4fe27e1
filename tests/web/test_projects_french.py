"""The project store's and the import's refusals and reasons in French on French pages.

Every template `studio/editor/projects` words a message with (a `text("...")` call) has a French
translation with the same placeholders in `studio/web/translations/fr/LC_MESSAGES/projects.po`;
the REST API answers an import, a save or a lookup it refuses in French for
`Accept-Language: fr`, and in the same English as before without it.
"""

from __future__ import annotations

import ast
import io
import string
import zipfile
from pathlib import Path

from babel.messages.pofile import read_po

from tests.web.conftest import token

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = ROOT / "studio" / "editor" / "projects"
CATALOGUE = ROOT / "studio" / "web" / "translations" / "fr" / "LC_MESSAGES" / "projects.po"
API = "/api/v1/projects"


def templates() -> dict[str, str]:
    """Template -> the file that uses it, for every literal `text(...)` template of the store."""
    found: dict[str, str] = {}
    for path in sorted(PROJECTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            called = node.func
            name = getattr(called, "id", None) or getattr(called, "attr", None)
            argument = node.args[0]
            if name == "text" and isinstance(argument, ast.Constant):
                found.setdefault(argument.value, path.name)
    return found


def fields(template: str) -> set[tuple[str, str | None, str]]:
    """The placeholders of a template: name, conversion (`!a` keeps a file name escaped), format."""
    return {(n, conv, spec or "") for _, n, spec, conv in string.Formatter().parse(template) if n}


def french_catalogue() -> dict[str, str]:
    with CATALOGUE.open("rb") as stream:
        return {m.id: m.string for m in read_po(stream) if m.id and not m.fuzzy}


def test_the_scan_finds_the_import_and_store_refusals():
    found = templates()
    assert len(found) >= 45
    assert found["nothing to import: the upload holds no files"] == "importing.py"
    assert found["{path!a}: larger than {size}"] == "files.py"
    assert found["a project name cannot be blank"] == "store.py"


def test_every_project_template_has_a_french_translation_with_the_same_placeholders():
    french = french_catalogue()
    missing = sorted(t for t in templates() if not french.get(t))
    assert not missing, f"no French for {missing} in {CATALOGUE.name}"
    for template in templates():
        assert fields(french[template]) == fields(template), template
        assert french[template].format(**dict.fromkeys({f[0] for f in fields(template)}, 1))


def upload(client, headers, data: bytes, name: str):
    return client.post(f"{API}/import", headers=headers, data={"file": (io.BytesIO(data), name)})


def test_an_import_with_nothing_usable_is_refused_in_french_for_a_french_caller(client):
    ann = token(client, "ann")
    english = upload(client, ann, b"<definitions", "claim.cmmn")
    french = upload(client, {**ann, "Accept-Language": "fr"}, b"<definitions", "claim.cmmn")
    assert english.status_code == french.status_code == 422
    said = english.get_json()["error"]["message"]
    assert said.startswith(
        "nothing to import: claim.cmmn: the file ends before the XML does (truncated?): "
    )
    assert french.get_json()["error"]["message"].startswith(
        "rien à importer : claim.cmmn : le fichier s\u2019arrête avant la fin du XML (tronqué ?) : "
    )
    assert client.get(API, headers=ann).get_json()["projects"] == []


def test_an_unnamed_upload_and_a_blank_name_are_refused_in_french(client):
    french = {**token(client, "ann"), "Accept-Language": "fr"}
    unnamed = client.post(f"{API}/import", headers=french, data=b"<definitions/>")
    assert unnamed.get_json()["error"]["message"] == (
        "nommez le fichier envoyé (un fichier .zip, .cmmn, .bpmn ou .dmn)"
    )
    blank = client.post(API, headers=french, json={"key": "claims", "name": " "})
    assert blank.get_json()["error"]["message"] == "un nom de projet ne peut pas être vide"
    assert client.get(f"{API}/999", headers=french).get_json()["error"]["message"] == (
        "aucun projet 999"
    )


def test_the_import_report_says_in_french_why_a_file_was_left_out(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("claims/notes.json", b"{}")
        archive.writestr("claims/logo.png", b"\x89PNG")
    ann = token(client, "ann")
    french = upload(client, {**ann, "Accept-Language": "fr"}, buffer.getvalue(), "claims.zip")
    assert french.status_code == 201, french.get_json()
    assert french.get_json()["skipped"] == [
        {
            "path": "logo.png",
            "reason": "une image ne fait pas partie d\u2019un projet de modèles",
            "code": None,
        }
    ]
    again = upload(client, ann, buffer.getvalue(), "claims.zip")
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "a project with the key 'claims' exists already"
