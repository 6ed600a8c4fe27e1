"""The engine's refusals and explanations in French on French pages, English everywhere else.

Every template the engine words its messages with (a `text("...")` call, or a verb's
`Text("verb", "to verb")`) has a French translation with the same placeholders in
`studio/web/translations/fr/LC_MESSAGES/engine.po`; the REST API answers a refused action and an
explanation in French for `Accept-Language: fr` and in English without it.
"""

from __future__ import annotations

import ast
import io
import string
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from studio.messages import Text
from studio.runtime.engine.engine import Refused
from tests.runtime.engine_helpers import Case, case_xml, task
from tests.web.conftest import admin, app, client, token  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "studio" / "runtime" / "engine"
HOST = ROOT / "studio" / "host"
"""The host words what happens around a command (a timer that failed on every attempt)."""
TRANSLATIONS = ROOT / "studio" / "web" / "translations"
CATALOGUE = TRANSLATIONS / "fr" / "LC_MESSAGES" / "engine.po"


def templates() -> dict[str, str]:
    """Template -> the file that uses it, for every literal template of the engine and host."""
    found: dict[str, str] = {}
    for path in [*sorted(ENGINE.glob("*.py")), *sorted(HOST.glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            at = {"text": 0, "Text": 1}.get(node.func.id)
            if at is None or len(node.args) <= at:
                continue
            argument = node.args[at]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.setdefault(argument.value, path.name)
    return found


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def french_catalogue() -> dict[str, str]:
    with CATALOGUE.open("rb") as stream:
        return {m.id: m.string for m in read_po(stream) if m.id and not m.fuzzy}


def test_the_scan_finds_the_engines_refusals_and_explanations():
    found = templates()
    assert len(found) >= 80
    assert found["cannot {action} {item!r}: it is {state}"] == "wording.py"
    assert found["{item!r} is available: {reasons}"] == "explain.py"
    assert found["the process is {state}"] == "process_engine.py"
    assert any(name == "executor.py" for name in found.values())


def test_every_engine_template_has_a_french_translation_with_the_same_placeholders():
    french = french_catalogue()
    missing = sorted(t for t in templates() if not french.get(t))
    assert not missing, f"no French for {missing} in {CATALOGUE.name}"
    for template in templates():
        assert fields(french[template]) == fields(template), template
        assert french[template].format(**dict.fromkeys(fields(template), "x"))


def test_a_refusal_is_english_text_that_remembers_its_template():
    case = Case(case_xml(task("a", name="Review")))
    with pytest.raises(Refused) as refused:
        case.do("start", "a")
    message = str(refused.value)
    assert message == "cannot start 'Review': it is active"
    assert (
        isinstance(message, Text) and message.template == "cannot {action} {item!r}: it is {state}"
    )
    french = french_catalogue()
    assert message.translate(lambda t: french.get(t) or t) == (
        "impossible de démarrer « Review » : son état est « en cours »"
    )


def test_a_model_the_engine_cannot_run_is_refused_in_words_that_translate():
    from studio.notation import read_model
    from studio.runtime.engine.definition import DefinitionError, compile_case

    with pytest.raises(DefinitionError) as refused:
        compile_case(read_model(case_xml(task("a")), "t.cmmn"), "Nowhere")
    message = str(refused.value)
    assert message == "no case 'Nowhere' in t.cmmn" and isinstance(message, Text)
    french = french_catalogue()
    assert (
        message.translate(lambda t: french.get(t) or t) == "aucun dossier « Nowhere » dans t.cmmn"
    )


# -- through the REST API -------------------------------------------------------------------------

MODEL = """<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">
  <case id="Claim" name="Claim"><casePlanModel id="plan" autoComplete="true">
    <planItem id="pi_review" name="Review" definitionRef="ht_review"/>
    <planItem id="pi_approve" name="Approve" definitionRef="ht_approve">
      <itemControl><manualActivationRule/></itemControl></planItem>
    <humanTask id="ht_review" name="Review"/><humanTask id="ht_approve" name="Approve"/>
  </casePlanModel></case>
</definitions>
"""


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> None:
    """The French pages read the compiled catalogue: build it from the .po files in git."""
    subprocess.run([sys.executable, str(TRANSLATIONS / "compile.py")], check=True,
                   capture_output=True)  # fmt: skip


def started_case(client) -> tuple[str, dict[str, str]]:  # noqa: F811 - the fixture
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("claims/claim.cmmn", MODEL)
    done = client.post(
        "/api/v1/deployments",
        data={"file": (io.BytesIO(buffer.getvalue()), "claims.zip")},
        headers=admin(client),
    )
    assert done.status_code in (200, 201), done.get_json()
    carl = token(client, "carl")
    started = client.post("/api/v1/cases", json={"case": "Claim", "data": {}}, headers=carl)
    assert started.status_code == 201, started.get_json()
    return started.get_json()["id"], carl


def test_a_refused_action_answers_in_the_callers_language(client) -> None:  # noqa: F811
    case_id, carl = started_case(client)
    action = {"complete": "Approve"}
    english = client.post(f"/api/v1/cases/{case_id}/actions", json=action, headers=carl)
    assert english.status_code == 422
    assert english.get_json()["error"]["message"] == "cannot complete 'Approve': it is enabled"
    french = client.post(f"/api/v1/cases/{case_id}/actions", json=action,
                         headers={**carl, "Accept-Language": "fr"})  # fmt: skip
    assert french.status_code == 422
    assert french.get_json()["error"]["message"] == (
        "impossible de terminer « Approve » : son état est « activable »"
    )


def test_an_explanation_and_the_offers_answer_in_the_callers_language(client) -> None:  # noqa: F811
    case_id, carl = started_case(client)
    url = f"/api/v1/cases/{case_id}/explanation"
    english = client.get(url, headers=carl).get_json()["explanation"]
    assert english == "the case is active: 'Review' is active"
    french = client.get(url, headers={**carl, "Accept-Language": "fr"}).get_json()["explanation"]
    assert french == "le dossier est en cours : « Review » est « en cours »"
    item = client.get(f"{url}?item=pi_approve", headers={**carl, "Accept-Language": "fr"})
    assert item.get_json()["explanation"] == (
        "« Approve » est activable : sa règle d’activation manuelle (sans condition) est vraie, "  # noqa: RUF001
        "il attend donc un démarrage manuel"
    )
    offers = client.get(f"/api/v1/cases/{case_id}/offers",
                        headers={**carl, "Accept-Language": "fr"}).get_json()["offers"]  # fmt: skip
    refusals = {o["target"]: o["refused"] for o in offers}
    assert refusals["@case"] == (
        "« Claim » ne peut pas encore se terminer : Review pas encore fait"
    )
