"""Shared pieces of the benchmarks: sites, servers, sessions and load runs."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from tests.live import (  # noqa: E402
    DAPHNE,
    Redis,
    Server,
    Site,
    free_port,
    make_site,
    start_redis,
    wait_for_port,
)

__all__ = [
    "Redis",
    "Site",
    "machine",
    "make_site",
    "rooms_for",
    "run_load",
    "start_peer",
    "start_redis",
    "write_result",
]


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def rooms_for(site: Site, circles: int | None = None) -> list[dict[str, Any]]:
    """Every demo circle with its members' session keys (mentee and mentors)."""
    rooms = []
    for program in site.logins["programs"]:
        for circle in program["circles"]:
            rooms.append(
                {"id": circle["id"], "people": [circle["mentee"], *circle["mentors"]]}
            )
    rooms = rooms[:circles] if circles else rooms
    usernames = [name for room in rooms for name in room["people"]]
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sessions.py"), *usernames],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sessions = json.loads(out)
    return [
        {"id": r["id"], "sessions": [sessions[name] for name in r["people"]]}
        for r in rooms
    ]


def start_peer(tmp: Path, redis: Redis | None = None, layer: str = "pubsub") -> Server:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "CHANNEL_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "bench.peer.settings"
    if redis is not None:
        env |= {"REDIS_URL": redis.url, "CHANNEL_LAYER": layer}
    port = free_port()
    log = tmp / f"peer-{port}.log"
    process = subprocess.Popen(
        [
            str(DAPHNE),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "bench.peer.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port)
    return Server(process=process, port=port, log=log)


def run_load(
    target: str,
    ws_base: str | list[str],
    rooms: list[dict[str, Any]],
    *,
    rate: float,
    per_member: int,
    drain_seconds: float = 10,
    server_pids: list[int] | None = None,
) -> dict[str, Any]:
    """One load run in its own process (so the generator does not share a core's GIL).
    Several `ws_base`s: each room's members are dealt across the servers in turn."""
    bases = [ws_base] if isinstance(ws_base, str) else list(ws_base)
    with tempfile.TemporaryDirectory() as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_path.write_text(
            json.dumps(
                {
                    "target": target,
                    "ws_base": bases[0],
                    "ws_bases": bases,
                    "rooms": rooms,
                    "rate": rate,
                    "per_member": per_member,
                    "drain_seconds": drain_seconds,
                    "server_pids": server_pids or [],
                }
            )
        )
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "loadgen.py"),
                str(spec_path),
                str(out_path),
            ],
            cwd=ROOT,
            check=True,
            timeout=600,
        )
        return dict(json.loads(out_path.read_text()))


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2) + "\n")
    return path
