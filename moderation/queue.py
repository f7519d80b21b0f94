"""Reads of the review queue: flags, their action log, reports, appeals and threads.

Every read takes the requesting user and is scoped, inside the query, to the programs
they staff (messaging.staff.require_staff): a flag or circle of another program is
"not found", exactly like a missing one. Message text is only ever decrypted through
archive.services.read_for_staff, which audits the read first. Kept apart from
moderation.selectors, which the message path imports.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Program, User
from archive.services import read_for_staff
from config.errors import NotFound
from messaging.access import access_circle_as_staff
from messaging.models import Message
from messaging.records import readable_note
from messaging.services import iso, sender_roles
from messaging.staff import staff_programs
from moderation.models import (
    OPEN_STATUSES,
    Appeal,
    Flag,
    FlagAction,
    FlagCategory,
    Report,
)
from moderation.selectors import flag_row

QUEUE_LIMIT = 500
THREAD_WINDOW = 10  # messages shown each side of the one under review


def no_such_flag() -> NotFound:
    return NotFound(_("No such flag."))


def access_flag(*, user: User, flag_id: int, lock: bool = False) -> Flag:
    """The flag, if it is in a program `user` staffs; else NotFound (the same answer
    for missing and not yours)."""
    programs = staff_programs(user)
    flags = Flag.objects.select_related("circle__program", "message", "claimed_by")
    if lock:
        flags = flags.select_for_update(of=("self",))
    flag = flags.filter(pk=flag_id, circle__program__in=programs).first()
    if flag is None:
        raise no_such_flag()
    return flag


def claim_is_active(flag: Flag, now: datetime) -> bool:
    return (
        flag.claimed_by_id is not None
        and flag.claimed_until is not None
        and flag.claimed_until > now
    )


def when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def person_of(user: User | None) -> dict[str, object] | None:
    return None if user is None else {"id": user.pk, "name": user.shown_name}


def queue_row(flag: Flag, *, now: datetime | None = None) -> dict[str, object]:
    """A flag as the review queue shows it: the `flag` frame's fields and what the
    dashboard needs besides. Needs circle__program, message and claimed_by loaded."""
    now = now or timezone.now()
    program = flag.circle.program
    claimed = claim_is_active(flag, now)
    message_status = flag.message.status if flag.message is not None else None
    escalates_at = None
    if flag.urgent and flag.acknowledged_at is None and flag.status == Flag.Status.OPEN:
        escalates_at = flag.created_at + timedelta(
            minutes=program.crisis_escalation_minutes
        )
    return {
        **flag_row(flag),
        "circle_name": flag.circle.name,
        "program": program.pk,
        "program_name": program.name,
        "category_label": flag.get_category_display(),
        "severity_label": flag.get_severity_display(),
        "rule": flag.rule,
        "message_status": message_status,
        "held": message_status == Message.Status.HELD,
        "claimed_by": person_of(flag.claimed_by) if claimed else None,
        "claim_expires_at": when(flag.claimed_until) if claimed else None,
        "acknowledged_at": when(flag.acknowledged_at),
        "escalated_at": when(flag.escalated_at),
        "escalates_at": when(escalates_at),
        "crisis_steps": program.crisis_steps if flag.urgent else "",
        "is_open": flag.status in OPEN_STATUSES,
    }


def list_review_queue(
    *, user: User, now: datetime | None = None
) -> list[dict[str, object]]:
    """Open and escalated flags of the programs `user` staffs: urgent (crisis) first,
    then held messages (their senders are waiting), then the rest; newest first in
    each."""
    return queue_for(staff_programs(user), now=now)


def queue_for(
    programs: QuerySet[Program], *, now: datetime | None = None
) -> list[dict[str, object]]:
    """The queue of `programs`: one query (the program scope is a subquery)."""
    flags = (
        Flag.objects.filter(status__in=OPEN_STATUSES, circle__program__in=programs)
        .select_related("circle__program", "message", "claimed_by")
        .annotate(
            is_held=Case(
                When(message__status=Message.Status.HELD, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-urgent", "-is_held", "-created_at", "-id")[:QUEUE_LIMIT]
    )
    now = now or timezone.now()
    return [queue_row(flag, now=now) for flag in flags]


def action_rows(flag: Flag) -> list[dict[str, object]]:
    actions = FlagAction.objects.filter(flag=flag).select_related("actor")
    return [
        {
            "action": action.action,
            "label": action.get_action_display(),
            "actor": person_of(action.actor),
            "at": action.at.isoformat(),
            "reason": readable_note(
                circle_id=flag.circle_id,
                purpose=FlagAction.PURPOSE,
                blob=action.reason_ciphertext,
            ),
        }
        for action in actions
    ]


def excluded_deciders(appeal: Appeal) -> set[int]:
    """Who may not decide an appeal: whoever acted on the original flags (beyond
    claiming them), and the appellant."""
    excluded = {appeal.appellant_id}
    if appeal.message_id is not None:
        excluded |= set(
            FlagAction.objects.filter(
                flag__message_id=appeal.message_id, actor__isnull=False
            )
            .exclude(flag__category=FlagCategory.APPEAL)
            .exclude(action__in=[FlagAction.Kind.CLAIM, FlagAction.Kind.UNCLAIM])
            .values_list("actor_id", flat=True)
        )
    return excluded


def get_flag_detail(*, user: User, flag_id: int) -> dict[str, object]:
    """One flag with its action log (reasons decrypted), and the report or appeal
    behind it. Reading a blocked message's appeal text is audited like a thread."""
    flag = access_flag(user=user, flag_id=flag_id)
    detail = queue_row(flag)
    detail["actions"] = action_rows(flag)
    detail["report"] = None
    detail["appeal"] = None
    if flag.category == FlagCategory.REPORT:
        report = Report.objects.filter(flag=flag).select_related("reporter").first()
        if report is not None:
            detail["report"] = {
                "reporter": person_of(report.reporter),
                "created_at": report.created_at.isoformat(),
                "reason": readable_note(
                    circle_id=flag.circle_id,
                    purpose="report",
                    blob=report.reason_ciphertext,
                ),
            }
    if flag.category == FlagCategory.APPEAL:
        appeal = Appeal.objects.filter(flag=flag).select_related("appellant").first()
        if appeal is not None:
            detail["appeal"] = appeal_detail(user=user, appeal=appeal)
    return detail


