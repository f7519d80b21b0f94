"""Message text is text: an XSS corpus sent as messages shows literally, runs nothing.

Each payload goes through the real path (moderation, archive, broadcast) and is checked
on the writer's page and on another member's page, live and after a reload (history).
Payloads that moderation holds must still show as text to their writer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import frames_of, shot

pytestmark = pytest.mark.browser

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
# Format characters a sanitizer may drop; the page must still show the rest as typed.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Everything the page itself builds inside the message list; anything else was injected.
OWN_TAGS = {"LI", "P", "SPAN", "TIME", "DIV", "BUTTON"}


def shown(page) -> dict[int, str]:
    return {
        int(seq): body
        for seq, body in page.eval_on_selector_all(
            "#messages > li[data-seq]",
            "nodes => nodes.map(n => [n.dataset.seq, "
            "n.querySelector('.msg-body').textContent])",
        )
    }


def tags_in_log(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "#messages *", "nodes => nodes.map(node => node.tagName)"
        )
    )


def bodies_by_seq(frames) -> dict[int, str]:
    found: dict[int, str] = {}
    for frame in frames:
        if frame.get("type") == "message":
            found[frame["seq"]] = frame["body"]
        elif frame.get("type") in ("history", "resume"):
            for message in frame["messages"]:
                found[message["seq"]] = message["body"]
    return found


def assert_nothing_ran(person) -> None:
    assert person.xss_fired() == 0
    assert person.dialogs == []
    assert person.csp_violations() == []
    assert person.errors == []
    assert tags_in_log(person.page) <= OWN_TAGS


def test_the_corpus_has_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_every_payload_is_shown_as_text_and_nothing_runs(live, people):
    circle = live.circles.take()
    writer = people(circle["mentee"])
    reader = people(circle["mentors"][0], viewport="phone")
    writer_frames = frames_of(writer.page)
    reader_frames = frames_of(reader.page)
    for person in (writer, reader):
        person.open(live.url, f"/circles/{circle['id']}/")
        expect(person.page.locator("#connection")).to_have_text("Connected")

    box = writer.page.get_by_label("Message", exact=True)
    for payload in PAYLOADS:
        box.fill(payload)
        box.press("Enter")
    # Every payload is on the writer's page, acknowledged (none left sending).
    expect(writer.page.locator("#messages > li")).to_have_count(len(PAYLOADS))
    expect(writer.page.locator("#messages > li.msg-sending")).to_have_count(0)

    # The page shows a message once acknowledged; its broadcast `message` frame (what
    # the recorder counts) can arrive a moment later on a busy machine.
    for _ in range(200):
        if len(bodies_by_seq(writer_frames)) == len(PAYLOADS):
            break
        writer.page.wait_for_timeout(50)
    writer_seen = bodies_by_seq(writer_frames)
    assert len(writer_seen) == len(PAYLOADS)
    # The server stores and sends the text as typed (at most dropping invisibles)...
    for payload, (_seq, body) in zip(
        PAYLOADS, sorted(writer_seen.items()), strict=True
    ):
        assert INVISIBLE.sub("", body) == INVISIBLE.sub("", payload)
    # ...and each page shows exactly that text, held messages included.
    assert shown(writer.page) == writer_seen
    held = writer.page.locator("#messages > li.msg-held")
    assert held.count() >= 1, "the corpus has contact details that are held"
    for index in range(held.count()):
        expect(held.nth(index).locator(".msg-status")).to_contain_text(
            "Held for review: "
        )

    delivered = len(PAYLOADS) - held.count()
    expect(reader.page.locator("#messages > li")).to_have_count(delivered)
    reader_seen = bodies_by_seq(reader_frames)
    assert shown(reader.page) == reader_seen
    assert set(reader_seen) <= set(writer_seen)
    shot(writer.page, "chat-xss-writer-desktop", full_page=False)
    shot(reader.page, "chat-xss-reader-phone", full_page=False)

    # From history too: a reload renders the same text, and still nothing runs.
    for person in (writer, reader):
        assert_nothing_ran(person)
        person.page.reload()
        expect(person.page.locator("#connection")).to_have_text("Connected")
    expect(writer.page.locator("#messages > li")).to_have_count(50)
    expect(reader.page.locator("#messages > li")).to_have_count(min(50, delivered))
    for person, seen in ((writer, writer_seen), (reader, reader_seen)):
        for seq, body in shown(person.page).items():
            assert seen[seq] == body
        assert_nothing_ran(person)
