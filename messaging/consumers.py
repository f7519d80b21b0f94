"""The sockets: a member's circle chat and a monitor's live flag feed.

Thin: authenticate, parse frames, rate-limit, call one service per frame through
database_sync_to_async (sends in batches: messaging.batching), relay layer events.
Not AsyncJsonWebsocketConsumer: its decoder lets bad JSON escape (channels#2219).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import monitored_programs
from config.errors import AppError, NotAllowed, NotLoggedIn
from messaging import broadcast, ratelimit
from messaging.access import ChatMember, access_circle_for_chat
from messaging.batching import queue_for
from messaging.errors import BadFrame, RateLimited, ServerError
from messaging.frames import (
    ClientFrame,
    HistoryFrame,
    ReportFrame,
    ResumeFrame,
    SendFrame,
    TypingFrame,
    frame_json,
    parse_client_frame,
)
from messaging.services import (
    Outcome,
    Send,
    list_after,
    list_history,
    member_may_listen,
    report_message,
)

logger = logging.getLogger("circles.sockets")

SERVER_ERROR = ServerError(
    _(
        "Something went wrong on our side; your message may not have been sent. "
        "It is safe to send it again."
    )
)
TOO_MANY_SOCKETS = 4429
T = TypeVar("T")


async def refuse(consumer: AsyncWebsocketConsumer, code: int) -> None:
    """Accept, then close: browsers see 4401/4403/4404/4429, not a bare 1006."""
    await consumer.accept()
    await consumer.close(code=code)


def in_db_thread(func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` for a socket to await: database_sync_to_async, on one thread per process,
    or on a small pool when settings.CHAT_DB_THREAD_POOL says so (PostgreSQL)."""
    wrapped: Callable[..., Any] = database_sync_to_async(
        func, thread_sensitive=not settings.CHAT_DB_THREAD_POOL
    )
    return wrapped


def keep_groups(consumer: Any) -> asyncio.Task[None]:
    """Re-join the consumer's groups every CHAT_GROUP_REFRESH_SECONDS. A restarted
    Redis forgets the core layer's groups, and group_expiry drops a socket older than
    a day; neither tells the socket, which would stay open and hear nothing."""
    return asyncio.ensure_future(rejoin_groups(consumer))


async def rejoin_groups(consumer: Any) -> None:
    while True:
        await asyncio.sleep(float(settings.CHAT_GROUP_REFRESH_SECONDS))
        try:
            for group in list(consumer.groups_joined):
                await consumer.channel_layer.group_add(group, consumer.channel_name)
        except Exception as error:  # the layer is down: the next round tries again
            logger.warning("group refresh failed: %s", type(error).__name__)


def stop_keeping_groups(keeper: asyncio.Task[None] | None) -> None:
    if keeper is not None:
        keeper.cancel()