def appeal_detail(*, user: User, appeal: Appeal) -> dict[str, object]:
    text = None
    if appeal.kind == Appeal.Kind.BLOCKED and appeal.text_ciphertext:
        # The text of a blocked message is a message body in all but name: the read
        # goes into the access audit first, like any thread a monitor opens.
        read_for_staff(
            user=user,
            circle_id=appeal.circle_id,
            seqs=[],
            purpose=f"Deciding appeal {appeal.pk} (the text of a blocked message)",
        )
        text = readable_note(
            circle_id=appeal.circle_id,
            purpose=Appeal.TEXT_PURPOSE,
            blob=appeal.text_ciphertext,
        )
    return {
        "id": appeal.pk,
        "kind": appeal.kind,
        "appellant": person_of(appeal.appellant),
        "reason": readable_note(
            circle_id=appeal.circle_id,
            purpose=Appeal.REASON_PURPOSE,
            blob=appeal.reason_ciphertext,
        ),
        "text": text,
        "decision": appeal.decision,
        "may_decide": user.pk not in excluded_deciders(appeal),
    }


def get_thread(
    *,
    user: User,
    circle_id: int,
    around: int | None = None,
    flag_id: int | None = None,
    purpose: str = "",
) -> dict[str, object]:
    """About THREAD_WINDOW messages each side of `around` (or of the flag's message),
    every status included and marked, decrypted through the audited staff read."""
    circle = access_circle_as_staff(user=user, circle_id=circle_id)
    if flag_id is not None:
        flag = access_flag(user=user, flag_id=flag_id)
        if flag.circle_id != circle.pk:
            raise no_such_flag()
        around = flag.seq or circle.last_seq
        purpose = purpose or f"Reviewing flag {flag.pk} ({flag.category})"
    if around is None:
        around = circle.last_seq
    purpose = purpose or f"Reviewing the thread around message {around}"
    low = max(1, around - THREAD_WINDOW)
    high = around + THREAD_WINDOW
    messages = list(
        Message.objects.filter(circle=circle, seq__gte=low, seq__lte=high).order_by(
            "seq"
        )
    )
    bodies: dict[int, str] = {}
    if messages:
        bodies = read_for_staff(
            user=user,
            circle_id=circle.pk,
            seqs=[m.seq for m in messages],
            purpose=purpose,
        )
    people = sender_roles(circle.pk) if messages else {}
    flagged: dict[int, list[dict[str, object]]] = {}
    for flag_pk, seq, category, status in Flag.objects.filter(
        circle=circle, seq__gte=low, seq__lte=high
    ).values_list("pk", "seq", "category", "status"):
        if seq is None:
            continue
        flagged.setdefault(seq, []).append(
            {"id": flag_pk, "category": category, "status": status}
        )
    return {
        "circle": {
            "id": circle.pk,
            "name": circle.name,
            "program": circle.program_id,
            "status": circle.status,
            "crisis_steps": circle.program.crisis_steps,
        },
        "around": around,
        "messages": [
            {
                "seq": m.seq,
                "sender": people.get(
                    m.sender_id, {"id": m.sender_id, "name": "", "role": ""}
                ),
                "body": bodies.get(m.seq),
                "sent_at": iso(m.sent_at),
                "status": m.status,
                "held": m.status == Message.Status.HELD,
                "hidden": m.status == Message.Status.HIDDEN,
                "flags": flagged.get(m.seq, []),
            }
            for m in messages
        ],
        "has_before": low > 1,
        "has_after": high < circle.last_seq,
    }
