"""Helpers for socket tests: log a person in and open a circle or monitor socket."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application

ORIGIN = b"http://127.0.0.1:8000"


def session_cookie(user) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def open_socket(
    path: str, user=None, *, origin: bytes = ORIGIN
) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    headers = [(b"origin", origin), (b"host", b"127.0.0.1:8000")]
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    return communicator


async def connect(path: str, user=None, **kwargs: Any) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    communicator = await open_socket(path, user, **kwargs)
    connected, _ = await communicator.connect(timeout=5)
    assert connected is True
    return communicator


async def close_code(communicator: WebsocketCommunicator) -> int:
    """The code a refused socket was closed with (it is accepted, then closed)."""
    while True:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return int(output.get("code", 1000))


async def frames_until(
    communicator: WebsocketCommunicator, kind: str, *, timeout: float = 5
) -> list[dict[str, Any]]:
    """Every frame received up to and including the first of type `kind`."""
    seen = []
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await communicator.receive_from(timeout=timeout))
            seen.append(frame)
            if frame["type"] == kind:
                return seen


async def next_of(communicator: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    return (await frames_until(communicator, kind))[-1]


async def send(communicator: WebsocketCommunicator, **frame: Any) -> None:
    await communicator.send_to(text_data=json.dumps(frame))
