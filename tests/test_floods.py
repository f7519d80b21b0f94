"""Floods: the per-connection and per-person limits, the frame-size cap, the cap on
sockets per person, sustained flooding (closed with 4429), and a member who never reads
their socket while the others chat (they still get every message promptly).

tests/test_chat_protocol.py has the basic cases (the 9th quick send is refused, 200
typing frames close the socket); these pin down who each limit applies to, when it
lifts, and what it costs a flooder.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import socket as sockets
import struct
import termios
import time
from typing import Any

import pytest
from channels.db import database_sync_to_async

from messaging import frames, ratelimit
from messaging.models import Message
from tests.chat_client import ChatClient
from tests.factories import make_circle
from tests.faultkit import health, record_figures
from tests.live import make_site, session_for
from tests.sockets import close_code, connect, open_socket

DEFAULTS = {
    "send_burst": 8.0,
    "send_per_second": 1.0,
    "frame_burst": 40.0,
    "frame_per_second": 10.0,
    "typing_per_second": 0.5,
    "flood_strikes": 30,
    "flood_window_seconds": 10.0,
}


def limits(settings, **changes: float) -> None:  # type: ignore[no-untyped-def]
    settings.CHAT_RATE_LIMITS = {**DEFAULTS, **changes}


class Clock:
    """The rate limiter's clock, stopped: buckets refill only when a test says so, so
    a slow machine cannot refill them mid-burst."""

    def __init__(self) -> None:
        # Ahead of the real clock, which stamps each new bucket: no negative refill.
        self.now = time.monotonic() + 3600

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    stopped = Clock()
    monkeypatch.setattr(ratelimit, "time", stopped)
    return stopped


@pytest.fixture
def circle_set(db):  # type: ignore[no-untyped-def]
    return make_circle()


def path(circle_set) -> str:  # type: ignore[no-untyped-def]
    return f"/ws/circles/{circle_set.circle.pk}/"


async def answers(socket, count: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The next `count` answers (not broadcasts), as (type or error code) frames."""
    found = []
    while len(found) < count:
        frame = json.loads(await socket.receive_from(timeout=5))
        if frame["type"] not in ("message", "typing"):
            found.append(frame)
    return found


def kinds(frames_: list[dict[str, Any]]) -> list[str]:
    return [f["code"] if f["type"] == "error" else f["type"] for f in frames_]


async def send_message(socket, client_id: str) -> None:  # type: ignore[no-untyped-def]
    await socket.send_json_to(
        {"type": "send", "client_id": client_id, "body": f"hello {client_id}"}
    )