class Consumer(AsyncWebsocketConsumer):  # type: ignore[misc]  # untyped base
    """AsyncWebsocketConsumer, without channels' hop to the database thread before
    every frame and every layer event (AsyncConsumer.dispatch calls
    aclose_old_connections). Every database call here goes through
    database_sync_to_async, which closes old connections itself; the extra hop made each
    recipient of a message queue behind the sends being stored on that thread."""

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class CircleConsumer(Consumer):
    """A member's socket in one circle: parse frames, call services, relay events."""

    member: ChatMember | None = None
    user: User | None = None
    groups_joined: list[str]
    keeper: asyncio.Task[None] | None = None
    answering: set[asyncio.Future[None]]  # sends waiting for their ack, in order
    last_answer: asyncio.Future[None] | None = None

    async def connect(self) -> None:
        self.groups_joined = []
        self.answering = set()
        user = self.scope.get("user")
        circle_id = int(self.scope["url_route"]["kwargs"]["circle_id"])
        try:
            if user is None or not user.is_authenticated:
                raise NotLoggedIn(_("Please log in."))
            self.member = await in_db_thread(access_circle_for_chat)(
                user=user, circle_id=circle_id
            )
        except AppError as error:
            await refuse(self, error.close_code)
            return
        if not ratelimit.socket_opened(user.pk):
            self.member = None
            await refuse(self, TOO_MANY_SOCKETS)
            return
        self.user = user
        self.frames = ratelimit.new_frame_bucket()
        self.typing = ratelimit.new_typing_bucket()
        self.flood = ratelimit.new_flood_guard()
        for group in (
            broadcast.circle_group(circle_id),
            broadcast.user_group(user.pk),
        ):
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        self.keeper = keep_groups(self)
        # Accepted only once in its groups: nothing sent to them after the client
        # sees the socket open (a revocation, a message) can miss it.
        await self.accept()

    async def disconnect(self, code: int) -> None:
        stop_keeping_groups(self.keeper)
        self.keeper = None
        for answer in self.answering:  # nobody to ack; the sends are still stored
            answer.cancel()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.member is not None:
            ratelimit.socket_closed(self.member.user_id)
            self.member = None

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if self.member is None:
            return
        try:
            if not self.frames.take():
                raise RateLimited(_("Too many frames; slow down."))
            await self.handle(parse_client_frame(text_data, bytes_data))
        except Exception as error:  # not BaseException: cancellation must propagate
            await self.after_sends()
            await self.answer_error(error)

    async def after_sends(self) -> None:
        """Wait until the sends before this frame are answered: a socket answers its
        frames in order (an error names no client_id)."""
        if self.answering:
            await asyncio.wait(self.answering)

    async def answer_error(self, error: Exception) -> None:
        """Tell the client what went wrong with its frame."""
        if self.member is None:
            return
        if isinstance(error, RateLimited):
            await self.send(text_data=error.frame_json())
            if self.flood.refuse():
                logger.warning(
                    "socket closed for flooding user=%s", self.member.user_id
                )
                await self.close(code=RateLimited.close_code)
        elif isinstance(error, AppError):
            await self.send(text_data=error.frame_json())
        else:
            logger.error(
                "frame failed circle=%s", self.member.circle_id, exc_info=error
            )
            await self.send(text_data=SERVER_ERROR.frame_json())

    async def answer_send(
        self, stored: asyncio.Future[Outcome], after: asyncio.Future[None] | None
    ) -> None:
        """Ack a send once it is stored (or say why not), after the sends before it."""
        try:
            outcome = await stored
            if after is not None and not after.done():
                await asyncio.wait([after])
            if isinstance(outcome, Exception):
                raise outcome
            await self.send(text_data=frame_json(outcome.frame()))
        except Exception as error:
            await self.answer_error(error)

    async def handle(self, frame: ClientFrame) -> None:
        member, user = self.member, self.user
        if member is None or user is None:  # connect refused: nothing to handle
            return
        match frame:
            case SendFrame(client_id=client_id, body=body):
                if not ratelimit.person_send_bucket(member.user_id).take():
                    raise RateLimited(
                        _(
                            "You are sending messages too fast; wait a moment "
                            "and resend."
                        )
                    )
                send = Send(
                    sender=user,
                    circle_id=member.circle_id,
                    client_id=client_id,
                    body=body,
                )
                # In line now, acked by a task of its own: meanwhile this socket
                # goes on relaying its circle, so a member who is writing hears the
                # others at once. Sends are bounded by the send bucket above.
                stored = queue_for(self.channel_layer, in_db_thread).enqueue(send)
                answer = asyncio.ensure_future(
                    self.answer_send(stored, after=self.last_answer)
                )
                self.last_answer = answer
                self.answering.add(answer)
                answer.add_done_callback(self.answering.discard)
            case HistoryFrame(before=before, limit=limit):
                page = await in_db_thread(list_history)(
                    user=user, circle_id=member.circle_id, before=before, limit=limit
                )
                await self.after_sends()
                await self.send(
                    text_data=frame_json(page.frame_for("history", member.user_id))
                )
            case ResumeFrame(after=after):
                page = await in_db_thread(list_after)(
                    user=user, circle_id=member.circle_id, after=after
                )
                await self.after_sends()
                await self.send(
                    text_data=frame_json(page.frame_for("resume", member.user_id))
                )
            case TypingFrame():
                if self.typing.take():
                    await in_db_thread(member_may_listen)(
                        user=user, circle_id=member.circle_id
                    )
                    await self.channel_layer.group_send(
                        broadcast.circle_group(member.circle_id),
                        {"type": broadcast.TYPING, "sender": member.sender},
                    )
            case ReportFrame(seq=seq, reason=reason):
                await self.call(
                    report_message,
                    user=user,
                    circle_id=member.circle_id,
                    seq=seq,
                    reason=reason,
                )
                await self.after_sends()
                await self.send(text_data=frame_json({"type": "reported", "seq": seq}))

    async def call(self, service: Callable[..., T], **kwargs: Any) -> T:
        """A service that broadcasts (a report's flag): its events go out once it has
        committed, before the answer. Sends do the same a batch at a time
        (messaging.batching)."""
        return await broadcast.call_then_send(
            self.channel_layer, in_db_thread, service, **kwargs
        )

    # Layer events: their types are constants in messaging/broadcast.py, never a
    # client's.

    async def circle_message(self, event: dict[str, Any]) -> None:
        if self.member is None:
            return
        if "circle_id" in event and event["circle_id"] != self.member.circle_id:
            return  # a held message for this person's socket in another circle
        own = event["sender_id"] == self.member.user_id
        await self.send(text_data=event["own_frame"] if own else event["frame"])

    async def circle_typing(self, event: dict[str, Any]) -> None:
        if self.member is not None and event["sender"]["id"] != self.member.user_id:
            await self.send(
                text_data=frame_json({"type": "typing", "sender": event["sender"]})
            )

    async def circle_hidden(self, event: dict[str, Any]) -> None:
        if self.member is not None:
            await self.send(
                text_data=frame_json({"type": "hidden", "seq": event["seq"]})
            )

    async def circle_released(self, event: dict[str, Any]) -> None:
        if self.member is not None:
            await self.send(
                text_data=frame_json({"type": "released", "seq": event["seq"]})
            )

    async def circle_closed(self, event: dict[str, Any]) -> None:
        await self._end(NotAllowed(_("This circle has been closed.")))

    async def member_revoked(self, event: dict[str, Any]) -> None:
        if self.member is not None and event["circle_id"] == self.member.circle_id:
            await self._end(NotAllowed(_("You are no longer a member of this circle.")))

    async def session_ended(self, event: dict[str, Any]) -> None:
        await self._end(NotLoggedIn(_("You have logged out.")))

    async def _end(self, error: AppError) -> None:
        if self.member is None:
            return
        await self.send(text_data=error.frame_json())
        await self.close(code=error.close_code)
        await self.disconnect(error.close_code)


