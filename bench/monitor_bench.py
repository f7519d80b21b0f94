"""How fast a monitor sees a new flag: member's `send` to the `flag` frame on
/ws/monitor/, against a real daphne server (the embedded setup: SQLite, in-process
channel layer), through the whole pipeline (moderation, archive, commit, broadcast).

    .venv/bin/python bench/monitor_bench.py [--messages 50] [--burst 5]

Seeds its own site (tests/live.py), logs a monitor and the demo circles' members in,
then:

- `sequential`: one flagged message at a time, rotating over circles and members, each
  waiting for its flag frame before the next (the latency of a quiet evening);
- `burst`: `--burst` members of different circles send at the same moment, repeated
  (a busy moment: flags queue behind each other in the one database thread).

Prints p50/p90/p99/max in milliseconds and writes bench/results/monitor_flag.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import websockets
from common import ROOT, make_site, write_result

FLAGGED = [
    "can you lend me {n} dollars until friday",
    "lets meet at the bar after, dont tell staff ({n})",
    "honestly I want to kill myself, nothing matters {n}",
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p90_ms": round(percentile(values, 0.90), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values), 1),
        "mean_ms": round(statistics.fmean(values), 1),
    }


def sessions_for(site: Any, usernames: list[str]) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sessions.py"), *usernames],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out))


async def open_socket(base: str, path: str, session: str) -> Any:
    origin = base.replace("ws://", "http://")
    return await websockets.connect(
        base + path,
        additional_headers={"Cookie": f"sessionid={session}", "Origin": origin},
        open_timeout=30,
        max_queue=None,
    )


async def measure(base: str, spec: dict[str, Any]) -> dict[str, Any]:
    feed = await open_socket(base, "/ws/monitor/", spec["monitor"])
    members = []
    for room in spec["rooms"]:
        for session in room["sessions"]:
            members.append(
                (
                    room["id"],
                    await open_socket(base, f"/ws/circles/{room['id']}/", session),
                )
            )
    arrived: dict[tuple[int, int], float] = {}
    waiting: dict[tuple[int, int], asyncio.Future[float]] = {}

    async def listen_feed() -> None:
        async for raw in feed:
            now = time.perf_counter()
            frame = json.loads(raw)
            if frame.get("type") != "flag" or frame.get("status") != "open":
                continue
            key = (frame["circle"], frame["seq"])
            if key not in arrived:
                arrived[key] = now
                future = waiting.pop(key, None)
                if future is not None and not future.done():
                    future.set_result(now)

    async def drain(socket: Any) -> None:
        async for _raw in socket:
            pass  # members' own message frames: not measured here

    listeners = [asyncio.create_task(listen_feed())]
    acks: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def listen_member(socket: Any) -> None:
        async for raw in socket:
            frame = json.loads(raw)
            if frame.get("type") == "ack":
                future = acks.pop(frame["client_id"], None)
                if future is not None and not future.done():
                    future.set_result(frame)

    listeners += [asyncio.create_task(listen_member(s)) for _circle, s in members]
    loop = asyncio.get_running_loop()
    counter = 0

    async def flagged_send(circle_id: int, socket: Any) -> float:
        nonlocal counter
        counter += 1
        client_id = f"bench-{counter}-{time.time_ns()}"
        body = FLAGGED[counter % len(FLAGGED)].format(n=counter)
        ack_future: asyncio.Future[dict[str, Any]] = loop.create_future()
        acks[client_id] = ack_future
        started = time.perf_counter()
        await socket.send(
            json.dumps({"type": "send", "client_id": client_id, "body": body})
        )
        ack = await asyncio.wait_for(ack_future, 10)
        key = (circle_id, ack["seq"])
        if key in arrived:
            seen = arrived[key]
        else:
            future: asyncio.Future[float] = loop.create_future()
            waiting[key] = future
            seen = await asyncio.wait_for(future, 10)
        return (seen - started) * 1000

    for index in range(3):  # warm every circle's rule set and archive key
        circle_id, socket = members[index % len(members)]
        await flagged_send(circle_id, socket)

    sequential = []
    for index in range(spec["messages"]):
        circle_id, socket = members[index % len(members)]
        sequential.append(await flagged_send(circle_id, socket))

    by_circle: dict[int, Any] = {}
    for circle_id, socket in members:
        by_circle.setdefault(circle_id, socket)
    senders = list(by_circle.items())[: spec["burst"]]
    burst: list[float] = []
    rounds = max(1, spec["messages"] // max(1, len(senders)))
    for _ in range(rounds):
        burst += await asyncio.gather(*(flagged_send(c, s) for c, s in senders))

    for task in listeners:
        task.cancel()
    await feed.close()
    for _circle, socket in members:
        await socket.close()
    return {
        "sequential": summary(sequential),
        "burst": {**summary(burst), "concurrent_senders": len(senders)},
        "raw_sequential_ms": [round(v, 2) for v in sequential],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--burst", type=int, default=5)
    parser.add_argument("--circles", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp), circles=args.circles)
        try:
            program = site.logins["programs"][0]
            monitor = program["monitors"][0]
            rooms = [
                {"id": circle["id"], "people": [circle["mentee"], *circle["mentors"]]}
                for p in site.logins["programs"][:1]
                for circle in p["circles"]
            ]
            names = [monitor] + [name for room in rooms for name in room["people"]]
            sessions = sessions_for(site, names)
            server = site.start_server()
            spec = {
                "monitor": sessions[monitor],
                "rooms": [
                    {"id": r["id"], "sessions": [sessions[n] for n in r["people"]]}
                    for r in rooms
                ],
                "messages": args.messages,
                "burst": args.burst,
            }
            result = asyncio.run(measure(server.ws_url, spec))
        finally:
            site.close()
    result["setup"] = {
        "server": "one daphne process, SQLite, in-process channel layer",
        "messages": args.messages,
        "circles": len(spec["rooms"]),
        "measured": "member's send frame to the monitor's flag frame",
    }
    path = write_result("monitor_flag", result)
    for name in ("sequential", "burst"):
        figures = result[name]
        print(
            f"{name:>10}: n={figures['count']} p50={figures['p50_ms']} ms "
            f"p90={figures['p90_ms']} ms p99={figures['p99_ms']} ms "
            f"max={figures['max_ms']} ms"
        )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