# Per connection, per person -----------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_the_frame_limit_is_per_connection_and_lifts_as_it_refills(
    circle_set, settings, clock
):
    limits(settings, frame_burst=5, frame_per_second=20)
    first = await connect(path(circle_set), circle_set.mentee)
    second = await connect(path(circle_set), circle_set.mentee)
    for _ in range(8):
        await first.send_json_to({"type": "history", "limit": 1})
    assert kinds(await answers(first, 8)) == ["history"] * 5 + ["rate_limited"] * 3
    # The same person's other connection has its own allowance...
    await second.send_json_to({"type": "history", "limit": 1})
    assert kinds(await answers(second, 1)) == ["history"]
    # ...and the first one lifts as its bucket refills: 20 a second, so 2 in 0.1 s.
    clock.advance(0.1)
    for _ in range(3):
        await first.send_json_to({"type": "history", "limit": 1})
    assert kinds(await answers(first, 3)) == ["history"] * 2 + ["rate_limited"]
    await first.disconnect()
    await second.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_the_send_limit_is_per_person_across_their_sockets(
    circle_set, settings, clock
):
    limits(settings, send_burst=3, send_per_second=1)
    tab_a = await connect(path(circle_set), circle_set.mentee)
    tab_b = await connect(path(circle_set), circle_set.mentee)
    mentor = await connect(path(circle_set), circle_set.mentors[0])
    for number, tab in enumerate([tab_a, tab_b, tab_a, tab_b]):
        await send_message(tab, f"m{number}")
    got = kinds(await answers(tab_a, 2)) + kinds(await answers(tab_b, 2))
    assert sorted(got) == ["ack", "ack", "ack", "rate_limited"]
    # Another member is not slowed down by it.
    await send_message(mentor, "theirs")
    assert kinds(await answers(mentor, 1)) == ["ack"]
    stored = await database_sync_to_async(Message.objects.count)()
    assert stored == 4  # three of the mentee's, one of the mentor's: none refused
    for socket in (tab_a, tab_b, mentor):
        await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_reconnecting_does_not_reset_a_persons_send_limit(
    circle_set, settings, clock
):
    """Closing every socket and opening a new one must not hand out a fresh burst:
    otherwise a script reconnects between bursts and the limit means nothing."""
    limits(settings, send_burst=3, send_per_second=1)
    socket = await connect(path(circle_set), circle_set.mentee)
    for number in range(4):
        await send_message(socket, f"m{number}")
    assert kinds(await answers(socket, 4)) == ["ack"] * 3 + ["rate_limited"]
    await socket.disconnect()
    socket = await connect(path(circle_set), circle_set.mentee)
    await send_message(socket, "after-reconnect")
    assert kinds(await answers(socket, 1)) == ["rate_limited"]
    # Once the person's allowance has refilled, it is forgotten (no memory kept for
    # people who are gone), and a new socket starts afresh.
    await socket.disconnect()
    clock.advance(3.0)
    socket = await connect(path(circle_set), circle_set.mentee)
    await send_message(socket, "much-later")
    assert kinds(await answers(socket, 1)) == ["ack"]
    await socket.disconnect()
    assert ratelimit._person_send_buckets != {}  # spent one: remembered a while yet
    clock.advance(1.0)
    ratelimit.forget_refilled_buckets()
    assert ratelimit._person_send_buckets == {}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_typing_past_its_rate_is_dropped_silently_and_costs_no_strike(
    circle_set, settings, clock
):
    limits(settings, flood_strikes=3)
    mentee = await connect(path(circle_set), circle_set.mentee)
    mentor = await connect(path(circle_set), circle_set.mentors[0])
    for _ in range(20):
        await mentee.send_json_to({"type": "typing"})
    await mentee.send_json_to({"type": "history", "limit": 1})
    assert kinds(await answers(mentee, 1)) == ["history"]  # no errors, not closed
    typing = json.loads(await mentor.receive_from(timeout=5))
    assert typing["type"] == "typing"
    assert await mentor.receive_nothing(timeout=0.3) is True  # one notice, not 20
    await mentee.disconnect()
    await mentor.disconnect()


# Frame size ---------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_oversized_frame_is_too_long_before_any_json_decoding(
    circle_set, monkeypatch
):
    decoded: list[int] = []

    class CountingJson:
        """messaging.frames' json module, counting what it decodes."""

        dumps = staticmethod(json.dumps)

        @staticmethod
        def loads(text: str) -> Any:
            decoded.append(len(text))
            return json.loads(text)

    monkeypatch.setattr(frames, "json", CountingJson)
    socket = await connect(path(circle_set), circle_set.mentee)
    # Junk one character over the cap: refused for its size, never parsed.
    await socket.send_to(text_data="[" * (frames.MAX_FRAME_CHARS + 1))
    over = json.loads(await socket.receive_from(timeout=5))
    assert (over["code"], decoded) == ("too_long", [])
    # The same junk at the cap is parsed (and is bad JSON).
    await socket.send_to(text_data="[" * frames.MAX_FRAME_CHARS)
    at_cap = json.loads(await socket.receive_from(timeout=5))
    assert (at_cap["code"], decoded) == ("bad_json", [frames.MAX_FRAME_CHARS])
    # A body of 4001 characters is too long, and says where.
    await socket.send_to(
        text_data=json.dumps({"type": "send", "client_id": "c", "body": "b" * 4001})
    )
    body = json.loads(await socket.receive_from(timeout=5))
    assert (body["code"], body["field"]) == ("too_long", "body")
    assert "4001" in body["detail"]
    # A 4000-character body of characters JSON escapes six-fold still fits.
    longest = json.dumps(
        {"type": "send", "client_id": "c", "body": "\x01" * 3999 + "b"}
    )
    assert len(longest) <= frames.MAX_FRAME_CHARS
    await socket.send_to(text_data=longest)
    assert json.loads(await socket.receive_from(timeout=5))["type"] == "ack"
    await socket.disconnect()


