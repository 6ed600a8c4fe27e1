"""Case Studio's simulator against Prosimos 2.1.0 on the peer's simulation benchmark model.

Target (the issue): ../shared/bench/peers/bench_process_sim.bpmn with its Prosimos scenario
(bench_process_sim.json) and our equivalent benchmarks/bench_process_sim.sim.json; for 10,000 and
50,000 cases the KPIs agree with Prosimos's within their statistical noise, Case Studio is at
least 3x faster, whole process against whole process, and its memory stays flat from 10,000 to
500,000 cases.

What is compared: --runs runs on each side with seeds 1..runs (the two sides' random streams are
unrelated, so the runs are independent samples). Per KPI: the mean and sample standard deviation
over the runs on each side, the run-to-run spread being the statistical noise. They agree when
|difference| <= limit x SE, with SE the standard error of the difference from the pooled
standard deviation (Student's two-sample test: if the simulators agree, their spreads are the
same) and limit Student's t at the 3-sigma level (99.73 %, two-sided) for n_p + n_c - 2 degrees
of freedom: 4.28 with 5 runs a side, 6.62 with 3, tending to 3 (with 3 runs a side a plain
3 x SE would flag about one KPI in 25 by chance). Prosimos's conventions are converted to ours
by the peer runner (docs/prosimos-conventions.md).

What is timed, on both sides, per run: reading the model and the scenario, simulating every case
to completion and computing the KPIs, in memory (no interpreter start, no imports). Prosimos:
run_simulation() in benchmarks/peers/prosimos_run.py, run by .peer-venv-prosimos's Python, one
process per run; Case Studio: load_spec() + simulate() in this process. Timings are printed, not
asserted. --memory runs Case Studio alone for 10,000 / 100,000 / 500,000 cases, each in a fresh
process, and prints its peak resident memory (getrusage).

The peer lives in its own venv (never a project dependency): `make bench-prosimos` creates it.
Run: .venv/bin/python benchmarks/bench_sim_vs_prosimos.py [--cases 10000] [--runs 5] [--memory]
"""

from __future__ import annotations

import argparse
import gc
import importlib
import inspect
import json
import math
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from machine import machine  # benchmarks/machine.py (run as scripts from benchmarks/)

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared")).resolve()
SPEC = Path(__file__).resolve().parent / "bench_process_sim.sim.json"
PEER_PYTHON = ROOT / ".peer-venv-prosimos" / "bin" / "python"
PEER_RUNNER = Path(__file__).resolve().parent / "peers" / "prosimos_run.py"
TARGET = 3.0
T_LIMIT = {1: 235.8, 2: 19.21, 3: 9.22, 4: 6.62, 5: 5.51, 6: 4.9, 7: 4.53, 8: 4.28, 9: 4.09}
T_LIMIT |= {10: 3.96, 11: 3.85, 12: 3.76, 13: 3.69, 14: 3.64, 15: 3.59, 16: 3.54, 17: 3.51}
T_LIMIT |= {18: 3.48, 19: 3.45, 20: 3.42, 22: 3.38, 24: 3.34, 26: 3.32, 28: 3.29, 30: 3.27}
T_LIMIT |= {40: 3.2, 60: 3.13, 120: 3.06}
"""Student's t quantiles at the 3-sigma level (99.73 % two-sided) by degrees of freedom; a
degree count between two keys takes the lower key's (larger, so more lenient) value."""
MEMORY_SIZES = (10_000, 100_000, 500_000)
BPMN_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


# -- the two sides ---------------------------------------------------------------------------


