"""A resilient chat client, as the browser's: resends unacked messages with the same
client_id after a drop, resumes after the last seq it has, and de-duplicates by seq."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection


class ChatClient:
    def __init__(self, name: str, session: str, circle_id: int) -> None:
        self.name = name
        self.session = session
        self.circle_id = circle_id
        self.log: dict[int, str] = {}  # seq -> body: what this person sees
        self.repeats = 0  # frames for a seq already seen (resume overlaps)
        self.acks: dict[str, dict[str, Any]] = {}
        self.socket: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self.ack_waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.pending: set[asyncio.Future[None]] = set()

    @property
    def last_seq(self) -> int:
        return max(self.log, default=0)

    async def connect(self, ws_base: str) -> None:
        self.socket = await websockets.connect(
            f"{ws_base}/ws/circles/{self.circle_id}/",
            additional_headers={
                "Cookie": f"sessionid={self.session}",
                "Origin": ws_base.replace("ws://", "http://"),
            },
            open_timeout=10,
        )
        self.reader = asyncio.create_task(self._read(self.socket))
        await self.socket.send(json.dumps({"type": "resume", "after": self.last_seq}))
        self.connected.set()

    async def _read(self, socket: ClientConnection) -> None:
        try:
            async for raw in socket:
                self._on_frame(json.loads(raw))
        except websockets.ConnectionClosed:
            pass
        finally:
            if self.socket is socket:
                self.connected.clear()
                for waiter in self.ack_waiters.values():
                    if not waiter.done():
                        waiter.set_exception(ConnectionError("socket dropped"))

    def _see(self, message: dict[str, Any]) -> None:
        seq = message["seq"]
        if seq in self.log:
            self.repeats += 1
        self.log[seq] = message["body"]

    def _on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "message":
            gap = frame["seq"] > self.last_seq + 1
            self._see(frame)
            if gap and self.socket is not None:  # missed something: ask for it
                task = asyncio.ensure_future(
                    self.socket.send(json.dumps({"type": "resume", "after": 0}))
                )
                self.pending.add(task)
                task.add_done_callback(self.pending.discard)
        elif kind in ("resume", "history"):
            for message in frame["messages"]:
                self._see(message)
        elif kind == "ack":
            self.acks[frame["client_id"]] = frame
            waiter = self.ack_waiters.pop(frame["client_id"], None)
            if waiter is not None and not waiter.done():
                waiter.set_result(frame)

    async def send(
        self, client_id: str, body: str, *, timeout: float = 10
    ) -> dict[str, Any]:
        """Send until acknowledged, resending the same client_id after any drop."""
        deadline = asyncio.get_running_loop().time() + timeout * 3
        while True:
            await asyncio.wait_for(self.connected.wait(), timeout=timeout)
            waiter = asyncio.get_running_loop().create_future()
            self.ack_waiters[client_id] = waiter
            try:
                assert self.socket is not None
                await self.socket.send(
                    json.dumps({"type": "send", "client_id": client_id, "body": body})
                )
                return await asyncio.wait_for(waiter, timeout=timeout)
            except (ConnectionError, websockets.ConnectionClosed, TimeoutError):
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)
