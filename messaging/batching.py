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

from django.conf import settings

from messaging import broadcast
from messaging.services import Ack, Outcome, Send, post_messages

MAX_BATCH = 64  # sends per transaction: bounds how long the circles' rows stay locked
# Batches stored at once on PostgreSQL: one. With two, a resend of the same client_id
# could sit in both: the second batch's gate waits on the circle's row lock but reads
# messages from a snapshot older than the first's commit, misses the earlier send and
# fails on the unique client_id (CI, fuzz test). One lane: p99 117-199 ms at 150 msg/s.
LANES_WITH_THREAD_POOL = 1

Waiting = tuple[Send, "asyncio.Future[Outcome]"]


class SendQueue:
    """The sends of one event loop and channel layer waiting for the database.

    `lanes` batches are stored at a time: one on SQLite (one writer, one database
    thread), more on PostgreSQL (settings.CHAT_DB_THREAD_POOL), where a batch mostly
    waits on the network. A batch locks its circles' rows in circle order, so two
    batches never wait on each other in a cycle."""

    def __init__(self, layer: Any, run_in_db_thread: Any, lanes: int = 1) -> None:
        self.layer = layer
        self.run_in_db_thread = run_in_db_thread
        self.lanes = lanes
        self.waiting: list[Waiting] = []
        self.drainers: set[asyncio.Future[None]] = set()

    def enqueue(self, send: Send) -> asyncio.Future[Outcome]:
        """Put `send` in line now (a socket's sends are stored in the order it
        enqueued them); the future gives its ack, or the error to answer it with."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self.waiting.append((send, future))
        if len(self.drainers) < self.lanes:
            drainer = asyncio.ensure_future(self.drain())
            self.drainers.add(drainer)
            drainer.add_done_callback(self.drainers.discard)
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
            batch.sort(key=lambda waiting: waiting[0].circle_id)  # stable: in order
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
        lanes = LANES_WITH_THREAD_POOL if settings.CHAT_DB_THREAD_POOL else 1
        queue = per_layer[id(layer)] = SendQueue(layer, run_in_db_thread, lanes)
    return queue
