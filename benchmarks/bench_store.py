"""Case store throughput: commands per second, sustained, one thread, history on.

Each case has five human tasks in sequence: a start, then five completions, each run as a server
would (load -> execute -> save, one transaction each). Target: >= 300 commands/s on SQLite.

Run: .venv/bin/python benchmarks/bench_store.py [--cases N] [--dir DIR]
(DIR: where the SQLite files go, default a temporary folder; put it on the disk you deploy on,
since synchronous=FULL pays one fsync per commit.)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def run(store: Store, engine: CaseEngine, cases: int, prefix: str) -> tuple[int, float, float]:
    """(commands, seconds in all, seconds in the store) for `cases` cases run to completion."""
    commands, in_store = 0, 0.0
    began = time.perf_counter()
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
    return commands, time.perf_counter() - began, in_store


def report(label: str, commands: int, seconds: float, in_store: float) -> None:
    print(
        f"{label:44} {commands / seconds:8.0f} commands/s   "
        f"({commands} commands in {seconds:.2f} s; {in_store / commands * 1e3:.2f} ms/command "
        "in the store)"
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


if __name__ == "__main__":
    main()
