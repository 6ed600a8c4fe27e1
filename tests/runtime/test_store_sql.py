"""SqlStore beyond the shared contract: rows touched per command, migrations, SQLite settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from studio.notation import read_model
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command
from studio.runtime.store import NotMigrated, project_tables, serialize, service_tables  # noqa: F401
from studio.runtime.store.database import make_engine, sqlite_settings
from studio.runtime.store.migrate import downgrade, head_revision, upgrade
from studio.runtime.store.schema import metadata
from studio.runtime.store.serialize import FORMAT_VERSION, dump_state
from studio.runtime.store.sql import SqlStore
from tests.runtime.test_store import T0, postgres_engine, run, sqlite_url, started

__all__ = ["postgres_engine"]  # a fixture, shared with test_store

TABLES = {
    "cases", "case_items", "case_timers", "case_history",
    "users", "api_tokens", "deployments", "deployment_files", "audit_log", "case_links", "jobs",
    "task_assignments",
}  # fmt: skip


def wide_model(tasks: int, repeating: bool = False) -> bytes:
    """`tasks` human tasks, all active; with `repeating`, pi_0 starts again when it completes."""
    rule = "<itemControl><repetitionRule/></itemControl>" if repeating else ""
    body = "".join(
        f'<planItem id="pi_{n}" definitionRef="ht_{n}">{rule if n == 0 else ""}</planItem>'
        f'<humanTask id="ht_{n}"/>'
        for n in range(tasks)
    )
    return (
        '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">'
        f'<case id="Wide"><casePlanModel id="plan" autoComplete="true">{body}'
        "</casePlanModel></case></definitions>"
    ).encode()


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[tuple[str, int]]]:
    """Record (statement, parameter sets) of everything `engine` executes meanwhile."""
    seen: list[tuple[str, int]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((" ".join(statement.split()), len(parameters) if executemany else 1))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def writes(seen: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """(verb and table, rows) of the writing statements."""
    found = []
    for statement, rows in seen:
        verb = statement.split()[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            table = statement.split()[2 if verb in ("INSERT", "DELETE") else 1]
            found.append((f"{verb} {table}", rows))
    return found


def read_tables(seen: list[tuple[str, int]]) -> list[str]:
    """The table each SELECT statement read from."""
    return [s.split(" FROM ")[1].split()[0] for s, _ in seen if s.upper().startswith("SELECT")]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        made = make_engine(sqlite_url(tmp_path))
        yield made
        made.dispose()
    else:
        yield request.getfixturevalue("postgres_engine")


# -- only what a command touches ------------------------------------------------------------------


@pytest.mark.parametrize("cache_size", [1_000, 0], ids=["identity-map", "no-cache"])
def test_save_writes_only_the_touched_rows(engine: sa.Engine, cache_size: int) -> None:
    upgrade(engine)
    store = SqlStore(engine, cache_size=cache_size)
    case = CaseEngine(compile_case(read_model(wide_model(100), "wide.cmmn")))
    out = case.start("w1", {"note": "x" * 1000}, T0)
    store.create(out.state, "wide", None, out.history)
    loaded = store.load("w1")
    assert len(loaded.state.items) == 101
    after = run(case, loaded.state, Command("complete", "pi_42"))
    with statements(engine) as seen:
        store.save("w1", after.state, loaded.version, after.history)
    assert writes(seen) == [
        ("UPDATE cases", 1),
        ("UPDATE case_items", 1),
        ("INSERT case_history", len(after.history)),
    ]
    reads = [s for s, _ in seen if s.upper().startswith("SELECT")]
    assert len(reads) == (0 if cache_size else 3)  # without the map: case row, items, timers
    if cache_size:
        updated = next(s for s, _ in seen if s.startswith("UPDATE cases"))
        assert " data=" not in updated.split(" WHERE ")[0]  # the case file did not change
    # What was written is what the next load gives back, also to a store without the map.
    fresh = SqlStore(engine, cache_size=0)
    assert dump_state(fresh.load("w1").state) == dump_state(after.state)


def test_load_reads_item_rows_only_for_a_version_it_has_not_seen(engine: sa.Engine) -> None:
    upgrade(engine)
    store, other = SqlStore(engine), SqlStore(engine)
    case = CaseEngine(compile_case(read_model(wide_model(100), "wide.cmmn")))
    out = case.start("w1", {}, T0)
    store.create(out.state, "wide", None, out.history)
    with statements(engine) as seen:
        loaded = store.load("w1")  # the version it wrote itself: the case row is enough
    assert read_tables(seen) == ["cases"]
    assert dump_state(loaded.state) == dump_state(out.state)
    after = run(case, loaded.state, Command("complete", "pi_7"))
    other.save("w1", after.state, loaded.version, after.history)  # a version `store` never saw
    with statements(engine) as seen:
        again = store.load("w1")
    assert read_tables(seen) == ["cases", "case_items", "case_timers"]
    assert dump_state(again.state) == dump_state(after.state)
    eight = next(i for i in again.state.items.values() if i.item == "pi_8")
    eight.state = "changed by a caller"
    assert store.load("w1").state.items[eight.id].state == "active"  # the map is not shared


def test_a_new_store_diffs_against_the_stored_rows(engine: sa.Engine) -> None:
    upgrade(engine)
    one, other = SqlStore(engine), SqlStore(engine)
    case, out = started()
    one.create(out.state, "claims", None, out.history)
    loaded = other.load("c1")
    after = run(case, loaded.state, Command("complete", "pi_a"))
    one.save("c1", after.state, loaded.version, after.history)  # `one` has seen version 1 only
    twice = run(case, other.load("c1").state, Command("complete", "pi_b"))
    with statements(engine) as seen:
        one.save("c1", twice.state, 2, twice.history)  # `one` never saw version 2: reads it
    changed = dict(writes(seen))["UPDATE case_items"]
    assert changed == sum(
        1 for key, item in twice.state.items.items() if after.state.items[key] != item
    )
    assert dump_state(other.load("c1").state) == dump_state(twice.state)


def test_timers_are_rewritten_only_when_they_change(engine: sa.Engine) -> None:
    upgrade(engine)
    store = SqlStore(engine)
    case, out = started()
    store.create(out.state, "claims", None, out.history)
    loaded = store.load("c1")
    after = run(case, loaded.state, Command("complete", "pi_a"))
    with statements(engine) as seen:
        store.save("c1", after.state, 1, after.history)
    assert not any("case_timers" in verb for verb, _ in writes(seen))
    fired = case.fire_due_timer(case.restore(store.load("c1").state), T0 + timedelta(hours=1))
    assert fired is not None
    with statements(engine) as seen:
        store.save("c1", fired.state, 2, fired.history)
    assert ("DELETE case_timers", 1) in writes(seen)
    assert store.load("c1").state.timers == []


def test_a_case_in_an_older_format_is_upgraded_and_rewritten(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case stored in a format 0 whose `seq` was called `counter`, read through an upgrader."""
    upgrade(engine)
    store = SqlStore(engine)
    case, out = started()
    store.create(out.state, "claims", None, out.history)
    with engine.begin() as connection:  # make the stored case look like an old format, 0
        cases = metadata.tables["cases"]
        extra = connection.execute(sa.select(cases.c.extra)).scalar_one()
        extra["counter"] = extra.pop("seq")
        connection.execute(cases.update().values(format_version=0, extra=extra))
    monkeypatch.setattr(serialize, "UPGRADERS", dict(serialize.UPGRADERS))

    @serialize.upgrader(from_version=0)
    def rename_counter(document: dict) -> dict:
        document["case"]["seq"] = document["case"].pop("counter")
        return document

    fresh = SqlStore(engine)
    loaded = fresh.load("c1")
    assert dump_state(loaded.state) == dump_state(out.state)
    after = run(case, loaded.state, Command("complete", "pi_a"))
    with statements(engine) as seen:
        fresh.save("c1", after.state, loaded.version, after.history)
    verbs = dict(writes(seen))
    assert verbs["INSERT case_items"] == len(after.state.items)  # all rows anew
    with engine.connect() as connection:
        assert (
            connection.execute(sa.text("SELECT format_version FROM cases")).scalar()
            == FORMAT_VERSION
        )
    assert dump_state(SqlStore(engine, cache_size=0).load("c1").state) == dump_state(after.state)


