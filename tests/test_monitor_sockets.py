"""Monitor decisions as members and monitors see them live, over the real sockets.

Every test runs on the in-process layer and, when REDIS_URL is set, on Redis.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async

from accounts.models import Role
from moderation.appeals import file_appeal
from moderation.models import Flag
from moderation.review import act_on_flag, escalate_overdue_crises
from tests.factories import make_circle, staff
from tests.sockets import connect, frames_until, next_of, send
from tests.test_monitor_helpers import CRISIS_TEXT, FLAG_TEXT, HELD_TEXT

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("channel_layers"),
]


@pytest.fixture
def circle_set(db):  # type: ignore[no-untyped-def]
    return make_circle()


def path(circle) -> str:  # type: ignore[no-untyped-def]
    return f"/ws/circles/{circle.pk}/"


async def post(socket, client_id, body):  # type: ignore[no-untyped-def]
    await send(socket, type="send", client_id=client_id, body=body)
    return await next_of(socket, "ack")


async def first_flag(circle, seq, category):  # type: ignore[no-untyped-def]
    return await database_sync_to_async(
        lambda: Flag.objects.get(circle=circle, seq=seq, category=category)
    )()


async def test_a_released_message_reaches_every_member_and_its_sender_sees_it_delivered(
    circle_set,
):
    monitor = await database_sync_to_async(lambda: staff(circle_set.program))()
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    mentor = await connect(path(circle_set.circle), circle_set.mentors[0])
    await send(mentee, type="send", client_id="held-1", body=HELD_TEXT)
    seen = await frames_until(mentee, "ack")  # its own copy may come before the ack
    ack = seen[-1]
    assert (ack["status"], ack["seq"]) == ("held", 1)
    copies = [f for f in seen if f["type"] == "message"]
    # the sender's other tabs see it held
    own_copy = copies[0] if copies else await next_of(mentee, "message")
    assert own_copy["status"] == "held"
    assert await mentor.receive_nothing(timeout=0.2) is True
    flag = await first_flag(circle_set.circle, 1, "contact_info")

    await database_sync_to_async(act_on_flag)(
        user=monitor, flag_id=flag.pk, action="release", reason="Program office line."
    )

    delivered = await next_of(mentor, "message")
    assert (delivered["seq"], delivered["body"], delivered["status"]) == (
        1,
        HELD_TEXT,
        "delivered",
    )
    assert "client_id" not in delivered
    assert await next_of(mentor, "released") == {"type": "released", "seq": 1}
    mine = await next_of(mentee, "message")
    assert (mine["seq"], mine["status"], mine["client_id"]) == (
        1,
        "delivered",
        "held-1",
    )
    assert await next_of(mentee, "released") == {"type": "released", "seq": 1}
    await mentee.disconnect()
    await mentor.disconnect()


async def test_a_hidden_message_is_withdrawn_from_members_pages(circle_set):
    monitor = await database_sync_to_async(lambda: staff(circle_set.program))()
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    mentor = await connect(path(circle_set.circle), circle_set.mentors[0])
    ack = await post(mentor, "m-1", FLAG_TEXT)
    await next_of(mentee, "message")
    flag = await first_flag(circle_set.circle, ack["seq"], "money_gifts")
    await database_sync_to_async(act_on_flag)(
        user=monitor, flag_id=flag.pk, action="hide", reason="Lending money."
    )
    for socket in (mentee, mentor):
        assert await next_of(socket, "hidden") == {"type": "hidden", "seq": ack["seq"]}
    await send(mentee, type="history")
    assert (await next_of(mentee, "history"))["messages"] == []
    await mentee.disconnect()
    await mentor.disconnect()


async def test_monitors_see_new_flags_and_each_decision_on_their_feed(circle_set):
    monitor, second = await database_sync_to_async(
        lambda: (staff(circle_set.program), staff(circle_set.program))
    )()
    feed = await connect("/ws/monitor/", monitor)
    other_feed = await connect("/ws/monitor/", second)
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    ack = await post(mentee, "c-1", CRISIS_TEXT)
    for socket in (feed, other_feed):  # every on-duty monitor at once
        frame = await next_of(socket, "flag")
        assert (frame["seq"], frame["category"], frame["urgent"], frame["status"]) == (
            ack["seq"],
            "crisis",
            True,
            "open",
        )
    await database_sync_to_async(act_on_flag)(
        user=monitor, flag_id=frame["id"], action="acknowledge", reason=""
    )
    claimed = await next_of(other_feed, "flag")
    assert (claimed["id"], claimed["status"]) == (frame["id"], "open")
    await database_sync_to_async(act_on_flag)(
        user=monitor, flag_id=frame["id"], action="resolve", reason="Called her."
    )
    resolved = await next_of(other_feed, "flag")
    assert (resolved["id"], resolved["status"]) == (frame["id"], "resolved")
    for socket in (feed, other_feed, mentee):
        await socket.disconnect()


async def test_an_overdue_crisis_reaches_the_administrators_feed(circle_set):
    admin = await database_sync_to_async(
        lambda: staff(circle_set.program, Role.ADMIN)
    )()
    feed = await connect("/ws/monitor/", admin)
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    await post(mentee, "c-1", CRISIS_TEXT)
    opened = await next_of(feed, "flag")
    created = await database_sync_to_async(
        lambda: Flag.objects.get(pk=opened["id"]).created_at
    )()
    await database_sync_to_async(escalate_overdue_crises)(
        now=created + timedelta(minutes=15)
    )
    escalated = await next_of(feed, "flag")
    assert (escalated["id"], escalated["status"]) == (opened["id"], "escalated")
    await feed.disconnect()
    await mentee.disconnect()


async def test_an_appeal_arrives_on_the_monitor_feed(circle_set):
    monitor = await database_sync_to_async(lambda: staff(circle_set.program))()
    feed = await connect("/ws/monitor/", monitor)
    mentee = await connect(path(circle_set.circle), circle_set.mentee)
    ack = await post(mentee, "h-1", HELD_TEXT)
    await next_of(feed, "flag")
    await database_sync_to_async(file_appeal)(
        user=circle_set.mentee,
        circle_id=circle_set.circle.pk,
        seq=ack["seq"],
        reason="It's my caseworker's desk line.",
    )
    frame = await next_of(feed, "flag")
    while frame["category"] != "appeal":
        frame = await next_of(feed, "flag")
    assert (frame["seq"], frame["status"]) == (ack["seq"], "open")
    await feed.disconnect()
    await mentee.disconnect()
