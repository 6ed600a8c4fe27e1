"""A process started by a case shows in the case's history and explanation, not only its items
(issue 4, "Integration")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from studio.testing.case_driver import open_case_driver
from tests.conftest import shared_path

MISMATCH = {"invoice": {"amount": 150, "po_amount": 120, "received": True}, "approved": False}


@pytest.fixture
def case():
    model = shared_path("acceptance/mixed/invoice_case.cmmn")
    driver = open_case_driver(model, "InvoiceCase")
    driver.start(MISMATCH, datetime(2026, 1, 5, 9, tzinfo=UTC))
    return driver


def test_the_case_history_holds_the_process_it_started_in_the_order_things_happened(case):
    entries = [(prefix, event.item, event.event) for prefix, event in case.history()]
    started = entries.index(("", "pi_check", "start"))
    child = [i for i, (prefix, _, _) in enumerate(entries) if prefix]
    assert child and child[0] > started  # the process runs after its task started
    assert any(item == "manual" and event == "start" for _, item, event in entries)
    case.perform("complete", next(p for p, _, _ in entries if p) + "manual", {"approved": False})
    entries = [(prefix, event.item, event.event) for prefix, event in case.history()]
    completed = entries.index(("", "pi_check", "complete"))
    assert entries.index((entries[child[0]][0], "manual", "complete")) < completed


def test_the_case_and_its_process_task_explain_what_the_process_waits_for(case):
    why = case.explain(None)
    assert "'Check invoice' waits for InvoiceCheck (active)" in why
    assert "Check mismatch" in why
    assert "Check mismatch" in case.explain("pi_check")
    assert "InvoiceCheck" not in case.explain("pi_pay")
