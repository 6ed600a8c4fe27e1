"""Fixtures and helpers of the case-work browser tests: case workers of the accountant's group,
the invoice sample's dispute case deployed with a form for its review task, cases started
through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, SAMPLE

CASE = "DisputedInvoiceForms"
"""The invoice sample's dispute case, deployed again under this id with a form (so that the
session's other tests keep the sample as it is)."""
REVIEW_FORM = {
    "title": "Review the dispute",
    "type": "object",
    "required": ["review_finding"],
    "properties": {
        "review_finding": {
            "title": "Finding",
            "description": "What the review of the invoice found.",
            "enum": ["confirmed", "capture error"],
        },
        "credit_note_amount": {
            "title": "Credit note expected (EUR)",
            "type": "number",
            "minimum": 0,
        },
        "payment_extension": {"title": "The supplier extends the payment term", "type": "boolean"},
    },
}


def sample_data() -> dict[str, Any]:
    """The initial case file of the sample's scenario 09 (no purchase order)."""
    scenario = SAMPLE / "09-discretionary-work-of-the-accountant.scenario.json"
    return json.loads(scenario.read_text(encoding="utf-8"))["data"]


@pytest.fixture(scope="session")
def workers(studio: Any) -> tuple[str, str]:
    """Two case workers of the accountant's group: ("cora", "dave")."""
    users = studio.extensions["studio"].users
    for name in ("cora", "dave"):
        if users.get(name) is None:
            users.add(name, PASSWORD, ["caseworker"], groups=["accountant"])
    return "cora", "dave"


@pytest.fixture(scope="session")
def forms_deployment(studio: Any, deployment: int) -> int:
    """The dispute case with a form for "Review the dispute" (ht_review), as DisputedInvoiceForms."""
    cmmn = (SAMPLE / "disputed-invoice.cmmn").read_text(encoding="utf-8")
    cmmn = cmmn.replace('id="DisputedInvoice" name="Disputed invoice"',
                        f'id="{CASE}" name="Disputed invoice with forms"')  # fmt: skip
    files = {
        "disputed-invoice.cmmn": cmmn.encode(),
        f"{CASE}.schema.json": (SAMPLE / "DisputedInvoice.schema.json").read_bytes(),
        "ht_review.form.json": json.dumps(REVIEW_FORM).encode(),
    }
    deployed, _, _ = studio.extensions["studio"].deployments.deploy_files(
        files, key="casework-forms", actor="test"
    )
    return deployed.id


def start_case(studio: Any, definition: str = CASE, user: str = "cora", team: bool = True) -> str:
    """A case started through the host, as `user`; with `team`, the sample's data and its
    accountant role bound to the accountant group (so that its members see the case all
    along): its id."""
    from studio.host.cases import Actor

    host = studio.extensions["studio"].host
    actor = Actor(user, frozenset({"accountant"}))
    case_id = host.start(definition, sample_data() if team else {}, actor)
    if team:
        bound = {"role": "accountant", "members": ["accountant"]}
        host.act(case_id, {"bind": "accountant", "data": bound}, actor)
    return case_id


SHAPES_CASE = "FormShapes"
SHAPES_CMMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" id="d" targetNamespace="t"
             xmlns:flowable="http://flowable.org/cmmn">
  <case id="FormShapes" name="Form shapes">
    <casePlanModel id="plan" name="Form shapes" autoComplete="false">
      <planItem id="pi_fill" name="Fill the rich form" definitionRef="ht_fill"/>
      <planItem id="pi_sign" name="Sign off" definitionRef="ht_sign"/>
      <humanTask id="ht_fill" name="Fill the rich form" flowable:dueDate="P30D"/>
      <humanTask id="ht_sign" name="Sign off" flowable:dueDate="2026-01-05T09:00:00Z"/>
    </casePlanModel>
  </case>
</definitions>
"""
SHAPES_FORM = {
    "type": "object",
    "required": ["contact", "visits", "tags"],
    "$defs": {"name": {"type": "string", "minLength": 2}},
    "properties": {
        "contact": {
            "title": "Contact",
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"title": "Name", "$ref": "#/$defs/name"},
                "email": {"title": "E-mail", "type": "string", "format": "email"},
            },
        },
        "visits": {"title": "Visits", "type": "integer", "minimum": 1},
        "seen_on": {"title": "Seen on", "type": "string", "format": "date"},
        "tags": {
            "title": "Tags",
            "type": "array",
            "items": {"enum": ["urgent", "vip", "repeat"]},
            "minItems": 1,
        },
        "notes": {"title": "Notes", "type": "array", "items": {"type": "string"}},
        "score": {"title": "Score", "type": ["number", "null"], "multipleOf": 0.5},
    },
}


@pytest.fixture(scope="session")
def shapes_deployment(studio: Any) -> int:
    """A small case whose first task has a form of every supported shape, the second none."""
    files = {
        "shapes.cmmn": SHAPES_CMMN.encode(),
        "ht_fill.form.json": json.dumps(SHAPES_FORM).encode(),
    }
    deployed, _, _ = studio.extensions["studio"].deployments.deploy_files(
        files, key="casework-shapes", actor="test"
    )
    return deployed.id
