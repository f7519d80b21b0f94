"""Browser fixtures: Debian's Chromium through Playwright, against a real daphne.

One seeded site (SQLite) and one server per test module; each test takes circles of its
own from the seed (`circles.take()`), so tests in a module never see each other's
messages. Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORTS,
    WATCH_SCRIPT,
    Circles,
    Live,
    Person,
)
from tests.live import ROOT, make_site

# A shared machine can be slow: wait up to 15 s for what a page should show.
expect.set_options(timeout=15_000)


# Module scope: the sync API runs an event loop in this thread while it is open, and
# async tests in other modules need the thread free.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    tmp_path = tmp_path_factory.mktemp("site")
    site = make_site(tmp_path, circles=6)
    try:
        server = site.start_server()
        programs = site.logins["programs"]
        circles = Circles(
            # The first circle of each program has a pending mentor in it.
            free=[c for p in programs for c in p["circles"][1:]],
            with_pending=[p["circles"][0] for p in programs],
            pending_users=[p["pending"][0] for p in programs],
        )
        yield Live(site=site, server=server, circles=circles)
    finally:
        site.close()
        # The server's log, kept next to the screenshots for a failing run.
        keep = ROOT / "test-artifacts" / "logs"
        keep.mkdir(parents=True, exist_ok=True)
        module = request.module.__name__.rsplit(".", 1)[-1]
        for index, server_log in enumerate(sorted(tmp_path.glob("daphne-*.log"))):
            shutil.copy(server_log, keep / f"{module}-{index}.log")


@pytest.fixture
def people(browser: Browser, live: Live) -> Iterator[Callable[..., Person]]:
    """`people("riverside-mentee-2")`: a new browser context, logged in by the form."""
    made: list[Person] = []

    def log_in(username: str | None, *, viewport: str = "desktop") -> Person:
        context = browser.new_context(viewport=VIEWPORTS[viewport])
        context.set_default_timeout(10_000)
        context.add_init_script(WATCH_SCRIPT)
        page = context.new_page()
        person = Person(username=username or "", context=context, page=page)

        def on_dialog(dialog: Any) -> None:
            person.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: person.errors.append(str(error)))
        made.append(person)
        if username:
            page.goto(live.url + "/accounts/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(live.password)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(live.url + "/")
        return person

    yield log_in
    for person in made:
        person.context.close()
