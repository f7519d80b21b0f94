"""Two or more people chat live in real browsers against a real daphne."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import message_bodies, message_seqs, shot

pytestmark = pytest.mark.browser


def open_chat(person, live, circle):
    page = person.open(live.url, f"/circles/{circle['id']}/")
    expect(page.locator("#connection")).to_have_text("Connected")
    return page


def send(page, text):
    box = page.get_by_label("Message", exact=True)
    box.fill(text)
    box.press("Enter")


def test_mentee_and_mentors_chat_live(live, people):
    circle = live.circles.take()
    mentee = people(circle["mentee"], viewport="phone")
    mentor = people(circle["mentors"][0])
    other_mentor = people(circle["mentors"][1])
    pages = [open_chat(p, live, circle) for p in (mentee, mentor, other_mentor)]
    mentee_page, mentor_page, other_page = pages

    send(mentee_page, "Hi both, I start the new job on Monday!")
    for page in pages:
        expect(page.get_by_role("log")).to_contain_text(
            "I start the new job on Monday!"
        )
    own = mentee_page.locator("#messages > li").last
    expect(own.locator(".msg-status")).to_have_text("Delivered")
    theirs = mentor_page.locator("#messages > li").last
    expect(theirs.locator(".msg-role")).to_have_text("Mentee")
    expect(theirs.locator(".msg-time")).not_to_be_empty()

    # The mentor types: the others see it, then a two-line reply (Shift+Enter).
    box = mentor_page.get_by_label("Message", exact=True)
    box.press_sequentially("That is great news")
    expect(mentee_page.locator("#typing")).to_have_text(re.compile(r"is typing…$"))
    box.press("Shift+Enter")
    box.press_sequentially("How are you getting there?")
    mentor_page.get_by_role("button", name="Send", exact=True).click()
    expect(
        mentee_page.locator("#messages > li").last.locator(".msg-body")
    ).to_have_text("That is great news\nHow are you getting there?")
    expect(mentee_page.locator("#typing")).to_have_text("")
    expect(
        mentee_page.locator("#messages > li").last.locator(".msg-role")
    ).to_have_text("Coordinator")
    send(other_page, "Good luck from me too")
    for page in pages:
        expect(page.get_by_role("log")).to_contain_text("Good luck from me too")
        assert message_seqs(page) == [1, 2, 3]
    shot(mentee_page, "chat-live-phone", full_page=False)
    shot(mentor_page, "chat-live-desktop", full_page=False)
    for person in (mentee, mentor, other_mentor):
        assert person.errors == []


def test_a_held_message_shows_as_held_to_its_sender_and_not_to_others(live, people):
    circle = live.circles.take()
    mentee = people(circle["mentee"])
    mentor = people(circle["mentors"][0])
    mentee_page = open_chat(mentee, live, circle)
    mentor_page = open_chat(mentor, live, circle)

    send(mentee_page, "text me at 515 555 0142")
    held = mentee_page.locator("#messages > li").last
    expect(held.locator(".msg-status")).to_contain_text("Held for review: ")
    expect(held.locator(".msg-status")).to_contain_text("contact")
    expect(held.locator(".msg-body")).to_have_text("text me at 515 555 0142")
    expect(held).to_have_class(re.compile(r"\bmsg-held\b"))

    send(mentee_page, "Sorry, I will keep it on here")
    expect(mentor_page.get_by_role("log")).to_contain_text("keep it on here")
    assert "515 555 0142" not in mentor_page.get_by_role("log").inner_text()

    # After a reload too: the writer still sees it held, the others never.
    mentor_page.reload()
    expect(mentor_page.get_by_role("log")).to_contain_text("keep it on here")
    assert "515 555 0142" not in mentor_page.get_by_role("log").inner_text()
    mentee_page.reload()
    expect(mentee_page.get_by_role("log")).to_contain_text("515 555 0142")
    expect(mentee_page.locator("#messages > li.msg-held")).to_have_count(1)
    shot(mentee_page, "chat-held-desktop", full_page=False)


def test_a_network_drop_loses_nothing_and_shows_nothing_twice(live, people):
    circle = live.circles.take()
    mentee = people(circle["mentee"])
    mentor = people(circle["mentors"][0])
    mentee_page = open_chat(mentee, live, circle)
    mentor_page = open_chat(mentor, live, circle)
    send(mentee_page, "before the drop")
    expect(mentor_page.get_by_role("log")).to_contain_text("before the drop")

    mentee.context.set_offline(True)
    expect(mentee_page.locator("#connection")).to_contain_text("Offline")
    send(mentee_page, "written while offline")
    expect(
        mentee_page.locator("#messages > li").last.locator(".msg-status")
    ).to_have_text("Waiting for the connection to send…")
    send(mentor_page, "mentor wrote during the drop")
    send(mentor_page, "and once more")
    mentee.context.set_offline(False)

    expect(mentee_page.locator("#connection")).to_have_text("Connected")
    expect(mentor_page.get_by_role("log")).to_contain_text("written while offline")
    expect(mentee_page.get_by_role("log")).to_contain_text("and once more")
    send(mentor_page, "after the drop")
    for page in (mentee_page, mentor_page):
        expect(page.get_by_role("log")).to_contain_text("after the drop")
        bodies = message_bodies(page)
        assert sorted(bodies) == sorted(
            [
                "before the drop",
                "written while offline",
                "mentor wrote during the drop",
                "and once more",
                "after the drop",
            ]
        )
        assert message_seqs(page) == [1, 2, 3, 4, 5]
    expect(mentee_page.locator("#messages > li.msg-sending")).to_have_count(0)


def test_a_reload_and_the_socket_closing_under_the_page_lose_nothing(live, people):
    circle = live.circles.take()
    mentee = people(circle["mentee"])
    mentor = people(circle["mentors"][1])
    mentee_page = open_chat(mentee, live, circle)
    mentor_page = open_chat(mentor, live, circle)
    send(mentee_page, "one")
    expect(mentor_page.get_by_role("log")).to_contain_text("one")
    # The server restarts: every socket drops and the pages reconnect on their own.
    server = live.server
    server.stop()
    expect(mentee_page.locator("#connection")).to_have_text("Reconnecting…")
    send(mentee_page, "two, while the server was down")
    live.server = live.site.start_server(port=server.port)
    expect(mentee_page.locator("#connection")).to_have_text("Connected", timeout=40_000)
    expect(mentor_page.locator("#connection")).to_have_text("Connected", timeout=40_000)
    expect(mentor_page.get_by_role("log")).to_contain_text("two, while the server")
    send(mentor_page, "three")
    expect(mentee_page.get_by_role("log")).to_contain_text("three")
    for page in (mentee_page, mentor_page):
        assert message_seqs(page) == [1, 2, 3]


def test_earlier_messages_load_when_scrolling_to_the_top(live, people):
    circle = live.circles.take()
    mentor = people(circle["mentors"][0])
    page = open_chat(mentor, live, circle)
    for number in range(1, 121):
        page.evaluate(
            """([body]) => {
              const box = document.getElementById("message-input");
              box.value = body;
              document.getElementById("send").click();
            }""",
            [f"note {number}"],
        )
    expect(page.locator("#messages > li.msg-delivered")).to_have_count(120)

    mentee = people(circle["mentee"])
    mentee_page = open_chat(mentee, live, circle)
    expect(mentee_page.locator("#messages > li")).to_have_count(50)
    assert message_seqs(mentee_page)[-1] == 120
    for expected in (100, 120):
        mentee_page.locator("#log").evaluate("log => { log.scrollTop = 0; }")
        expect(mentee_page.locator("#messages > li")).to_have_count(expected)
    expect(mentee_page.locator("#history-note")).to_have_text(
        "This is the start of the conversation."
    )
    assert message_seqs(mentee_page) == list(range(1, 121))
    assert message_bodies(mentee_page)[0] == "note 1"


def test_a_member_reports_a_concern_about_a_message(live, people):
    circle = live.circles.take()
    mentee = people(circle["mentee"])
    mentor = people(circle["mentors"][0])
    mentee_page = open_chat(mentee, live, circle)
    mentor_page = open_chat(mentor, live, circle)
    send(mentor_page, "Can you lend me twenty dollars until Friday?")
    message = mentee_page.locator("#messages > li").last
    expect(message.locator(".msg-body")).to_contain_text("twenty dollars")

    message.get_by_role("button", name=re.compile("^Report a concern")).click()
    dialog = mentee_page.get_by_role("dialog", name="Report a concern")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#report-quote")).to_contain_text("twenty dollars")
    dialog.get_by_role("button", name="Send report").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "Say what worries you about this message."
    )
    dialog.get_by_label("What worries you?").fill("A mentor asking me for money.")
    shot(mentee_page, "chat-report-dialog-desktop", full_page=False)
    dialog.get_by_role("button", name="Send report").click()
    expect(dialog).to_be_hidden()
    expect(mentee_page.locator("#chat-status")).to_have_text(
        "Thanks — program staff have been told."
    )
    expect(message.locator(".msg-reported")).to_have_text("You reported this message.")
    # Focus goes back to where the person was.
    expect(message.get_by_role("button", name=re.compile("^Report"))).to_be_focused()


def test_a_new_agreement_version_pauses_the_chat_until_accepted(live, people):
    circle = live.circles.take()
    mentee = people(circle["mentee"])
    coordinator = people(circle["coordinator"])
    mentee_page = open_chat(mentee, live, circle)

    edit = coordinator.open(live.url, f"/circles/{circle['id']}/agreement/edit/")
    edit.get_by_label("Short-term goals").fill("Open a bank account this month")
    edit.get_by_role("button", name=re.compile("^Publish version 2")).click()
    expect(edit.get_by_role("status")).to_contain_text("Version 2 is published")

    send(mentee_page, "Are we still on for Tuesday?")
    expect(mentee_page.locator("#chat-status")).to_contain_text("version 2")
    mentee_page.locator("#chat-status").get_by_role(
        "link", name="See what is needed"
    ).click()
    expect(mentee_page.get_by_role("heading", level=1)).to_contain_text(
        "Getting ready to talk"
    )
    mentee_page.get_by_role("link", name="Read and accept the agreement").click()
    expect(mentee_page.get_by_text("Open a bank account this month")).to_be_visible()
    mentee_page.get_by_role("button", name="I accept this agreement").click()
    # Everyone must accept: the second mentor has not yet, so the checklist waits.
    expect(mentee_page).to_have_url(re.compile(r"/welcome/$"))
    expect(mentee_page.locator("#step-others")).to_contain_text(
        "Waiting for other members"
    )

    other = people(circle["mentors"][1])
    other.open(live.url, f"/circles/{circle['id']}/")
    expect(other.page).to_have_url(re.compile(r"/welcome/$"))
    other.page.get_by_role("link", name="Read and accept the agreement").click()
    other.page.get_by_role("button", name="I accept this agreement").click()
    expect(other.page.locator("#connection")).to_have_text("Connected")

    mentee_page.reload()
    mentee_page.get_by_role("link", name="Go to the chat").click()
    expect(mentee_page.locator("#connection")).to_have_text("Connected")
    send(mentee_page, "Are we still on for Tuesday?")
    expect(other.page.get_by_role("log")).to_contain_text("still on for Tuesday")
