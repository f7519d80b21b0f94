"""The in-process channel layer of the embedded setup (one process, no Redis).

Channels' InMemoryChannelLayer sweeps every channel and every group membership for
expired entries on each group_send and each receive, and starts an asyncio task per
recipient of a group_send. With a few hundred sockets that was a tenth of the server's
CPU under load (bench/README.md, profile). This layer sweeps at most once a second and
hands a group's messages to its channels directly; it is otherwise the same layer:
same expiry, same capacity, and a full channel still loses the message (clients see
the seq gap and resume).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

SWEEP_EVERY_SECONDS = 1.0


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):  # type: ignore[misc]  # untyped base
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.next_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now < self.next_sweep:
            return
        self.next_sweep = now + SWEEP_EVERY_SECONDS
        super()._clean_expired()

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"  # noqa: S101 -- as the base
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, ())):
            # As the base layer: a full channel loses it; the client sees the gap.
            with contextlib.suppress(ChannelFull):
                await self.send(channel, message)
