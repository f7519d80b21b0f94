"""Helpers for the reliability and security tests (no tests here): figures written to
test-artifacts/ for the closing note, and a chat client that survives faults."""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets

from tests.chat_client import ChatClient

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def run_label() -> str:
    """Which CI leg this is: the database and channel layer the suite runs on."""
    database = os.environ.get("DATABASE_URL", "")
    database = "postgres" if database.startswith("postgres") else "sqlite"
    layer = "redis" if os.environ.get("REDIS_URL") else "memory"
    return f"{database}+{layer}"


def record_figures(
    name: str, figures: dict[str, Any], *, key: str | None = None
) -> Path:
    """Merge `figures` into test-artifacts/<name>.json under this run's label (and
    `key`), so both CI legs and every test keep their numbers side by side."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    try:
        recorded = json.loads(path.read_text())
    except (OSError, ValueError):
        recorded = {}
    slot = recorded.setdefault(run_label(), {})
    if key is None:
        slot.update(figures)
    else:
        slot[key] = figures
    path.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    print(f"\n{name} [{run_label()}{' ' + key if key else ''}]: {json.dumps(figures)}")
    return path


class ServerErrorFrame(Exception):
    """The server answered a send with `server_error`: it may not have been stored."""


class ResilientClient(ChatClient):
    """tests/chat_client.py's client, as the browser behaves under faults: it reconnects
    by itself after a drop (to the next server in `bases`), and resends the same
    client_id after a `server_error`, counting both."""

    def __init__(self, name: str, session: str, circle_id: int, bases: list[str]):
        super().__init__(name, session, circle_id)
        self.bases = bases
        self.live: set[int] = set()  # seqs that arrived as live `message` frames
        self.server_errors = 0
        self.resends = 0
        self.reconnects = 0
        self.closing = False
        self.watcher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.connect(self.bases[0])
        self.watcher = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        """Reconnect after every drop, trying each server in turn, as browsers do."""
        attempt = 0
        while not self.closing:
            assert self.reader is not None
            await asyncio.gather(self.reader, return_exceptions=True)
            if self.closing:
                return
            while not self.closing:
                base = self.bases[attempt % len(self.bases)]
                attempt += 1
                try:
                    await self.connect(base)
                    self.reconnects += 1
                    break
                except (OSError, websockets.InvalidHandshake, TimeoutError):
                    await asyncio.sleep(min(0.05 * attempt, 0.5))

    def _on_frame(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "message":
            self.live.add(frame["seq"])
        if frame["type"] == "error" and frame.get("code") == "server_error":
            self.server_errors += 1
            for waiter in list(self.ack_waiters.values()):
                if not waiter.done():
                    waiter.set_exception(ServerErrorFrame(frame.get("detail", "")))
        super()._on_frame(frame)

    async def send(
        self, client_id: str, body: str, *, timeout: float = 10
    ) -> dict[str, Any]:
        """Send until acknowledged: after a drop or a server_error, the same client_id
        again (DESIGN.md: sends are idempotent by client_id)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout * 3
        first = True
        while True:
            if not first:
                self.resends += 1
            first = False
            try:
                await asyncio.wait_for(self.connected.wait(), timeout=timeout)
                waiter = loop.create_future()
                self.ack_waiters[client_id] = waiter
                assert self.socket is not None
                await self.socket.send(
                    json.dumps({"type": "send", "client_id": client_id, "body": body})
                )
                return await asyncio.wait_for(waiter, timeout=timeout)
            except (
                ConnectionError,
                ServerErrorFrame,
                websockets.ConnectionClosed,
                TimeoutError,
            ):
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.05)

    async def resume_all(self, *, timeout: float = 10) -> None:
        """Ask for everything from seq 0, as a client does after any doubt."""
        await asyncio.wait_for(self.connected.wait(), timeout=timeout)
        assert self.socket is not None
        await self.socket.send(json.dumps({"type": "resume", "after": 0}))

    async def close(self) -> None:
        self.closing = True
        if self.watcher is not None:
            self.watcher.cancel()
            await asyncio.gather(self.watcher, return_exceptions=True)
        await super().close()


@dataclass
class Tally:
    """What a conversation under a fault came to, for the assertions and the note."""

    sent: dict[str, str] = field(default_factory=dict)  # client_id -> body, acked
    statuses: Counter[str] = field(default_factory=Counter)

    def figures(self, clients: list[ResilientClient]) -> dict[str, Any]:
        bodies = set(self.sent.values())
        lost = duplicated = recovered = 0
        for client in clients:
            seen = Counter(client.log.values())
            lost += len(bodies - set(seen))
            duplicated += sum(count - 1 for count in seen.values() if count > 1)
            recovered += len(set(client.log) - client.live)
        return {
            "clients": len(clients),
            "messages_sent": len(self.sent),
            "deliveries_expected": len(self.sent) * len(clients),
            "lost": lost,
            "duplicated": duplicated,
            "recovered_by_resume": recovered,
            "server_errors": sum(c.server_errors for c in clients),
            "resends": sum(c.resends for c in clients),
            "reconnects": sum(c.reconnects for c in clients),
            "statuses": dict(self.statuses),
        }


async def talk(
    client: ResilientClient,
    tally: Tally,
    rounds: range,
    *,
    pause: float = 0.02,
    timeout: float = 15,
) -> None:
    """One message a round, each acknowledged before the next, as a person types."""
    for number in rounds:
        client_id = f"{client.name}-{number}"
        body = f"{client.name} says hello number {number}"
        ack = await client.send(client_id, body, timeout=timeout)
        tally.statuses[ack["status"]] += 1
        assert ack["status"] == "delivered", ack
        tally.sent[client_id] = body
        await asyncio.sleep(pause)


def health(base_url: str, *, timeout: float = 5) -> int:
    """The status /healthz answers (blocking: call it through asyncio.to_thread)."""
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=timeout) as reply:  # noqa: S310
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


async def wait_for_health(base_url: str, status: int, *, timeout: float) -> float:
    """Poll /healthz until it answers `status`; the seconds it took."""
    started = time.monotonic()
    while True:
        if await asyncio.to_thread(health, base_url) == status:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"/healthz did not answer {status} in {timeout} s")
        await asyncio.sleep(0.1)


async def settle(
    clients: list[ResilientClient], tally: Tally, *, timeout: float = 10
) -> None:
    """A last resume by everyone, then wait (bounded) until each has every message."""
    for client in clients:
        await client.resume_all()
    bodies = set(tally.sent.values())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(bodies <= set(client.log.values()) for client in clients):
            return
        await asyncio.sleep(0.05)
