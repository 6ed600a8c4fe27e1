"""Peer side of bench_sim_vs_prosimos.py, run with the Prosimos venv's Python (Prosimos 2.1.0).

Simulates N cases of the peer model ../shared/bench/peers/bench_process_sim.bpmn with its Prosimos
scenario (bench_process_sim.json) and prints ONE JSON object on stdout: the KPIs in Case Studio's
`studio simulate --format json` shape (every time in seconds), converted from Prosimos's own
conventions (docs/prosimos-conventions.md), plus "seconds" (wall clock of the Prosimos run) and
"peak_rss_mb" (peak resident memory of this process), and "prosimos_native": Prosimos's own
averages, untouched, to show the conversion.

What is timed: prosimos.simulation_engine.run_simulation(), i.e. parsing the BPMN and JSON files,
simulating every case to completion and Prosimos's own KPI computation, in memory (no files: its
fastest public path). The conversion of its trace list into our KPI shape comes after and is
timed apart ("convert_seconds"). With --via-csv DIR the run writes Prosimos's event log and
statistics CSVs like its command line does (timed), and our KPIs are computed from that log.

Seeding: Prosimos draws from numpy's global generator (scipy's rvs, gateway choices) and from
Python's `random` (shuffling parallel branches); both are seeded with --seed, so a run repeats.

Usage: prosimos_run.py --cases 10000 [--seed 1] [--start 2026-01-05T00:00:00Z] [--via-csv DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import resource
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as dtime
from importlib.metadata import version
from pathlib import Path

import numpy as np
from prosimos.simulation_engine import run_simulation

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared"))
PEERS = SHARED / "bench" / "peers"
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


# -- the scenario file, read independently of Prosimos ----------------------------------------


class Scenario:
    """What the conversion needs from the Prosimos JSON: each resource instance's role (the
    resource_list entry id, which is our role name), hourly cost and calendar periods."""

    def __init__(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        calendars = {c["id"]: c["time_periods"] for c in data["resource_calendars"]}
        self.role_of: dict[str, str] = {}  # instance id or instance name -> role
        self.count: dict[str, int] = {}
        self.cost_per_hour: dict[str, float] = {}
        self.periods: dict[str, list[dict]] = {}
        for profile in data["resource_profiles"]:
            for entry in profile["resource_list"]:
                role, amount = entry["id"], int(entry["amount"])
                self.count[role] = amount
                self.cost_per_hour[role] = float(entry["cost_per_hour"])
                self.periods[role] = calendars[entry["calendar"]]
                # Prosimos names the instances id_0..id_{n-1} (and name_0..) when amount > 1
                for i in range(amount):
                    suffix = f"_{i}" if amount > 1 else ""
                    self.role_of[entry["id"] + suffix] = role
                    self.role_of[entry["name"] + suffix] = role


def _clock(text: str) -> float:
    h, m, *s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + (float(s[0]) if s else 0.0)


def working_seconds(periods: list[dict], t0: datetime, t1: datetime) -> float:
    """Seconds of [t0, t1] inside the weekly periods ({from, to, beginTime, endTime}), read in
    the datetimes' own time zone (as Prosimos reads its calendars)."""
    if t1 <= t0:
        return 0.0
    windows: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for p in periods:
        first, last = WEEKDAYS.index(p["from"].upper()), WEEKDAYS.index(p["to"].upper())
        day = first
        while True:
            windows[day].append((_clock(p["beginTime"]), _clock(p["endTime"])))
            if day == last:
                break
            day = (day + 1) % 7
    total = 0.0
    day = datetime.combine(t0.date(), dtime(0), tzinfo=t0.tzinfo)
    while day < t1:
        for begin, end in windows.get(day.weekday(), ()):
            lo = max(t0, day + timedelta(seconds=begin))
            hi = min(t1, day + timedelta(seconds=end))
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


# -- our KPI shape ------------------------------------------------------------------------------


