"""The runtime host: live cases on the SQL store, with the processes they start, messages and
signals across cases, timers, history and explanations."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from studio.editor.validation import ModelProject
from studio.editor.validation.compiled import CompiledProject
from studio.host.cases import ActionError, Actor, CaseHost
from studio.runtime.clock import VirtualClock
from studio.runtime.store.base import ConflictError
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.sql import SqlStore
from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[2]
MISMATCH = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


class FolderDeployments:
    """Deployment 1 is a model-project folder (the host's view of a deployment store)."""

    def __init__(self, folder: Path) -> None:
        self.compiled = CompiledProject(ModelProject(folder))

    def newest_with(self, ident: str):
        declared = self.compiled.declares("case", ident) or self.compiled.declares("process", ident)
        return SimpleNamespace(id=1) if declared else None

    def project(self, deployment: int) -> CompiledProject:
        return self.compiled

    def list(self):
        return [SimpleNamespace(id=1)]


def host_for(folder: Path, tmp_path: Path) -> CaseHost:
    engine = make_engine(f"sqlite:///{tmp_path / 'studio.db'}")
    upgrade(engine)
    clock = VirtualClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    return CaseHost(SqlStore(engine), engine, FolderDeployments(folder), clock)


@pytest.fixture
def invoices(tmp_path: Path) -> CaseHost:
    folder = tmp_path / "mixed"
    shutil.copytree(shared_path("acceptance/mixed"), folder)
    return host_for(folder, tmp_path)


@pytest.fixture
def messaging(tmp_path: Path) -> CaseHost:
    return host_for(ROOT / "tests" / "scenarios" / "bpmn", tmp_path)


def states(view: dict) -> dict[str, str]:
    return {item["name"] or item["id"]: item["state"] for item in view["items"]}


def test_a_case_starts_its_process_and_shows_its_items(invoices: CaseHost) -> None:
    case = invoices.start("InvoiceCase", MISMATCH)
    view = invoices.view(case)
    assert view["state"] == "active" and view["definition"] == "InvoiceCase"
    assert states(view)["Check invoice"] == "active"
    assert states(view)["Check mismatch"] == "active"  # an item of the process it started
    child = next(i for i in view["items"] if i["name"] == "Check mismatch")["case"]
    assert child != case and invoices.view(child)["definition"] == "InvoiceCheck"


def test_completing_the_process_task_in_the_child_flows_back_into_the_case(
    invoices: CaseHost,
) -> None:
    case = invoices.start("InvoiceCase", MISMATCH)
    invoices.act(case, {"complete": "Check mismatch", "data": {"approved": False}}, Actor("ann"))
    view = invoices.view(case)
    assert states(view)["Check invoice"] == "completed"
    assert states(view)["Handle dispute"] == "active"
    assert view["data"]["matched"] is False
    history = invoices.history(case)
    cases = {event["case"] for event in history}
    assert len(cases) == 2  # the case's and its process's events, one trail
    done = [e for e in history if e["item"] == "manual" and e["event"] == "complete"]
    assert done and done[0]["user"] == "ann"
    assert history == sorted(history, key=lambda e: e["at"])


def test_refused_and_unknown_actions(invoices: CaseHost) -> None:
    case = invoices.start("InvoiceCase", MISMATCH)
    with pytest.raises(ActionError) as refused:
        invoices.act(case, {"complete": "Pay"})
    assert refused.value.status == 422 and "available" in str(refused.value)
    with pytest.raises(ActionError) as missing:
        invoices.act(case, {"complete": "No such task"})
    assert missing.value.status == 404
    with pytest.raises(ActionError) as no_case:
        invoices.view("nope")
    assert no_case.value.status == 404
    with pytest.raises(ActionError, match="exactly one verb"):
        invoices.act(case, {"complete": "Pay", "occur": "x"})


def test_a_stale_write_is_a_conflict_and_changes_nothing(invoices: CaseHost) -> None:
    case = invoices.start("InvoiceCase", MISMATCH)
    stored = invoices.store.load(case)
    invoices.act(case, {"set": {"note": "first"}})
    with pytest.raises(ConflictError):
        invoices.store.save(case, stored.state, stored.version, [])
    assert invoices.view(case)["data"]["note"] == "first"


def test_a_unit_of_work_sees_its_own_writes_and_loses_to_an_earlier_writer(
    invoices: CaseHost,
) -> None:
    case = invoices.start("InvoiceCase", MISMATCH)
    mine, theirs = invoices.unit(), invoices.unit()
    assert mine.view(case)["state"] == "active"  # read once, at the start of the request
    theirs.act(case, {"set": {"note": "theirs"}})
    with pytest.raises(ConflictError):  # what `mine` read is stale: refused, nothing written
        mine.act(case, {"set": {"note": "mine"}})
    assert invoices.view(case)["data"]["note"] == "theirs"
    again = invoices.unit()
    again.act(case, {"complete": "Check mismatch", "data": {"approved": False}})
    # its own view after the action: the case and the process it started, as written
    assert states(again.view(case))["Handle dispute"] == "active"
    assert again.view(case) == invoices.view(case)


def test_explanations_reach_into_the_process_the_case_waits_for(invoices: CaseHost) -> None:
    case = invoices.start("InvoiceCase", MISMATCH)
    why = invoices.explain(case)
    assert "Check mismatch" in why
    assert "matched or approved" in invoices.explain(case, "pi_pay")


def test_a_thrown_message_starts_the_process_it_names_as_a_case_of_its_own(
    messaging: CaseHost,
) -> None:
    order = messaging.start("MsOrder", {})
    messaging.act(order, {"complete": "Place order"})
    assert messaging.view(order)["state"] == "completed"
    started = [s for s in messaging.store.list_cases(definition="MsFulfilment")]
    assert len(started) == 1 and started[0].state == "active"
    assert states(messaging.view(started[0].id))["Ship order"] == "active"


def test_messages_and_signals_from_outside(messaging: CaseHost) -> None:
    claim = messaging.publish("message", "Claim filed", {"claimant": "Ann"}, None, Actor("bob"))
    assert claim is not None and messaging.view(claim)["data"] == {"claimant": "Ann"}
    with pytest.raises(ActionError, match="no process waits for message 'Nobody'"):
        messaging.publish("message", "Nobody", {}, None, Actor("bob"))
    recall = messaging.start("MsRecall", {})
    messaging.act(recall, {"signal": "Recall"})
    assert states(messaging.view(recall))["Scrap batch"] == "active"


def test_due_timers_fire_once(messaging: CaseHost) -> None:
    case = messaging.start("EvTimerCatch", {})
    assert messaging.fire_timers(case) == 0
    messaging.clock.advance(timedelta(hours=3))
    assert messaging.fire_timers(case) == 1
    assert messaging.fire_timers(case) == 0
    assert states(messaging.view(case))["Call back"] == "active"
