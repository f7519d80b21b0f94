"""The chat page's handling of every server frame and close code, in a real browser.

The page comes from the real server; its socket is answered by a scripted stand-in
(Playwright's route_web_socket), so rare states are exact and repeatable: blocked and
crisis acks, hidden and released messages, seq gaps, duplicates, drops, 4401/4403/4429.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.browser.helpers import message_bodies, message_seqs, shot, wait_until

pytestmark = pytest.mark.browser

OTHER = {"id": 999_001, "name": "Dana", "role": "mentor"}


def message(seq: int, body: str, sender=OTHER, **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "seq": seq,
        "sender": sender,
        "body": body,
        "sent_at": "2026-03-01T18:00:00Z",
        "status": "delivered",
        **extra,
    }


class FakeCircle:
    """Answers the page's socket: history and resume from `messages`; the rest is
    scripted by the test."""

    def __init__(self, page: Page, messages: list[dict[str, Any]] | None = None):
        self.page = page
        self.messages = list(messages or [])
        self.sockets: list[WebSocketRoute] = []
        self.received: list[tuple[int, dict[str, Any]]] = []
        self.ack_sends = False
        page.route_web_socket(re.compile(r"/ws/circles/\d+/$"), self.accept)

    def accept(self, socket: WebSocketRoute) -> None:
        index = len(self.sockets)
        self.sockets.append(socket)
        socket.on_message(lambda raw: self.on_message(index, raw))

    def on_message(self, index: int, raw: str | bytes) -> None:
        frame = json.loads(raw)
        self.received.append((index, frame))
        socket = self.sockets[index]
        if frame["type"] == "history":
            before = frame.get("before") or 10**9
            older = [m for m in self.messages if m["seq"] < before]
            page = older[-frame.get("limit", 50) :]
            has_more = len(older) > len(page)
            socket.send(
                json.dumps({"type": "history", "messages": page, "has_more": has_more})
            )
        elif frame["type"] == "resume":
            newer = [m for m in self.messages if m["seq"] > frame["after"]]
            socket.send(
                json.dumps({"type": "resume", "messages": newer, "has_more": False})
            )
        elif frame["type"] == "send" and self.ack_sends:
            self.deliver(index, frame)

    def deliver(self, index: int, frame: dict[str, Any]) -> None:
        seq = max((m["seq"] for m in self.messages), default=0) + 1
        me = self.me()
        stored = message(seq, frame["body"], me, client_id=frame["client_id"])
        self.messages.append(stored)
        self.sockets[index].send(json.dumps(stored))
        self.sockets[index].send(
            json.dumps(
                {
                    "type": "ack",
                    "client_id": frame["client_id"],
                    "status": "delivered",
                    "seq": seq,
                    "reason": None,
                    "support": None,
                }
            )
        )

    def me(self) -> dict[str, Any]:
        settings = self.page.evaluate(
            "JSON.parse(document.getElementById('chat-settings').textContent)"
        )
        return {
            "id": settings["me"]["id"],
            "name": settings["me"]["name"],
            "role": "mentee",
        }

    def send(self, frame: dict[str, Any], socket: int = -1) -> None:
        self.sockets[socket].send(json.dumps(frame))

    def close(self, code: int, socket: int = -1) -> None:
        self.sockets[socket].close(code=code, reason="")

    def frames(self, kind: str) -> list[dict[str, Any]]:
        return [frame for _index, frame in self.received if frame["type"] == kind]

    def wait_for(self, kind: str, count: int = 1) -> list[dict[str, Any]]:
        wait_until(self.page, lambda: len(self.frames(kind)) >= count)
        return self.frames(kind)


@pytest.fixture
def chat(live, people):
    """A member's chat page on a scripted socket: `chat(messages)` -> (page, fake)."""

    def open_page(messages=None, *, viewport="desktop"):
        circle = live.circles.with_pending[0]
        person = people(circle["mentee"], viewport=viewport)
        fake = FakeCircle(person.page, messages)
        person.open(live.url, f"/circles/{circle['id']}/")
        expect(person.page.locator("#connection")).to_have_text("Connected")
        fake.wait_for("history")
        return person.page, fake

    return open_page


def type_and_send(page: Page, text: str) -> None:
    box = page.get_by_label("Message", exact=True)
    box.fill(text)
    box.press("Enter")


def test_a_blocked_message_says_why_and_gives_the_text_back(chat):
    page, fake = chat()
    type_and_send(page, "Send me a pic of you")
    send = fake.wait_for("send")[0]
    fake.send(
        {
            "type": "ack",
            "client_id": send["client_id"],
            "status": "blocked",
            "seq": None,
            "reason": {
                "category": "intimacy",
                "detail": "Asking for photos of each other is against the code of "
                "conduct.",
            },
            "support": None,
        }
    )
    item = page.locator("#messages > li").last
    expect(item).to_have_class(re.compile(r"\bmsg-blocked\b"))
    expect(item.locator(".msg-status")).to_have_text(
        "Not sent: Asking for photos of each other is against the code of conduct. "
        "Your text is back in the message box so you can change it."
    )
    expect(page.get_by_label("Message", exact=True)).to_have_value(
        "Send me a pic of you"
    )
    expect(page.get_by_label("Message", exact=True)).to_be_focused()
    assert item.get_attribute("data-seq") is None
    shot(page, "chat-blocked-desktop", full_page=False)