class MonitorConsumer(Consumer):
    """A monitor's live feed of new flags and reports in their programs."""

    groups_joined: list[str]
    counted_user: int | None = None  # counted against MAX_SOCKETS_PER_PERSON
    keeper: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await refuse(self, NotLoggedIn.close_code)
            return
        program_ids = await database_sync_to_async(
            lambda: list(monitored_programs(user).values_list("pk", flat=True))
        )()
        if not program_ids:
            await refuse(self, NotAllowed.close_code)
            return
        if not ratelimit.socket_opened(user.pk):
            await refuse(self, TOO_MANY_SOCKETS)
            return
        self.counted_user = user.pk
        for group in [broadcast.monitors_group(pk) for pk in program_ids] + [
            broadcast.user_group(user.pk)
        ]:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        self.keeper = keep_groups(self)
        await self.accept()  # in its groups first: no flag sent after this is missed

    async def disconnect(self, code: int) -> None:
        stop_keeping_groups(self.keeper)
        self.keeper = None
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []
        if self.counted_user is not None:
            ratelimit.socket_closed(self.counted_user)
            self.counted_user = None

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        # The feed is one-way; monitors act over HTTP (POST /api/monitor/flags/<id>/).
        await self.send(
            text_data=BadFrame(
                _("This socket only sends; act on flags over the monitor API.")
            ).frame_json()
        )

    async def monitor_flag(self, event: dict[str, Any]) -> None:
        await self.send(text_data=frame_json({"type": "flag", **event["flag"]}))

    async def session_ended(self, event: dict[str, Any]) -> None:
        await self.close(code=NotLoggedIn.close_code)

    async def member_revoked(self, event: dict[str, Any]) -> None:
        return  # monitors are not circle members

    async def circle_message(self, event: dict[str, Any]) -> None:
        return  # a monitor's own held message in a circle: not for this feed
