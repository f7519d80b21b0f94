"""Group commit: sends that arrive together are stored in one transaction, each with
its own outcome, and one send's failure costs nobody else's message."""

from __future__ import annotations

import asyncio
import time

import pytest
from channels.db import database_sync_to_async
from django.db import connection

from archive.models import ArchiveRecord
from archive.verify import verify_database
from config.errors import NotFound
from messaging import batching, broadcast, services
from messaging.models import Message
from messaging.services import Ack, Send, post_message, post_messages
from tests.factories import ProgramFactory, make_circle, participant
from tests.sockets import connect, frames_until, send

HELD_TEXT = "text me on 555-867-5309 tonight"


def send_of(person, circle, client_id, body):  # type: ignore[no-untyped-def]
    return Send(sender=person, circle_id=circle.pk, client_id=client_id, body=body)


def bodies(circle) -> dict[int, str]:  # type: ignore[no-untyped-def]
    page = services.list_after(
        user=circle.memberships.first().user, circle_id=circle.pk, after=0
    )
    return {view.seq: view.body for view in page.messages}


@pytest.mark.django_db(transaction=True)
def test_a_batch_gives_each_send_its_own_outcome_in_one_transaction(monkeypatch):
    home = make_circle()
    other = make_circle(home.circle.program)
    stranger = participant(ProgramFactory())
    sends = [
        send_of(home.mentee, home.circle, "a-1", "hello everyone"),
        send_of(stranger, home.circle, "s-1", "let me in"),
        send_of(home.mentors[0], home.circle, "m-1", HELD_TEXT),
        send_of(home.mentee, home.circle, "a-1", "hello everyone"),  # a resend
        send_of(other.mentee, other.circle, "o-1", "hi from the other circle"),
        send_of(home.mentee, home.circle, "a-2", "see you thursday"),
    ]
    commits = []
    real_commit = connection.commit
    monkeypatch.setattr(connection, "commit", lambda: commits.append(real_commit()))
    outcomes = post_messages(sends)
    assert len(commits) == 1
    first, refused, held, resent, elsewhere, last = outcomes
    assert isinstance(refused, NotFound)
    assert isinstance(first, Ack)
    assert isinstance(held, Ack)
    assert isinstance(elsewhere, Ack)
    assert isinstance(last, Ack)
    assert (first.status, first.seq) == ("delivered", 1)
    assert (held.status, held.seq) == ("held", 2)
    assert resent == first
    assert elsewhere.seq == 1
    assert last.seq == 3
    stored = Message.objects.filter(circle=home.circle).order_by("seq")
    assert list(stored.values_list("seq", "client_id")) == [
        (1, "a-1"),
        (2, "m-1"),
        (3, "a-2"),
    ]
    assert ArchiveRecord.objects.filter(circle_id=home.circle.pk).count() == 3
    assert verify_database().ok


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_storing_costs_only_its_own_send(monkeypatch):
    circle_set = make_circle()
    real_seal = services.seal_message

    def seal(*, message, text):  # type: ignore[no-untyped-def]
        if "boom" in text:
            raise RuntimeError("disk full")
        real_seal(message=message, text=text)

    monkeypatch.setattr(services, "seal_message", seal)
    sends = [
        send_of(circle_set.mentee, circle_set.circle, "1", "first of three"),
        send_of(circle_set.mentors[0], circle_set.circle, "2", "boom goes this one"),
        send_of(circle_set.mentee, circle_set.circle, "3", "third of three"),
    ]
    outcomes, events = broadcast.collected(post_messages)(sends)
    assert [getattr(o, "seq", None) for o in outcomes] == [1, None, 2]
    assert isinstance(outcomes[1], RuntimeError)
    # Nothing half-written: two messages, two sealed records, the seq counter at 2,
    # and only their two broadcasts.
    assert list(
        Message.objects.order_by("seq").values_list("client_id", flat=True)
    ) == [
        "1",
        "3",
    ]
    assert ArchiveRecord.objects.count() == 2
    circle_set.circle.refresh_from_db()
    assert circle_set.circle.last_seq == 2
    assert [event["seq"] for _, event in events] == [1, 2]
    assert verify_database().ok
    assert bodies(circle_set.circle) == {1: "first of three", 2: "third of three"}


