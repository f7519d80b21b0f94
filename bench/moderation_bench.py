"""Screening time per 200-character message: the engine versus one big regex.

    .venv/bin/python bench/moderation_bench.py [--messages N] [--out FILE]

Messages are everyday chat with about one sentence in eight that a monitor needs to
see (contact details, loans, flirting, secrecy, drugs, crisis). Measures `moderate()`
(sanitize, all views, the rule automaton, the contact detectors,
the verdict) with the built-in rules alone and with 1,000 / 5,000 / 20,000 synthetic
rules added, next to a Discourse-style watched-words regex (one case-insensitive
alternation ``\\b(?:w1|w2|...)\\b`` over the same rule words, all matches found). Prints
a table and writes bench/results/moderation.json. Deterministic (fixed seed); runs in
well under a minute on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from moderation.default_rules import (  # noqa: E402
    CRISIS_SUPPORT,
    DEFAULT_ALLOWED_CONTACTS,
    DEFAULT_RULES,
)
from moderation.engine import RuleSpec, build_ruleset, moderate  # noqa: E402

SEED = 20240605
MESSAGE_CHARS = 200
SIZES = (0, 1_000, 5_000, 20_000)
CATEGORIES = (
    "contact_info",
    "off_platform",
    "money_gifts",
    "intimacy",
    "bigotry_harassment",
    "illegal_activity",
    "crisis",
)
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "zu",
    "ter",
    "van",
    "qui",
    "bro",
    "sel",
    "dax",
    "mor",
    "pen",
    "tus",
    "rai",
    "gol",
    "fen",
    "xi",
    "yar",
    "wop",
    "nul",
    "bek",
    "sor",
    "tam",
    "vil",
    "dru",
    "oph",
    "gle",
    "nax",
    "pim",
    "rud",
]

# Everyday chat in the programs' voices (most traffic) ...
BENIGN = [
    "hey can we move our session to thursday?",
    "my PO appointment got moved so I might be a little late tonight",
    "I got the job at the warehouse!! starting monday, second shift",
    "Drug court went good today, judge said I'm on track for phase 3.",
    "this algebra homework is killing me lol",
    "Proud of you for going to the meeting even when you didn't feel like it.",
    "The bus leaves at 7:05 and 7:35, I'll take the early one.",
    "Relapse prevention group moved to Wednesdays at 7.",
    "Had a skills assessment at the warehouse today, pretty sure I nailed it 💪",
    "We're reading Dickens in class and it is sooo long",
    "My uncle supports Scunthorpe United and they lost again 😂",
    "I could kill for a coffee right now, barely slept",
    "Let's set a SMART goal: apply to three jobs by next Tuesday.",
    "Interview is in room 1204 tomorrow at 10:15, wish me luck",
    "How do I explain the gap on my resume? I was locked up for a while.",
    "Thanks for helping with the cover letter, I got the interview!!",
    "My sponsor has 20 years clean. Goals.",
    "Got my state ID today. Next up is the social security card.",
    "Did anyone else have trouble logging in this morning?",
    "That's a real win. You noticed the pull and chose differently.",
    "my little brother tried a dance and fell off the couch 😭",
    "Can we spend next session on interview practice?",
    "The food pantry at St. Mark's is open Tuesdays and Thursdays.",
    "Saving for a car, got $515 so far, budget is working",
]
# ... and messages a monitor needs to see (about one in five).
RISKY = [
    "text me at 515-555-0199, its easier than this app",
    "can u lend me like 20 bucks, ill pay u back friday",
    "you're so pretty, send me a pic 😏",
    "don't tell your coordinator about this ok?",
    "I've been thinking about ending it all, nobody would care",
    "my insta is @kay.rose07 follow me",
    "got some bud if you wanna smoke after group 🌿",
    "people like you never change",
    "my number is five one five, five five five, zero one four seven",
    "email me at j dot reyes at gmail dot com",
]


def messages(count: int, rng: random.Random, extra_words: list[str]) -> list[str]:
    out = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < MESSAGE_CHARS:
            roll = rng.random()
            if extra_words and roll < 0.05:
                parts.append(f"what about {rng.choice(extra_words)} then")
            elif roll < 0.12:
                parts.append(rng.choice(RISKY))
            else:
                parts.append(rng.choice(BENIGN))
        out.append(" ".join(parts)[:MESSAGE_CHARS])
    return out


def synthetic_rules(count: int, rng: random.Random) -> list[RuleSpec]:
    rules = []
    words: set[str] = set()
    while len(rules) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word in words:
            continue
        words.add(word)
        shape = rng.random()
        if shape < 0.7:
            pattern = word
        elif shape < 0.9:
            pattern = f"{word} {rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}"
        else:
            pattern = f"{word} ~2 {rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}"
        rules.append(
            RuleSpec(
                f"synthetic.{len(rules)}",
                rng.choice(CATEGORIES),
                pattern,
                rng.randint(1, 3),
            )
        )
    return rules


def literal_words(rules: list[RuleSpec]) -> list[str]:
    """The words and phrases a watched-words list would hold for these rules."""
    out = []
    for rule in rules:
        out.append(rule.pattern.replace(" ~2 ", " "))
    return out


# CPU time of this thread: on a shared, busy machine wall-clock time mostly measures
# the scheduler. --wall switches to time.perf_counter_ns.
clock = time.thread_time_ns


def timings(function, items: list[str], repeat: int) -> list[float]:
    """Per-item microseconds: the best of `repeat` runs of each item (less noise)."""
    gc.collect()
    gc.disable()
    try:
        out = []
        for item in items:
            best = float("inf")
            for _ in range(repeat):
                start = clock()
                function(item)
                best = min(best, clock() - start)
            out.append(best / 1000)
        return out
    finally:
        gc.enable()


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_us": round(statistics.median(ordered), 2),
        "p99_us": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "mean_us": round(statistics.fmean(ordered), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="moderation screening benchmark")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--regex-messages", type=int, default=200)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench/results/moderation.json"
    )
    parser.add_argument("--wall", action="store_true", help="wall-clock, not CPU time")
    args = parser.parse_args()
    global clock
    if args.wall:
        clock = time.perf_counter_ns
    started = time.perf_counter()
    rng = random.Random(SEED)
    synthetic = synthetic_rules(max(SIZES), rng)
    results = []
    for size in SIZES:
        extra = synthetic[:size]
        rules = list(DEFAULT_RULES) + extra
        build_start = time.perf_counter()
        ruleset = build_ruleset(
            rules,
            allowed_contacts=DEFAULT_ALLOWED_CONTACTS,
            crisis_support=CRISIS_SUPPORT,
        )
        build_seconds = time.perf_counter() - build_start
        words = [r.pattern.split()[0] for r in extra]
        bodies = messages(args.messages, random.Random(SEED + size), words)
        for body in bodies[:50]:  # warm caches (fold table, phonenumbers import)
            moderate(body, rules=ruleset)
        engine = summary(
            timings(lambda b, rs=ruleset: moderate(b, rules=rs), bodies, 3)
        )
        row: dict[str, object] = {
            "synthetic_rules": size,
            "total_rules": len(rules),
            "build_seconds": round(build_seconds, 3),
            "engine": engine,
        }
        if extra:
            regex_start = time.perf_counter()
            watched = re.compile(
                r"\b(?:" + "|".join(map(re.escape, literal_words(extra))) + r")\b",
                re.IGNORECASE,
            )
            row["regex_compile_seconds"] = round(time.perf_counter() - regex_start, 3)
            sample = bodies[: args.regex_messages]
            row["regex"] = summary(timings(watched.findall, sample, 1))
        results.append(row)
    print(
        f"{'rules':>12} {'engine median':>14} {'engine p99':>11} "
        f"{'regex median':>13} {'regex p99':>10}"
    )
    for row in results:
        engine = row["engine"]
        regex = row.get("regex") or {}
        label = (
            f"default+{row['synthetic_rules']}" if row["synthetic_rules"] else "default"
        )
        print(
            f"{label:>12} {engine['median_us']:>12.1f}us {engine['p99_us']:>9.1f}us "  # type: ignore[index]
            f"{(str(regex['median_us']) + 'us') if regex else '-':>13} "  # type: ignore[index]
            f"{(str(regex['p99_us']) + 'us') if regex else '-':>10}"  # type: ignore[index]
        )
    report = {
        "benchmark": "moderation screening per 200-character message",
        "message_chars": MESSAGE_CHARS,
        "messages": args.messages,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "targets": {"median_us": 50, "p99_us": 200, "at_synthetic_rules": 20_000},
        "clock": "wall" if args.wall else "thread CPU time",
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "results": results,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out} in {report['seconds']}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
