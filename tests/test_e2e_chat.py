"""End to end: two real daphne processes sharing a database and Redis behave as one,
and killing one mid-conversation loses and duplicates nothing."""

from __future__ import annotations

import asyncio

import pytest

from tests.chat_client import ChatClient
from tests.live import make_site, postgres_url, session_for, start_redis

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]

DATABASES = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            postgres_url() is None, reason="DATABASE_URL is not PostgreSQL"
        ),
    ),
]


@pytest.fixture(params=DATABASES)
def site(request, tmp_path):
    redis = start_redis(tmp_path)
    site = make_site(tmp_path, redis=redis, database=request.param)
    site.cleanup.append(redis.stop)
    yield site
    site.close()


async def test_a_killed_server_loses_and_duplicates_nothing(site):
    server_a, server_b = site.start_server(), site.start_server()
    circle = site.logins["programs"][0]["circles"][1]  # no pending member in it
    people = [circle["mentee"], *circle["mentors"]]
    homes = [server_a, server_b, server_a]
    clients = []
    for username, home in zip(people, homes, strict=True):
        session = await asyncio.to_thread(session_for, home, username, site.password)
        client = ChatClient(username, session, circle["id"])
        await client.connect(home.ws_url)
        clients.append(client)

    sent: dict[str, str] = {}

    async def talk(client: ChatClient, rounds: range) -> None:
        for number in rounds:
            client_id = f"{client.name}-{number}"
            body = f"{client.name} says hello number {number}"
            ack = await client.send(client_id, body)
            assert ack["status"] == "delivered", ack
            sent[client_id] = body
            await asyncio.sleep(0.02)

    await asyncio.gather(*(talk(c, range(0, 15)) for c in clients))
    # Process A dies without warning while everyone keeps talking.
    conversation = asyncio.gather(*(talk(c, range(15, 40)) for c in clients))
    await asyncio.sleep(0.2)
    server_a.kill()
    for client, home in zip(clients, homes, strict=True):
        if home is server_a:
            for _ in range(100):  # reconnect to the survivor, as browsers do
                try:
                    await client.connect(server_b.ws_url)
                    break
                except OSError:
                    await asyncio.sleep(0.1)
    await conversation
    for client in clients:  # a last resume, as a client does after any doubt
        await client.socket.send('{"type": "resume", "after": 0}')
    await asyncio.sleep(1.0)

    expected = len(people) * 40
    assert len(sent) == expected
    for client in clients:
        assert sorted(client.log) == list(range(1, expected + 1)), client.name
        assert sorted(client.log.values()) == sorted(sent.values()), client.name
        assert len(set(client.log.values())) == expected  # exactly once each
        await client.close()