@pytest.mark.django_db(transaction=True)
def test_one_send_alone_still_raises_its_refusal():
    circle_set = make_circle()
    with pytest.raises(NotFound):
        post_message(
            sender=participant(ProgramFactory()),
            circle_id=circle_set.circle.pk,
            client_id="x",
            body="hi",
        )


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_sends_that_arrive_while_one_is_stored_share_the_next_transaction(
    monkeypatch,
):
    circle_set = await database_sync_to_async(make_circle)(mentors=2)
    people = circle_set.members
    real = batching.post_messages
    batches: list[list[str]] = []

    def slow(sends):  # type: ignore[no-untyped-def]
        batches.append([s.client_id for s in sends])
        if len(batches) == 1:
            time.sleep(0.3)  # the first send holds the database thread
        return real(sends)

    monkeypatch.setattr(batching, "post_messages", slow)
    path = f"/ws/circles/{circle_set.circle.pk}/"
    sockets = [await connect(path, person) for person in people]
    await send(sockets[0], type="send", client_id="c-0", body="first")
    await asyncio.sleep(0.1)
    for number, socket in enumerate(sockets[1:], start=1):
        await send(
            socket, type="send", client_id=f"c-{number}", body=f"message {number}"
        )
    seen = [await frames_until(socket, "ack") for socket in sockets]
    assert batches == [["c-0"], ["c-1", "c-2"]]
    for socket, frames in zip(sockets, seen, strict=True):
        ack = frames[-1]
        assert ack["status"] == "delivered"
        while len([f for f in frames if f["type"] == "message"]) < 3:
            frames += await frames_until(socket, "message")
        # Everyone hears all three messages, in seq order, once; the sender's own
        # carries its client_id and the seq of its ack.
        heard = [f for f in frames if f["type"] == "message"]
        assert [f["seq"] for f in heard] == [1, 2, 3]
        own = [f["seq"] for f in heard if f.get("client_id") == ack["client_id"]]
        assert own == [ack["seq"]]
    for socket in sockets:
        await socket.disconnect()


@pytest.mark.asyncio
async def test_one_batch_is_stored_at_a_time_even_with_a_thread_pool(monkeypatch):
    """Two batches at once could both hold a resend of one client_id (see SendQueue):
    on PostgreSQL's thread pool too, the next batch waits for the one being stored."""
    batches: list[list[str]] = []
    spans: list[tuple[float, float]] = []

    def slow(sends):  # type: ignore[no-untyped-def]
        batches.append([s.client_id for s in sends])
        started = time.monotonic()
        time.sleep(0.2)
        spans.append((started, time.monotonic()))
        return [Ack(client_id=s.client_id, status="delivered", seq=1) for s in sends]

    monkeypatch.setattr(batching, "post_messages", slow)

    class Layer:
        async def group_send(self, group, event):  # type: ignore[no-untyped-def]
            return None

    def in_thread(func):  # type: ignore[no-untyped-def]
        return lambda *args: asyncio.to_thread(func, *args)  # a pool of threads

    sends = [
        Send(sender=None, circle_id=n, client_id=f"c-{n}", body="hi")  # type: ignore[arg-type]
        for n in (2, 1)
    ]
    queue = batching.SendQueue(Layer(), in_thread)
    first = asyncio.ensure_future(queue.post(sends[0]))
    await asyncio.sleep(0.05)  # the first batch is being stored
    acks = await asyncio.gather(first, queue.post(sends[1]))
    assert [ack.client_id for ack in acks] == ["c-2", "c-1"]
    assert batches == [["c-2"], ["c-1"]]
    assert spans[1][0] >= spans[0][1]
    # Sends waiting together form one batch, in circle order; each gets its own ack.
    batches.clear()
    acks = await asyncio.gather(*(queue.post(send) for send in sends))
    assert batches == [["c-1", "c-2"]]
    assert [ack.client_id for ack in acks] == ["c-2", "c-1"]
