"""The circle socket, frame by frame, as DESIGN.md's protocol specifies.

Every test runs on the in-process layer and, when REDIS_URL is set, on Redis.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from accounts.models import Role, User
from messaging import batching, broadcast, frames
from messaging.circles import close_circle, publish_agreement, remove_member
from messaging.models import CircleRole, Message
from messaging.services import MessageView
from tests.factories import ProgramFactory, make_circle, make_member, participant
from tests.sockets import close_code, connect, frames_until, next_of, open_socket, send

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("channel_layers"),
]


def path(circle) -> str:
    return f"/ws/circles/{circle.pk}/"


@pytest.fixture
def circle_set(db):
    return make_circle()


async def post(socket, client_id, body):
    await send(socket, type="send", client_id=client_id, body=body)
    return await next_of(socket, "ack")


# Connecting -------------------------------------------------------------------------


async def test_a_cleared_member_connects_and_an_anonymous_visitor_gets_4401(circle_set):
    member = await connect(path(circle_set.circle), circle_set.mentee)
    await send(member, type="history")
    assert (await next_of(member, "history"))["messages"] == []
    await member.disconnect()
    anonymous = await open_socket(path(circle_set.circle))
    await anonymous.connect()
    assert await close_code(anonymous) == 4401


@pytest.mark.parametrize(
    "who",
    ["non_member", "uncleared", "closed", "agreement_pending"],
)
async def test_a_known_circle_refuses_with_4403(circle_set, who):
    circle = circle_set.circle
    user = circle_set.mentee

    def arrange():
        nonlocal user
        if who == "non_member":
            user = participant(circle.program, Role.MENTOR)
        elif who == "uncleared":
            user = make_member(circle, CircleRole.MENTOR, training=False)
        elif who == "closed":
            close_circle(by=None, circle=circle, reason="Goals met")
        elif who == "agreement_pending":
            publish_agreement(by=None, circle=circle, fields={"focus": "New focus"})

    await database_sync_to_async(arrange)()
    socket = await open_socket(path(circle), user)
    await socket.connect()
    assert await close_code(socket) == 4403


async def test_a_missing_circle_and_another_programs_circle_both_close_4404(circle_set):
    outsider = await database_sync_to_async(
        lambda: participant(ProgramFactory(), Role.MENTOR)
    )()
    codes = []
    for circle_id in (circle_set.circle.pk, circle_set.circle.pk + 999):
        socket = await open_socket(f"/ws/circles/{circle_id}/", outsider)
        await socket.connect()
        codes.append(await close_code(socket))
    assert codes == [4404, 4404]


async def test_a_foreign_origin_is_refused(circle_set):
    socket = await open_socket(
        path(circle_set.circle), circle_set.mentee, origin=b"https://evil.example"
    )
    connected, _ = await socket.connect()
    assert connected is False


# Sending ---------------------------------------------------------------------------


async def test_a_message_reaches_every_member_and_its_sender_gets_an_ack(circle_set):
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    mentor = await connect(path(circle_set.circle), circle_set.mentors[0])
    ack = await post(mentee, "c-1", "Hi everyone, I got the job! <3 & a < b")
    assert ack == {
        "type": "ack",
        "client_id": "c-1",
        "status": "delivered",
        "seq": 1,
        "reason": None,
        "support": None,
    }
    seen_by_sender = await next_of(mentee, "message")
    seen_by_mentor = await next_of(mentor, "message")
    assert seen_by_mentor["body"] == "Hi everyone, I got the job! <3 & a < b"
    assert seen_by_mentor["sender"] == {
        "id": circle_set.mentee.pk,
        "name": circle_set.mentee.shown_name,
        "role": "mentee",
    }
    assert seen_by_mentor["seq"] == 1
    assert seen_by_mentor["sent_at"].endswith("Z")
    assert "client_id" not in seen_by_mentor  # only the sender learns its client_id
    assert seen_by_sender["client_id"] == "c-1"
    await mentee.disconnect()
    await mentor.disconnect()


async def test_resending_the_same_client_id_returns_the_same_ack_and_no_duplicate(
    circle_set,
):
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    mentor = await connect(path(circle_set.circle), circle_set.mentors[0])
    first = await post(mentee, "same", "Are we still on for Tuesday?")
    await next_of(mentee, "message")
    again = await post(mentee, "same", "Are we still on for Tuesday?")
    assert again == first
    assert await database_sync_to_async(Message.objects.count)() == 1
    await next_of(mentor, "message")
    assert await mentor.receive_nothing(timeout=0.3) is True
    await mentee.disconnect()
    await mentor.disconnect()


async def test_control_characters_are_removed_and_markup_kept(circle_set):
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    await post(mentee, "c", "line one\r\nline\x00 two\x07 <img src=x onerror=alert(1)>")
    frame = await next_of(mentee, "message")
    assert frame["body"] == "line one\nline two <img src=x onerror=alert(1)>"
    await mentee.disconnect()


async def test_a_contact_number_is_held_visible_to_its_sender_only(circle_set):
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    mentor = await connect(path(circle_set.circle), circle_set.mentors[0])
    ack = await post(mentee, "h", "text me at 515 555 0142 tonight")
    assert (ack["status"], ack["seq"]) == ("held", 1)
    assert ack["reason"]["category"] == "contact_info"
    assert ack["reason"]["detail"]
    assert await mentor.receive_nothing(timeout=0.3) is True
    await send(mentee, type="history")
    mine = (await next_of(mentee, "history"))["messages"]
    assert [(m["seq"], m["status"]) for m in mine] == [(1, "held")]
    await send(mentor, type="history")
    assert (await next_of(mentor, "history"))["messages"] == []
    await mentee.disconnect()
    await mentor.disconnect()


async def test_a_crisis_message_is_delivered_with_support_for_the_writer(circle_set):
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    mentor = await connect(path(circle_set.circle), circle_set.mentors[0])
    ack = await post(mentee, "k", "honestly I want to kill myself, nothing matters")
    assert ack["status"] == "flagged"
    assert "988" in ack["support"]
    delivered = await next_of(mentor, "message")
    assert (delivered["seq"], delivered["status"]) == (1, "delivered")
    await mentee.disconnect()
    await mentor.disconnect()


async def test_typing_reaches_the_others_and_is_not_stored(circle_set):
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    mentor = await connect(path(circle_set.circle), circle_set.mentors[0])
    await send(mentee, type="typing")
    frame = await next_of(mentor, "typing")
    assert frame["sender"]["id"] == circle_set.mentee.pk
    assert await mentee.receive_nothing(timeout=0.2) is True
    assert await database_sync_to_async(Message.objects.count)() == 0
    await mentee.disconnect()
    await mentor.disconnect()


# Reading back ----------------------------------------------------------------------


async def seed_messages(socket, count):
    """Send `count` messages, each answered (its ack) and echoed (its own copy, which
    may come before or after the ack)."""
    for number in range(1, count + 1):
        await send(
            socket, type="send", client_id=f"m{number}", body=f"message number {number}"
        )
        seen: set[str] = set()
        while seen != {"ack", "message"}:
            frame = await next_of_any(socket, {"ack", "message"})
            assert frame.get("client_id") == f"m{number}"
            seen.add(frame["type"])


async def next_of_any(socket, kinds):
    while (frame := await socket.receive_json_from(timeout=5))["type"] not in kinds:
        pass
    return frame


async def test_history_pages_backwards_newest_last(circle_set, settings):
    settings.CHAT_RATE_LIMITS = {**settings.CHAT_RATE_LIMITS, "send_burst": 100.0}
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    await seed_messages(mentee, 7)
    await send(mentee, type="history", limit=3)
    page = await next_of(mentee, "history")
    assert [m["seq"] for m in page["messages"]] == [5, 6, 7]
    assert page["has_more"] is True
    await send(mentee, type="history", before=5, limit=3)
    page = await next_of(mentee, "history")
    assert [m["seq"] for m in page["messages"]] == [2, 3, 4]
    await send(mentee, type="history", before=2, limit=3)
    page = await next_of(mentee, "history")
    assert ([m["seq"] for m in page["messages"]], page["has_more"]) == ([1], False)
    assert page["messages"][0]["body"] == "message number 1"
    await mentee.disconnect()


async def test_resume_returns_everything_after_a_seq_in_order(circle_set, settings):
    settings.CHAT_RATE_LIMITS = {**settings.CHAT_RATE_LIMITS, "send_burst": 100.0}
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    await seed_messages(mentee, 5)
    await send(mentee, type="resume", after=2)
    page = await next_of(mentee, "resume")
    assert ([m["seq"] for m in page["messages"]], page["has_more"]) == (
        [3, 4, 5],
        False,
    )
    await send(mentee, type="resume", after=5)
    assert (await next_of(mentee, "resume"))["messages"] == []
    await send(mentee, type="resume", after=0)
    assert len((await next_of(mentee, "resume"))["messages"]) == 5
    await mentee.disconnect()


async def test_resume_pages_when_a_client_missed_a_lot(
    circle_set, monkeypatch, settings
):
    monkeypatch.setattr("messaging.services.RESUME_LIMIT", 2)
    settings.CHAT_RATE_LIMITS = {**settings.CHAT_RATE_LIMITS, "send_burst": 100.0}
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    await seed_messages(mentee, 3)
    await send(mentee, type="resume", after=0)
    page = await next_of(mentee, "resume")
    assert ([m["seq"] for m in page["messages"]], page["has_more"]) == ([1, 2], True)
    await mentee.disconnect()


# Reporting -------------------------------------------------------------------------


async def test_a_member_reports_a_message_and_monitors_hear_of_it(circle_set):
    from tests.factories import staff

    monitor = await database_sync_to_async(lambda: staff(circle_set.program))()
    feed = await connect("/ws/monitor/", monitor)
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    mentor = await connect(path(circle_set.circle), circle_set.mentors[0])
    await post(mentor, "r", "You should skip the meeting with your PO this week")
    seq = (await next_of(mentee, "message"))["seq"]
    await send(mentee, type="report", seq=seq, reason="He told me to skip my PO.")
    assert await next_of(mentee, "reported") == {"type": "reported", "seq": seq}
    flag = await next_of(feed, "flag")
    while flag["category"] != "report":
        flag = await next_of(feed, "flag")
    assert (flag["circle"], flag["seq"], flag["status"]) == (
        circle_set.circle.pk,
        seq,
        "open",
    )
    for socket in (feed, mentee, mentor):
        await socket.disconnect()


async def test_reporting_a_message_you_cannot_see_is_a_bad_frame(circle_set):
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    await send(mentee, type="report", seq=42, reason="?")
    error = await next_of(mentee, "error")
    assert (error["code"], error["field"]) == ("bad_frame", "seq")
    await mentee.disconnect()


# Errors ----------------------------------------------------------------------------

BAD_FRAMES = [
    ("{not json", "bad_json"),
    ("[1, 2]", "bad_frame"),
    ('"send"', "bad_frame"),
    ("{}", "bad_frame"),
    ('{"type": "circle.message"}', "bad_frame"),
    ('{"type": "__init__"}', "bad_frame"),
    ('{"type": "send", "client_id": "x"}', "bad_frame"),
    ('{"type": "send", "client_id": "", "body": "hi"}', "bad_frame"),
    ('{"type": "send", "client_id": 5, "body": "hi"}', "bad_frame"),
    ('{"type": "send", "client_id": "x", "body": "   "}', "bad_frame"),
    ('{"type": "send", "client_id": "%s", "body": "hi"}' % ("x" * 65), "bad_frame"),
    ('{"type": "history", "limit": 0}', "bad_frame"),
    ('{"type": "history", "limit": 101}', "bad_frame"),
    ('{"type": "history", "limit": true}', "bad_frame"),
    ('{"type": "history", "before": -1}', "bad_frame"),
    ('{"type": "resume"}', "bad_frame"),
    ('{"type": "resume", "after": "3"}', "bad_frame"),
    ('{"type": "resume", "after": false}', "bad_frame"),
    ('{"type": "report", "seq": 1}', "bad_frame"),
    ('{"type": "report", "seq": 1, "reason": "%s"}' % ("x" * 1001), "too_long"),
    (json.dumps({"type": "send", "client_id": "x", "body": "y" * 4001}), "too_long"),
    ("x" * (frames.MAX_FRAME_CHARS + 1), "too_long"),
]


@pytest.mark.parametrize(("raw", "code"), BAD_FRAMES)
async def test_a_bad_frame_gets_an_error_and_the_socket_stays_open(
    circle_set, raw, code
):
    socket = await connect(path(circle_set.circle), circle_set.mentee)
    await socket.send_to(text_data=raw)
    error = await next_of(socket, "error")
    assert error["code"] == code
    assert error["detail"]
    await send(socket, type="history", limit=1)
    assert (await next_of(socket, "history"))["type"] == "history"
    await socket.disconnect()


async def test_binary_frames_are_refused_politely(circle_set):
    socket = await connect(path(circle_set.circle), circle_set.mentee)
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await next_of(socket, "error"))["code"] == "bad_frame"
    await socket.disconnect()


async def test_a_server_failure_says_so_and_a_resend_is_safe(circle_set, monkeypatch):
    real = batching.post_messages
    calls = {"n": 0}

    def flaky(sends):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real(sends)

    monkeypatch.setattr(batching, "post_messages", flaky)
    socket = await connect(path(circle_set.circle), circle_set.mentee)
    await send(socket, type="send", client_id="retry-me", body="hello")
    error = await next_of(socket, "error")
    assert error["code"] == "server_error"
    assert "safe to send it again" in error["detail"]
    ack = await post(socket, "retry-me", "hello")
    assert (ack["status"], ack["seq"]) == ("delivered", 1)
    await socket.disconnect()


async def test_sending_too_fast_is_rate_limited(circle_set):
    socket = await connect(path(circle_set.circle), circle_set.mentee)
    statuses = []
    for number in range(12):
        await send(socket, type="send", client_id=f"f{number}", body=f"hello {number}")
        frame = (await frames_until(socket, "ack")) if number < 8 else None
        if frame is None:
            statuses.append((await next_of(socket, "error"))["code"])
    assert statuses == ["rate_limited"] * 4
    await socket.disconnect()


async def test_sustained_flooding_closes_with_4429(circle_set):
    socket = await connect(path(circle_set.circle), circle_set.mentee)
    for _ in range(200):
        await socket.send_to(text_data='{"type": "typing"}')
    assert await close_code(socket) == 4429


async def test_a_member_removed_mid_session_is_cut_off_with_4403(circle_set):
    mentor = circle_set.mentors[1]
    socket = await connect(path(circle_set.circle), mentor)
    await database_sync_to_async(remove_member)(
        by=None, circle=circle_set.circle, user=mentor
    )
    error = await next_of(socket, "error")
    assert error["code"] == "not_allowed"
    assert await close_code(socket) == 4403


async def test_a_circle_closed_mid_session_closes_every_socket(circle_set):
    socket = await connect(path(circle_set.circle), circle_set.mentee)
    await database_sync_to_async(close_circle)(
        by=None, circle=circle_set.circle, reason="Goals met"
    )
    assert (await next_of(socket, "error"))["code"] == "not_allowed"
    assert await close_code(socket) == 4403


async def test_a_deactivated_account_can_no_longer_send_or_read(circle_set):
    socket = await connect(path(circle_set.circle), circle_set.mentee)
    await database_sync_to_async(User.objects.filter(pk=circle_set.mentee.pk).update)(
        is_active=False
    )
    await send(socket, type="send", client_id="after", body="hello")
    assert (await next_of(socket, "error"))["code"] == "not_logged_in"
    await send(socket, type="history")
    assert (await next_of(socket, "error"))["code"] == "not_logged_in"
    assert await database_sync_to_async(Message.objects.count)() == 0
    await socket.disconnect()


async def test_a_new_agreement_mid_session_stops_sending_until_accepted(circle_set):
    socket = await connect(path(circle_set.circle), circle_set.mentee)
    await database_sync_to_async(publish_agreement)(
        by=None, circle=circle_set.circle, fields={"focus": "Jobs"}
    )
    await send(socket, type="send", client_id="a", body="hello")
    error = await next_of(socket, "error")
    assert error["code"] == "not_allowed"
    assert "agreement" in error["detail"]
    await send(socket, type="history")
    assert (await next_of(socket, "error"))["code"] == "not_allowed"
    assert await database_sync_to_async(Message.objects.count)() == 0
    await socket.disconnect()


async def test_only_monitors_may_open_the_monitor_feed(circle_set):
    anonymous = await open_socket("/ws/monitor/")
    await anonymous.connect()
    assert await close_code(anonymous) == 4401
    member = await open_socket("/ws/monitor/", circle_set.mentee)
    await member.connect()
    assert await close_code(member) == 4403


async def test_a_socket_hears_messages_while_the_database_thread_is_busy(circle_set):
    """Relaying a message needs no database: channels' consumers hop to the database
    thread before every event (to close old connections); ours do not, so a recipient
    does not wait behind the sends being stored there."""
    socket = await connect(path(circle_set.circle), circle_set.mentee)
    busy = asyncio.ensure_future(database_sync_to_async(time.sleep)(1.0))
    await asyncio.sleep(0.05)  # the database thread is now asleep
    view = MessageView(
        seq=1,
        sender={
            "id": circle_set.coordinator.pk,
            "name": "Coach",
            "role": "coordinator",
        },
        body="hello",
        sent_at="2026-11-30T12:00:00Z",
        status="delivered",
        client_id="c-1",
    )
    started = time.monotonic()
    await get_channel_layer().group_send(
        broadcast.circle_group(circle_set.circle.pk), view.event()
    )
    frame = await next_of(socket, "message")
    assert time.monotonic() - started < 0.5
    assert (frame["seq"], frame["body"]) == (1, "hello")
    await busy
    await socket.disconnect()


async def test_a_member_whose_send_is_being_stored_still_hears_the_circle(
    circle_set, monkeypatch
):
    """A socket waits for its send's ack in a task of its own: while the database
    thread stores the send, the socket goes on relaying what the others say."""
    stored = batching.post_messages
    may_store = threading.Event()

    def held_back(sends):  # type: ignore[no-untyped-def]
        may_store.wait(timeout=5)
        return stored(sends)

    monkeypatch.setattr(batching, "post_messages", held_back)
    writer = await connect(path(circle_set.circle), circle_set.mentee)
    await send(writer, type="send", client_id="w-1", body="Still writing this one")
    await get_channel_layer().group_send(
        broadcast.circle_group(circle_set.circle.pk),
        {"type": broadcast.HIDDEN, "seq": 7},
    )
    try:
        frame = await writer.receive_json_from(timeout=1)
    finally:
        may_store.set()
    assert frame == {"type": "hidden", "seq": 7}
    ack = await next_of(writer, "ack")
    assert (ack["client_id"], ack["status"], ack["seq"]) == ("w-1", "delivered", 1)
    await writer.disconnect()
