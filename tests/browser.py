"""Headless Chromium (Debian's package) driven by Playwright, with the network blocked.

Where Chromium is absent the browser tests skip and say why; with
`VIZLIB_REQUIRE_BROWSER=1` (as CI sets it) its absence fails them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.shared import ROOT

CHROMIUM = os.environ.get("VIZLIB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]
LOCAL = ("file:", "data:", "blob:", "about:")


@dataclass
class Watched:
    """A page and what it did: console errors, page errors, requests that tried to leave."""

    page: object
    errors: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)


def require_chromium() -> str:
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("VIZLIB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


def launch_chromium() -> Iterator[object]:
    """A headless Debian Chromium for the session (a generator for a pytest fixture)."""
    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


def open_page(browser: object, url: str, *, width: int = 1280) -> Watched:
    """Open `url` with every non-local request blocked and recorded."""
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    watched = Watched(page)
    page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(str(e)))

    def route(r: object) -> None:
        request_url = r.request.url  # type: ignore[attr-defined]
        if request_url.startswith(LOCAL):
            r.continue_()  # type: ignore[attr-defined]
        else:
            watched.outgoing.append(request_url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page.goto(url)
    return watched


def screenshot(page: object, name: str, *, full_page: bool = True) -> Path:
    """Keep a screenshot under artifacts/screenshots/ (the whole page, or what the window shows)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
    return path
