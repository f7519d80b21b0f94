"""The monitor dashboard in a real browser: the live queue, the crisis alert, a
decision by keyboard, and axe-core on every monitor page (no serious or critical
violation, phone and desktop).

Screenshots: test-artifacts/screenshots/monitor-<page>-<phone|desktop>.png
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.helpers import shot

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = ("serious", "critical")
HELD_TEXT = "text me at 515 555 0142 tonight"
CRISIS_TEXT = "honestly I want to kill myself, nothing matters"


def blocking_violations(page: Page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def send(page: Page, text: str) -> None:
    box = page.get_by_label("Message", exact=True)
    box.fill(text)
    box.press("Enter")
    expect(page.locator("#messages > li.msg-sending")).to_have_count(0)


@pytest.fixture(scope="module")
def monitor_name(live) -> str:
    return str(live.logins["programs"][0]["monitors"][0])


def test_a_crisis_appears_live_and_a_held_message_is_released_by_keyboard(
    live, people, monitor_name
):
    circle = live.circles.take()
    monitor = people(monitor_name)
    dashboard = monitor.open(live.url, "/monitor/")
    expect(dashboard.locator("#feed-status")).to_have_attribute(
        "data-state", "connected"
    )
    mentee = people(circle["mentee"])
    mentor = people(circle["coordinator"])
    for person in (mentee, mentor):
        person.open(live.url, f"/circles/{circle['id']}/")
        expect(person.page.locator("#connection")).to_have_text("Connected")

    send(mentee.page, CRISIS_TEXT)
    alert = dashboard.get_by_role("alert")
    expect(alert).to_contain_text("Crisis in")  # no reload: the feed brought it
    expect(alert).to_contain_text("Read the thread now")  # the program's steps
    expect(dashboard).to_have_title(re.compile(r"^\(1 urgent\)"))

    send(mentee.page, HELD_TEXT)
    held_row = dashboard.locator("#queue-body tr.row-held").first
    expect(held_row).to_be_visible()
    shot(dashboard, "monitor-dashboard-live")

    # Open the held flag and release it, with the keyboard only.
    held_row.get_by_role("link").focus()
    dashboard.keyboard.press("Enter")
    expect(dashboard.get_by_role("heading", level=1)).to_contain_text("Flag")
    release = dashboard.get_by_label(re.compile("^Release"))
    release.focus()
    dashboard.keyboard.press("Space")
    expect(release).to_be_checked()
    dashboard.get_by_label("Reason (required)").focus()
    dashboard.keyboard.type("The number is the program office line.")
    dashboard.get_by_role("button", name="Record the decision").focus()
    dashboard.keyboard.press("Enter")
    expect(dashboard.get_by_role("status").first).to_contain_text("released")

    expect(mentor.page.get_by_role("log")).to_contain_text(HELD_TEXT)
    for person in (monitor, mentee, mentor):
        assert person.errors == []
        assert person.csp_violations() == []


def pages_to_check(live, circle_id: int) -> dict[str, str]:
    return {
        "dashboard": "/monitor/",
        "circle": f"/monitor/circles/{circle_id}/",
        "records": "/monitor/records/",
        "evaluation": "/monitor/evaluation/",
    }


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_monitor_pages_have_no_serious_accessibility_violations(
    live, people, monitor_name, viewport
):
    circle = live.circles.take()
    mentee = people(circle["mentee"])
    mentee.open(live.url, f"/circles/{circle['id']}/")
    expect(mentee.page.locator("#connection")).to_have_text("Connected")
    send(mentee.page, CRISIS_TEXT)
    send(mentee.page, HELD_TEXT)
    monitor = people(monitor_name, viewport=viewport)
    paths = pages_to_check(live, circle["id"])
    page = monitor.open(live.url, "/monitor/")
    page.locator("#crisis-list a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Flag")
    paths["flag"] = page.url.removeprefix(live.url)
    for name, path in paths.items():
        monitor.open(live.url, path)
        page.wait_for_load_state("networkidle")
        shot(page, f"monitor-{name}-{viewport}")
        assert blocking_violations(page) == [], name
    assert monitor.errors == []
    assert monitor.csp_violations() == []
