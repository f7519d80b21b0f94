"""manage.py verify_archive: recompute hash chains from the database or a bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.bundle import BundleReport, read_identities, verify_bundle
from archive.chain import Problem
from archive.keys import find_signing_key, public_key_bytes
from archive.management.commands._common import progress_bar
from archive.verify import VerifyReport, verify_database
from config.errors import AppError


class Command(BaseCommand):
    help = (
        "Check the archive's hash chains and signed heads (from the database, or from "
        "an export bundle with its signature and file hashes). Exits non-zero naming "
        "the first bad record; prints a one-line OK summary otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--circle", type=int, metavar="ID")
        parser.add_argument("--bundle", metavar="FILE")
        parser.add_argument("--identity", metavar="KEYFILE", help="age identity file")
        parser.add_argument(
            "--public-key",
            metavar="HEX",
            help="the Ed25519 key the bundle must be signed by (default: this "
            "deployment's signing key, when it has one)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["bundle"]) != bool(options["identity"]):
            raise CommandError("--bundle FILE and --identity KEYFILE go together.")
        report: BundleReport | VerifyReport
        try:
            if options["bundle"]:
                report = self._verify_bundle(options)
            else:
                bar = progress_bar(disabled=options["no_progress"], unit="rec")

                def on_total(total: int) -> None:
                    bar.total = total
                    bar.refresh()

                try:
                    report = verify_database(
                        circle_id=options["circle"],
                        on_total=on_total,
                        on_progress=bar.update,
                    )
                finally:
                    bar.close()
        except AppError as error:
            raise CommandError(error.detail) from None
        if report.problems:
            self._fail(report.problems)
        self.stdout.write(report.summary())

    def _verify_bundle(self, options: dict[str, Any]) -> BundleReport:
        expected = None
        if options["public_key"]:
            try:
                expected = bytes.fromhex(options["public_key"].strip())
            except ValueError:
                raise CommandError("--public-key must be hex (64 digits).") from None
        else:
            local = find_signing_key()
            expected = public_key_bytes(local) if local is not None else None
        identities = read_identities(Path(options["identity"]))
        try:
            source = Path(options["bundle"]).open("rb")  # noqa: SIM115 -- closed below
        except OSError as error:
            raise CommandError(
                f"Cannot read the bundle {options['bundle']}: {error.strerror}."
            ) from None
        with source:
            return verify_bundle(
                source,
                identities,
                expected_public_key=expected,
                circle_id=options["circle"],
            )

    def _fail(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.stderr.write(str(problem))
        more = f" ({len(problems)} problems in all)" if len(problems) > 1 else ""
        raise CommandError(f"verification failed: {problems[0]}{more}")
