"""The SQL store's statements, built once: each call then skips building them and their cache keys
(about a third of the store's time per command when built per call)."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from studio.runtime.store.schema import case_history, case_items, case_timers, cases


def param(column: sa.Column, name: str) -> sa.BindParameter:
    return sa.bindparam(name, type_=column.type)


CASE_ID = param(cases.c.id, "case_id")

CASE_ROW = (cases.c.id, cases.c.state, cases.c.data, cases.c.extra)
LOAD_CASE = sa.select(
    *CASE_ROW,
    cases.c.version,
    cases.c.format_version,
    cases.c.definition_key,
    cases.c.definition_version,
).where(cases.c.id == CASE_ID)
CASE_VERSION = sa.select(cases.c.version).where(cases.c.id == CASE_ID)
LOAD_ITEMS = (
    sa.select(case_items)
    .where(case_items.c.case_id == CASE_ID)
    .order_by(case_items.c.seq, case_items.c.instance_id)
)
LOAD_TIMERS = (
    sa.select(case_timers).where(case_timers.c.case_id == CASE_ID).order_by(case_timers.c.position)
)
LOAD_HISTORY = (
    sa.select(case_history).where(case_history.c.case_id == CASE_ID).order_by(case_history.c.seq)
)

INSERT = {table: table.insert() for table in (cases, case_items, case_timers, case_history)}
ITEM_VALUES = ("plan_item", "stage_instance", "state", "seq", "extra")
UPDATE_ITEM = (
    case_items.update()
    .where(
        case_items.c.case_id == param(case_items.c.case_id, "b_case"),
        case_items.c.instance_id == param(case_items.c.instance_id, "b_id"),
    )
    .values({name: param(case_items.c[name], f"b_{name}") for name in ITEM_VALUES})
)
DELETE_ITEMS = case_items.delete().where(case_items.c.case_id == CASE_ID)
DELETE_TIMERS = case_timers.delete().where(case_timers.c.case_id == CASE_ID)
SET_FORMAT = (
    cases.update()
    .where(cases.c.id == CASE_ID)
    .values(format_version=param(cases.c.format_version, "format_version"))
)


@cache
def bump(columns: tuple[str, ...]) -> sa.Update:
    """``UPDATE cases SET version = version + 1, <columns> WHERE id = :case_id AND version =
    :expected``: the optimistic lock (`columns` bind as ``new_<column>``)."""
    return (
        cases.update()
        .where(cases.c.id == CASE_ID, cases.c.version == param(cases.c.version, "expected"))
        .values(
            {"version": cases.c.version + 1}
            | {name: param(cases.c[name], f"new_{name}") for name in columns}
        )
    )
