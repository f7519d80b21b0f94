"""manage.py apply_retention: crypto-shred circles past their program's retention."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from archive.services import list_expired, shred_expired


class Command(BaseCommand):
    help = (
        "Destroy the archive keys of circles closed longer than their program's "
        "retention_days (unless under an active legal hold), recording each in a "
        "ShredRecord. The chains stay verifiable; the text is gone for good."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be shredded"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = list_expired()
        if expired.held:
            self.stdout.write(
                "Kept under legal hold: circle(s) "
                + ", ".join(str(circle) for circle in expired.held)
                + "."
            )
        if options["dry_run"]:
            self.stdout.write(
                "Would shred: "
                + (", ".join(f"circle {c}" for c in expired.due) or "nothing")
                + "."
            )
            return
        results = shred_expired()
        for result in results:
            self.stdout.write(
                f"Shredded circle {result.circle_id}: {result.record_count} record(s), "
                f"chain head seq {result.head_seq} ({result.head_hash[:16]}…)."
            )
        self.stdout.write(f"Shredded {len(results)} circle(s).")