def percentile(ordered: list[float], q: float) -> float:
    """Linear interpolation between the order statistics (numpy's default definition)."""
    if not ordered:
        return 0.0
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def our_kpis(
    scenario: Scenario,
    start: datetime,
    arrivals: list[datetime],
    completions: list[datetime],
    events: list[tuple[str, str, str, datetime, datetime, datetime, float]],
) -> dict:
    """Case Studio's result shape from Prosimos's cases and task events.

    arrivals / completions: per case, the arrival and the last task completion.
    events: (activity name, element id, role, enabled, started, completed, working seconds).
    Our waiting = started - enabled (wall clock, nights and weekends included: as Prosimos);
    our processing = completed - started (wall clock: Prosimos's "processing" plus its "idle"
    time of the task); busy time = working seconds (Prosimos's worked time); cost = busy hours
    x cost_per_hour (Prosimos's task cost); utilization = busy / (count x calendar time of the
    role from `start` to the last completion)."""
    cycle = sorted((c - a).total_seconds() for a, c in zip(arrivals, completions, strict=True))
    waits: dict[str, list[float]] = defaultdict(list)
    processing: dict[str, float] = defaultdict(float)
    elements: dict[str, int] = defaultdict(int)
    busy: dict[str, float] = defaultdict(float)
    for name, element, role, enabled, started, completed, worked in events:
        waits[name].append((started - enabled).total_seconds())
        processing[name] += (completed - started).total_seconds()
        elements[element] += 1
        busy[role] += worked
    last = max(completions)
    activities = {}
    for name in sorted(waits):
        w = sorted(waits[name])
        activities[name] = {
            "count": len(w),
            "waiting": {"mean": sum(w) / len(w), "p90": percentile(w, 0.90)},
            "processing": {"mean": processing[name] / len(w)},
        }
    resources = {}
    for role in sorted(scenario.count):
        available = scenario.count[role] * working_seconds(scenario.periods[role], start, last)
        resources[role] = {
            "utilization": busy[role] / available if available else 0.0,
            "cost": busy[role] / 3600 * scenario.cost_per_hour[role],
        }
    n = len(cycle)
    return {
        "cases": {"arrived": n, "completed": n, "terminated": 0, "open": 0},
        "cycle_time": {
            "mean": sum(cycle) / n,
            "p50": percentile(cycle, 0.50),
            "p90": percentile(cycle, 0.90),
            "p95": percentile(cycle, 0.95),
            "max": cycle[-1],
        },
        "activities": activities,
        "resources": resources,
        "elements": dict(sorted(elements.items())),
        "outcomes": {},
    }


# -- the two ways of running Prosimos ----------------------------------------------------------


def in_memory(bpmn: Path, scenario_path: Path, scenario: Scenario, cases: int, start: str) -> dict:
    started = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):  # Prosimos prints its warnings
        kpis, log_info = run_simulation(str(bpmn), str(scenario_path), cases, starting_at=start)
    seconds = time.perf_counter() - started

    started = time.perf_counter()
    setup = log_info.sim_setup
    names = {eid: info.name for eid, info in setup.bpmn_graph.element_info.items()}
    arrivals, completions, events = [], [], []
    for trace in log_info.trace_list:
        arrivals.append(trace.started_at)  # a trace starts at its case's arrival
        completions.append(trace.completed_at)
        for ev in trace.event_list:
            if getattr(ev, "resource_id", None) is None:
                continue  # events without a resource (none in this model) take no work
            role = scenario.role_of[ev.resource_id]
            events.append(
                (
                    names[ev.task_id],
                    ev.task_id,
                    role,
                    ev.enabled_datetime,
                    ev.started_datetime,
                    ev.completed_datetime,
                    ev.ideal_duration,
                )
            )
    result = our_kpis(scenario, datetime.fromisoformat(start), arrivals, completions, events)
    result["convert_seconds"] = time.perf_counter() - started
    result["seconds"] = seconds
    result["prosimos_native"] = native_figures(kpis, names)
    return result


