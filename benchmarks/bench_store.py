"""Case store throughput: commands per second, sustained, one thread, history on.

Each case has five human tasks in sequence: a start, then five completions, each run as a server
would (load -> execute -> save, one transaction each). Target: >= 300 commands/s on SQLite.

Run: .venv/bin/python benchmarks/bench_store.py [--cases N] [--dir DIR]
(DIR: where the SQLite files go, default a temporary folder; put it on the disk you deploy on,
since synchronous=FULL pays one fsync per commit.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from studio.notation import read_model
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command
from studio.runtime.store import MemoryStore, Store
from studio.runtime.store.database import make_engine, sqlite_settings
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.sql import SqlStore

TASKS = 5
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def sequence_model(tasks: int = TASKS) -> bytes:
    """Tasks pi_1 .. pi_n, each entered when the one before completes."""
    parts = []
    for n in range(1, tasks + 1):
        entry = f'<entryCriterion id="ec_{n}" sentryRef="s_{n}"/>' if n > 1 else ""
        parts.append(f'<planItem id="pi_{n}" definitionRef="ht_{n}">{entry}</planItem>')
        if n > 1:
            parts.append(
                f'<sentry id="s_{n}"><planItemOnPart id="op_{n}" sourceRef="pi_{n - 1}">'
                "<standardEvent>complete</standardEvent></planItemOnPart></sentry>"
            )
        parts.append(f'<humanTask id="ht_{n}" name="Task {n}"/>')
    return (
        '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="b">'
        '<case id="Sequence"><casePlanModel id="plan" autoComplete="true">'
        + "".join(parts)
        + "</casePlanModel></case></definitions>"
    ).encode()


def run(
    store: Store, engine: CaseEngine, cases: int, prefix: str
) -> tuple[int, float, float, float]:
    """(commands, seconds in all, seconds in the store, seconds of this process's CPU time) for
    `cases` cases run to completion."""
    commands, in_store = 0, 0.0
    began, cpu = time.perf_counter(), time.process_time()
    for n in range(cases):
        case_id = f"{prefix}-{n}"
        now = T0 + timedelta(seconds=n)
        out = engine.start(case_id, {"claim": {"amount": n, "owner": "ann"}}, now)
        mark = time.perf_counter()
        store.create(out.state, "sequence", "1", out.history)
        in_store += time.perf_counter() - mark
        commands += 1
        for task in range(1, TASKS + 1):
            mark = time.perf_counter()
            loaded = store.load(case_id)
            in_store += time.perf_counter() - mark
            state = engine.restore(loaded.state)
            after = engine.execute(state, Command("complete", f"pi_{task}", user="ann"), now)
            mark = time.perf_counter()
            store.save(case_id, after.state, loaded.version, after.history)
            in_store += time.perf_counter() - mark
            commands += 1
        assert store.load(case_id).state.state == "completed"
    return commands, time.perf_counter() - began, in_store, time.process_time() - cpu


def wide_model(tasks: int) -> bytes:
    """`tasks` human tasks, all active at once: a case that grows wide."""
    body = "".join(
        f'<planItem id="pi_{n}" definitionRef="ht_{n}"/><humanTask id="ht_{n}"/>'
        for n in range(tasks)
    )
    return (
        '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="b">'
        f'<case id="Wide"><casePlanModel id="plan" autoComplete="true">{body}'
        "</casePlanModel></case></definitions>"
    ).encode()


def touched(folder: Path, size: int, fresh: bool) -> tuple[str, int, int, float, float]:
    """One command (load, complete one task, save) on a case of `size` active tasks: (the
    statements, rows read, rows written, milliseconds in the store, median CPU milliseconds of
    the store per command over the next `FOLLOWING` commands). `fresh`: a store that has not
    seen the case yet (another server process), else the one that wrote it."""
    url = f"sqlite:///{folder / f'wide-{size}-{fresh}.db'}"
    upgrade(url)
    database = make_engine(url)
    writer = SqlStore(database)
    engine = CaseEngine(compile_case(read_model(wide_model(size), "wide.cmmn")))
    out = engine.start("w", {"claim": {"amount": 1}}, T0)
    writer.create(out.state, "wide", "1", out.history)
    store = SqlStore(database) if fresh else writer
    seen: list[tuple[str, str, int]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        words = statement.split()
        verb = words[0].upper()
        if verb in ("INSERT", "DELETE"):
            seen.append((verb, words[2], len(parameters) if executemany else 1))
        elif verb == "UPDATE":
            seen.append((verb, words[1], len(parameters) if executemany else 1))
        elif verb == "SELECT":
            seen.append((verb, words[words.index("FROM") + 1], 1))

    sa.event.listen(database, "before_cursor_execute", record)
    began = time.perf_counter()
    loaded = store.load("w")
    after = engine.execute(engine.restore(loaded.state), Command("complete", "pi_1"), T0)
    store.save("w", after.state, loaded.version, after.history)
    spent = (time.perf_counter() - began) * 1e3
    sa.event.remove(database, "before_cursor_execute", record)
    cpu: list[float] = []
    for task in range(2, 2 + min(FOLLOWING, size - 3)):  # pi_0 stays: the case stays open
        began = time.process_time()
        loaded = store.load("w")
        in_store = time.process_time() - began
        after = engine.execute(engine.restore(loaded.state), Command("complete", f"pi_{task}"), T0)
        began = time.process_time()
        store.save("w", after.state, loaded.version, after.history)
        cpu.append((in_store + time.process_time() - began) * 1e3)
    database.dispose()
    rows_of = {"cases": 1, "case_items": len(loaded.state.items), "case_timers": 0}
    read = sum(rows_of[table] for verb, table, _ in seen if verb == "SELECT")
    written = sum(n for verb, _, n in seen if verb in ("INSERT", "UPDATE", "DELETE"))
    kinds = ", ".join(f"{verb} {table}" + (f" x{n}" if n > 1 else "") for verb, table, n in seen)
    return kinds, read, written, spent, statistics.median(cpu)


FOLLOWING = 20
"""Commands after the first on each wide case, for the store's CPU time per command."""


def report_touched(folder: Path) -> None:
    print("what one command (complete one task) reads and writes as the case grows, SQLite:")
    header = ("plan items", "store", "rows read", "rows written", "ms all", "CPU ms")
    print("  {:>10} {:>9} {:>9} {:>12} {:>6} {:>6}  statements".format(*header))
    for size in (10, 100, 1000):
        for fresh in (False, True):
            kinds, read, written, spent, cpu = touched(folder, size, fresh)
            label = "another" if fresh else "same"
            print(
                f"  {size + 1:>10} {label:>9} {read:>9} {written:>12} {spent:6.2f} {cpu:6.3f}  "
                f"{kinds}"
            )
    print(
        "  (same: the store that wrote the case; another: one that has not seen it yet, which "
        "reads the case's rows once; ms all: wall time of that first command, fsync included; "
        f"CPU ms: the store's CPU time per command (load + save), median of the {FOLLOWING} "
        "commands that follow, 7 on the smallest case)"
    )


def report(label: str, commands: int, seconds: float, in_store: float, cpu: float) -> None:
    print(
        f"{label:44} {commands / seconds:8.0f} commands/s   "
        f"({commands} commands in {seconds:.2f} s; {in_store / commands * 1e3:.2f} ms/command "
        f"in the store; {commands / cpu:.0f} commands/s of CPU time)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    engine = CaseEngine(compile_case(read_model(sequence_model(), "sequence.cmmn")))
    run(MemoryStore(), engine, 20, "warm-up")
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        print(f"{args.cases} cases x {TASKS + 1} commands, history on, SQLite files in {folder}")
        print(f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        report("memory store", *run(MemoryStore(), engine, args.cases, "m"))
        for synchronous in ("NORMAL", "FULL"):
            url = f"sqlite:///{Path(folder) / f'bench-{synchronous.lower()}.db'}"
            upgrade(url)
            database = make_engine(url, synchronous=synchronous)
            settings = sqlite_settings(database)
            store = SqlStore(database)
            run(store, engine, 10, "warm-up")
            label = "SQLite journal_mode={journal_mode} synchronous={synchronous}"
            report(label.format(**settings), *run(store, engine, args.cases, "s"))
            database.dispose()
        report_touched(Path(folder))


if __name__ == "__main__":
    main()
