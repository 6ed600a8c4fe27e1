"""The case engine in memory: cases per second, and the cost of one event as cases grow.

Targets (issue "Case engine"): start and drive a 5-task case through completion at >= 5,000
cases/s; the cost per event flat as a case grows from 10 to 1,000 plan items.
Run: .venv/bin/python benchmarks/bench_engine.py [--cases 5000]
History is off, as in simulation.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from studio.notation import read_model
from studio.runtime.engine.definition import compile_case
from studio.runtime.engine.engine import CaseEngine, Command

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def model(tasks: int, *, chained: bool) -> bytes:
    """`tasks` human tasks; chained: each waits (entry criterion) for the previous one."""
    body = []
    for i in range(tasks):
        entry = f'<entryCriterion id="ec{i}" sentryRef="s{i}"/>' if chained and i else ""
        body.append(f'<planItem id="p{i}" definitionRef="h{i}">{entry}</planItem>')
        body.append(f'<humanTask id="h{i}" name="Task {i}"/>')
        if chained and i:
            body.append(
                f'<sentry id="s{i}"><planItemOnPart id="o{i}" sourceRef="p{i - 1}">'
                "<standardEvent>complete</standardEvent></planItemOnPart>"
                f"<ifPart><condition>amount &gt;= 0</condition></ifPart></sentry>"
            )
    return (
        '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="b">'
        '<case id="Bench"><casePlanModel id="plan" autoComplete="true">'
        + "".join(body)
        + "</casePlanModel></case></definitions>"
    ).encode()


def cases_per_second(count: int) -> float:
    engine = CaseEngine(compile_case(read_model(model(5, chained=True), "b.cmmn")), history=False)
    started = time.perf_counter()
    for n in range(count):
        state = engine.start(f"c{n}", {"amount": n}, NOW).state
        for i in range(5):
            state = engine.execute(state, Command("complete", f"p{i}"), NOW).state
        assert state.state == "completed"
    return count / (time.perf_counter() - started)


def cost_per_event(size: int, samples: int = 200) -> float:
    """Microseconds for one command (completing one task) in a case of `size` active tasks."""
    engine = CaseEngine(
        compile_case(read_model(model(size, chained=False), "b.cmmn")), history=False
    )
    state = engine.start("c", {"amount": 1}, NOW).state
    timings = []
    for i in range(min(samples, size - 1)):
        started = time.perf_counter()
        state = engine.execute(state, Command("complete", f"p{i}"), NOW).state
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()
    cases_per_second(200)  # warm-up
    rate = cases_per_second(args.cases)
    print(
        f"5-task case, start to completion, in memory: {rate:,.0f} cases/s "
        f"({rate * 6:,.0f} commands/s)   target >= 5,000 cases/s"
    )
    print("cost of one event (complete one task) as the case grows:")
    for size in (10, 100, 1000):
        print(f"  {size:>5} plan items: {cost_per_event(size):7.1f} µs per command")


if __name__ == "__main__":
    main()
