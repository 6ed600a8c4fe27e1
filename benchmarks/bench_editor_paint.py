"""First paint of the diagram editors: from navigation to the diagram's SVG holding every element.

A generated BPMN process of 300 diagram elements (benchmarks/generate.py: shapes and edges) and a
generated CMMN case of about as many (plan items, criteria, on-parts) are deployed on a real
`studio serve` (its gevent worker, embedded SQLite) in a temporary instance; Debian's Chromium
(Playwright) opens /deployments/<id>/diagram/<file> logged in, and the page measures
`performance.now()` (milliseconds since the navigation started) on the first animation frame where
every DI element id of the model is in the SVG. Four pages: BPMN editing (bpmn-js Modeler with
the properties panel, bpmnlint and token simulation: "the BPMN editor"), BPMN read-only
(NavigatedViewer), CMMN editing (cmmn-js modeler), CMMN read-only. Each run is a fresh browser
context (cold HTTP cache, as on a first visit); "warm" is a second navigation in that context.

Target (issue "web studio"): the BPMN editor under 1.5 s for 300 elements on the 2-core
reference machine. Nothing asserts: it prints figures (median of the runs, and the slowest).

Run: .venv/bin/python benchmarks/bench_editor_paint.py [--runs 5] [--elements 300]
Needs `make setup` (the built front-end) and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_runtime import Server, studio_command
from browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, admin_context, can_run
from generate import bpmn_model, cmmn_model
from machine import machine  # benchmarks/machine.py (run as scripts from benchmarks/)

TARGET_MS = 1500
KEY = "paint"
GIVE_UP_MS = 60_000
PAINTED = """([ids, giveUp]) => new Promise((resolve, reject) => {
  const wanted = new Set(ids);
  const check = () => {
    const shown = new Set();
    for (const node of document.querySelectorAll('#diagram svg [data-element-id]')) {
      shown.add(node.getAttribute('data-element-id'));
    }
    const missing = [...wanted].filter(id => !shown.has(id));
    if (!missing.length) return resolve(performance.now());
    if (performance.now() > giveUp) return reject(new Error(`never drawn: ${missing.slice(0, 5)}`));
    requestAnimationFrame(check);
  };
  check();
})"""


@dataclass(frozen=True)
class Case:
    label: str
    file: str
    query: str
    ids: list[str]


DI = re.compile(r"<(?:bpmndi:BPMN|cmmndi:CMMN)(Shape|Edge)\b[^>]*>")
REFERENCE = re.compile(r'\b(?:bpmnElement|cmmnElementRef)="([^"]+)"')


def drawn(xml: bytes) -> list[str]:
    """The model elements its diagram draws: each DI shape's, and each edge's that has its ends
    (the CMMN generator leaves out on-part edges' sources, and cmmn-js skips such edges)."""
    ids = set()
    for found in DI.finditer(xml.decode()):
        tag = found.group(0)
        reference = REFERENCE.search(tag)
        if reference and (found.group(1) == "Shape" or "bpmnElement" in tag or "sourceCMMN" in tag):
            ids.add(reference.group(1))
    return sorted(ids)


def cmmn_of_about(elements: int) -> bytes:
    """A generated case whose diagram draws at least `elements` elements (fewest plan items)."""
    items = 10
    while True:
        model = cmmn_model(items, stage_size=50)
        if len(drawn(model)) >= elements:
            return model
        items += 2


def deploy(server: Server, folder: Path, files: dict[str, bytes]) -> None:
    project = folder / KEY
    project.mkdir()
    for name, data in files.items():
        (project / name).write_bytes(data)
    done = subprocess.run(
        [studio_command(), "deploy", str(project)], env=server.env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"studio deploy failed: {done.stdout}{done.stderr}")


def log_in(browser: Any, base: str) -> tuple[dict[str, Any], int]:
    """The logged-in admin's cookies, and the id of the deployment of KEY."""
    context, page = admin_context(browser, base)
    state = context.storage_state()
    deployments = page.request.get("/api/v1/deployments").json()["deployments"]
    context.close()
    return state, next(d["id"] for d in deployments if d["key"] == KEY)


def paint(page: Any, url: str, ids: list[str]) -> float:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="commit")
    elapsed = page.evaluate(PAINTED, [ids, GIVE_UP_MS])
    if errors:
        raise SystemExit(f"{url}: {errors[0]}")
    return float(elapsed)


def measure(browser: Any, base: str, state: dict[str, Any], url: str, case: Case, runs: int):
    cold, warm = [], []
    for _ in range(runs):
        context = browser.new_context(base_url=base, viewport=VIEWPORT, storage_state=state)
        page = context.new_page()
        cold.append(paint(page, url, case.ids))
        warm.append(paint(page, url, case.ids))
        context.close()
    return cold, warm


def report(case: Case, cold: list[float], warm: list[float]) -> str:
    line = (
        f"{case.label}, {len(case.ids)} elements: "
        f"cold {statistics.median(cold):.0f} (max {max(cold):.0f}), "
        f"warm {statistics.median(warm):.0f} (max {max(warm):.0f})"
    )
    if case.query == "?mode=edit" and case.file.endswith(".bpmn"):
        met = statistics.median(cold) < TARGET_MS
        line += f"  target < {TARGET_MS} ms: {'met' if met else 'MISSED'}"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--elements", type=int, default=300)
    args = parser.parse_args()
    if not can_run():
        return
    from playwright.sync_api import sync_playwright

    bpmn, cmmn = bpmn_model(args.elements), cmmn_of_about(args.elements)
    cases = [
        Case("BPMN editor (Modeler, properties panel, bpmnlint, token simulation)",
             "paint.bpmn", "?mode=edit", drawn(bpmn)),
        Case("BPMN read-only (NavigatedViewer)", "paint.bpmn", "", drawn(bpmn)),
        Case("CMMN editor (cmmn-js modeler)", "paint.cmmn", "?mode=edit", drawn(cmmn)),
        Case("CMMN read-only (cmmn-js navigated viewer)", "paint.cmmn", "", drawn(cmmn)),
    ]  # fmt: skip
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = Server(folder)
        deploy(server, folder, {"paint.bpmn": bpmn, "paint.cmmn": cmmn})
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                state, ident = log_in(browser, server.base)
                print(
                    f"Chromium {browser.version}, {VIEWPORT['width']}x{VIEWPORT['height']}, median "
                    f"of {args.runs} runs in ms from navigation to every element drawn"
                )
                for case in cases:
                    url = f"/deployments/{ident}/diagram/{case.file}{case.query}"
                    print(report(case, *measure(browser, server.base, state, url, case, args.runs)))
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
