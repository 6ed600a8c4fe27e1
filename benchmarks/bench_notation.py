"""Parse + validate a generated 1,000-plan-item CMMN model and a 1,000-element BPMN model.

Target (issue "Foundation and notation"): under 100 ms each on the 2-core reference machine.
Run: .venv/bin/python benchmarks/bench_notation.py [--runs 15]
Prints the median and best wall time of the timed runs (one warm-up run first, not counted), and
the median CPU time of this process: on a machine shared with other work the wall time also
counts the time the process waited for a core (the load average is printed with the figures).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import bpmn_model, cmmn_model
from machine import machine

from studio.editor.validation import ModelProject, validate_model
from studio.notation import read_model


@dataclass(frozen=True)
class Figures:
    """Medians over the timed runs, in milliseconds, and the problems found."""

    parse: float
    total: float
    best: float
    cpu: float
    problems: int


def measure(data: bytes, name: str, runs: int) -> Figures:
    folder = Path(tempfile.mkdtemp())
    (folder / name).write_bytes(data)

    def once() -> tuple[float, float, float, int]:
        project = ModelProject(folder)  # fresh: nothing cached between runs
        cpu_started = time.process_time()
        started = time.perf_counter()
        model = read_model(data, name)
        parsed = time.perf_counter()
        problems = validate_model(model, folder / name, project)
        done = time.perf_counter()
        cpu = time.process_time() - cpu_started
        return parsed - started, done - started, cpu, len(problems)

    once()  # warm-up: imports, expression cache
    parse_times, totals, cpu_times = [], [], []
    problems = 0
    for _ in range(runs):
        gc.collect()
        parse, total, cpu, problems = once()
        parse_times.append(parse)
        totals.append(total)
        cpu_times.append(cpu)
    return Figures(
        statistics.median(parse_times) * 1000,
        statistics.median(totals) * 1000,
        min(totals) * 1000,
        statistics.median(cpu_times) * 1000,
        problems,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cases = [
        ("CMMN, 1,000 plan items", cmmn_model(1000), "big.cmmn"),
        ("BPMN, 1,000 elements", bpmn_model(1000), "big.bpmn"),
    ]
    print(machine())
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(
        f"{'model':<26}{'bytes':>10}{'parse ms':>10}{'parse+validate ms':>19}{'best ms':>9}"
        f"{'CPU ms':>8}"
    )
    for label, data, name in cases:
        f = measure(data, name, args.runs)
        print(
            f"{label:<26}{len(data):>10,}{f.parse:>10.1f}{f.total:>19.1f}{f.best:>9.1f}"
            f"{f.cpu:>8.1f}   ({f.problems} problems)"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("target: parse + validate under 100 ms for each model (median)")


if __name__ == "__main__":
    main()