def test_crisis_support_is_shown_prominently_to_the_writer(chat):
    page, fake = chat(viewport="phone")
    type_and_send(page, "I don't want to be here anymore")
    send = fake.wait_for("send")[0]
    fake.send(message(1, send["body"], fake.me(), client_id=send["client_id"]))
    fake.send(
        {
            "type": "ack",
            "client_id": send["client_id"],
            "status": "delivered",
            "seq": 1,
            "reason": None,
            "support": "You can call or text 988 any time. Staff will reach out.",
        }
    )
    alert = page.get_by_role("alert").filter(has_text="988")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("You can call or text 988 any time.")
    expect(page.locator("#messages > li").last.locator(".msg-status")).to_have_text(
        "Delivered"
    )
    shot(page, "chat-crisis-support-phone", full_page=False)
    alert.get_by_role("button", name="I've read this").click()
    expect(alert).to_be_hidden()


def test_held_then_released_for_the_writer(chat):
    page, fake = chat()
    type_and_send(page, "my number is 515 555 0142")
    send = fake.wait_for("send")[0]
    fake.send(
        {
            "type": "ack",
            "client_id": send["client_id"],
            "status": "held",
            "seq": 1,
            "reason": {
                "category": "contact_info",
                "detail": "It looks like it shares personal contact details.",
            },
            "support": None,
        }
    )
    item = page.locator("#messages > li").last
    expect(item.locator(".msg-status")).to_contain_text(
        "Held for review: It looks like it shares personal contact details."
    )
    fake.send({"type": "released", "seq": 1})
    expect(item.locator(".msg-status")).to_have_text(
        "Released by program staff: everyone in the circle can see it now."
    )
    assert message_seqs(page) == [1]


def test_each_seq_is_shown_once_and_a_gap_asks_for_what_was_missed(chat):
    page, fake = chat([message(1, "one"), message(2, "two")])
    expect(page.locator("#messages > li")).to_have_count(2)
    fake.send(message(2, "two"))  # a duplicate broadcast
    fake.send(message(3, "three"))
    expect(page.locator("#messages > li")).to_have_count(3)
    fake.messages += [message(4, "four"), message(5, "five")]
    fake.send(message(5, "five"))  # 4 went missing on the way
    resume = fake.wait_for("resume")[0]
    assert resume == {"type": "resume", "after": 3}
    expect(page.locator("#messages > li")).to_have_count(5)
    assert message_bodies(page) == ["one", "two", "three", "four", "five"]
    assert message_seqs(page) == [1, 2, 3, 4, 5]


def test_a_hidden_message_is_withdrawn_and_never_comes_back(chat):
    page, fake = chat([message(1, "fine"), message(2, "something a monitor hid")])
    expect(page.get_by_role("log")).to_contain_text("something a monitor hid")
    fake.send({"type": "hidden", "seq": 2})
    expect(page.get_by_role("log")).not_to_contain_text("something a monitor hid")
    fake.send(message(2, "something a monitor hid"))
    fake.send(message(3, "later"))
    expect(page.get_by_role("log")).to_contain_text("later")
    assert message_bodies(page) == ["fine", "later"]


def test_a_hidden_message_restored_by_staff_comes_back_in_its_place(chat):
    page, fake = chat([message(1, "fine"), message(2, "hidden, then restored")])
    fake.send({"type": "hidden", "seq": 2})
    expect(page.get_by_role("log")).not_to_contain_text("hidden, then restored")
    fake.send(message(3, "later"))
    expect(page.get_by_role("log")).to_contain_text("later")
    fake.messages.append(message(3, "later"))
    # An appeal is upheld: the server sends the message again, then `released`.
    fake.send(message(2, "hidden, then restored"))
    fake.send({"type": "released", "seq": 2})
    assert fake.wait_for("resume")[-1] == {"type": "resume", "after": 1}
    expect(page.get_by_role("log")).to_contain_text("hidden, then restored")
    assert message_bodies(page) == ["fine", "hidden, then restored", "later"]


def test_a_dropped_socket_reconnects_resumes_and_resends_with_the_same_client_id(
    chat,
):
    page, fake = chat([message(1, "one"), message(2, "two")])
    type_and_send(page, "are you there?")
    first = fake.wait_for("send")[0]
    fake.close(1011)  # the server went away before acknowledging
    expect(page.locator("#connection")).to_have_text(
        re.compile("Reconnecting…|Connected")
    )
    fake.ack_sends = True
    wait_until(page, lambda: len(fake.sockets) == 2)
    resends = fake.wait_for("send", 2)
    assert resends[1]["client_id"] == first["client_id"]
    assert resends[1]["body"] == "are you there?"
    resume = next(frame for index, frame in fake.received if index == 1)
    assert resume == {"type": "resume", "after": 2}
    expect(page.locator("#connection")).to_have_text("Connected")
    expect(page.locator("#messages > li.msg-delivered")).to_have_count(1)
    assert message_bodies(page) == ["one", "two", "are you there?"]
    assert message_seqs(page) == [1, 2, 3]


