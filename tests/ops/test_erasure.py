"""Erasure of one person's data: the values at the paths are gone from the case, from what it
started and from history texts; the case runs on; the audit trail keeps who erased which paths
(never the values)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from studio.cli import main
from studio.ops.erasure import MARKER, erase
from studio.runtime import audit
from studio.runtime.store.base import ConflictError
from studio.runtime.store.schema import case_history
from studio.web.runtime import SAMPLES
from tests.ops.live_scenarios import LiveScenario, sample_scenarios
from tests.web.conftest import admin, app, client, token

__all__ = ["app", "client"]  # fixtures

EMAIL = "c.fayolle@example.org"
PATH = "request.applicant.representative.email"
PERSONAL = ("cases", "case_items", "case_timers", "case_history", "case_links", "audit_log")
"""Tables with case data (not the deployed project files, whose sample scenarios hold it)."""


@pytest.fixture
def subsidy(app) -> LiveScenario:
    """The main-path subsidy request, half-way: the processes it started hold copies."""
    runtime = app.extensions["studio"]
    runtime.deployments.deploy_folder(SAMPLES / "agricultural-subsidies", actor="test")
    live = LiveScenario(next(s for s in sample_scenarios() if s.file == "main-path.scenario.json"))
    live.start(runtime.host)
    live.run(runtime.host, until=8)
    assert live.failures == []
    assert _holding(runtime.engine, EMAIL) >= 3, "the case and two processes hold the address"
    return live


def _holding(engine: sa.Engine, text: str) -> int:
    """Rows of case tables whose text shows `text`."""
    found = 0
    with engine.connect() as connection:
        for name in PERSONAL:
            table = sa.table(name)
            for row in connection.execute(sa.select(sa.text("*")).select_from(table)):
                found += text in repr(tuple(row))
    return found


def test_an_admin_erases_an_address_everywhere_and_the_case_runs_on(app, client, subsidy) -> None:
    runtime = app.extensions["studio"]
    done = client.post(
        f"/api/v1/cases/{subsidy.case_id}/erasure", json={"paths": [PATH]}, headers=admin(client)
    )
    assert done.status_code == 200, done.get_json()
    answer = done.get_json()
    assert answer["paths"] == [PATH] and answer["values"] == len(answer["cases"]) >= 3
    assert _holding(runtime.engine, EMAIL) == 0
    data = client.get(f"/api/v1/cases/{subsidy.case_id}/data", headers=admin(client)).get_json()
    representative = data["request"]["applicant"]["representative"]
    assert representative["email"] == MARKER
    assert representative["name"] == "Claire Fayolle", "only the path is erased"

    events = client.get(
        f"/api/v1/cases/{subsidy.case_id}/history", headers=admin(client)
    ).get_json()["history"]
    erased = [e for e in events if e["event"] == "erase" and e["case"] == subsidy.case_id]
    assert len(erased) == 1 and erased[0]["user"] == "admin" and PATH in erased[0]["cause"]
    (entry,) = audit.entries(runtime.engine, action="case.erasure")
    assert entry["actor"] == "admin" and entry["target"] == subsidy.case_id
    assert entry["details"]["paths"] == [PATH] and EMAIL not in repr(entry)

    subsidy.run(runtime.host)  # the rest of the main path: granted, paid, justified, closed
    assert subsidy.failures == []
    assert runtime.host.unit().view(subsidy.case_id)["state"] in ("completed", "closed")


def test_history_texts_are_scrubbed_and_a_command_read_before_is_a_conflict(app, subsidy) -> None:
    runtime = app.extensions["studio"]
    with runtime.engine.begin() as connection:  # an event whose text carries the address
        connection.execute(
            case_history.insert().values(
                case_id=subsidy.case_id, seq=10_000, at=datetime.now(UTC), event="note",
                cause=f"mail sent to {EMAIL}", extra={"to": [EMAIL]},
            )
        )  # fmt: skip
    stale = runtime.host.unit()
    stale.load(subsidy.case_id)

    done = erase(runtime.engine, subsidy.case_id, [PATH], "admin")
    assert done.events == 1
    with runtime.engine.connect() as connection:
        row = connection.execute(
            sa.select(case_history.c.cause, case_history.c.extra).where(
                case_history.c.case_id == subsidy.case_id, case_history.c.seq == 10_000
            )
        ).one()
    assert row.cause == f"mail sent to {MARKER}" and row.extra == {"to": [MARKER]}
    with pytest.raises(ConflictError):
        stale.act(subsidy.case_id, {"set": {"request.applicant.members": 25}})


def test_erasure_is_for_admins_says_what_is_wrong_and_has_a_command(
    app, client, subsidy, monkeypatch
) -> None:
    url = f"/api/v1/cases/{subsidy.case_id}/erasure"
    assert client.post(url, json={"paths": [PATH]}).status_code == 401
    app.extensions["studio"].users.add("erin", "a-long-password", ["caseworker"])
    refused = client.post(url, json={"paths": [PATH]}, headers=token(client, "erin"))
    assert refused.status_code == 403
    headers = admin(client)
    assert client.post(url, json={"paths": "x"}, headers=headers).status_code == 400
    bad = client.post(url, json={"paths": ["a..b"]}, headers=headers)
    assert bad.status_code == 400 and "a..b" in bad.get_json()["error"]["message"]
    none = client.post(url, json={"paths": ["request.nothing_here"]}, headers=headers)
    assert none.status_code == 422 and "request.nothing_here" in none.get_json()["error"]["message"]
    missing = client.post("/api/v1/cases/nope/erasure", json={"paths": [PATH]}, headers=headers)
    assert missing.status_code == 404
    assert _holding(app.extensions["studio"].engine, EMAIL) >= 3, "refusals change nothing"

    settings = app.extensions["studio"].settings
    monkeypatch.setenv("STUDIO_INSTANCE_PATH", str(settings.instance_path))
    monkeypatch.setenv("STUDIO_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    done = runner.invoke(main, ["erase", "--case", subsidy.case_id, "--path", PATH])
    assert done.exit_code == 0, done.output
    assert f"at {PATH} in 3 cases" in done.output
    assert _holding(app.extensions["studio"].engine, EMAIL) == 0
    (entry,) = audit.entries(app.extensions["studio"].engine, action="case.erasure")
    assert entry["actor"].startswith("cli")
    missing = runner.invoke(main, ["erase", "--case", "nope", "--path", PATH])
    assert missing.exit_code == 2 and "no case 'nope'" in missing.output
