"""Every participant page passes axe-core with no serious or critical violation, at
phone and desktop width, and is screenshotted for a person to look at.

Screenshots: test-artifacts/screenshots/<page>-<phone|desktop>.png
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.helpers import Person, shot

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = ("serious", "critical")


@dataclass
class Stage:
    """The circles and people each page is shown with."""

    chat_circle: dict[str, Any]
    agreement_circle: dict[str, Any]
    pending_circle: dict[str, Any]
    pending_user: str


@pytest.fixture(scope="module")
def stage(live, browser) -> Stage:
    """A conversation to look at, and an agreement at version 2 waiting for members."""
    chat_circle = live.circles.take()
    agreement_circle = live.circles.take()
    contexts = []

    def page_for(username: str) -> Page:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.goto(live.url + "/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(live.password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(live.url + "/")
        return page

    mentee = page_for(chat_circle["mentee"])
    mentor = page_for(chat_circle["coordinator"])
    for page in (mentee, mentor):
        page.goto(f"{live.url}/circles/{chat_circle['id']}/")
        expect(page.locator("#connection")).to_have_text("Connected")
    lines = [
        (mentor, "Hi! How did the interview go this morning?"),
        (mentee, "Really well I think. They said they would call by Friday."),
        (mentor, "That is great.\nDo you have a ride sorted for your first day?"),
        (mentee, "text me at 515 555 0142 and I'll tell you"),
        (mentee, "Sorry, I mean I will sort it out with my caseworker."),
        (mentor, "Perfect. Let us talk about it on Tuesday <3"),
    ]
    for page, text in lines:
        box = page.get_by_label("Message", exact=True)
        box.fill(text)
        box.press("Enter")
        # One at a time, as people talk: each is stored before the next is written.
        expect(page.locator("#messages > li.msg-sending")).to_have_count(0)
    expect(mentor.get_by_role("log")).to_contain_text("Tuesday <3")

    coordinator = page_for(agreement_circle["coordinator"])
    coordinator.goto(f"{live.url}/circles/{agreement_circle['id']}/agreement/edit/")
    coordinator.get_by_label("Topics we agreed not to discuss").fill("Old cases\nMoney")
    coordinator.get_by_label("Short-term goals").fill(
        "Get a state ID and open a bank account before the review"
    )
    coordinator.get_by_role("button", name=re.compile("^Publish version 2")).click()
    expect(coordinator.get_by_role("status")).to_contain_text("Version 2")
    for context in contexts:
        context.close()
    return Stage(
        chat_circle=chat_circle,
        agreement_circle=agreement_circle,
        pending_circle=live.circles.with_pending[0],
        pending_user=live.circles.pending_users[0],
    )


def chat_page(person: Person, live, stage: Stage) -> None:
    page = person.open(live.url, f"/circles/{stage.chat_circle['id']}/")
    expect(page.locator("#connection")).to_have_text("Connected")
    expect(page.get_by_role("log")).to_contain_text("Tuesday <3")
    expect(page.locator("#messages > li.msg-held")).to_have_count(1)


def report_dialog(person: Person, live, stage: Stage) -> None:
    chat_page(person, live, stage)
    person.page.locator("#messages > li").first.get_by_role(
        "button", name=re.compile("^Report a concern")
    ).click()
    expect(person.page.get_by_role("dialog")).to_be_visible()


def edit_with_errors(person: Person, live, stage: Stage) -> None:
    page = person.open(
        live.url, f"/circles/{stage.agreement_circle['id']}/agreement/edit/"
    )
    page.get_by_label("How long each meeting lasts").fill("-5")
    page.get_by_label("How often we meet").fill("")
    page.get_by_role("button", name=re.compile("^Publish")).click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")


def visit(path_of: Callable[[Stage], str]) -> Callable[[Person, Any, Stage], None]:
    def go(person: Person, live, stage: Stage) -> None:
        person.open(live.url, path_of(stage))

    return go


# name -> (who, how to get there)
PAGES: dict[str, tuple[Callable[[Stage], str | None], Callable[..., None]]] = {
    "login": (lambda s: None, visit(lambda s: "/accounts/login/")),
    "home": (lambda s: s.chat_circle["mentee"], visit(lambda s: "/")),
    "chat": (lambda s: s.chat_circle["mentee"], chat_page),
    "chat-report-dialog": (lambda s: s.chat_circle["mentee"], report_dialog),
    "welcome": (
        lambda s: s.pending_user,
        visit(lambda s: f"/circles/{s.pending_circle['id']}/welcome/"),
    ),
    "home-pending": (lambda s: s.pending_user, visit(lambda s: "/")),
    "agreement": (
        lambda s: s.agreement_circle["mentee"],
        visit(lambda s: f"/circles/{s.agreement_circle['id']}/agreement/"),
    ),
    "agreement-edit": (
        lambda s: s.agreement_circle["coordinator"],
        visit(lambda s: f"/circles/{s.agreement_circle['id']}/agreement/edit/"),
    ),
    "agreement-edit-errors": (
        lambda s: s.agreement_circle["coordinator"],
        edit_with_errors,
    ),
    "welcome-agreement": (
        lambda s: s.agreement_circle["mentee"],
        visit(lambda s: f"/circles/{s.agreement_circle['id']}/welcome/"),
    ),
    "forbidden": (
        lambda s: s.chat_circle["mentee"],
        visit(lambda s: f"/circles/{s.agreement_circle['id']}/"),
    ),
    "not-found": (lambda s: s.chat_circle["mentee"], visit(lambda s: "/circles/9999/")),
}


def blocking_violations(page: Page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(
    live, people, stage, name, viewport
):
    who, go = PAGES[name]
    person = people(who(stage), viewport=viewport)
    go(person, live, stage)
    person.page.wait_for_load_state("networkidle")
    shot(person.page, f"{name}-{viewport}", full_page=not name.startswith("chat"))
    assert blocking_violations(person.page) == []
    assert person.errors == []
    assert person.csp_violations() == []


def test_the_chat_works_with_the_keyboard_alone(live, people, stage):
    person = people(stage.chat_circle["coordinator"])
    page = person.page
    page.goto(live.url + "/")
    # From the home page to the chat, by keyboard.
    page.get_by_role("link", name=re.compile("^Open the chat")).first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#connection")).to_have_text("Connected")
    page.get_by_label("Message", exact=True).focus()
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("on two lines")
    page.keyboard.press("Enter")
    expect(page.locator("#messages > li").last.locator(".msg-body")).to_have_text(
        "Typed without a mouse\non two lines"
    )
    # Tab reaches the report button of a message and opens the dialog; Escape closes.
    report = page.locator("#messages > li").last.get_by_role(
        "button", name=re.compile("^Report a concern")
    )
    report.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Report a concern")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("What worries you?")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(report).to_be_focused()
    # The focused control is visibly outlined.
    outline = report.evaluate("node => getComputedStyle(node).outlineStyle")
    assert outline == "solid"
