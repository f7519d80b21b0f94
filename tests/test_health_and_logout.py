"""/healthz, and logging out closes the person's sockets."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from tests.factories import make_circle
from tests.sockets import ORIGIN, close_code, next_of


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "channel_layer"}
    assert all(value.startswith("ok") for value in body["checks"].values())


@pytest.mark.django_db(transaction=True)
def test_healthz_fails_with_503_when_the_layer_is_down(client, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},  # nothing listens there
        }
    }
    channel_layers.backends.clear()
    response = client.get("/healthz")
    channel_layers.backends.clear()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["channel_layer"].startswith("failing")
    assert body["checks"]["database"].startswith("ok")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_logging_out_closes_the_persons_open_sockets():
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    circle_set = await database_sync_to_async(make_circle)()
    browser = Client()
    await database_sync_to_async(browser.force_login)(circle_set.mentee)
    cookie = browser.cookies["sessionid"].value
    socket = WebsocketCommunicator(
        application,
        f"/ws/circles/{circle_set.circle.pk}/",
        headers=[
            (b"origin", ORIGIN),
            (b"host", b"127.0.0.1:8000"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    assert (await socket.connect())[0] is True
    await database_sync_to_async(browser.post)("/accounts/logout/")
    error = await next_of(socket, "error")
    assert error["code"] == "not_logged_in"
    assert await close_code(socket) == 4401
