"""Open many idle WebSockets and hold them: the client side of the memory benchmark.

    python bench/idle_sockets.py SPEC.json

SPEC: {"target": "circles"|"peer", "ws_base": "ws://127.0.0.1:8000",
       "seats": [[circle_id, session_key], ...], "hold_seconds": 120}

Prints one JSON line `{"open": N, "refused": M, "seconds": S}` once every socket is
open and has stayed open for a moment (a refused Circles socket is accepted, then
closed), then holds them until stdin closes or `hold_seconds` pass, and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

import websockets


def raise_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


async def hold(spec: dict[str, Any]) -> None:
    base = spec["ws_base"]
    origin = base.replace("ws://", "http://")
    gate = asyncio.Semaphore(50)

    async def open_one(circle_id: int, session: str) -> Any:
        if spec["target"] == "circles":
            url = f"{base}/ws/circles/{circle_id}/"
            headers = {"Cookie": f"sessionid={session}", "Origin": origin}
        else:
            url = f"{base}/ws/chat/{circle_id}/"
            headers = {"Origin": origin}
        async with gate:
            for attempt in range(5):
                try:
                    return await websockets.connect(
                        url, additional_headers=headers, open_timeout=30
                    )
                except (OSError, TimeoutError, websockets.InvalidHandshake):
                    await asyncio.sleep(0.2 * (attempt + 1))
        return None

    started = time.perf_counter()
    sockets = await asyncio.gather(*(open_one(c, s) for c, s in spec["seats"]))
    await asyncio.sleep(2.0)  # a refused socket is closed right after its accept
    opened = [s for s in sockets if s is not None and s.close_code is None]
    print(
        json.dumps(
            {
                "open": len(opened),
                "refused": len(sockets) - len(opened),
                "seconds": round(time.perf_counter() - started, 2),
            }
        ),
        flush=True,
    )
    loop = asyncio.get_running_loop()
    released = asyncio.Event()

    def wait_for_stdin() -> None:  # a daemon thread: never keeps the process alive
        sys.stdin.read()
        loop.call_soon_threadsafe(released.set)

    threading.Thread(target=wait_for_stdin, daemon=True).start()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(released.wait(), timeout=float(spec["hold_seconds"]))
    await asyncio.gather(
        *(s.close() for s in sockets if s is not None), return_exceptions=True
    )


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    raise_file_limit(len(spec["seats"]) + 256)
    asyncio.run(hold(spec))


if __name__ == "__main__":
    main()
