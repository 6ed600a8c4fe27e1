"""Validator problems in French on French pages: every message template has a translation in
studio/web/translations/fr/LC_MESSAGES/validation.po, and the validation API answers in the
caller's language (English stays the CLI's and the JSON contract's)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.editor.validation_helpers import bpmn_process, cmmn_case
from tests.web.conftest import app, client, token  # noqa: F401  (fixtures)

STUDIO = Path(__file__).resolve().parents[2] / "studio"
CATALOGUE = STUDIO / "web" / "translations" / "fr" / "LC_MESSAGES" / "validation.po"
SOURCES = ("editor/validation", "notation", "expressions")
"""Where the validator's messages are made: its rules, the model reader, the expression compiler."""
API = "/api/v1/projects"
FRENCH = {"Accept-Language": "fr-FR, fr;q=0.9"}
HOSTILE = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "b">]><definitions/>'


def templates_in(path: Path) -> dict[str, int]:
    """The literal templates of `text(...)` calls in a module (also under an import alias)."""
    tree = ast.parse(path.read_text())
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "studio.messages"
        for alias in node.names
        if alias.name == "text"
    }
    return {
        node.args[0].value: node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in names
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def validator_templates() -> dict[str, str]:
    found = {}
    for folder in SOURCES:
        for path in sorted((STUDIO / folder).rglob("*.py")):
            for template, line in templates_in(path).items():
                found.setdefault(template, f"{path.relative_to(STUDIO)}:{line}")
    return found


def french_catalogue() -> dict[str, str]:
    with CATALOGUE.open("rb") as stream:
        return {m.id: m.string for m in read_po(stream) if m.id}


def test_the_validator_makes_its_messages_translatable():
    found = validator_templates()
    assert len(found) > 150
    assert len(templates_in(STUDIO / "editor" / "validation" / "cmmn_sentries.py")) > 10


def test_every_validator_template_has_a_french_translation():
    catalogue = french_catalogue()
    untranslated = {t: where for t, where in validator_templates().items() if not catalogue.get(t)}
    assert untranslated == {}


def test_translations_keep_every_placeholder_of_their_template():
    def placeholders(text: str) -> set[str]:
        return set(re.findall(r"(?<!\{)\{(\w+)\}", text))

    wrong = {
        english: french
        for english, french in french_catalogue().items()
        if placeholders(english) != placeholders(french)
    }
    assert wrong == {}


def problems(answer) -> list[dict]:
    assert answer.status_code == 200, answer.get_json()
    return [p for f in answer.get_json()["files"] for p in f["problems"]]


@pytest.fixture
def project(client):  # noqa: F811  (the fixture imported above)
    """A project whose CMMN and BPMN files raise problems; (headers, id)."""
    ann = token(client, "ann")
    sentry_on_nothing = (
        '<planItem id="pi_a" name="Check" definitionRef="ht_a"><entryCriterion id="ec" '
        'sentryRef="s"/></planItem><sentry id="s"/><humanTask id="ht_a" name="Check"/>'
        '<planItem id="pi_b" definitionRef="ht_b"><entryCriterion id="ec_b" sentryRef="s_b"/>'
        '</planItem><sentry id="s_b"><ifPart id="if_b"><condition>lambda: 1</condition>'
        '</ifPart></sentry><humanTask id="ht_b"/>'
    )
    split = (
        '<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="gw"/>'
        '<exclusiveGateway id="gw" name="Amount?"/>'
        '<sequenceFlow id="f1" sourceRef="gw" targetRef="e1"/>'
        '<sequenceFlow id="f2" sourceRef="gw" targetRef="e2"/>'
        '<endEvent id="e1"/><endEvent id="e2"/>'
    )
    files = {"case.cmmn": cmmn_case(sentry_on_nothing), "flow.bpmn": bpmn_process(split)}
    created = client.post(API, headers=ann, json={"key": "french", "files": files})
    assert created.status_code == 201, created.get_json()
    return ann, created.get_json()["id"]


def by_code(found: list[dict]) -> dict[str, str]:
    return {p["code"]: p["message"] for p in found}


def test_the_validation_api_answers_in_french_with_accept_language_fr(client, project):  # noqa: F811
    headers, pid = project
    edit = {"files": {"hostile.cmmn": HOSTILE}}  # an unsaved file the reader refuses
    url = f"{API}/{pid}/validate"
    english = by_code(problems(client.post(url, headers=headers, json=edit)))
    french = by_code(problems(client.post(url, headers=headers | FRENCH, json=edit)))
    assert set(french) == set(english)
    assert english["cmmn.sentry.empty"] == (
        "sentry 's' has neither an on-part nor an if-part, so it waits for nothing"
    )
    assert (
        french["cmmn.sentry.empty"]
        == "la sentinelle 's' n\u2019a ni on-part ni if-part : elle n\u2019attend rien"
    )
    assert french["bpmn.gateway.missing-condition"].startswith("la passerelle 'Amount?' sépare")
    assert (
        "les flux 'f1', 'f2' n\u2019ont pas de condition"
        in french["bpmn.gateway.missing-condition"]
    )
    # a message inside a message: where the expression is, then why the compiler refused it
    assert french["expr.forbidden"] == (
        "la condition (if-part) de if_b : les expressions lambda ne sont pas autorisées"
    )
    assert english["expr.forbidden"] == "the if-part of if_b: lambda expressions are not allowed"
    # a refused file: named by its path in the project, in French
    assert french["xml.doctype"].startswith("hostile.cmmn : les déclarations DOCTYPE")
    assert english["xml.doctype"].startswith("hostile.cmmn: DOCTYPE and entity declarations")


def test_without_a_language_the_api_answers_in_english_like_the_cli(client, project, tmp_path):  # noqa: F811
    from studio.editor.validation import validate_file

    headers, pid = project
    answered = by_code(problems(client.post(f"{API}/{pid}/validate", headers=headers)))
    path = tmp_path / "flow.bpmn"
    path.write_text(bpmn_process(
        '<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="gw"/>'
        '<exclusiveGateway id="gw" name="Amount?"/>'
        '<sequenceFlow id="f1" sourceRef="gw" targetRef="e1"/>'
        '<sequenceFlow id="f2" sourceRef="gw" targetRef="e2"/>'
        '<endEvent id="e1"/><endEvent id="e2"/>'
    ))  # fmt: skip
    cli = {p.code: p.message for p in validate_file(path)}
    assert answered["bpmn.gateway.missing-condition"] == cli["bpmn.gateway.missing-condition"]
    assert all(not re.search("[àéèêçù\u2019]", message) for message in answered.values())