def native_figures(kpis: list, names: dict[str, str]) -> dict:
    """Prosimos's own averages, untouched, to show the conversion (its "processing" excludes
    off-calendar pauses, which it reports as "idle"; its "cycle_time" excludes them too)."""
    process, tasks, utilization = kpis[0], kpis[1], kpis[2]
    return {
        "process": {
            k: getattr(process, k).avg
            for k in (
                "cycle_time",
                "idle_cycle_time",
                "processing_time",
                "idle_processing_time",
                "waiting_time",
                "idle_time",
            )
        },
        "tasks": {
            names[t]: {
                "waiting": info.waiting_time.avg,
                "processing": info.processing_time.avg,
                "idle": info.idle_time.avg,
                "idle_processing": info.idle_processing_time.avg,
                "cost": info.cost.total,
            }
            for t, info in tasks.items()
        },
        "utilization": {r: u.utilization for r, u in utilization.items()},
    }


def task_ids(bpmn: Path) -> dict[str, str]:
    """Task name -> element id (the log names activities; Prosimos uses the id when unnamed)."""
    ids = {}
    for element in ET.parse(bpmn).getroot().iter():
        local = element.tag.rpartition("}")[2]
        if (local == "task" or local.endswith("Task")) and element.get("id"):
            ids[element.get("name") or element.get("id")] = element.get("id")
    return ids


def via_csv(
    bpmn: Path, scenario_path: Path, scenario: Scenario, cases: int, start: str, folder: Path
) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    log_path, stats_path = folder / "prosimos_log.csv", folder / "prosimos_stats.csv"
    started = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        run_simulation(str(bpmn), str(scenario_path), cases, str(stats_path), str(log_path), start)
    seconds = time.perf_counter() - started

    started = time.perf_counter()
    ids = task_ids(bpmn)
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    events = []
    with log_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            case = row["case_id"]
            enabled = datetime.fromisoformat(row["enable_time"])
            begun = datetime.fromisoformat(row["start_time"])
            ended = datetime.fromisoformat(row["end_time"])
            role = scenario.role_of[row["resource"]]
            # the first task is enabled at the case's arrival (start event and gateways: no time)
            first[case] = min(first.get(case, enabled), enabled)
            last[case] = max(last.get(case, ended), ended)
            worked = working_seconds(scenario.periods[role], begun, ended)
            name = row["activity"]
            events.append((name, ids.get(name, name), role, enabled, begun, ended, worked))
    order = list(first)
    result = our_kpis(
        scenario,
        datetime.fromisoformat(start),
        [first[c] for c in order],
        [last[c] for c in order],
        events,
    )
    result["convert_seconds"] = time.perf_counter() - started
    result["seconds"] = seconds
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", default="2026-01-05T00:00:00+00:00", help="ISO-8601, with zone")
    parser.add_argument("--bpmn", type=Path, default=PEERS / "bench_process_sim.bpmn")
    parser.add_argument("--scenario", type=Path, default=PEERS / "bench_process_sim.json")
    parser.add_argument("--via-csv", type=Path, metavar="DIR", help="write Prosimos's CSVs here")
    args = parser.parse_args()
    start = args.start.replace("Z", "+00:00")
    if datetime.fromisoformat(start).tzinfo is None:
        raise SystemExit("--start needs a time zone (Prosimos reads calendars in the start's zone)")

    np.random.seed(args.seed)
    random.seed(args.seed)
    scenario = Scenario(args.scenario)
    if args.via_csv:
        result = via_csv(args.bpmn, args.scenario, scenario, args.cases, start, args.via_csv)
    else:
        result = in_memory(args.bpmn, args.scenario, scenario, args.cases, start)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["version"] = version("prosimos")
    result["seed"] = args.seed
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
