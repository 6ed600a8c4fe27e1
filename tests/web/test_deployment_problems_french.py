"""Warnings a project was deployed with are kept translatable: a French admin reads them in
French later, from the database, like the validator's answer at the time."""

from __future__ import annotations

import io
import zipfile

from tests.editor.validation_helpers import cmmn_case
from tests.web.conftest import admin

FRENCH = {"Accept-Language": "fr-FR, fr;q=0.9"}


def project_with_a_warning() -> bytes:
    body = (
        '<planItem id="pi_a" name="Check" definitionRef="ht_a"/><humanTask id="ht_a"/>'
        '<sentry id="s"/>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("warned/case.cmmn", cmmn_case(body))
    return buffer.getvalue()


def test_stored_deployment_warnings_answer_in_the_callers_language(client) -> None:
    headers = admin(client)
    deployed = client.post("/api/v1/deployments", headers=headers,
                           data={"file": (io.BytesIO(project_with_a_warning()), "w.zip")})  # fmt: skip
    assert deployed.status_code == 201, deployed.get_json()
    ident = deployed.get_json()["id"]

    def problems(extra: dict) -> dict[str, str]:
        listed = client.get("/api/v1/deployments", headers=headers | extra).get_json()
        found = next(d for d in listed["deployments"] if d["id"] == ident)
        return {p["code"]: p["message"] for p in found["problems"]}

    english, french = problems({}), problems(FRENCH)
    assert english["cmmn.sentry.empty"].startswith("sentry 's' has neither an on-part")
    assert french["cmmn.sentry.empty"].startswith(
        "la sentinelle 's' n\u2019a ni on-part ni if-part"
    )
    assert set(english) == set(french)
