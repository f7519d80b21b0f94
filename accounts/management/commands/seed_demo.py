"""`manage.py seed_demo [--circles N] [--password P] [--if-empty]` (DESIGN.md)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import DEMO_PROGRAMS, seed_demo
from accounts.models import User

MAX_CIRCLES = 500


def password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo_password"


def remembered_password() -> str | None:
    path = password_file()
    return path.read_text().strip() if path.exists() else None


def remember_password(password: str) -> None:
    path = password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password)


class Command(BaseCommand):
    help = (
        "Create two demo programs whose circles can talk right away, and print the "
        "logins as JSON. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--circles", type=int, default=3, help="circles per program"
        )
        parser.add_argument("--password", help="password for every demo login")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="seed only when the database has no users (used by `make run`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        circles = options["circles"]
        if not 1 <= circles <= MAX_CIRCLES:
            raise CommandError(f"--circles must be between 1 and {MAX_CIRCLES}.")
        if options["if_empty"] and User.objects.exists():
            demo_users = User.objects.filter(
                username__startswith=f"{DEMO_PROGRAMS[0].slug}-"
            ).exists()
            if not demo_users:
                self.stderr.write("The database already has people in it: not seeding.")
                return
            options["password"] = options["password"] or remembered_password()
        password = (
            options["password"] or remembered_password() or secrets.token_urlsafe(9)
        )
        if len(password) < 8:
            raise CommandError("--password must be at least 8 characters.")
        logins = seed_demo(circles=circles, password=password)
        remember_password(password)
        self.stdout.write(json.dumps(logins))
