"""Browser tests: Debian's Chromium driven by Playwright against a real studio server on
loopback, with the sample library's invoice project deployed.

One server per session; a fresh browser context (cookies, storage) per test. Any console error
or uncaught page error fails the test (a CSP refusal or a missing file shows up there), unless the
test declares it expected with `console.allow(...)`. `screenshot(page, name)` writes
`screenshots/<name>.png` (git-ignored) to look at.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from studio.runtime.config import load_settings
from studio.web import create_app

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = REPO / "screenshots"
BUILT = REPO / "studio" / "static" / "dist" / "build.json"
SAMPLE = REPO / "sample_models" / "invoice-processing"
ADMIN_PASSWORD = "admin-password-1"
PASSWORD = "a-long-password"
VIEWPORT = {"width": 1280, "height": 720}


@dataclass
class Console:
    """The page's console errors and uncaught errors; `allow` patterns a test expects."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def add(self, text: str) -> None:
        if not any(p.search(text) for p in self.allowed):
            self.problems.append(text)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test itself (not its teardown) when its page logged an error."""
    result = yield
    console = getattr(item, "funcargs", {}).get("console")
    if console is not None and console.problems:
        raise AssertionError("the page logged errors:\n" + "\n".join(console.problems))
    return result


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            "Chromium is missing: install it (Debian: apt-get install chromium; "
            "`make test` does it when run as root)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="install the dev extras: pip install -e '.[dev]'"
    )
    if not BUILT.exists():
        pytest.fail("the front-end assets are not built: run `make setup` (needs Node 20 + npm)")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_api: Any) -> Iterator[Any]:
    browser = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    settings = load_settings(
        {
            "STUDIO_INSTANCE_PATH": str(tmp_path_factory.mktemp("browser") / "instance"),
            "STUDIO_ADMIN_PASSWORD": ADMIN_PASSWORD,
        }
    )
    app = create_app(settings)
    users = app.extensions["studio"].users
    users.add("ann", PASSWORD, ["analyst"])
    users.add("carl", PASSWORD, ["caseworker"])
    yield app
    app.extensions["studio"].engine.dispose()


@pytest.fixture(scope="session")
def deployment(studio: Any) -> int:
    """The invoice-processing sample project, deployed: its id."""
    deployed, _, _ = studio.extensions["studio"].deployments.deploy_folder(SAMPLE, actor="test")
    return deployed.id


@pytest.fixture(scope="session")
def server(studio: Any) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, studio, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Any, server: str, console: Console) -> Iterator[Any]:
    """A page of a fresh browser context (1280x720, English), its errors collected."""
    context = browser.new_context(base_url=server, viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and console.add(f"console: {m.text}"))
    page.on("pageerror", lambda e: console.add(f"page error: {e}"))
    yield page
    context.close()


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form and land on the home page."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def login_admin(page: Any) -> None:
    login(page, "admin", ADMIN_PASSWORD)


def screenshot(page: Any, name: str) -> Path:
    """Save the page as screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target))
    return target