# Sockets per person -------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_the_eleventh_socket_of_a_person_is_closed_with_4429(circle_set):
    cap = ratelimit.MAX_SOCKETS_PER_PERSON
    assert cap == 10
    opened = [await connect(path(circle_set), circle_set.mentee) for _ in range(cap)]
    extra = await open_socket(path(circle_set), circle_set.mentee)
    await extra.connect()
    assert await close_code(extra) == 4429
    # The cap is per person: another member still connects.
    mentor = await connect(path(circle_set), circle_set.mentors[0])
    await mentor.send_json_to({"type": "history", "limit": 1})
    assert kinds(await answers(mentor, 1)) == ["history"]
    # Closing one frees a place.
    await opened.pop().disconnect()
    again = await connect(path(circle_set), circle_set.mentee)
    await again.send_json_to({"type": "history", "limit": 1})
    assert kinds(await answers(again, 1)) == ["history"]
    for socket in [*opened, again, mentor]:
        await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_monitor_sockets_count_toward_the_same_cap(monitor_set):
    """A monitor's live feeds count too: one account cannot hold unbounded sockets."""
    monitor = monitor_set
    cap = ratelimit.MAX_SOCKETS_PER_PERSON
    opened = [await connect("/ws/monitor/", monitor) for _ in range(cap)]
    extra = await open_socket("/ws/monitor/", monitor)
    await extra.connect()
    assert await close_code(extra) == 4429
    await opened.pop().disconnect()
    again = await connect("/ws/monitor/", monitor)
    for socket in [*opened, again]:
        await socket.disconnect()
    assert ratelimit._open_sockets == {}


@pytest.fixture
def monitor_set(db):  # type: ignore[no-untyped-def]
    from accounts.models import Role
    from tests.factories import ProgramFactory, staff

    return staff(ProgramFactory(), Role.MONITOR)


# Sustained flooding -------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_sustained_flooding_closes_after_exactly_the_strike_count(
    circle_set, settings, clock
):
    """Past the burst every frame is refused with `rate_limited`; the 30th refusal
    within 10 s closes the socket with 4429, and the flooder may connect again (the
    socket's place is given back) while the others were never disturbed."""
    flooder = await connect(path(circle_set), circle_set.mentee)
    mentor = await connect(path(circle_set), circle_set.mentors[0])
    for _ in range(200):
        await flooder.send_to(text_data='{"type": "history", "limit": 1}')
    seen: list[str] = []
    while True:
        output = await flooder.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        seen.append(kinds([json.loads(output["text"])])[0])
    assert output["code"] == 4429
    assert seen == ["history"] * 40 + ["rate_limited"] * 30
    await mentor.send_json_to({"type": "history", "limit": 1})
    assert kinds(await answers(mentor, 1)) == ["history"]
    again = await connect(path(circle_set), circle_set.mentee)
    await again.disconnect()
    await mentor.disconnect()


# A member who never reads, on a real server -------------------------------------------


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp_path = tmp_path_factory.mktemp("floods")
    site = make_site(tmp_path, circles=1)
    yield site
    site.close()


