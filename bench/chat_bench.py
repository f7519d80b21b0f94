"""Chat load on one Circles server process (in-memory layer, SQLite or PostgreSQL):
delivery ratio and latency at a set offered rate.

    python bench/chat_bench.py [--rate 150] [--seconds 20] [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import make_site, rooms_for, run_load, write_result

NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=150.0, help="offered messages/s")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--circles", type=int, default=20, help="circles per program")
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    if args.database == "postgres" and not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp), circles=args.circles, database=args.database)
        try:
            server = site.start_server()
            rooms = rooms_for(site)
            members = sum(len(room["sessions"]) for room in rooms)
            per_member = max(1, round(args.rate * args.seconds / members))
            # Unmeasured: a fresh process compiles each program's rule set on its
            # first message (about a second).
            run_load(
                "circles", server.ws_url, [rooms[0], rooms[-1]], rate=10, per_member=1
            )
            result = run_load(
                "circles",
                server.ws_url,
                rooms,
                rate=args.rate,
                per_member=per_member,
                server_pids=[server.process.pid],
            )
        finally:
            site.close()
    path = write_result(
        "chat",
        {"config": f"1 process, in-memory layer, {NAMES[args.database]}", **result},
    )
    latency = result["latency_ms"]
    print(
        f"offered {args.rate:.0f} msg/s to {result['rooms']} circles x "
        f"{result['members'] // result['rooms']} members: delivered "
        f"{result['delivered']}/{result['expected_deliveries']} "
        f"({result['delivery_ratio']:.2%}), duplicates {result['duplicates']}, "
        f"p50 {latency['p50']} ms, p99 {latency['p99']} ms -> {path}"
    )


if __name__ == "__main__":
    main()
