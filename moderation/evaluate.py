"""Score the moderation engine against labelled JSON Lines corpora.

    .venv/bin/python moderation/evaluate.py FILE [FILE ...] [--misses]

Each line is {"id", "text", "labels": [...]} (see shared/corpus/README.md). Uses the
pure engine with the built-in default rules and allow-list, so it needs no database or
Django settings. Prints, for each file and for all files together: per-category
precision, recall and F1 (a category counts as flagged when it is in the verdict's
categories), the false-flag rate on benign messages with the categories that fired,
and contact_info recall on disguised versus plain messages. `--misses` also lists
every wrong decision (ids and categories only; never the message text).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: this folder (moderation/) would shadow the standard library's
    # `selectors` with ours, so swap it for the repository root.
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))

import argparse
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from moderation.default_rules import (
    CRISIS_SUPPORT,
    DEFAULT_ALLOWED_CONTACTS,
    DEFAULT_RULES,
)
from moderation.engine import RuleSet, build_ruleset, moderate

CATEGORIES = (
    "contact_info",
    "off_platform",
    "money_gifts",
    "intimacy",
    "bigotry_harassment",
    "illegal_activity",
    "crisis",
)
PLAIN_PHONE = re.compile(r"\(?\b\d{3}\)?[-. ]\d{3}[-.]\d{4}\b")
PLAIN_EMAIL = re.compile(r"\b[\w.+-]+@[a-z0-9-]+\.[a-z]{2,}\b", re.IGNORECASE)


@dataclass
class Tally:
    true_pos: Counter[str] = field(default_factory=Counter)
    false_pos: Counter[str] = field(default_factory=Counter)
    false_neg: Counter[str] = field(default_factory=Counter)
    benign: int = 0
    benign_flagged: int = 0
    benign_categories: Counter[str] = field(default_factory=Counter)
    contact_plain: list[bool] = field(default_factory=list)
    contact_disguised: list[bool] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.true_pos.update(other.true_pos)
        self.false_pos.update(other.false_pos)
        self.false_neg.update(other.false_neg)
        self.benign += other.benign
        self.benign_flagged += other.benign_flagged
        self.benign_categories.update(other.benign_categories)
        self.contact_plain += other.contact_plain
        self.contact_disguised += other.contact_disguised


def is_disguised(text: str) -> bool:
    """Contact details written to evade a filter rather than plainly."""
    if not text.isascii() and any(
        unicodedata.category(c) in ("Cf", "Mn", "Me")
        or "\uff10" <= c <= "\uff5a"
        or ord(c) > 0x1D400
        for c in text
    ):
        return True
    if re.search(r"[^\x00-\x7f]", text) and re.search(
        r"[\u0430-\u044f\u0451\u0370-\u03ff]", text, re.I
    ):
        return True
    if PLAIN_PHONE.search(text) or PLAIN_EMAIL.search(text):
        return False
    # A plain handle ("@name") is not disguised; spelled-out forms are.
    return not (
        re.search(r"@[\w.]+", text) and not re.search(r"\(at\)|\[dot\]| dot ", text)
    )


def score(path: Path, rules: RuleSet) -> Tally:
    tally = Tally()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            labels = set(item["labels"])
            verdict = moderate(item["text"], rules=rules)
            fired = set(verdict.categories) & set(CATEGORIES)
            for category in CATEGORIES:
                if category in fired and category in labels:
                    tally.true_pos[category] += 1
                elif category in fired:
                    tally.false_pos[category] += 1
                elif category in labels:
                    tally.false_neg[category] += 1
            wrong_in = sorted(fired - labels)
            wrong_out = sorted(labels - fired)
            if wrong_in or wrong_out:
                tally.misses.append(
                    f"{item.get('id', number)}: extra {wrong_in} missing {wrong_out}"
                )
            if not labels:
                tally.benign += 1
                if fired:
                    tally.benign_flagged += 1
                    tally.benign_categories.update(fired)
            if "contact_info" in labels:
                bucket = (
                    tally.contact_disguised
                    if is_disguised(item["text"])
                    else tally.contact_plain
                )
                bucket.append("contact_info" in fired)
    return tally


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def report(title: str, tally: Tally) -> list[str]:
    lines = [
        f"== {title}",
        f"{'category':<20} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}",
    ]
    for category in CATEGORIES:
        tp, fp, fn = (
            tally.true_pos[category],
            tally.false_pos[category],
            tally.false_neg[category],
        )
        precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
        f1 = (
            2 * precision * recall / (precision + recall) if precision + recall else 0.0
        )
        lines.append(
            f"{category:<20} {precision:6.3f} {recall:6.3f} {f1:6.3f} "
            f"{tp:4d} {fp:4d} {fn:4d}"
        )
    fired = (
        ", ".join(f"{c} {n}" for c, n in tally.benign_categories.most_common())
        or "none"
    )
    lines.append(
        f"benign false flags: {tally.benign_flagged}/{tally.benign} "
        f"({ratio(tally.benign_flagged, tally.benign):.1%}); fired: {fired}"
    )
    plain, disguised = tally.contact_plain, tally.contact_disguised
    lines.append(
        f"contact_info recall: plain {sum(plain)}/{len(plain)} "
        f"({ratio(sum(plain), len(plain)):.3f}), "
        f"disguised {sum(disguised)}/{len(disguised)} "
        f"({ratio(sum(disguised), len(disguised)):.3f})"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--misses", action="store_true", help="list wrong decisions by id"
    )
    args = parser.parse_args(argv)
    rules = build_ruleset(
        DEFAULT_RULES,
        allowed_contacts=DEFAULT_ALLOWED_CONTACTS,
        crisis_support=CRISIS_SUPPORT,
    )
    combined = Tally()
    out: list[str] = []
    for path in args.files:
        tally = score(path, rules)
        combined.add(tally)
        out += report(str(path), tally)
        if args.misses:
            out += ["  " + miss for miss in tally.misses]
        out.append("")
    if len(args.files) > 1:
        out += report("combined", combined)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
