"""Faults: Redis restarted, PostgreSQL connections dropped, the database briefly
unavailable, mid-conversation. Clients behave as the browser does (reconnect, resend the
same client_id, resume after the last seq they have): once they resume, nothing is lost
and nothing is duplicated. The figures (sent / lost / duplicated) go to
test-artifacts/faults.json.

The live tests start their own daphne processes and redis-server (tests/live.py) on this
run's database (SQLite, or PostgreSQL when DATABASE_URL says so); they never touch the
machine's shared services. A killed server is covered by tests/test_e2e_chat.py.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.db import OperationalError, connections

from config import health as health_module
from messaging import services
from messaging.models import Message
from tests.factories import make_circle
from tests.faultkit import (
    ResilientClient,
    Tally,
    record_figures,
    settle,
    talk,
    wait_for_health,
)
from tests.live import make_site, postgres_url, session_for, start_redis
from tests.sockets import connect

pytestmark = [pytest.mark.e2e]

DATABASE = "postgres" if postgres_url() else "sqlite"


@pytest.fixture(scope="module")
def site(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One seeded site with a private redis-server for the module; each test talks in
    circles of its own."""
    tmp_path = tmp_path_factory.mktemp("faults")
    redis = start_redis(tmp_path)
    site = make_site(tmp_path, circles=3, redis=redis, database=DATABASE)
    site.redis = redis  # type: ignore[attr-defined]
    # Whichever redis-server is current at the end: a test restarts it on the port.
    site.cleanup.append(lambda: site.redis.stop())  # type: ignore[attr-defined]
    yield site
    site.close()


async def join(site, circle, servers) -> list[ResilientClient]:  # type: ignore[no-untyped-def]
    """Everyone in `circle` logs in and connects, spread over `servers`."""
    people = [circle["mentee"], *circle["mentors"]]
    clients = []
    for index, username in enumerate(people):
        home = servers[index % len(servers)]
        others = [s for s in servers if s is not home]
        session = await asyncio.to_thread(session_for, home, username, site.password)
        client = ResilientClient(
            username, session, circle["id"], [home.ws_url] + [s.ws_url for s in others]
        )
        await client.start()
        clients.append(client)
    return clients


@pytest.mark.asyncio
@pytest.mark.parametrize("layer", ["pubsub", "core"])
async def test_a_redis_restart_mid_conversation_loses_and_duplicates_nothing(
    site, layer
):
    """Redis dies (SIGKILL: no save, every subscription and group gone) and comes back
    on the same port while three people talk over two servers. Sends keep being stored
    (the broadcast is the only casualty); /healthz says 503 while Redis is down and 200
    after; live delivery comes back; resume fills every gap."""
    # Sockets re-join their groups every half second here (30 s in production).
    env = {"CHANNEL_LAYER": layer, "CHAT_GROUP_REFRESH_SECONDS": "0.5"}
    servers = [site.start_server(extra_env=env), site.start_server(extra_env=env)]
    circle = site.logins["programs"][0]["circles"][1 if layer == "pubsub" else 2]
    clients = await join(site, circle, servers)
    tally = Tally()
    await asyncio.gather(*(talk(c, tally, range(0, 5)) for c in clients))

    conversation = asyncio.gather(
        *(talk(c, tally, range(5, 30), pause=0.05) for c in clients)
    )
    await asyncio.sleep(0.3)
    redis = site.redis
    redis.process.kill()
    redis.process.wait(timeout=10)
    down_at = time.monotonic()
    unhealthy_after = await wait_for_health(servers[0].url, 503, timeout=15)
    await asyncio.sleep(1.0)  # people keep talking with Redis down
    site.redis = start_redis(site.tmp_path, port=redis.port)
    outage = time.monotonic() - down_at
    healthy_after = await wait_for_health(servers[0].url, 200, timeout=20)
    healthy_too = await wait_for_health(servers[1].url, 200, timeout=20)
    await conversation

    # With Redis back, messages arrive live again, not only through resume.
    await asyncio.sleep(1.0)
    # Everything stored so far may have been sent while Redis was down (the server
    # does not slow down when broadcasts fail); what is sent from now on must arrive
    # live.
    back_from = max(
        (ack["seq"] or 0 for c in clients for ack in c.acks.values()), default=0
    )
    await asyncio.gather(*(talk(c, tally, range(30, 35)) for c in clients))
    await settle(clients, tally)
    missed_live = {
        c.name: sorted(seq for seq in c.log if seq > back_from and seq not in c.live)
        for c in clients
    }

    figures = tally.figures(clients) | {
        "layer": layer,
        "servers": len(servers),
        "redis_down_seconds": round(outage, 2),
        "healthz_503_after_seconds": round(unhealthy_after, 2),
        "healthz_200_after_restart_seconds": round(max(healthy_after, healthy_too), 2),
        "missed_live_after_recovery": sum(len(v) for v in missed_live.values()),
    }
    record_figures("faults", figures, key=f"redis restart ({layer} layer)")
    for client in clients:
        await client.close()
    for server in servers:
        server.stop()
    assert figures["messages_sent"] == len(clients) * 35
    assert (figures["lost"], figures["duplicated"]) == (0, 0)
    assert missed_live == {c.name: [] for c in clients}


