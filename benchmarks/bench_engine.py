"""The case engine in memory: cases per second, and the cost of one event as cases grow.

Targets (issue "Case engine"): start and drive a 5-task case through completion at >= 5,000
cases/s; the cost per event flat as a case grows from 10 to 1,000 plan items.
Run: .venv/bin/python benchmarks/bench_engine.py [--cases 5000]
History is off, as in simulation.
"""

from __future__ import annotations

import argparse
import os
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


def cases_per_second(count: int) -> tuple[float, float]:
    """(cases per second of wall time, cases per second of this process's CPU time): on a
    machine shared with other work the CPU-time rate is what one core does."""
    engine = CaseEngine(compile_case(read_model(model(5, chained=True), "b.cmmn")), history=False)
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(count):
        state = engine.start(f"c{n}", {"amount": n}, NOW).state
        for i in range(5):
            state = engine.execute(state, Command("complete", f"p{i}"), NOW).state
        assert state.state == "completed"
    return count / (time.perf_counter() - started), count / (time.process_time() - cpu)


def cost_per_event(size: int, samples: int = 300) -> float:
    """Median microseconds for one command (completing one task) in a case of `size` active
    tasks; a new case is started whenever one runs out of tasks."""
    engine = CaseEngine(
        compile_case(read_model(model(size, chained=False), "b.cmmn")), history=False
    )
    timings: list[float] = []
    while len(timings) < samples:
        state = engine.start("c", {"amount": 1}, NOW).state
        for i in range(min(samples - len(timings), size - 1)):  # the last one ends the case
            started = time.perf_counter()
            state = engine.execute(state, Command("complete", f"p{i}"), NOW).state
            timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1e6


SIZES = (10, 30, 100, 300, 1000)


def curve(costs: dict[int, float]) -> list[str]:
    """The cost per event against the size of the case, as a table with a bar per size."""
    top = max(costs.values())
    lines = [f"  {'plan items':>10}  {'µs/command':>10}"]
    for size, cost in costs.items():
        bar = "#" * max(1, round(40 * cost / top))
        lines.append(f"  {size:>10}  {cost:10.1f}  {bar}")
    ratio = costs[SIZES[-1]] / costs[SIZES[0]]
    lines.append(f"  {SIZES[-1]} vs {SIZES[0]} plan items: x{ratio:.2f} (flat: about x1)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()
    cases_per_second(200)  # warm-up
    rate, on_cpu = cases_per_second(args.cases)
    print(f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(
        f"5-task case, start to completion, in memory: {rate:,.0f} cases/s "
        f"({rate * 6:,.0f} commands/s; {on_cpu:,.0f} cases/s of CPU time)   "
        "target >= 5,000 cases/s"
    )
    print("cost of one event (complete one task) as the case grows, in memory, history off:")
    print("\n".join(curve({size: cost_per_event(size) for size in SIZES})))


if __name__ == "__main__":
    main()
