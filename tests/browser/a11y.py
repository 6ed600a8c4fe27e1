"""An automated accessibility scan for the browser tests: axe-core (frontend/node_modules, a dev
dependency) evaluated into the page by the test driver only — the app's CSP is unchanged and no
page ships it.

`scan(page)` fails on violations of impact serious or critical under WCAG 2.0/2.1 A and AA,
listing each in words: the rule, what it asks, and the elements concerned.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> str:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `make setup` (cd frontend && npm ci)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Any, include: str | None = None) -> list[dict[str, Any]]:
    """The serious and critical WCAG A/AA violations axe finds on the page (or in `include`)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    found = page.evaluate(
        """async ([include, tags]) => {
            const result = await window.axe.run(include || document, {
                runOnly: { type: 'tag', values: tags },
                resultTypes: ['violations'],
            });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                targets: v.nodes.map((n) => n.target.join(' ')),
                summaries: v.nodes.map((n) => n.failureSummary || ''),
            }));
        }""",
        [include, TAGS],
    )
    return [v for v in found if v["impact"] in IMPACTS]


def describe(found: list[dict[str, Any]]) -> str:
    """The violations in words, one paragraph each."""
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['url']}")
        for target, summary in zip(v["targets"][:8], v["summaries"][:8], strict=False):
            reason = " ".join(summary.split())
            lines.append(f"    at {target}: {reason}")
        if len(v["targets"]) > 8:
            lines.append(f"    … and {len(v['targets']) - 8} more elements")
    return "\n".join(lines)


def scan(page: Any, include: str | None = None) -> None:
    """Fail the test when the page has serious or critical WCAG A/AA violations."""
    found = violations(page, include)
    if found:
        title = page.title()
        raise AssertionError(
            f"accessibility violations on {page.url} ({title}):\n{describe(found)}"
        )
