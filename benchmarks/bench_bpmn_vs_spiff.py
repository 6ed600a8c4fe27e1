"""Case Studio's ProcessEngine against SpiffWorkflow 3.2.0 on SpiffWorkflow's own benchmark process.

Target (issue 4, "Numbers to reach"): running ../shared/bench/peers/bench_process.bpmn 10,000 times
to completion is at least 5x faster with Case Studio than with SpiffWorkflow, whole process
against whole process, both measured in this one run.

What is timed, on both sides: N instances (input data amount = i % 100, so about half take each
XOR branch) each run from start to its end event, in memory, sequentially; the model is parsed
and compiled once, outside the timing. Case Studio: ProcessEngine(history=False).start(...) runs
every script task inside start; SpiffWorkflow: BpmnWorkflow(spec), set_data on the start task,
do_engine_steps() (benchmarks/peers/spiff_whole_process.py, run by the peer venv's Python).
One untimed warm-up run each, then the median of --runs timed runs.

The peer lives in its own venv (never a project dependency): `make bench-peers` creates
.peer-venv with SpiffWorkflow==3.2.0 when missing, then runs this script.
Run: .venv/bin/python benchmarks/bench_bpmn_vs_spiff.py [--n 10000] [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from machine import machine  # benchmarks/machine.py (run as scripts from benchmarks/)

from studio.expressions import compile_script, default_engine
from studio.expressions.errors import ExpressionError
from studio.notation import read_model_file
from studio.runtime.engine.process_definition import compile_process
from studio.runtime.engine.process_engine import ProcessEngine

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared"))
PEER_BPMN = SHARED / "bench" / "peers" / "bench_process.bpmn"
PEER_PYTHON = ROOT / ".peer-venv" / "bin" / "python"
PEER_RUNNER = Path(__file__).resolve().parent / "peers" / "spiff_whole_process.py"
PROCESS_ID = "bench_process"
TARGET = 5.0
NOW = datetime(2026, 1, 5, tzinfo=UTC)
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


# -- the peer's file in our expression language -----------------------------------------------


def refused_lines(path: Path) -> list[str]:
    """The script lines and conditions of the file that our expression language refuses."""
    root = ET.parse(path).getroot()
    refused = []
    for task in root.iter(f"{{{BPMN_NS}}}scriptTask"):
        text = "".join(t.text or "" for t in task.iter(f"{{{BPMN_NS}}}script"))
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                compile_script(line)
            except ExpressionError as exc:
                refused.append(f"{task.get('id')} line {number}: {line.strip()!r}: {exc.message}")
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        for condition in flow.iter(f"{{{BPMN_NS}}}conditionExpression"):
            try:
                default_engine().compile((condition.text or "").strip())
            except ExpressionError as exc:
                refused.append(f"{flow.get('id')} condition {condition.text!r}: {exc.message}")
    return refused


def translated_copy(path: Path, folder: Path) -> Path:
    """A copy of the peer's file with Python-dialect spellings our language writes differently
    (string quotes), in a temporary folder: the peer's file is never copied into the project."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r"(<bpmn:script>)(.*?)(</bpmn:script>)",
        lambda m: m[1] + re.sub(r"'([^'\"]*)'", r'"\1"', m[2]) + m[3],
        text,
        flags=re.S,
    )
    copy = folder / path.name
    copy.write_text(text, encoding="utf-8")
    return copy


# -- the two sides ---------------------------------------------------------------------------


def studio_samples(path: Path, n: int, runs: int) -> list[float]:
    engine = ProcessEngine(compile_process(read_model_file(path), PROCESS_ID), history=False)
    for amount, category in ((70, "high"), (10, "low")):  # both branches, the expected data
        state = engine.start(f"check-{amount}", {"amount": amount}, NOW).state
        assert state.state == "completed", state.state
        data = state.data
        assert data["category"] == category and data["a"] == amount * 2 + 1, data
        assert data["c"] == amount * 2 + 3, data

    def batch() -> None:
        start = engine.start
        for i in range(n):
            outcome = start(f"bench-{i}", {"amount": i % 100}, NOW)
            if outcome.state.state != "completed":
                raise AssertionError(f"instance {i} ended {outcome.state.state}")

    batch()  # warm-up, not timed
    samples = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        batch()
        samples.append(time.perf_counter() - started)
    return samples


def spiff_samples(python: Path, path: Path, n: int, runs: int) -> tuple[str, list[float]]:
    command = [str(python), str(PEER_RUNNER), str(path), PROCESS_ID, str(n), str(runs)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the SpiffWorkflow run failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["version"], result["samples"]


def profile(path: Path, n: int) -> None:
    engine = ProcessEngine(compile_process(read_model_file(path), PROCESS_ID), history=False)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(n):
        engine.start(f"p-{i}", {"amount": i % 100}, NOW)
    profiler.disable()
    print("\nTop hot spots of Case Studio's engine (cumulative, then own time):")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(15)
    stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="instances per timed run")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (the median is kept)")
    parser.add_argument("--bpmn", type=Path, default=PEER_BPMN)
    parser.add_argument("--peer-python", type=Path, default=PEER_PYTHON)
    parser.add_argument("--profile", action="store_true", help="cProfile our engine as well")
    args = parser.parse_args()
    if not args.bpmn.exists():
        raise SystemExit(f"{args.bpmn} is missing (the peer files of ../shared/bench/peers)")
    peer_missing = not args.peer_python.exists()

    print(f"Command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"Machine: {machine()}")
    print(f"Model:   {args.bpmn}  ({args.n:,} instances per run, median of {args.runs} runs)")
    with tempfile.TemporaryDirectory() as folder:
        ours = args.bpmn
        refused = refused_lines(ours)
        if refused:
            print("Lines of the peer's file our expression language refuses (run translated):")
            print("\n".join(f"  {line}" for line in refused))
            ours = translated_copy(ours, Path(folder))
            still = refused_lines(ours)
            if still:
                raise SystemExit("still refused after translation:\n" + "\n".join(still))
        else:
            print("Scripts and conditions: all compile in our expression language as written.")
        studio = statistics.median(studio_samples(ours, args.n, args.runs))
        if peer_missing:  # `make bench` runs every script; the peer venv is bench-peers' job
            print(f"Case Studio ProcessEngine   {args.n / studio:10,.0f} processes/s")
            print(f"SpiffWorkflow not measured: {args.peer_python} is missing (make bench-peers)")
            return
        version, peer = spiff_samples(args.peer_python, args.bpmn, args.n, args.runs)
        spiff = statistics.median(peer)
        if args.profile:
            profile(ours, args.n)

    ours_rate, peer_rate = args.n / studio, args.n / spiff
    ratio = ours_rate / peer_rate
    print(f"Case Studio ProcessEngine   {ours_rate:10,.0f} processes/s  ({studio:.3f} s per run)")
    print(f"SpiffWorkflow {version:<13} {peer_rate:10,.0f} processes/s  ({spiff:.3f} s per run)")
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"Ratio: {ratio:.1f}x faster (target >= {TARGET:.0f}x: {verdict})")
    if ratio < TARGET and not args.profile:
        profile(ours, args.n)
    sys.exit(0 if ratio >= TARGET else 1)


if __name__ == "__main__":
    main()