# -- migrations -----------------------------------------------------------------------------------


def test_migrations_create_the_schema_the_code_expects(engine: sa.Engine) -> None:
    upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, metadata) == []
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("case_timers")}
    assert "ix_case_timers_due" in indexes
    downgrade(engine, "base")
    assert not TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES


def test_migrating_an_empty_sqlite_file_by_url(tmp_path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    upgrade(url)  # idempotent
    engine = make_engine(url)
    try:
        assert set(sa.inspect(engine).get_table_names()) >= TABLES
        SqlStore(engine)  # does not refuse
    finally:
        engine.dispose()


def test_an_unmigrated_database_is_refused(engine: sa.Engine) -> None:
    with pytest.raises(NotMigrated, match=r"no Case Studio tables: run `studio db upgrade`"):
        SqlStore(engine)


def test_a_database_behind_or_ahead_is_refused(engine: sa.Engine) -> None:
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(NotMigrated, match="revision ffff, which this version of Case Studio"):
        SqlStore(engine)


def test_the_migrations_ship_with_the_package() -> None:
    from importlib.resources import files

    migrations = files("studio.runtime.migrations")
    assert migrations.joinpath("env.py").is_file()
    assert migrations.joinpath("script.py.mako").is_file()
    assert migrations.joinpath("versions", "0001_cases.py").is_file()


# -- SQLite settings ------------------------------------------------------------------------------


def test_sqlite_connections_are_set_up(tmp_path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    try:
        assert sqlite_settings(engine) == {"journal_mode": "wal", "synchronous": "FULL"}
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    finally:
        engine.dispose()
    normal = make_engine(sqlite_url(tmp_path), synchronous="NORMAL")
    try:
        assert sqlite_settings(normal)["synchronous"] == "NORMAL"
    finally:
        normal.dispose()
    with pytest.raises(ValueError, match="synchronous"):
        make_engine(sqlite_url(tmp_path), synchronous="SOMETIMES")  # type: ignore[arg-type]


def test_deleting_a_case_row_cascades(tmp_path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    store = SqlStore(url)
    _, out = started()
    store.create(out.state, "claims", None, out.history)
    with store.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM cases"))
        left = connection.execute(sa.text("SELECT count(*) FROM case_items")).scalar()
    assert left == 0
    store.engine.dispose()
