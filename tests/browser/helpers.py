"""Helpers for the browser tests: constants, the people and site records, page reads."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page

from tests.live import ROOT, Server, Site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Runs in every page before its own scripts (and outside the page's CSP): counts what
# an injection would set off, so a test can assert that nothing ran.
WATCH_SCRIPT = """
window.__xss = 0;
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@dataclass
class Circles:
    """The seeded circles, handed out one at a time so tests do not share them."""

    free: list[dict[str, Any]]
    with_pending: list[dict[str, Any]]
    pending_users: list[str]

    def take(self) -> dict[str, Any]:
        if not self.free:
            raise RuntimeError("no seeded circle left: raise `circles` in make_site")
        return self.free.pop(0)


@dataclass
class Live:
    site: Site
    server: Server
    circles: Circles
    contexts: list[BrowserContext] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def password(self) -> str:
        return self.site.password

    @property
    def logins(self) -> dict[str, Any]:
        return self.site.logins


@dataclass
class Person:
    """One person's browser context, logged in, with what their pages set off."""

    username: str
    context: BrowserContext
    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, base_url: str, path: str) -> Page:
        self.page.goto(base_url + path)
        return self.page

    def xss_fired(self) -> int:
        return int(self.page.evaluate("window.__xss || 0"))

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))


def wait_until(
    page: Page, condition: Callable[[], bool], *, timeout: float = 10.0
) -> None:
    """Let Playwright deliver events (route handlers, frames) until `condition()`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        page.wait_for_timeout(50)


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def message_bodies(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#messages > li .msg-body", "nodes => nodes.map(node => node.textContent)"
    )


def message_seqs(page: Page) -> list[int]:
    return [
        int(seq)
        for seq in page.eval_on_selector_all(
            "#messages > li[data-seq]", "nodes => nodes.map(node => node.dataset.seq)"
        )
    ]


def frames_of(page: Page) -> list[dict[str, Any]]:
    """Start recording the JSON frames the page's sockets receive."""
    received: list[dict[str, Any]] = []

    def on_socket(socket: Any) -> None:
        def on_frame(payload: str | bytes) -> None:
            if isinstance(payload, str):
                received.append(json.loads(payload))

        socket.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return received
