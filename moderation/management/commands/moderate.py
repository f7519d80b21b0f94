"""`manage.py moderate [FILE]`: screen JSON Lines messages with the default rules.

Input: one {"id", "text"} object a line (FILE or stdin). Output: one line each,
{"id", "action", "categories": [...], "hits": [{"category", "rule", "start", "end"}]},
offsets into the text as given. A bad line is reported on stderr with its line number,
the run goes on, and the command exits non-zero at the end.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from moderation.engine import (
    BodyTooLong,
    EmptyBody,
    RuleSet,
    build_ruleset,
    moderate,
    sanitize_with_offsets,
)
from moderation.engine.ruleset import RuleSpec


class Command(BaseCommand):
    help = "Screen JSON Lines {id, text} with the default moderation rules."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", help="JSON Lines file (default: stdin)")
        parser.add_argument(
            "--program",
            type=int,
            help="use this program's rules and allowed contacts, not the defaults",
        )
        parser.add_argument(
            "--allow",
            action="append",
            default=[],
            metavar="CONTACT",
            help="also allow this phone number, email or address (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rules = self._rules(options["program"], options["allow"])
        path = options["file"]
        if path in (None, "-"):
            bad = self._run(sys.stdin, rules)
        else:
            try:
                with open(path, encoding="utf-8") as handle:
                    bad = self._run(handle, rules)
            except OSError as error:
                raise CommandError(f"cannot read {path}: {error.strerror}") from None
        if bad:
            raise CommandError(
                f"{bad} line(s) could not be screened; see the errors above"
            )

    def _rules(self, program_id: int | None, allow: list[str]) -> RuleSet:
        from moderation.default_rules import (
            CRISIS_SUPPORT,
            DEFAULT_ALLOWED_CONTACTS,
            DEFAULT_RULES,
        )

        if program_id is not None:
            from moderation.selectors import build_program_ruleset

            ruleset = build_program_ruleset(program_id)
            if not allow:
                return ruleset
        specs: list[RuleSpec] = list(DEFAULT_RULES)
        return build_ruleset(
            specs,
            allowed_contacts=[*DEFAULT_ALLOWED_CONTACTS, *allow],
            crisis_support=CRISIS_SUPPORT,
        )

    def _run(self, lines: TextIO, rules: RuleSet) -> int:
        bad = 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                result = self._screen(line, rules)
            except ValueError as error:
                bad += 1
                self.stderr.write(f"line {number}: {error}")
                continue
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        return bad

    def _screen(self, line: str, rules: RuleSet) -> dict[str, object]:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"not valid JSON ({error.msg} at column {error.colno})"
            ) from None
        if not isinstance(item, dict):
            raise ValueError('expected a JSON object like {"id": ..., "text": ...}')
        if "id" not in item:
            raise ValueError('missing "id"')
        text = item.get("text")
        if not isinstance(text, str):
            raise ValueError('"text" must be a string')
        try:
            clean, index = sanitize_with_offsets(text)
            verdict = moderate(clean, rules=rules)
        except EmptyBody:
            raise ValueError(
                '"text" is empty (after removing control characters)'
            ) from None
        except BodyTooLong as error:
            raise ValueError(
                f'"text" has {error.length} characters; the limit is {error.limit}'
            ) from None

        def original(offset: int) -> int:
            # Offsets into the text as given (sanitizing may have removed characters).
            if offset < len(index):
                return index[offset]
            return index[-1] + 1 if index else 0

        return {
            "id": item["id"],
            "action": verdict.action,
            "categories": list(verdict.categories),
            "hits": [
                {
                    "category": hit.category,
                    "rule": hit.rule,
                    "start": original(hit.start),
                    "end": original(hit.end - 1) + 1
                    if hit.end > hit.start
                    else original(hit.end),
                }
                for hit in verdict.hits
            ],
        }
