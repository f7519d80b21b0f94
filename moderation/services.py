"""Writes for moderation: flags from a verdict, reports from members.

Called inside messaging.services.post_message's transaction (no transaction of their
own beyond that; `atomic` nests). Return plain JSON dicts shaped like the monitor `flag`
frame (DESIGN.md) for the caller to broadcast after commit. Never stores message text.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from messaging.models import Message
from moderation.engine import Hit, Verdict
from moderation.models import Flag, FlagCategory, Report
from moderation.selectors import flag_row

CRISIS = FlagCategory.CRISIS.value


def record_flags(*, message: Message, verdict: Verdict) -> list[dict[str, object]]:
    """One open Flag per category that fired (its most severe hit); crisis is urgent."""
    if not verdict.hits:
        return []  # most messages: no statement at all
    with transaction.atomic():
        return _record_flags(message=message, verdict=verdict)


def _record_flags(*, message: Message, verdict: Verdict) -> list[dict[str, object]]:
    strongest: dict[str, Hit] = {}
    for hit in verdict.hits:
        current = strongest.get(hit.category)
        if current is None or hit.severity > current.severity:
            strongest[hit.category] = hit
    flags = [
        Flag(
            circle_id=message.circle_id,
            message=message,
            seq=message.seq,
            category=category,
            rule=hit.rule[:120],
            severity=hit.severity,
            urgent=category == CRISIS,
            start=hit.start,
            end=hit.end,
        )
        for category, hit in strongest.items()
    ]
    # Saved one by one (not bulk_create) so every backend returns primary keys.
    for flag in flags:
        flag.save()
    flags.sort(key=lambda f: (not f.urgent, -f.severity, f.category))
    return [flag_row(flag) for flag in flags]


@transaction.atomic
def record_report(
    *, reporter: User, message: Message, reason_ciphertext: bytes
) -> dict[str, object]:
    """A member's concern: a Report (reason already encrypted by the caller) and an
    open `report` flag for the program's monitors. Access is checked by the caller."""
    flag = Flag.objects.create(
        circle_id=message.circle_id,
        message=message,
        seq=message.seq,
        category=FlagCategory.REPORT,
        rule="report",
        severity=2,
    )
    Report.objects.create(
        circle_id=message.circle_id,
        message=message,
        reporter=reporter,
        reason_ciphertext=reason_ciphertext,
        flag=flag,
    )
    return flag_row(flag)
