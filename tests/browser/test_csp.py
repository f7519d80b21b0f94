"""The Content-Security-Policy, enforced by a real browser: Chromium loads every kind of
page (as a visitor, a member, a coordinator, a pending member, a monitor and an
administrator) without a single CSP violation, and an inline script, inline handler,
inline style or eval injected into a page is blocked and reported.

tests/test_pages.py checks the header's text; this proves Chromium applies it and that
the pages need nothing it forbids. The XSS corpus is tests/browser/test_xss.py's.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.helpers import wait_until
from tests.faultkit import record_figures

pytestmark = pytest.mark.browser

CSP_CONSOLE = "Content Security Policy"


def watch_console(page: Page) -> list[str]:
    """Console errors that mention the CSP (Chromium logs each blocked resource)."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if CSP_CONSOLE in message.text:
            seen.append(message.text)

    page.on("console", on_console)
    return seen


def visit(person, url: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Load `url`, let its scripts run, and say what the CSP reported."""
    response = person.page.goto(url)
    person.page.wait_for_load_state("load")
    person.page.wait_for_timeout(150)  # late reports (fonts, sockets) arrive here
    return {
        "status": response.status if response is not None else None,
        "final": person.page.url,
        "violations": person.csp_violations(),
    }


@pytest.fixture(scope="module")
def pages_seen() -> dict[str, Any]:
    seen: dict[str, Any] = {}
    yield seen
    record_figures(
        "csp",
        {
            "pages_loaded": len(seen),
            "pages_with_violations": sorted(k for k, v in seen.items() if v),
        },
    )


def check_pages(person, base: str, paths: list[str], seen: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    console = watch_console(person.page)
    problems = {}
    for path in paths:
        result = visit(person, base + path)
        key = f"{person.username or 'visitor'} {path}"
        seen[key] = result["violations"]
        assert result["status"] == 200, (key, result)
        if result["violations"]:
            problems[key] = result["violations"]
    assert problems == {}
    assert console == []
    assert person.errors == []


def test_visitor_pages_raise_no_csp_violation(live, people, pages_seen):
    visitor = people(None)
    check_pages(
        visitor, live.url, ["/accounts/login/", "/accounts/password_reset/"], pages_seen
    )


def test_member_pages_raise_no_csp_violation(live, people, pages_seen):
    circle = live.circles.take()
    mentee = people(circle["mentee"])
    base = f"/circles/{circle['id']}"
    mentee.page.goto(live.url + base + "/")
    expect(mentee.page.locator("#connection")).to_have_text("Connected")
    box = mentee.page.get_by_label("Message", exact=True)
    for text in ("Hello <b>there</b>", "text me at 515 555 0142", "a < b & c"):
        box.fill(text)
        box.press("Enter")
    expect(mentee.page.locator("#messages > li.msg-sending")).to_have_count(0)
    paths = ["/", f"{base}/", f"{base}/agreement/", f"{base}/welcome/"]
    paths += [f"{base}/{page}/" for page in ("sessions", "goals", "appeals")]
    check_pages(mentee, live.url, paths, pages_seen)
    coordinator = people(circle["coordinator"])
    paths = [f"{base}/agreement/edit/", f"{base}/activity/", f"{base}/closing/"]
    check_pages(coordinator, live.url, paths, pages_seen)


def test_a_pending_members_checklist_raises_no_csp_violation(live, people, pages_seen):
    circle = live.circles.with_pending[0]
    pending = people(live.circles.pending_users[0])
    check_pages(
        pending, live.url, ["/", f"/circles/{circle['id']}/welcome/"], pages_seen
    )


def test_staff_pages_raise_no_csp_violation(live, people, pages_seen):
    program = live.logins["programs"][0]
    circle = program["circles"][1]
    monitor = people(program["monitors"][0])
    flags = monitor.context.request.get(live.url + "/api/monitor/flags/").json()[
        "flags"
    ]
    paths = ["/", "/monitor/", f"/monitor/circles/{circle['id']}/", "/monitor/records/"]
    paths += [f"/monitor/flags/{flag['id']}/" for flag in flags[:2]]
    check_pages(monitor, live.url, paths, pages_seen)
    admin = people(program["admins"][0])
    paths = ["/staff/", f"/staff/programs/{program['id']}/rules/", "/matching/"]
    paths += [
        "/admin/",
        "/admin/messaging/circle/",
        f"/admin/messaging/circle/{circle['id']}/change/",
    ]
    check_pages(admin, live.url, paths, pages_seen)


INJECTIONS = {
    "inline script": """() => {
        const script = document.createElement("script");
        script.textContent = "window.__xss = 1";
        document.body.appendChild(script);
    }""",
    "inline handler": """() => {
        const image = document.createElement("img");
        image.setAttribute("onerror", "window.__xss = 2");
        image.src = "/no-such-image.png";
        document.body.appendChild(image);
    }""",
    "javascript: URL": """() => {
        const link = document.createElement("a");
        link.href = "javascript:window.__xss = 3";
        document.body.appendChild(link);
        link.click();
    }""",
    "inline style": """() => {
        const style = document.createElement("style");
        style.textContent = "body { background: red }";
        document.head.appendChild(style);
    }""",
    # A string given to setTimeout is eval'd. (eval() itself, called from here, runs:
    # DevTools evaluates with the page's CSP waived, which says nothing of the page.)
    "eval": """() => { setTimeout("window.__xss = 4", 0); }""",
    "foreign script": """() => {
        const script = document.createElement("script");
        script.src = "https://evil.example/x.js";
        document.body.appendChild(script);
    }""",
}


def test_injected_scripts_and_styles_are_blocked_and_reported(live, people):
    """The CSP is enforced, not only sent: what an XSS would inject does not run, and
    Chromium reports the violation (so the page tests above would see one)."""
    circle = live.logins["programs"][1]["circles"][1]
    mentee = people(circle["mentee"])
    blocked = {}
    for name, script in INJECTIONS.items():
        mentee.page.goto(f"{live.url}/circles/{circle['id']}/")
        expect(mentee.page.locator("#connection")).to_have_text("Connected")
        assert mentee.csp_violations() == [], name
        body = "getComputedStyle(document.body).backgroundColor"
        background = mentee.page.evaluate(body)
        mentee.page.evaluate(script)
        wait_until(mentee.page, lambda: mentee.csp_violations() != [])
        blocked[name] = mentee.csp_violations()
        assert mentee.xss_fired() == 0, name
        assert mentee.page.evaluate(body) == background, name
    assert mentee.dialogs == []
    assert sorted(blocked) == sorted(INJECTIONS)
    record_figures("csp", {"injections_blocked": blocked}, key="injections")
