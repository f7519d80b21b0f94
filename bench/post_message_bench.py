"""Cost of one message in the pipeline without sockets: `post_message` called
in-process the way the chat consumer calls it, its SQL queries counted, time split.

    python bench/post_message_bench.py [--messages 300] [--database sqlite|postgres]

Seeds its own database (tests/live.py's make_site), then, in a child process with that
site's environment, times for every message:

- `reuse`: the database connection kept open between messages;
- `reconnect`: closed after every message, as `database_sync_to_async` does when
  CONN_MAX_AGE is 0 (it calls close_old_connections before and after each call);

and, for reference, `moderate()` alone on the same bodies, the hottest sub-steps by
`cProfile` (cumulative), and the queries of one message. Prints a summary and writes
bench/results/post_message.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """Runs with the site's environment: times post_message directly."""
    import cProfile
    import pstats

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from messaging.broadcast import collected
    from messaging.services import post_message
    from moderation.engine import moderate
    from moderation.selectors import rules_for_circle

    rooms = spec["rooms"]
    users = {u.username: u for u in User.objects.filter(username__in=spec["people"])}
    count = int(spec["messages"])
    run = str(int(time.time() * 1000))

    def body(n: int) -> str:
        return f"Checking in about this week, note {n % 7} of the plan"

    # As the chat consumer calls it: broadcasts collected, sent by the caller.
    post = collected(post_message)

    def send(n: int, tag: str) -> None:
        room = rooms[n % len(rooms)]
        person = room["people"][(n // len(rooms)) % len(room["people"])]
        post(
            sender=users[person],
            circle_id=room["id"],
            client_id=f"{tag}-{run}-{n}",
            body=body(n),
        )

    # Cold start: the first message per program compiles its rule set.
    cold_started = time.perf_counter()
    send(0, "cold")
    cold_ms = (time.perf_counter() - cold_started) * 1000
    for n in range(1, len(rooms) * 2):
        send(n, "warm")  # every circle's rule set and key warm

    def timed(tag: str, reconnect: bool) -> list[float]:
        out = []
        for n in range(count):
            if reconnect:
                close_old_connections()
            started = time.perf_counter()
            send(n, tag)
            if reconnect:
                close_old_connections()
            out.append((time.perf_counter() - started) * 1000)
        return out

    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = None  # kept open: `reuse`
    connection.settings_dict["CONN_MAX_AGE"] = None
    connection.close_at = None
    reuse = timed("reuse", reconnect=False)
    connection.settings_dict["CONN_MAX_AGE"] = 0
    reconnect = timed("reconnect", reconnect=True)
    connection.settings_dict["CONN_MAX_AGE"] = None
    connection.close_at = None

    with CaptureQueriesContext(connection) as queries:
        send(count + 1, "queries")
    sql = [q["sql"][:160] for q in queries.captured_queries]

    # Time at the driver per statement (round trip included), the rest is Python.
    spent: dict[str, list[float]] = {}

    def clock(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:48]
            spent.setdefault(key, []).append((time.perf_counter() - started) * 1000)

    with connection.execute_wrapper(clock):
        timed_started = time.perf_counter()
        for n in range(count):
            send(n, "clocked")
        timed_ms = (time.perf_counter() - timed_started) * 1000
    in_statements = sum(sum(v) for v in spent.values())
    statements = sorted(
        (
            {
                "sql": key,
                "per_message": round(len(v) / count, 2),
                "mean_ms": round(statistics.fmean(v), 3),
            }
            for key, v in spent.items()
        ),
        key=lambda row: -row["mean_ms"] * row["per_message"],
    )

    from messaging.models import Circle

    circle = Circle.objects.get(pk=rooms[0]["id"])
    ruleset = rules_for_circle(circle)
    moderate_ms = []
    for n in range(count):
        started = time.perf_counter()
        moderate(body(n), rules=ruleset)
        moderate_ms.append((time.perf_counter() - started) * 1000)

    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(count):
        send(n, "profile")
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    project = ("messaging/", "moderation/", "archive/", "accounts/")
    hot = []
    for (filename, line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        cumulative = row[3]
        if any(p in filename for p in project):
            short = filename.split("/work/main/")[-1]
            hot.append((cumulative, f"{short}:{line} {name}"))
    hot.sort(reverse=True)

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "mean_ms": round(statistics.fmean(values), 3),
            "p50_ms": round(ordered[len(ordered) // 2], 3),
            "p99_ms": round(
                ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3
            ),
        }

    return {
        "messages": count,
        "vendor": connection.vendor,
        "cold_first_message_ms": round(cold_ms, 1),
        "reuse_connection": summary(reuse),
        "reconnect_every_call": summary(reconnect),
        "moderate_only": summary(moderate_ms),
        "queries_per_message": len(sql),
        "statement_ms_per_message": round(in_statements / count, 3),
        "other_ms_per_message": round((timed_ms - in_statements) / count, 3),
        "statements": statements[:12],
        "queries": sql,
        "profile_top_cumulative": [
            {
                "share": round(c / total, 3),
                "ms_per_message": round(c / count * 1000, 3),
                "function": name,
            }
            for c, name in hot[:25]
        ],
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        spec = json.loads(Path(sys.argv[2]).read_text())
        print(json.dumps(child(spec)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    from common import ROOT, make_site, write_result

    if args.database == "postgres" and not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
    with tempfile.TemporaryDirectory(prefix="post-message-bench-") as tmp:
        site = make_site(Path(tmp), circles=10, database=args.database)
        try:
            rooms = [
                {"id": c["id"], "people": [c["mentee"], *c["mentors"]]}
                for p in site.logins["programs"]
                for c in p["circles"]
            ]
            spec_path = Path(tmp) / "spec.json"
            spec_path.write_text(
                json.dumps(
                    {
                        "rooms": rooms,
                        "people": [n for r in rooms for n in r["people"]],
                        "messages": args.messages,
                    }
                )
            )
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(spec_path)],
                cwd=ROOT,
                env={**site.env, "LOG_LEVEL": "WARNING"},
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        finally:
            site.close()
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    path = write_result(f"post_message_{args.database}", result)
    print(
        f"{result['vendor']}: {result['queries_per_message']} queries per message; "
        f"post_message mean {result['reuse_connection']['mean_ms']} ms (connection "
        f"kept), {result['reconnect_every_call']['mean_ms']} ms (reconnect per call, "
        f"CONN_MAX_AGE=0); moderate() alone {result['moderate_only']['mean_ms']} ms; "
        f"first message cold {result['cold_first_message_ms']} ms"
    )
    print(
        f"  per message: {result['statement_ms_per_message']} ms in SQL statements "
        f"(driver and round trip), {result['other_ms_per_message']} ms the rest"
    )
    for row in result["statements"]:
        print(f"  {row['mean_ms']:7.3f} ms x {row['per_message']}  {row['sql']}")
    for row in result["profile_top_cumulative"][:15]:
        print(f"  {row['ms_per_message']:7.3f} ms  {row['function']}")
    print(f"-> {path}")


if __name__ == "__main__":
    main()
