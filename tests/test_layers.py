"""The embedded setup's in-process channel layer (config.layers)."""

from __future__ import annotations

import asyncio

import pytest

from config import layers
from config.layers import SweepingInMemoryChannelLayer

pytestmark = pytest.mark.asyncio


async def test_a_group_send_reaches_every_channel_of_the_group_once():
    layer = SweepingInMemoryChannelLayer()
    channels = [await layer.new_channel() for _ in range(3)]
    for channel in channels:
        await layer.group_add("circle.1", channel)
    await layer.group_add("circle.2", channels[0])
    await layer.group_send("circle.1", {"type": "circle.message", "seq": 1})
    for channel in channels:
        assert await layer.receive(channel) == {"type": "circle.message", "seq": 1}
    assert all(layer.channels.get(channel) is None for channel in channels)


async def test_a_full_channel_loses_the_message_and_the_others_still_get_it():
    layer = SweepingInMemoryChannelLayer(capacity=1)
    full, free = await layer.new_channel(), await layer.new_channel()
    for channel in (full, free):
        await layer.group_add("circle.1", channel)
    await layer.send(full, {"type": "first"})
    await layer.group_send("circle.1", {"type": "second"})
    assert await layer.receive(free) == {"type": "second"}
    assert await layer.receive(full) == {"type": "first"}
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await layer.receive(full)


async def test_expired_messages_and_their_channels_are_still_swept(monkeypatch):
    layer = SweepingInMemoryChannelLayer(expiry=60)
    stale, fresh = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("circle.1", stale)
    await layer.send(stale, {"type": "old"})
    clock = {"now": layers.time.time()}
    monkeypatch.setattr(layers.time, "time", lambda: clock["now"])
    clock["now"] += 61  # the message expired; its channel leaves its groups
    layer.next_sweep = 0.0
    await layer.group_send("circle.1", {"type": "new"})
    assert stale not in layer.groups.get("circle.1", {})
    assert stale not in layer.channels
    await layer.send(fresh, {"type": "kept"})
    assert await layer.receive(fresh) == {"type": "kept"}


async def test_it_sweeps_at_most_once_a_second(monkeypatch):
    layer = SweepingInMemoryChannelLayer()
    sweeps = []
    monkeypatch.setattr(
        layers.InMemoryChannelLayer, "_clean_expired", lambda self: sweeps.append(1)
    )
    channel = await layer.new_channel()
    await layer.group_add("g", channel)
    for _ in range(50):
        await layer.group_send("g", {"type": "x"})
        await layer.receive(channel)
    assert len(sweeps) == 1
