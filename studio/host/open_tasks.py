"""The active items of every live case in one query, for the worklist.

The SQL store keeps each item instance of a case as a row of `case_items`, written in the same
transaction that saves the case, so the rows of active items are an index of open work that is
never behind the cases: reading them (and the case rows' team) costs two queries, where loading
every active case cost a few queries and a state restore per case (measured in
docs/performance.md). Cases stored in an older document format, and stores other than SQL,
are read the long way by the caller (`None` here).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from studio.runtime.engine.state import ItemInstance
from studio.runtime.store.rows import ITEM_COLUMNS, from_row
from studio.runtime.store.schema import case_items, cases
from studio.runtime.store.serialize import FORMAT_VERSION, load
from studio.runtime.store.service_tables import case_links
from studio.runtime.store.sql import SqlStore

CHUNK = 500
"""Ids per `IN (...)` when looking up the cases that started others."""


@dataclass(slots=True)
class OpenCase:
    """A live case's active item instances, and what the worklist needs of the case."""

    id: str
    definition_key: str
    deployment: int
    team: dict[str, tuple[str, ...]]
    instances: list[ItemInstance]
    current: bool
    """False when the case is stored in an older format: load it the long way."""


def open_cases(store: Any) -> list[OpenCase] | None:
    """The live cases that have active items, oldest first (None: not an SQL store)."""
    if not isinstance(store, SqlStore):
        return None
    query = (
        sa.select(
            cases.c.id,
            cases.c.definition_key,
            cases.c.definition_version,
            cases.c.format_version,
            cases.c.extra.label("case_extra"),
            *(case_items.c[column] for column in ITEM_COLUMNS.values()),
            case_items.c.extra,
        )
        .join(case_items, case_items.c.case_id == cases.c.id)
        .where(cases.c.state == "active", case_items.c.state == "active")
        .order_by(cases.c.created_at, cases.c.id, case_items.c.seq)
    )
    found: dict[str, OpenCase] = {}
    with store.engine.connect() as connection:
        for row in connection.execute(query).mappings():
            case = found.get(row["id"])
            if case is None:
                current = row["format_version"] == FORMAT_VERSION
                team = (row["case_extra"] or {}).get("team") or {}
                case = found[row["id"]] = OpenCase(
                    row["id"], row["definition_key"], int(row["definition_version"] or 0),
                    {role: tuple(members) for role, members in team.items()}, [], current,
                )  # fmt: skip
            if case.current:
                case.instances.append(load(ItemInstance, from_row(row, ITEM_COLUMNS)))
    return list(found.values())


def top_cases(store: SqlStore, ids: Iterable[str]) -> dict[str, str]:
    """For each case id, the case that (through the processes and sub-cases it started)
    started it: itself when nothing did."""
    parent: dict[str, str] = {}
    asked: set[str] = set()
    wanted = set(ids)
    frontier = set(wanted)
    with store.engine.connect() as connection:
        while frontier:
            asked |= frontier
            batch = sorted(frontier)
            frontier = set()
            for start in range(0, len(batch), CHUNK):
                query = sa.select(case_links.c.child_id, case_links.c.parent_id).where(
                    case_links.c.child_id.in_(batch[start : start + CHUNK])
                )
                for child, up in connection.execute(query):
                    parent[child] = up
                    if up not in asked:
                        frontier.add(up)
    tops = {}
    for case_id in wanted:
        seen, top = {case_id}, case_id
        while top in parent and parent[top] not in seen:
            top = parent[top]
            seen.add(top)
        tops[case_id] = top
    return tops
