"""Builders for archive tests and benchmarks: rows made directly, sealed as
messaging.services.post_message seals them (circle row locked, seq bumped, one
transaction). No clearance or moderation: the archive does not care who may post."""

from __future__ import annotations

import itertools
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Program, User
from archive.services import seal_message
from messaging.models import Circle, Message

_numbers = itertools.count(1)


def build_program(*, retention_days: int = 365) -> Program:
    return Program.objects.create(
        name=f"Archive program {next(_numbers)}", retention_days=retention_days
    )


def build_user(*, name: str | None = None) -> User:
    number = next(_numbers)
    return User.objects.create(
        username=name or f"archive-person-{number}",
        display_name=(name or f"Person {number}").title(),
    )


def build_circle(*, program: Program | None = None) -> Circle:
    return Circle.objects.create(
        program=program or build_program(), name=f"Archive circle {next(_numbers)}"
    )


@transaction.atomic
def add_message(
    *,
    circle: Circle,
    sender: User,
    text: str,
    status: str = Message.Status.DELIVERED,
    sent_at: datetime | None = None,
) -> Message:
    """A Message row with the next seq and its body sealed in the archive."""
    locked = Circle.objects.select_for_update().get(pk=circle.pk)
    locked.last_seq += 1
    locked.save(update_fields=["last_seq"])
    message = Message.objects.create(
        circle=locked,
        seq=locked.last_seq,
        sender=sender,
        client_id=f"archive-{next(_numbers)}",
        status=status,
        sent_at=sent_at or timezone.now(),
        length=len(text),
    )
    seal_message(message=message, text=text)
    circle.last_seq = locked.last_seq
    return message
