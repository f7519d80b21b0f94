"""Load generator, run in its own process: R circles x M members, each member sending K
messages at a set offered rate; measures per-recipient delivery, duplicates and
send-to-receive latency. Speaks Circles' protocol or the reference peer's.

    python bench/loadgen.py SPEC.json OUT.json

SPEC: {"target": "circles"|"peer", "ws_base": "ws://127.0.0.1:8000",
       "ws_bases": ["ws://…", "ws://…"],   # optional: several servers; a room's
                                          # members are dealt across them in turn
       "rooms": [{"id": 1, "sessions": ["…", …]}],   # peer: sessions are ignored
       "rate": 150, "per_member": 10, "drain_seconds": 10,
       "server_pids": [1234]}            # optional: report the servers' CPU per message

Each message carries a token unique to this run (letters only, so no run's tokens look
like a phone number to moderation, and a reused database never sees a client_id twice).
Members send on a fixed schedule (start + n x interval), so a generator that falls
behind catches up instead of quietly offering less.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    sent: dict[str, float] = field(default_factory=dict)  # token -> send time
    seen: set[tuple[int, str]] = field(default_factory=set)  # (receiver, token)
    latencies_ms: list[float] = field(default_factory=list)
    duplicates: int = 0
    acked: int = 0
    ack_statuses: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    last_receive: float = 0.0


def cpu_seconds(pids: list[int]) -> float | None:
    """CPU used so far by the servers (same machine): user + system time."""
    total = 0.0
    try:
        for pid in pids:
            text = Path(f"/proc/{pid}/stat").read_text()
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None
    return total


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return round(ordered[index], 2)


CONSONANTS = "bcdfghjklmnpqrstvwxz"


def letters(number: int) -> str:
    """A number spelled in consonants: no digits (phone-like) and no words."""
    out = ""
    while True:
        number, digit = divmod(number, len(CONSONANTS))
        out = CONSONANTS[digit] + out
        if number == 0:
            return out


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    target = spec["target"]
    bases = list(spec.get("ws_bases") or [spec["ws_base"]])
    run_id = letters(secrets.randbelow(len(CONSONANTS) ** 5))
    tally = Tally()
    members: list[tuple[int, int, Any]] = []  # (member index, room index, socket)
    room_sizes: list[int] = []

    async def open_one(room: dict[str, Any], session: str, base: str) -> Any:
        origin = base.replace("ws://", "http://")
        if target == "circles":
            url = f"{base}/ws/circles/{room['id']}/"
            headers = {"Cookie": f"sessionid={session}", "Origin": origin}
        else:
            url = f"{base}/ws/chat/{room['id']}/"
            headers = {"Origin": origin}
        for attempt in range(5):
            try:
                return await websockets.connect(
                    url, additional_headers=headers, open_timeout=30, max_queue=None
                )
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                await asyncio.sleep(0.2 * (attempt + 1))
        raise RuntimeError(f"could not connect to {url}")

    gate = asyncio.Semaphore(50)

    async def open_gated(room: dict[str, Any], session: str, base: str) -> Any:
        async with gate:
            return await open_one(room, session, base)

    tasks = []
    for room_index, room in enumerate(spec["rooms"]):
        room_sizes.append(len(room["sessions"]))
        for seat, session in enumerate(room["sessions"]):
            base = bases[seat % len(bases)]
            tasks.append((room_index, open_gated(room, session, base)))
    connecting = time.perf_counter()
    sockets = await asyncio.gather(*(task for _, task in tasks))
    connect_seconds = time.perf_counter() - connecting
    for index, ((room_index, _), socket) in enumerate(zip(tasks, sockets, strict=True)):
        members.append((index, room_index, socket))

    async def receive(index: int, socket: Any) -> None:
        try:
            async for raw in socket:
                now = time.perf_counter()
                frame = json.loads(raw)
                if target == "circles":
                    kind = frame.get("type")
                    if kind == "ack":
                        tally.acked += 1
                        status = str(frame.get("status"))
                        tally.ack_statuses[status] = (
                            tally.ack_statuses.get(status, 0) + 1
                        )
                        continue
                    if kind == "error":
                        tally.errors[frame["code"]] = (
                            tally.errors.get(frame["code"], 0) + 1
                        )
                        continue
                    if kind != "message":
                        continue
                    body = frame["body"]
                else:
                    body = frame["message"]
                token = body.rsplit(" ", 1)[-1]
                key = (index, token)
                if key in tally.seen:
                    tally.duplicates += 1
                    continue
                tally.seen.add(key)
                sent_at = tally.sent.get(token)
                if sent_at is not None:
                    tally.latencies_ms.append((now - sent_at) * 1000)
                tally.last_receive = now
        except websockets.ConnectionClosed:
            pass

    readers = [
        asyncio.create_task(receive(index, socket)) for index, _, socket in members
    ]
    per_member = int(spec["per_member"])
    rate = float(spec["rate"])
    interval = len(members) / rate  # seconds between one member's messages

    async def talk(index: int, socket: Any) -> None:
        first = started + random.uniform(0, interval)
        for n in range(per_member):
            delay = first + n * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            token = f"{run_id}v{letters(index)}w{letters(n)}"
            body = f"Checking in about this week, note {token}"
            tally.sent[token] = time.perf_counter()
            if target == "circles":
                frame = {"type": "send", "client_id": token, "body": body}
            else:
                frame = {"message": body}
            await socket.send(json.dumps(frame))

    server_pids = [int(pid) for pid in spec.get("server_pids", [])]
    cpu_before = cpu_seconds(server_pids)
    started = time.perf_counter()
    await asyncio.gather(*(talk(index, socket) for index, _, socket in members))
    send_seconds = time.perf_counter() - started
    expected = sum(per_member * size * size for size in room_sizes)
    deadline = time.perf_counter() + float(spec.get("drain_seconds", 10))
    while len(tally.seen) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    finished = max(tally.last_receive, started + send_seconds) - started
    cpu_after = cpu_seconds(server_pids)
    server_cpu = (
        cpu_after - cpu_before
        if server_pids and cpu_before is not None and cpu_after is not None
        else None
    )
    for _, _, socket in members:
        await socket.close()
    await asyncio.gather(*readers, return_exceptions=True)
    messages = len(tally.sent)
    delivered = len(tally.seen)
    fan_out = expected / messages if messages else 0
    processed = tally.acked if target == "circles" else delivered / (fan_out or 1)
    return {
        "target": target,
        "offered_rate": rate,
        "members": len(members),
        "rooms": len(room_sizes),
        "messages": messages,
        "servers": len(bases),
        "connect_seconds": round(connect_seconds, 3),
        "acked": tally.acked if target == "circles" else None,
        "ack_statuses": tally.ack_statuses,
        "expected_deliveries": expected,
        "delivered": delivered,
        "delivery_ratio": round(delivered / expected, 5) if expected else None,
        "duplicates": tally.duplicates,
        "errors": tally.errors,
        "send_seconds": round(send_seconds, 3),
        # Messages delivered to every member, per second of the run (sends to the
        # last delivery): equals the offered rate while the server keeps up.
        "achieved_rate": round(delivered / (fan_out or 1) / finished, 2)
        if finished
        else None,
        # Server CPU from the first send to the end of the drain (connects excluded),
        # per message the servers got through (acked; the peer: delivered / fan-out).
        "server_cpu_seconds": round(server_cpu, 2) if server_cpu is not None else None,
        "server_cpu_ms_per_message": round(server_cpu * 1000 / processed, 3)
        if server_cpu is not None and processed
        else None,
        "latency_ms": {
            "p50": percentile(tally.latencies_ms, 0.50),
            "p95": percentile(tally.latencies_ms, 0.95),
            "p99": percentile(tally.latencies_ms, 0.99),
            "max": round(max(tally.latencies_ms), 2) if tally.latencies_ms else None,
            "mean": round(statistics.fmean(tally.latencies_ms), 2)
            if tally.latencies_ms
            else None,
        },
    }


def main() -> None:
    spec = json.loads(open(sys.argv[1]).read())  # noqa: SIM115
    result = asyncio.run(run(spec))
    with open(sys.argv[2], "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
