"""Links from the processes and sub-cases a case started to their caller (table `case_links`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from studio.runtime.store.service_tables import case_links


@dataclass(frozen=True, slots=True)
class Link:
    child: str
    parent: str
    task: str | None  # the calling task's instance; None when a message or signal started it
    blocking: bool
    started_with: dict[str, Any]
    deployment: int | None


class CaseLinks:
    """Which case started which (one row per started child)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def add(self, link: Link, connection: sa.Connection | None = None) -> None:
        row = {
            "child_id": link.child,
            "parent_id": link.parent,
            "task_instance": link.task,
            "blocking": link.blocking,
            "started_with": link.started_with,
            "deployment_id": link.deployment,
        }
        if connection is not None:
            connection.execute(case_links.insert().values(**row))
            return
        with self.engine.begin() as fresh:
            fresh.execute(case_links.insert().values(**row))

    def parent_of(self, child: str) -> Link | None:
        with self.engine.connect() as connection:
            row = (
                connection.execute(sa.select(case_links).where(case_links.c.child_id == child))
                .mappings()
                .first()
            )
        return _link(row) if row is not None else None

    def children_of(self, parent: str) -> list[Link]:
        with self.engine.connect() as connection:
            rows = (
                connection.execute(
                    sa.select(case_links)
                    .where(case_links.c.parent_id == parent)
                    .order_by(case_links.c.child_id)
                )
                .mappings()
                .all()
            )
        return [_link(row) for row in rows]


def _link(row: Any) -> Link:
    return Link(
        row["child_id"], row["parent_id"], row["task_instance"], bool(row["blocking"]),
        dict(row["started_with"] or {}), row["deployment_id"],
    )  # fmt: skip
