"""What the browser benchmarks share: Debian's Chromium as the browser tests drive it, the page
size, and an admin's logged-in browser context."""

from __future__ import annotations

import re
from typing import Any

from bench_runtime import ADMIN_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 720}


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