def test_history_is_asked_for_before_the_lowest_seq_on_scrolling_up(chat):
    page, _fake = chat([message(seq, f"note {seq}") for seq in range(1, 131)])
    expect(page.locator("#messages > li")).to_have_count(50)
    page.locator("#log").evaluate("log => { log.scrollTop = 0; }")
    expect(page.locator("#messages > li")).to_have_count(100)
    history = _fake.frames("history")
    assert history[1] == {"type": "history", "limit": 50, "before": 81}
    # Scrolling up again loads the rest. (Not the "Load earlier messages" button: the
    # page may already be fetching the next page, and the button then goes away.)
    page.locator("#log").evaluate(
        "log => { log.scrollTop = 0; log.dispatchEvent(new Event('scroll')); }"
    )
    expect(page.locator("#messages > li")).to_have_count(130)
    expect(page.locator("#history-note")).to_have_text(
        "This is the start of the conversation."
    )
    assert message_seqs(page) == list(range(1, 131))


def test_the_load_earlier_button_fetches_older_messages_without_scrolling(chat):
    page, fake = chat([message(seq, f"note {seq}") for seq in range(1, 131)])
    expect(page.locator("#messages > li")).to_have_count(50)
    page.get_by_role("button", name="Load earlier messages").click()
    expect(page.locator("#messages > li")).to_have_count(100)
    assert fake.frames("history")[1] == {"type": "history", "limit": 50, "before": 81}


def test_error_frames_are_shown_in_the_status_region(chat):
    page, fake = chat()
    fake.send(
        {"type": "error", "code": "bad_frame", "detail": "That frame was not valid."}
    )
    expect(page.get_by_role("status").filter(has_text="not valid")).to_have_text(
        "That frame was not valid."
    )


def test_closing_with_4403_says_the_person_can_no_longer_chat(chat):
    page, fake = chat([message(1, "hello")])
    fake.send(
        {
            "type": "error",
            "code": "not_allowed",
            "detail": "You are no longer a member of this circle.",
        }
    )
    fake.close(4403)
    status = page.locator("#chat-status")
    expect(status).to_contain_text("You can no longer chat in this circle.")
    expect(status).to_contain_text("You are no longer a member of this circle.")
    expect(status.get_by_role("link", name="Back to my circles")).to_have_attribute(
        "href", "/"
    )
    expect(page.locator("#connection")).to_have_text("Not connected")
    expect(page.get_by_label("Message", exact=True)).to_be_disabled()
    page.wait_for_timeout(1500)
    assert len(fake.sockets) == 1  # no reconnecting after a refusal


def test_closing_with_4429_asks_to_slow_down_and_waits_before_reconnecting(chat):
    page, fake = chat()
    fake.close(4429)
    expect(page.locator("#chat-status")).to_contain_text("Slow down")
    expect(page.locator("#connection")).to_have_text("Reconnecting…")
    page.wait_for_timeout(2000)
    assert len(fake.sockets) == 1


def test_closing_with_4401_goes_to_the_login_page(chat):
    page, fake = chat()
    fake.close(4401)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fcircles%2F\d+%2F$"))


def test_the_typing_notice_names_the_typist_and_expires(chat):
    page, fake = chat()
    fake.send({"type": "typing", "sender": OTHER})
    expect(page.locator("#typing")).to_have_text("Dana is typing…")
    fake.send({"type": "typing", "sender": {"id": 5, "name": "Luis", "role": "mentor"}})
    expect(page.locator("#typing")).to_have_text("Dana and Luis are typing…")
    expect(page.locator("#typing")).to_have_text("", timeout=6_000)


def test_own_typing_is_announced_at_most_every_few_seconds(chat):
    page, fake = chat()
    box = page.get_by_label("Message", exact=True)
    box.press_sequentially("hello there", delay=30)
    wait_until(page, lambda: len(fake.frames("typing")) >= 1)
    page.wait_for_timeout(300)
    assert len(fake.frames("typing")) == 1


def test_a_report_that_fails_says_why_in_the_dialog(chat):
    page, fake = chat([message(1, "hello")])
    page.get_by_role("button", name=re.compile("^Report a concern")).click()
    dialog = page.get_by_role("dialog", name="Report a concern")
    dialog.get_by_label("What worries you?").fill("x" * 20)
    dialog.get_by_role("button", name="Send report").click()
    report = fake.wait_for("report")[0]
    assert report == {"type": "report", "seq": 1, "reason": "x" * 20}
    fake.send(
        {
            "type": "error",
            "code": "bad_frame",
            "field": "seq",
            "detail": "There is no message 1 to report.",
        }
    )
    expect(dialog.get_by_role("alert")).to_have_text("There is no message 1 to report.")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
