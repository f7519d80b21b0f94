"""Group names and channel-layer events: the database is the record, this the doorbell.

Events are sent only after the transaction that wrote them commits, hold plain JSON
types (msgpack on Redis rejects datetimes), and their `type`s are the constants below,
never a client's. If the layer drops one, clients see a seq gap and `resume`.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

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


P = ParamSpec("P")
R = TypeVar("R")
Event = tuple[str, dict[str, Any]]  # (group, event)
_outbox = threading.local()


def send_now(group: str, event: dict[str, Any]) -> None:
    collecting: list[Event] | None = getattr(_outbox, "events", None)
    if collecting is not None:
        collecting.append((group, event))  # the caller sends it: see `collected`
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the write is committed; clients recover with resume
        logger.exception("broadcast failed group=%s type=%s", group, event.get("type"))


def collected(func: Callable[P, R]) -> Callable[P, tuple[R, list[Event]]]:
    """`func`, returning also the events it broadcast (after its commit) instead of
    sending them: for a consumer, which sends them from its event loop (send_all).

    From a consumer's database thread, async_to_sync would hop back to the event loop
    and hold the one database thread until the send is done, for every message."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> tuple[R, list[Event]]:
        events: list[Event] = []
        _outbox.events = events
        try:
            return func(*args, **kwargs), events
        finally:
            _outbox.events = None

    return run


async def send_all(layer: Any, events: list[Event]) -> None:
    """Send what a `collected` call broadcast, in order; a failure is logged only."""
    for group, event in events:
        try:
            await layer.group_send(group, event)
        except Exception:  # the write is committed; clients recover with resume
            logger.exception(
                "broadcast failed group=%s type=%s", group, event.get("type")
            )


async def call_then_send(
    layer: Any,
    run_in_db_thread: Callable[[Callable[..., Any]], Callable[..., Any]],
    service: Callable[..., R],
    *args: Any,
    **kwargs: Any,
) -> R:
    """For a socket: run a service that broadcasts on the database thread, then send
    its events (after its commit) from the event loop; its result, to answer with."""
    result, events = await run_in_db_thread(collected(service))(*args, **kwargs)
    await send_all(layer, events)
    return result  # type: ignore[no-any-return]


def broadcast_on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(group, event))


def revoke_on_commit(*, user_id: int, circle_id: int) -> None:
    broadcast_on_commit(user_group(user_id), {"type": REVOKED, "circle_id": circle_id})


def circle_closed_on_commit(*, circle_id: int) -> None:
    broadcast_on_commit(
        circle_group(circle_id), {"type": CLOSED, "circle_id": circle_id}
    )