def studio_api():
    """(load_spec, simulate), or the reason they cannot be imported."""
    try:  # imported by name: the simulator is newer than this benchmark
        spec = importlib.import_module("studio.simulation.spec")
        simulator = importlib.import_module("studio.simulation.simulator")
        return (spec.load_spec, simulator.simulate), None
    except (ImportError, AttributeError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def spec_copy(folder: Path, cases: int, seed: int) -> Path:
    """Our .sim.json with this run's cases and seed, written to `folder` (the model path made
    absolute, since it is relative to the original file)."""
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    data["model"] = str((SPEC.parent / data["model"]).resolve())
    data["cases"], data["seed"] = cases, seed
    path = folder / f"bench_{cases}_{seed}.sim.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def run_simulate(simulate, spec) -> dict:
    """simulate(spec), without progress reports when it offers them."""
    if "progress" in inspect.signature(simulate).parameters:
        return simulate(spec, progress=None)
    return simulate(spec)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_studio(api, folder: Path, cases: int, seed: int) -> dict:
    load_spec, simulate = api
    path = spec_copy(folder, cases, seed)
    gc.collect()
    started = time.perf_counter()
    result = run_simulate(simulate, load_spec(path))
    result["seconds"] = time.perf_counter() - started
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def run_prosimos(python: Path, cases: int, seed: int) -> dict:
    command = [str(python), str(PEER_RUNNER), "--cases", str(cases), "--seed", str(seed)]
    env = {**os.environ, "SHARED": str(SHARED)}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"the Prosimos run failed ({shlex.join(command)}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- KPIs side by side -----------------------------------------------------------------------


def element_names() -> dict[str, str]:
    """Element id -> name of the model's tasks, to match activities keyed either way."""
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    root = ET.parse(SPEC.parent / data["model"]).getroot()
    names = {}
    for element in root.iter():
        local = element.tag.removeprefix(BPMN_NS)
        if local != element.tag and (local == "task" or local.endswith("Task")):
            names[element.get("id")] = element.get("name") or element.get("id")
    return names


def flatten(result: dict, names: dict[str, str]) -> dict[str, float]:
    """The compared KPIs of one result, as 'path' -> value."""
    out = {"cases.completed": result["cases"]["completed"]}
    for key in ("mean", "p50", "p90", "p95", "max"):
        out[f"cycle_time.{key}"] = result["cycle_time"][key]
    activities = {names.get(k, k): a for k, a in result.get("activities", {}).items()}
    for name, activity in sorted(activities.items()):
        out[f"{name}.count"] = activity["count"]
        out[f"{name}.waiting.mean"] = activity["waiting"]["mean"]
        out[f"{name}.waiting.p90"] = activity["waiting"]["p90"]
        out[f"{name}.processing.mean"] = activity["processing"]["mean"]
    for role, figures in sorted(result.get("resources", {}).items()):
        out[f"{role}.utilization"] = figures["utilization"]
        out[f"{role}.cost"] = figures["cost"]
    return out


def spread(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    return mean, statistics.stdev(values) if len(values) > 1 else 0.0


def number(value: float) -> str:
    if abs(value) < 10:
        return f"{value:.4f}"
    return f"{value:,.1f}"


def compare(peer: list[dict], ours: list[dict], names: dict[str, str], label="Prosimos") -> int:
    """Print the KPI table (one side only when `ours` is empty, headed `label`); the number of
    KPIs that do not agree."""
    p_rows = [flatten(r, names) for r in peer]
    o_rows = [flatten(r, names) for r in ours] if ours else []
    keys = list(p_rows[0])
    width = max(len(k) for k in keys)
    if not o_rows:
        print(f"\n{'KPI':<{width}}  {label + ' mean ± sd':>26}")
        for key in keys:
            mean, sd = spread([r[key] for r in p_rows])
            print(f"{key:<{width}}  {number(mean):>12} ± {number(sd):<11}")
        return 0
    print(
        f"\n{'KPI':<{width}}  {'Prosimos mean ± sd':>26}  {'Case Studio mean ± sd':>26}"
        f"  {'diff':>10}  {'SE':>10}  |d|/SE  limit  agree"
    )
    extra = sorted({k for r in o_rows for k in r} - set(keys))
    if extra:
        print(f"(only in Case Studio's result, not compared: {', '.join(extra)})")
    disagreements = 0
    for key in keys:
        pv = [r[key] for r in p_rows if key in r]
        ov = [r[key] for r in o_rows if key in r]
        if not pv or not ov:
            side = "Case Studio" if not ov else "Prosimos"
            print(f"{key:<{width}}  missing on the {side} side")
            disagreements += 1
            continue
        (pm, ps), (om, osd) = spread(pv), spread(ov)
        se, limit = standard_error(ps, len(pv), osd, len(ov))
        diff = om - pm
        agree = abs(diff) <= limit * se or abs(diff) <= 1e-9 * max(1.0, abs(pm))
        disagreements += not agree
        ratio = f"{abs(diff) / se:5.1f}" if se else "    -"
        print(
            f"{key:<{width}}  {number(pm):>12} ± {number(ps):<11}  {number(om):>12} ± "
            f"{number(osd):<11}  {number(diff):>10}  {number(se):>10}  {ratio}  {limit:5.2f}"
            f"  {'yes' if agree else 'NO'}"
        )
    return disagreements


def standard_error(sd_a: float, n_a: int, sd_b: float, n_b: int) -> tuple[float, float]:
    """The standard error of the difference of two means over runs, and the limit of
    |difference| / SE for agreement. If the simulators agree, both sides have the same
    run-to-run spread, so the two standard deviations are pooled (Student's two-sample test):
    the limit is Student's t at n_a + n_b - 2 degrees of freedom, at the 3-sigma level; it tends
    to 3 with many runs (a standard deviation from a few runs is itself uncertain)."""
    df = n_a + n_b - 2
    if df < 1:
        return 0.0, 3.0
    pooled = ((n_a - 1) * sd_a**2 + (n_b - 1) * sd_b**2) / df
    se = math.sqrt(pooled * (1 / n_a + 1 / n_b))
    keys = [k for k in T_LIMIT if k <= df]
    return se, T_LIMIT[max(keys)] if keys else T_LIMIT[1]


def timings(label: str, results: list[dict]) -> float:
    seconds = [r["seconds"] for r in results]
    mean, sd = spread(seconds)
    median = statistics.median(seconds)
    rss = max(r.get("peak_rss_mb", 0.0) for r in results)
    print(
        f"{label:<24} median {median:8.2f} s  (mean {mean:.2f} ± {sd:.2f} s over "
        f"{len(seconds)} runs; peak RSS {rss:,.0f} MB)"
    )
    return median


# -- memory ------------------------------------------------------------------------------------


def memory_child(cases: int) -> None:
    """One Case Studio run in this fresh process; prints its memory figures as JSON."""
    api, reason = studio_api()
    if api is None:
        raise SystemExit(reason)
    load_spec, simulate = api
    with tempfile.TemporaryDirectory() as folder:
        path = spec_copy(Path(folder), cases, 1)
        spec = load_spec(path)
        gc.collect()
        baseline = peak_rss_mb()
        started = time.perf_counter()
        result = run_simulate(simulate, spec)
        seconds = time.perf_counter() - started
    completed = result["cases"]["completed"]
    figures = {"cases": cases, "completed": completed, "seconds": seconds}
    figures |= {"baseline_mb": baseline, "peak_mb": peak_rss_mb()}
    print(json.dumps(figures))


def memory() -> None:
    api, reason = studio_api()
    if api is None:
        print(f"Case Studio simulator not available yet ({reason}): no memory figures")
        return
    print("\nCase Studio memory, one fresh process per size (peak RSS from getrusage):")
    print(f"{'cases':>9}  {'before simulate':>15}  {'peak':>9}  {'growth':>9}  {'seconds':>8}")
    for cases in MEMORY_SIZES:
        command = [sys.executable, str(Path(__file__).resolve()), "--memory-child", str(cases)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{cases:>9,}  failed:\n{done.stderr}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        growth = r["peak_mb"] - r["baseline_mb"]
        print(
            f"{cases:>9,}  {r['baseline_mb']:>12,.0f} MB  {r['peak_mb']:>6,.0f} MB  "
            f"{growth:>6,.0f} MB  {r['seconds']:>8.2f}"
        )


# -- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases per run")
    parser.add_argument("--runs", type=int, default=5, help="runs per side (seeds 1..runs)")
    parser.add_argument("--peer-python", type=Path, default=PEER_PYTHON)
    parser.add_argument("--memory", action="store_true", help="Case Studio's memory, 10k to 500k")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--save", type=Path, help="write every run's result to this JSON file")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return

    print(f"Command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"Machine: {machine()}")
    print(f"Model:   {SPEC.name} / {SHARED / 'bench' / 'peers' / 'bench_process_sim.json'}")
    if args.memory:
        memory()
        return
    print(f"         {args.cases:,} cases per run, {args.runs} runs per side, seeds 1..{args.runs}")
    names = element_names()

    peer: list[dict] = []
    if args.peer_python.exists():
        peer = [run_prosimos(args.peer_python, args.cases, s) for s in range(1, args.runs + 1)]
    else:
        print(f"Prosimos not measured: {args.peer_python} is missing (make bench-prosimos)")

    ours: list[dict] = []
    api, reason = studio_api()
    if api is None:
        print(f"Case Studio simulator not available yet ({reason})")
    else:
        with tempfile.TemporaryDirectory() as folder:
            ours = [run_studio(api, Path(folder), args.cases, s) for s in range(1, args.runs + 1)]

    if args.save:
        args.save.write_text(json.dumps({"prosimos": peer, "case_studio": ours}, indent=1))
    if peer:
        disagreements = compare(peer, ours, names)
        print(
            "\nagree: |Case Studio mean - Prosimos mean| <= limit x SE (pooled standard error of"
            " the difference;\nlimit: Student's t at the 3-sigma level, 99.73 %, for the runs'"
            " degrees of freedom; 3 with many runs)"
        )
        if ours:
            print(f"KPIs that do not agree within noise: {disagreements}")
    elif ours:
        compare(ours, [], names, label="Case Studio")
    print()
    p_median = timings(f"Prosimos {peer[0].get('version', '?')}", peer) if peer else None
    o_median = timings("Case Studio", ours) if ours else None
    if p_median and o_median:
        ratio = p_median / o_median
        verdict = "met" if ratio >= TARGET else "NOT met"
        print(f"Ratio: Case Studio {ratio:.1f}x faster (target >= {TARGET:.0f}x: {verdict})")


if __name__ == "__main__":
    main()
