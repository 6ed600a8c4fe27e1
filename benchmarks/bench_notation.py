"""Parse + validate a generated 1,000-plan-item CMMN model and a 1,000-element BPMN model.

Target (issue "Foundation and notation"): under 100 ms each on the 2-core reference machine.
Run: .venv/bin/python benchmarks/bench_notation.py [--runs 15]
Prints the median and best of the timed runs (one warm-up run first, not counted).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import bpmn_model, cmmn_model

from studio.editor.validation import ModelProject, validate_model
from studio.notation import read_model


def measure(data: bytes, name: str, runs: int) -> tuple[float, float, float, int]:
    folder = Path(tempfile.mkdtemp())
    (folder / name).write_bytes(data)

    def once() -> tuple[float, float, int]:
        project = ModelProject(folder)  # fresh: nothing cached between runs
        started = time.perf_counter()
        model = read_model(data, name)
        parsed = time.perf_counter()
        problems = validate_model(model, folder / name, project)
        done = time.perf_counter()
        return parsed - started, done - started, len(problems)

    once()  # warm-up: imports, expression cache
    parse_times, totals = [], []
    problems = 0
    for _ in range(runs):
        gc.collect()
        parse, total, problems = once()
        parse_times.append(parse)
        totals.append(total)
    return statistics.median(parse_times), statistics.median(totals), min(totals), problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cases = [
        ("CMMN, 1,000 plan items", cmmn_model(1000), "big.cmmn"),
        ("BPMN, 1,000 elements", bpmn_model(1000), "big.bpmn"),
    ]
    print(f"{'model':<26}{'bytes':>10}{'parse ms':>10}{'parse+validate ms':>19}{'best ms':>9}")
    for label, data, name in cases:
        parse, total, best, problems = measure(data, name, args.runs)
        print(
            f"{label:<26}{len(data):>10,}{parse * 1000:>10.1f}{total * 1000:>19.1f}"
            f"{best * 1000:>9.1f}   ({problems} problems)"
        )
    print("target: parse + validate under 100 ms for each model (median)")


if __name__ == "__main__":
    main()
