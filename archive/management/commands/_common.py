"""Helpers the archive commands share: dates, the actor, progress bars."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, date, datetime, time

from django.core.management.base import CommandError
from tqdm import tqdm


def parse_when(text: str, *, end_of_day: bool) -> datetime:
    """A date (a whole day, in UTC) or an ISO 8601 time; naive times are UTC."""
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"'{text}' is not a date (2025-01-31) or an ISO 8601 time "
            "(2025-01-31T09:30:00Z)."
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def command_actor(command: str) -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return f"manage.py {command} (OS user {who})"


def progress_bar(*, disabled: bool, unit: str) -> tqdm:
    """A bar on stderr, shown on a terminal once the work takes a while."""
    return tqdm(
        total=0,
        unit=unit,
        unit_scale=True,
        file=sys.stderr,
        disable=True if disabled else None,  # None: off when stderr is not a TTY
        delay=1.0,
        dynamic_ncols=True,
    )
