"""Measure suggested fixes before they are made: Circles as it is against Circles with
what-if changes patched in (bench/whatif_asgi.py), same load, alternating runs.

    .venv/bin/python bench/whatif.py [--variants ",conn_reuse,conn_reuse+cached_access"]
                                     [--rate 20] [--capacity-rate 150] [--repeats 2]

Per variant: server CPU per message at a rate every variant keeps up with (robust to
other work on the machine), latency there, and the throughput achieved when offered
`--capacity-rate` (all messages drained, up to 30 s). Writes bench/results/whatif.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import make_site, rooms_for, run_load, start_app, write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default=",conn_reuse,conn_reuse+cached_access")
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--capacity-rate", type=float, default=150)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    variants = args.variants.split(",")
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory(prefix="whatif-") as tmp:
        site = make_site(Path(tmp), circles=20)
        try:
            rooms = rooms_for(site, 40)
            members = sum(len(r["sessions"]) for r in rooms)
            for _ in range(args.repeats):
                for variant in variants:
                    env = {
                        "DJANGO_SETTINGS_MODULE": "bench.whatif_settings",
                        "WHATIF": variant.replace("+", ","),
                    }
                    server = start_app(site, "bench.whatif_asgi:application", env)
                    try:
                        pid = server.process.pid
                        run_load("circles", server.ws_url, rooms, rate=30, per_member=1)
                        steady = run_load(
                            "circles",
                            server.ws_url,
                            rooms,
                            rate=args.rate,
                            per_member=max(
                                2, round(args.rate * args.seconds / members)
                            ),
                            server_pids=[pid],
                        )
                        capacity = run_load(
                            "circles",
                            server.ws_url,
                            rooms,
                            rate=args.capacity_rate,
                            per_member=max(2, round(args.capacity_rate * 5 / members)),
                            drain_seconds=30,
                            server_pids=[pid],
                        )
                    finally:
                        server.stop()
                    row = {
                        "cpu_ms_per_message": steady["server_cpu_ms_per_message"],
                        "p50_ms": steady["latency_ms"]["p50"],
                        "p99_ms": steady["latency_ms"]["p99"],
                        "delivery_ratio": steady["delivery_ratio"],
                        "capacity_achieved_rate": capacity["achieved_rate"],
                        "capacity_cpu_ms_per_message": capacity[
                            "server_cpu_ms_per_message"
                        ],
                        "load_average": round(os.getloadavg()[0], 2),
                    }
                    runs[variant].append(row)
                    print(f"{variant or 'as is':32} {row}", flush=True)
        finally:
            site.close()

    def median(variant: str, key: str) -> float | None:
        values = [r[key] for r in runs[variant] if r[key] is not None]
        return round(statistics.median(values), 2) if values else None

    summary = {
        variant or "as is": {
            key: median(variant, key)
            for key in (
                "cpu_ms_per_message",
                "p50_ms",
                "p99_ms",
                "capacity_achieved_rate",
                "capacity_cpu_ms_per_message",
            )
        }
        for variant in variants
    }
    path = write_result(
        "whatif",
        {
            "rate": args.rate,
            "capacity_rate": args.capacity_rate,
            "summary": summary,
            "runs": runs,
        },
    )
    print(f"\n{'variant':32} {'CPU ms/msg':>10} {'p50':>8} {'p99':>8} {'msg/s max':>9}")
    for name, row in summary.items():
        print(
            f"{name:32} {row['cpu_ms_per_message']!s:>10} {row['p50_ms']!s:>8} "
            f"{row['p99_ms']!s:>8} {row['capacity_achieved_rate']!s:>9}"
        )
    print(f"-> {path}")


if __name__ == "__main__":
    main()