@pytest.mark.asyncio
@pytest.mark.skipif(DATABASE != "postgres", reason="DATABASE_URL is not PostgreSQL")
async def test_dropped_postgres_connections_reconnect_and_lose_nothing(site):
    """Every server backend is terminated, again and again, mid-conversation. Health
    checks reconnect; a send whose query was cut gets `server_error` and the client
    resends the same client_id: one row each, no message lost."""
    import psycopg

    servers = [site.start_server(), site.start_server()]
    circle = site.logins["programs"][1]["circles"][1]
    clients = await join(site, circle, servers)
    tally = Tally()
    terminated = 0

    def terminate_backends() -> int:
        with psycopg.connect(site.env["DATABASE_URL"], autocommit=True) as admin:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return len(rows)

    conversation = asyncio.gather(
        *(talk(c, tally, range(0, 40), pause=0.02) for c in clients)
    )
    await asyncio.sleep(0.3)
    for _ in range(8):
        terminated += await asyncio.to_thread(terminate_backends)
        await asyncio.sleep(0.25)
    await conversation
    healthy_after = await wait_for_health(servers[0].url, 200, timeout=10)
    await settle(clients, tally)

    figures = tally.figures(clients) | {
        "backends_terminated": terminated,
        "healthz_200_after_seconds": round(healthy_after, 2),
    }
    record_figures("faults", figures, key="postgres connections dropped")
    for client in clients:
        await client.close()
    for server in servers:
        server.stop()
    assert terminated >= 2
    assert figures["messages_sent"] == len(clients) * 40
    assert (figures["lost"], figures["duplicated"]) == (0, 0)


@pytest.mark.asyncio
@pytest.mark.skipif(DATABASE != "sqlite", reason="the SQLite file lock")
async def test_a_briefly_locked_sqlite_database_delays_sends_and_loses_nothing(site):
    """Another process holds SQLite's write lock for two seconds mid-conversation:
    sends queue behind it (busy timeout) and all land, once each."""
    servers = [site.start_server()]
    circle = site.logins["programs"][1]["circles"][1]
    clients = await join(site, circle, servers)
    tally = Tally()
    path = site.env["DATABASE_URL"].removeprefix("sqlite:///")
    lock_seconds = 2.0

    def hold_the_write_lock() -> None:
        locker = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            locker.execute("BEGIN EXCLUSIVE")
            time.sleep(lock_seconds)
            locker.execute("COMMIT")
        finally:
            locker.close()

    slowest = 0.0

    async def timed(client: ResilientClient) -> None:
        nonlocal slowest
        for number in range(0, 25):
            started = time.monotonic()
            await talk(client, tally, range(number, number + 1), pause=0.03)
            slowest = max(slowest, time.monotonic() - started)

    conversation = asyncio.gather(*(timed(c) for c in clients))
    await asyncio.sleep(0.3)
    await asyncio.to_thread(hold_the_write_lock)
    await conversation
    await settle(clients, tally)

    figures = tally.figures(clients) | {
        "lock_seconds": lock_seconds,
        "slowest_ack_seconds": round(slowest, 2),
    }
    record_figures("faults", figures, key="sqlite write lock held")
    for client in clients:
        await client.close()
    servers[0].stop()
    assert figures["messages_sent"] == len(clients) * 25
    assert (figures["lost"], figures["duplicated"]) == (0, 0)
    assert slowest >= lock_seconds * 0.5  # the lock really was in the way


# In process: the exact answer to a failed send ----------------------------------------


