"""manage.py export_archive: an age-encrypted, signed bundle for a reviewer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Program, User
from accounts.selectors import administered_programs
from archive.export import export_archive
from archive.management.commands._common import (
    command_actor,
    parse_when,
    progress_bar,
)
from config.errors import AppError
from messaging.models import Circle


def check_may_export(
    user: User, *, circle_id: int | None, program_id: int | None
) -> None:
    """The person named by --by is recorded as the exporter: they must administer it."""
    if user.is_superuser:
        return
    programs = administered_programs(user)
    if circle_id is not None:
        allowed = Circle.objects.filter(pk=circle_id, program__in=programs).exists()
        known = Circle.objects.filter(pk=circle_id).exists()
    elif program_id is not None:
        allowed = programs.filter(pk=program_id).exists()
        known = Program.objects.filter(pk=program_id).exists()
    else:
        return
    if known and not allowed:
        raise CommandError(
            f"{user.get_username()} does not administer that "
            f"{'circle' if circle_id is not None else 'program'}'s program, so cannot "
            "be recorded as its exporter."
        )


class Command(BaseCommand):
    help = (
        "Export one circle or one program's archive as a bundle encrypted to an age "
        "recipient: manifest.json (signed), messages.jsonl, flags.jsonl, audit.jsonl."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--circle", type=int, metavar="ID")
        scope.add_argument("--program", type=int, metavar="ID")
        parser.add_argument(
            "--since", metavar="DATE", help="from this date (UTC) or ISO time on"
        )
        parser.add_argument(
            "--until", metavar="DATE", help="up to and including this date or time"
        )
        parser.add_argument(
            "--recipient", required=True, metavar="AGE_PUBKEY", help="age1…"
        )
        parser.add_argument("--out", required=True, metavar="FILE")
        parser.add_argument(
            "--purpose", default="archive export", help="recorded in the access audit"
        )
        parser.add_argument(
            "--by", metavar="USERNAME", help="the administrator exporting (audited)"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        since = (
            parse_when(options["since"], end_of_day=False) if options["since"] else None
        )
        until = (
            parse_when(options["until"], end_of_day=True) if options["until"] else None
        )
        user = None
        actor = command_actor("export_archive")
        if options["by"]:
            user = User.objects.filter(username=options["by"]).first()
            if user is None:
                raise CommandError(f"No user named {options['by']!r}.")
            check_may_export(
                user, circle_id=options["circle"], program_id=options["program"]
            )
            actor = f"{user.get_username()} via {actor}"
        bar = progress_bar(disabled=options["no_progress"], unit="msg")

        def on_total(total: int) -> None:
            bar.total = total
            bar.refresh()

        try:
            result = export_archive(
                circle_id=options["circle"],
                program_id=options["program"],
                since=since,
                until=until,
                recipient=options["recipient"],
                out=Path(options["out"]),
                actor=actor,
                user=user,
                purpose=options["purpose"],
                on_total=on_total,
                on_progress=bar.update,
            )
        except AppError as error:
            raise CommandError(error.detail) from None
        finally:
            bar.close()
        shredded = (
            f"; {len(result.shredded)} shredded circle(s) exported without text"
            if result.shredded
            else ""
        )
        self.stdout.write(
            f"Wrote {result.path}: {result.circles} circle(s), {result.messages} "
            f"message(s), {result.flags} flag(s), {result.audit} audit entries, "
            f"encrypted to {options['recipient'].strip()}; manifest signed by ed25519 "
            f"key {result.public_key}{shredded}."
        )
