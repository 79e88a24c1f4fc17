"""Debian's chromium driven by Playwright (sync API), against the real server of the e2e tests.

No pytest-playwright plugin and never a downloaded browser: the chromium at TUPA_CHROMIUM
(default /usr/bin/chromium) or a clear failure. Pages may reach 127.0.0.1 only, and any
JavaScript error on a page fails the test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e import conftest as e2e_fixtures
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

# The e2e tests' fixtures: the real server on each database, and seeding through it.
server = e2e_fixtures.server
tupa = e2e_fixtures.tupa

# Playwright must never fetch a browser of its own, whatever runs these tests.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = os.environ.get("TUPA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
]
WAIT_MS = 10_000
PHONE = {"width": 360, "height": 640}
DESK = {"width": 1280, "height": 900}
ELSEWHERE = re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Headless chromium, started once for the whole session."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"No chromium at {CHROMIUM}. `make test` installs Debian's chromium "
                    f"(apt-get install chromium); or set TUPA_CHROMIUM to its path.",
                    pytrace=False)
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Screens:
    """The browser windows of one test: desks and phones, each with its own cookies."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def desk(self) -> Page:
        """A desktop or tablet window, as the facilitator uses."""
        return self._open(viewport=DESK)

    def phone(self) -> Page:
        """A phone-sized window (360 x 640, touch), as participants use."""
        return self._open(viewport=PHONE, is_mobile=True, has_touch=True,
                          device_scale_factor=2)

    def _open(self, **options) -> Page:
        context = self.browser.new_context(base_url=self.base_url, locale="en-GB",
                                           accept_downloads=True, **options)
        context.set_default_timeout(WAIT_MS)
        # Anything not on this server is refused: a CDN link would fail the page here.
        context.route(ELSEWHERE, lambda route: route.abort())
        self.contexts.append(context)
        page = context.new_page()
        number = len(self.contexts)
        page.on("pageerror", lambda error: self.errors.append(f"window {number}: {error}"))
        page.on("console", lambda message: message.type == "error" and self.errors.append(
            f"window {number} console: {message.text}"))
        return page

    def close(self) -> None:
        """Close every window."""
        for context in self.contexts:
            context.close()


@pytest.fixture
def screens(chromium, server) -> Iterator[Screens]:
    """Fresh browser windows for one test; fails it if a page threw a JavaScript error."""
    opened = Screens(chromium, server.url)
    yield opened
    opened.close()
    assert not opened.errors, "JavaScript errors on the pages:\n" + "\n".join(opened.errors)
