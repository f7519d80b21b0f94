"""manage.py rotate_keys: a new master key version, and circle keys re-wrapped to it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.keys import ENV_NAME, format_versions, master_keys
from archive.rotation import (
    add_master_version,
    count_keys_by_version,
    retire_master_version,
    rewrap_circle_keys,
)
from config.errors import AppError


class Command(BaseCommand):
    help = (
        "Add a new archive master key version and re-wrap every circle key with it "
        "(messages are not re-encrypted). Old versions stay until retired with "
        "--retire VERSION, which refuses while any circle key uses them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--rewrap",
            action="store_true",
            help="only re-wrap circle keys with the newest configured version",
        )
        action.add_argument(
            "--retire", type=int, metavar="VERSION", help="remove an unused version"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["retire"] is not None:
                self._retire(options["retire"])
            elif options["rewrap"]:
                self._rewrap()
            else:
                self._rotate()
        except AppError as error:
            raise CommandError(error.detail) from None

    def _rotate(self) -> None:
        added = add_master_version()
        if added.env_value is not None:
            self.stdout.write(
                f"Master keys come from {ENV_NAME}, so new version {added.version} "
                "was not written anywhere and no circle key was re-wrapped. Set this "
                "value (secret) in every process's environment, restart them, then "
                "run 'manage.py rotate_keys --rewrap':"
            )
            self.stdout.write(f"{ENV_NAME}={added.env_value}")
            raise CommandError(
                f"not rotated yet: set {ENV_NAME} as printed above, then run "
                "rotate_keys --rewrap."
            )
        self.stdout.write(
            f"Added master key version {added.version} to {added.written_to}."
        )
        self._rewrap()

    def _rewrap(self) -> None:
        rewrapped, target = rewrap_circle_keys()
        counts = count_keys_by_version()
        self.stdout.write(
            f"Re-wrapped {rewrapped} circle key(s) with master version {target}; "
            f"configured versions: {format_versions(master_keys().versions)}; in use: "
            + (", ".join(f"v{v}: {n}" for v, n in sorted(counts.items())) or "none")
            + "."
        )

    def _retire(self, version: int) -> None:
        retired = retire_master_version(version)
        if retired.env_value is not None:
            self.stdout.write(
                f"No circle key uses version {version}. Keys come from {ENV_NAME}: "
                "set this value (secret) in every process's environment to retire it:"
            )
            self.stdout.write(f"{ENV_NAME}={retired.env_value}")
            return
        self.stdout.write(
            f"Retired master key version {version} from {retired.written_to}; "
            f"remaining: {format_versions(master_keys().versions)}."
        )
