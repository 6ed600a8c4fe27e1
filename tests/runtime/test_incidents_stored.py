"""A case stored before incidents had codes (format 5: each incident its English message alone)
still loads from the database with each incident's code, and /metrics counts its incidents by
kind before anything rewrote the row. Its history's incident events, which held the message
alone, read with the code and element the message meant; new ones keep theirs."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from studio.ops.metrics import DatabaseFigures
from studio.runtime.engine.incidents import TASK_FAILED
from studio.runtime.engine.state import HistoryEvent
from studio.runtime.store import SqlStore
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.schema import case_history, cases
from tests.runtime.test_store_serialize import fixture_case

OLD_MESSAGES = [
    "timer failed 3 times: ConnectionError: mail server down",
    "script task 'Divide' (divide) failed at line 1: division by zero",
    "script task 'Divide' (divide) failed at line 1: division by zero",
]


def store_as_format_5(tmp_path) -> tuple[SqlStore, str]:
    """A case row as Case Studio wrote it with format 5: incidents are messages."""
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    upgrade(url)
    store = SqlStore(url)
    state = fixture_case()
    store.create(state, "Fixture", None, [])
    with store.engine.begin() as connection:
        extra = connection.execute(sa.select(cases.c.extra)).scalar_one()
        extra = {**extra, "incidents": OLD_MESSAGES}
        connection.execute(sa.update(cases).values(extra=extra, format_version=5))
    return SqlStore(url, cache_size=0), state.id


def test_an_old_stored_case_loads_with_incident_codes(tmp_path) -> None:
    store, case_id = store_as_format_5(tmp_path)
    incidents = store.load(case_id).state.incidents
    assert [(i.code, i.element, i.message) for i in incidents] == [
        ("timer.failed", None, OLD_MESSAGES[0]),
        ("task.failed", "divide", OLD_MESSAGES[1]),
        ("task.failed", "divide", OLD_MESSAGES[2]),
    ]


def test_metrics_count_the_incidents_of_old_and_new_rows_by_kind(tmp_path) -> None:
    store, _ = store_as_format_5(tmp_path)
    state = fixture_case()  # format 6: one loop.budget incident
    state.id = "case-8"
    store.create(state, "Fixture", None, [])
    figures = DatabaseFigures(store.engine).collect()
    [family] = [f for f in figures if f.name == "studio_incidents_open"]
    counts = {sample.labels["kind"]: sample.value for sample in family.samples}
    assert counts == {
        "timer.failed": 1,
        "loop.budget": 1,
        "task.failed": 2,
        "child.failed": 0,
        "unknown": 0,
    }


def test_old_incident_events_read_with_the_code_their_message_meant(tmp_path) -> None:
    store, case_id = store_as_format_5(tmp_path)
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    old_rows = [
        {"case_id": case_id, "seq": seq, "at": at, "event": "incident", "cause": message}
        for seq, message in enumerate(OLD_MESSAGES[:2], start=1)
    ]
    with store.engine.begin() as connection:  # as written before incident events had codes
        connection.execute(sa.insert(case_history), old_rows)
    state = store.load(case_id).state
    new = HistoryEvent(3, at, None, "Divide", "incident", None, OLD_MESSAGES[1], None,
                       TASK_FAILED, "divide")  # fmt: skip
    done = HistoryEvent(4, at, "pi_b#6", "pi_b", "complete", "completed")
    store.save(case_id, state, store.load(case_id).version, [new, done])
    events = store.history(case_id)
    assert [(e.seq, e.code, e.element) for e in events] == [
        (1, "timer.failed", None),
        (2, "task.failed", "divide"),
        (3, "task.failed", "divide"),
        (4, None, None),
    ]
    with store.engine.connect() as connection:
        extras = dict(connection.execute(sa.select(case_history.c.seq, case_history.c.extra)).all())
    assert extras == {1: None, 2: None, 3: {"code": "task.failed", "element": "divide"}, 4: None}
