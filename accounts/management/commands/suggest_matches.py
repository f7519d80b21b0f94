"""`manage.py suggest_matches --mentee LOGIN [--limit N]` (DESIGN.md).

Prints {"mentee": LOGIN, "suggestions": [{"mentor", "score", "reasons"}]}, best first:
cleared mentors of the mentee's program with room for another circle. The scoring is
messaging.matching's; this command only parses and prints.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import NotFound
from messaging.matching import suggest_for_login


class Command(BaseCommand):
    help = (
        "Suggest mentors for a mentee, best first, with the reasons for each score, "
        "as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mentee", required=True, help="the mentee's login")
        parser.add_argument(
            "--limit", type=int, default=None, help="at most this many suggestions"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        login: str = options["mentee"]
        limit: int | None = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        try:
            suggestions = suggest_for_login(login, limit=limit)
        except NotFound as error:
            raise CommandError(error.detail) from None
        self.stdout.write(
            json.dumps(
                {
                    "mentee": login,
                    "suggestions": [s.as_dict() for s in suggestions],
                }
            )
        )
