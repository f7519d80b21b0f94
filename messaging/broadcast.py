"""Group names and channel-layer events: the database is the record, this the doorbell.

Events are sent only after the transaction that wrote them commits, hold plain JSON
types (msgpack on Redis rejects datetimes), and their `type`s are the constants below,
never a client's. If the layer drops one, clients see a seq gap and `resume`.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("circles.broadcast")

# Event types: each names a handler method on the consumers.
MESSAGE = "circle.message"
TYPING = "circle.typing"
HIDDEN = "circle.hidden"
RELEASED = "circle.released"
CLOSED = "circle.closed"
REVOKED = "member.revoked"
SESSION_ENDED = "session.ended"
FLAG = "monitor.flag"


def circle_group(circle_id: int) -> str:
    return f"circle.{circle_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def monitors_group(program_id: int) -> str:
    return f"monitors.{program_id}"


def send_now(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the write is committed; clients recover with resume
        logger.exception("broadcast failed group=%s type=%s", group, event.get("type"))


def broadcast_on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(group, event))


def revoke_on_commit(*, user_id: int, circle_id: int) -> None:
    broadcast_on_commit(user_group(user_id), {"type": REVOKED, "circle_id": circle_id})


def circle_closed_on_commit(*, circle_id: int) -> None:
    broadcast_on_commit(
        circle_group(circle_id), {"type": CLOSED, "circle_id": circle_id}
    )