async def never_reading_member(server, session: str, circle_id: int):  # type: ignore[no-untyped-def]
    """A raw WebSocket that completes the handshake and then never reads again, with a
    small receive buffer so the server's writes back up quickly."""
    raw = sockets.socket()
    raw.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, ("127.0.0.1", server.port))
    reader, writer = await asyncio.open_connection(sock=raw)
    writer.write(
        (
            f"GET /ws/circles/{circle_id}/ HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            f"Origin: {server.url}\r\nCookie: sessionid={session}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    assert status.startswith(b"HTTP/1.1 101"), status
    return writer


@pytest.mark.e2e
@pytest.mark.asyncio
async def test_a_member_who_never_reads_does_not_slow_the_others(live_site):
    server = live_site.start_server()
    circle = live_site.logins["programs"][0]["circles"][0]
    writer_name, reader_name = circle["mentors"]
    sessions = {
        name: await asyncio.to_thread(session_for, server, name, live_site.password)
        for name in (circle["mentee"], writer_name, reader_name)
    }
    stalled = await never_reading_member(
        server, sessions[circle["mentee"]], circle["id"]
    )
    writer = TimedClient(writer_name, sessions[writer_name], circle["id"])
    reader = TimedClient(reader_name, sessions[reader_name], circle["id"])
    await writer.connect(server.ws_url)
    await reader.connect(server.ws_url)

    count, body_chars = 60, 3000
    sent_at: dict[int, float] = {}
    started = time.monotonic()
    for number in range(count):
        body = f"{number:03d} " + "long message, " * (body_chars // 14)
        before = time.monotonic()
        ack = await writer.send(f"w{number}", body)
        sent_at[ack["seq"]] = before
    async with asyncio.timeout(20):
        while len(reader.log) < count:
            await asyncio.sleep(0.02)
    elapsed = time.monotonic() - started
    delays = [reader.seen_at[seq] - sent_at[seq] for seq in sent_at]
    health_status = await asyncio.to_thread(health, server.url)
    # The stalled member's socket really is full of what it never read.
    unread = unread_bytes(stalled)

    figures = {
        "messages": count,
        "bytes_towards_the_stalled_member": count * body_chars,
        "unread_bytes_in_its_socket": unread,
        "seconds_for_all": round(elapsed, 2),
        "slowest_delivery_seconds": round(max(delays), 3),
        "reader_got": len(reader.log),
    }
    record_figures("floods", figures, key="a member who never reads")
    stalled.close()
    await writer.close()
    await reader.close()
    assert sorted(reader.log) == sorted(sent_at)
    assert health_status == 200
    assert unread >= 2000, figures
    assert max(delays) < 5.0, figures  # stalled, it would be the 20 s timeout
    assert elapsed < 20, figures


class TimedClient(ChatClient):
    """Notes when each message first arrived."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen_at: dict[int, float] = {}

    def _see(self, message: dict[str, Any]) -> None:
        self.seen_at.setdefault(message["seq"], time.monotonic())
        super()._see(message)


def unread_bytes(writer: asyncio.StreamWriter) -> int:
    raw = writer.get_extra_info("socket")
    return struct.unpack("i", fcntl.ioctl(raw.fileno(), termios.FIONREAD, b"\0" * 4))[0]


@pytest.mark.e2e
@pytest.mark.asyncio
async def test_a_huge_frame_to_a_real_server_is_refused_and_the_socket_survives(
    live_site,
):
    """The application refuses a 1 MB frame with `too_long` without decoding it."""
    server = live_site.servers[0] if live_site.servers else live_site.start_server()
    circle = live_site.logins["programs"][1]["circles"][0]
    name = circle["mentors"][0]
    session = await asyncio.to_thread(session_for, server, name, live_site.password)
    client = ChatClient(name, session, circle["id"])
    await client.connect(server.ws_url)
    replies: list[dict[str, Any]] = []
    original = client._on_frame
    client._on_frame = lambda frame: (replies.append(frame), original(frame))  # type: ignore[method-assign]
    assert client.socket is not None
    await client.socket.send("x" * 1_000_000)
    async with asyncio.timeout(10):
        while not any(f.get("code") == "too_long" for f in replies):
            await asyncio.sleep(0.02)
    ack = await client.send("after-huge", "still here")
    assert ack["status"] == "delivered"
    await client.close()
