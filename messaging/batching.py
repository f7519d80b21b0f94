"""Group commit for the sockets of one process: sends that arrive while the database
thread is busy are stored together, in one transaction and one trip to that thread.

One message at a time, each send paid for a transaction (BEGIN, COMMIT) and two thread
hops of its own; under load those were a third of the work, and sends queued behind
one another anyway. Now the first send of a quiet moment goes alone, as before, and
whatever arrives meanwhile goes in the next batch (services.post_messages: in order,
each send with its own ack or refusal). A batch's broadcasts go out, in order, before
any of its acks (as CircleConsumer.call does for one service call).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from messaging import broadcast
from messaging.services import Ack, Outcome, Send, post_messages

MAX_BATCH = 64  # sends per transaction: bounds how long the circles' rows stay locked

Waiting = tuple[Send, "asyncio.Future[Outcome]"]


class SendQueue:
    """The sends of one event loop and channel layer waiting for the database.

    One batch is stored at a time, on PostgreSQL too. Measured with two at once
    (2026-11-30): a resend of the same client_id could sit in both batches; the
    second one's gate waited on the circle's row lock, then read from a snapshot older
    than the first's commit, missed the earlier send and failed on the unique
    client_id. Two batches at once were not faster either: at 150 msg/s on PostgreSQL,
    p99 117-139 ms against 117-199 ms with one, and 266-548 ms with four (their
    threads hold rows locked while they wait for the GIL)."""

    def __init__(self, layer: Any, run_in_db_thread: Any) -> None:
        self.layer = layer
        self.run_in_db_thread = run_in_db_thread
        self.waiting: list[Waiting] = []
        self.drainer: asyncio.Future[None] | None = None

    def enqueue(self, send: Send) -> asyncio.Future[Outcome]:
        """Put `send` in line now (a socket's sends are stored in the order it
        enqueued them); the future gives its ack, or the error to answer it with."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self.waiting.append((send, future))
        if self.drainer is None or self.drainer.done():
            self.drainer = asyncio.ensure_future(self.drain())
        return future

    async def post(self, send: Send) -> Ack:
        outcome = await self.enqueue(send)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def drain(self) -> None:
        while self.waiting:
            batch = self.waiting[:MAX_BATCH]
            del self.waiting[:MAX_BATCH]
            # Circle order, as post_messages locks their rows; stable: a socket's
            # sends stay in the order it sent them.
            batch.sort(key=lambda waiting: waiting[0].circle_id)
            await self.store(batch)

    async def store(self, batch: list[Waiting]) -> None:
        try:
            outcomes = await broadcast.call_then_send(
                self.layer,
                self.run_in_db_thread,
                post_messages,
                [send for send, _ in batch],
            )
        except Exception as error:  # the database is down: every send of it fails
            for _, future in batch:
                if not future.done():
                    future.set_result(error)
            return
        except BaseException:  # cancelled: so are the sends waiting on it
            for _, future in batch:
                future.cancel()
            raise
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if not future.done():  # its socket may have closed meanwhile
                future.set_result(outcome)


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, SendQueue]] = (
    weakref.WeakKeyDictionary()
)


def queue_for(layer: Any, run_in_db_thread: Any) -> SendQueue:
    """The running loop's queue for `layer` (tests run a loop per test, and may swap
    the layer)."""
    per_layer = _queues.setdefault(asyncio.get_running_loop(), {})
    queue = per_layer.get(id(layer))
    if queue is None or queue.layer is not layer:
        queue = per_layer[id(layer)] = SendQueue(layer, run_in_db_thread)
    return queue