@pytest.fixture
def circle_set(db):  # type: ignore[no-untyped-def]
    return make_circle()


async def send_and_wait(socket, client_id: str, body: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    await socket.send_json_to({"type": "send", "client_id": client_id, "body": body})
    while True:
        frame = await socket.receive_json_from(timeout=10)
        if frame["type"] in ("ack", "error"):
            return frame


def assert_safe_to_resend(frame: dict[str, Any]) -> None:
    assert (frame["type"], frame["code"]) == ("error", "server_error")
    assert "may not have been sent" in frame["detail"]
    assert "safe to send it again" in frame["detail"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_a_send_cut_by_a_database_error_is_safe_to_resend(
    circle_set, monkeypatch
):
    """The database fails half-way through storing a message (after its row, before
    its archive record): the transaction rolls back, the sender gets `server_error`
    saying a resend is safe, and the resend of the same client_id lands exactly once,
    with the seq the failed attempt would have had (no gap)."""
    real_seal = services.seal_message
    failures = []

    def seal_once_failing(**kwargs: Any) -> None:
        if not failures:
            failures.append(kwargs["message"].seq)
            raise OperationalError("server closed the connection unexpectedly")
        real_seal(**kwargs)

    monkeypatch.setattr(services, "seal_message", seal_once_failing)
    socket = await connect(f"/ws/circles/{circle_set.circle.pk}/", circle_set.mentee)
    assert_safe_to_resend(await send_and_wait(socket, "c-1", "See you Tuesday"))
    assert await database_sync_to_async(Message.objects.count)() == 0
    ack = await send_and_wait(socket, "c-1", "See you Tuesday")
    assert (ack["type"], ack["status"], ack["seq"]) == ("ack", "delivered", 1)
    again = await send_and_wait(socket, "c-1", "See you Tuesday")
    assert again == ack
    rows = await database_sync_to_async(
        lambda: list(Message.objects.values_list("client_id", "seq"))
    )()
    assert (failures, rows) == ([1], [("c-1", 1)])
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(DATABASE != "sqlite", reason="the SQLite file lock")
async def test_a_locked_sqlite_database_gets_server_error_then_the_resend_lands_once(
    circle_set, monkeypatch
):
    """Another process holds the write lock longer than the busy timeout: the send
    fails with `server_error` (not a crash, not a half-written message); once the lock
    is gone, the same client_id lands once."""
    database = connections["default"].settings_dict
    monkeypatch.setitem(database["OPTIONS"], "timeout", 0.2)
    socket = await connect(f"/ws/circles/{circle_set.circle.pk}/", circle_set.mentee)
    locker = sqlite3.connect(database["NAME"], timeout=5, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        assert_safe_to_resend(await send_and_wait(socket, "c-1", "Running late"))
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    ack = await send_and_wait(socket, "c-1", "Running late")
    assert (ack["type"], ack["status"], ack["seq"]) == ("ack", "delivered", 1)
    assert await database_sync_to_async(Message.objects.count)() == 1
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_while_the_database_is_down_and_200_after(
    client, monkeypatch
):
    def refuse() -> None:
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(health_module, "check_database", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "failing: OperationalError"
    assert checks["channel_layer"].startswith("ok")
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_that_the_layer_forgot_rejoins_its_groups(circle_set, settings):
    """A Redis restart empties the core layer's groups (and group_expiry drops sockets
    older than a day) without telling the sockets: each re-joins its groups now and
    then, so live delivery comes back by itself. (The in-process layer stands in for
    Redis here; the live test above restarts a real one.)"""
    from channels.layers import channel_layers, get_channel_layer

    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    }
    settings.CHAT_GROUP_REFRESH_SECONDS = 0.2
    channel_layers.backends.clear()
    path = f"/ws/circles/{circle_set.circle.pk}/"
    listener = await connect(path, circle_set.mentors[0])
    sender = await connect(path, circle_set.mentee)
    get_channel_layer().groups.clear()  # what a restarted Redis remembers
    await asyncio.sleep(0.6)  # a refresh or two
    assert (await send_and_wait(sender, "c-1", "Still there?"))["status"] == "delivered"
    frame = await listener.receive_json_from(timeout=5)
    assert (frame["type"], frame["body"]) == ("message", "Still there?")
    await listener.disconnect()
    await sender.disconnect()
    channel_layers.backends.clear()
