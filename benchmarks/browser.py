"""What the browser benchmarks share: Debian's Chromium as the browser tests drive it, the page
size, and an admin's logged-in browser context."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench_runtime import ADMIN_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 720}
BUILT = Path(__file__).resolve().parents[1] / "studio" / "static" / "dist" / "build.json"


def can_run() -> bool:
    """Whether a browser benchmark can run: stops when the front-end is not built, says so and
    answers False without Chromium."""
    if not BUILT.exists():
        raise SystemExit("the front-end is not built: run `make setup` first")
    if not Path(CHROMIUM).exists():
        print("skipped: Chromium is missing (Debian: apt-get install chromium)")
        return False
    return True


def admin_context(browser: Any, base: str) -> tuple[Any, Any]:
    """A new context and page logged in as the admin through the login form."""
    context = browser.new_context(base_url=base, viewport=VIEWPORT)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    return context, page
