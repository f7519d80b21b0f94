"""What monitors do to flags: claim, acknowledge, release, hide, escalate, dismiss,
resolve, and decide appeals; and the crisis timer that escalates what nobody
acknowledged.

Each action is one transaction on the locked flag, leaves an append-only FlagAction
(its reason sealed with the circle's key), and after commit tells the program's
monitor feeds (`flag` frames with the new status) and, for release and hide, the
circle's members. Message status changes are messaging.redaction's; appeals are
moderation.appeals'.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import Program, User
from archive.services import seal_note
from config.errors import Invalid
from messaging import broadcast
from messaging.http import parse_body, text_field
from messaging.models import Message
from messaging.redaction import hide_message, release_held_message
from messaging.staff import staff_programs
from moderation.appeals import check_may_decide, decide_appeal
from moderation.errors import ClaimedByOther
from moderation.models import OPEN_STATUSES, Appeal, Flag, FlagAction, FlagCategory
from moderation.queue import (
    access_flag,
    claim_is_active,
    queue_for,
    queue_row,
)
from moderation.selectors import flag_row

logger = logging.getLogger("circles.moderation")

CLAIM_DURATION = timedelta(minutes=15)
MAX_REASON_CHARS = 2000

Kind = FlagAction.Kind
ACTIONS = frozenset(kind.value for kind in Kind if kind != Kind.AUTO_ESCALATE)
# Claiming and acknowledging can be quick; every decision says why.
REASON_OPTIONAL = frozenset({Kind.CLAIM, Kind.UNCLAIM, Kind.ACKNOWLEDGE})
CLOSES_AS: dict[str, str] = {
    Kind.RELEASE: Flag.Status.RELEASED,
    Kind.HIDE: Flag.Status.HIDDEN,
    Kind.DISMISS: Flag.Status.DISMISSED,
    Kind.RESOLVE: Flag.Status.RESOLVED,
    Kind.UPHOLD: Flag.Status.RESOLVED,
    Kind.OVERTURN: Flag.Status.RESOLVED,
}
APPEAL_ACTIONS = frozenset(
    {Kind.CLAIM, Kind.UNCLAIM, Kind.ESCALATE, Kind.UPHOLD, Kind.OVERTURN}
)


@dataclass(frozen=True)
class FlagCommand:
    """`{"action": ..., "reason": ...}` from the monitor API, checked field by field."""

    action: str
    reason: str

    @classmethod
    def parse(cls, body: bytes) -> FlagCommand:
        data = parse_body(body)
        action = data.get("action")
        if not isinstance(action, str) or action not in ACTIONS:
            raise Invalid(
                _("Choose an action: {actions}.").format(
                    actions=", ".join(sorted(ACTIONS))
                ),
                field="action",
            )
        reason = text_field(data, "reason", max_length=MAX_REASON_CHARS, required=False)
        return cls(action=action, reason=reason)


def flag_event(flag: Flag) -> dict[str, object]:
    return {"type": broadcast.FLAG, "flag": flag_row(flag)}


def announce(flag: Flag) -> None:
    """Every monitor feed of the program hears the flag's new state after commit."""
    broadcast.broadcast_on_commit(
        broadcast.monitors_group(flag.circle.program_id), flag_event(flag)
    )


def closed_already(flag: Flag) -> Invalid:
    return Invalid(
        _(
            "This flag is already closed ({status}); there is nothing left to do."
        ).format(status=flag.get_status_display().lower()),
        field="action",
    )


def check_claim(flag: Flag, user: User, now: datetime) -> None:
    if claim_is_active(flag, now) and flag.claimed_by_id != user.pk:
        assert flag.claimed_by is not None  # noqa: S101 -- claim_is_active checked it
        assert flag.claimed_until is not None  # noqa: S101
        raise ClaimedByOther(
            _(
                "{name} is working on this flag until {time} UTC. Wait until then, "
                "or ask them to unclaim it."
            ).format(
                name=flag.claimed_by.shown_name,
                time=flag.claimed_until.astimezone(UTC).strftime("%H:%M"),
            )
        )


def check_applies(flag: Flag, action: str) -> None:
    """Refuse an action that does not fit the flag or its message, with a sentence."""
    is_appeal = flag.category == FlagCategory.APPEAL
    if is_appeal and action not in APPEAL_ACTIONS:
        raise Invalid(
            _("An appeal is decided with uphold or overturn (or escalated)."),
            field="action",
        )
    if not is_appeal and action in (Kind.UPHOLD, Kind.OVERTURN):
        raise Invalid(_("Only appeals are upheld or overturned."), field="action")
    message = flag.message
    status = message.status if message is not None else None
    if action == Kind.RELEASE and status != Message.Status.HELD:
        raise Invalid(
            _("Only a held message can be released; this one is {status}.").format(
                status=status or _("not a message")
            ),
            field="action",
        )
    if action == Kind.HIDE and status not in (
        Message.Status.HELD,
        Message.Status.DELIVERED,
        Message.Status.FLAGGED,
    ):
        raise Invalid(
            _("There is no visible or held message to hide here."), field="action"
        )
    if action in (Kind.DISMISS, Kind.RESOLVE) and status == Message.Status.HELD:
        raise Invalid(
            _(
                "The message is still held and its sender is waiting: release it "
                "or hide it."
            ),
            field="action",
        )
    if action == Kind.ACKNOWLEDGE:
        if not flag.urgent:
            raise Invalid(_("Only urgent flags need acknowledging."), field="action")
        if flag.acknowledged_at is not None:
            raise Invalid(_("This flag is already acknowledged."), field="action")
    if action == Kind.ESCALATE and flag.status == Flag.Status.ESCALATED:
        raise Invalid(
            _("This flag is already with the program's administrators."),
            field="action",
        )


@sensitive_variables("reason")
@transaction.atomic
def act_on_flag(
    *,
    user: User,
    flag_id: int,
    action: str,
    reason: str,
    now: datetime | None = None,
) -> dict[str, object]:
    """Do `action` to a flag of the caller's programs; answer the flag as the queue
    shows it. Raises NotFound (not yours or missing), ClaimedByOther (409), NotAllowed
    (an appeal's original decider) or Invalid (400, with the field to fix)."""
    now = now or timezone.now()
    if action not in ACTIONS:
        raise Invalid(_("Unknown action."), field="action")
    reason = reason.strip()
    if action not in REASON_OPTIONAL and not reason:
        raise Invalid(
            _("Say why: a reason is required for every decision."), field="reason"
        )
    if len(reason) > MAX_REASON_CHARS:
        raise Invalid(
            _("A reason can be at most {limit} characters.").format(
                limit=MAX_REASON_CHARS
            ),
            field="reason",
        )
    flag = access_flag(user=user, flag_id=flag_id, lock=True)
    if flag.message is not None:  # lock it too: two decisions on one message queue
        flag.message = Message.objects.select_for_update().get(pk=flag.message.pk)
    appeal = None
    if flag.category == FlagCategory.APPEAL:
        appeal = Appeal.objects.select_for_update().filter(flag=flag).first()
        if appeal is not None:
            check_may_decide(user=user, appeal=appeal)
    if flag.status not in OPEN_STATUSES:
        raise closed_already(flag)
    check_claim(flag, user, now)
    check_applies(flag, action)
    sealed = (
        seal_note(circle_id=flag.circle_id, purpose=FlagAction.PURPOSE, text=reason)
        if reason
        else b""
    )
    if action == Kind.CLAIM:
        flag.claimed_by, flag.claimed_until = user, now + CLAIM_DURATION
    elif action == Kind.UNCLAIM:
        if not claim_is_active(flag, now):
            raise Invalid(_("Nobody has claimed this flag."), field="action")
        flag.claimed_by, flag.claimed_until = None, None
    elif action == Kind.ACKNOWLEDGE:
        # Whoever acknowledges a crisis is working on it: the claim says so.
        flag.claimed_by, flag.claimed_until = user, now + CLAIM_DURATION
    elif action == Kind.ESCALATE:
        flag.status, flag.escalated_at = Flag.Status.ESCALATED, now
    elif action in (Kind.UPHOLD, Kind.OVERTURN):
        if appeal is None:
            raise Invalid(_("This appeal has no record to decide."), field="action")
        decide_appeal(
            user=user,
            appeal=appeal,
            flag=flag,
            overturn=action == Kind.OVERTURN,
            sealed_reason=sealed,
            now=now,
        )
    elif action == Kind.RELEASE:
        assert flag.message is not None  # noqa: S101 -- check_applies checked it
        release_held_message(flag.message)
        close_siblings(flag, user=user, action=action, sealed=sealed, now=now)
    elif action == Kind.HIDE:
        assert flag.message is not None  # noqa: S101 -- check_applies checked it
        hide_message(flag.message)
        close_siblings(flag, user=user, action=action, sealed=sealed, now=now)
    decides = action not in (Kind.CLAIM, Kind.UNCLAIM)
    if decides and flag.urgent and flag.acknowledged_at is None:
        # Any decision about a crisis flag acknowledges it: a person is on it.
        flag.acknowledged_at, flag.acknowledged_by = now, user
    if action in CLOSES_AS:
        close(flag, status=CLOSES_AS[action], user=user, now=now)
    flag.save()
    FlagAction.objects.create(
        flag=flag, actor=user, action=action, reason_ciphertext=sealed, at=now
    )
    announce(flag)
    logger.info(
        "flag action flag=%s action=%s status=%s user=%s",
        flag.pk,
        action,
        flag.status,
        user.pk,
    )
    return queue_row(flag, now=now)


def close(flag: Flag, *, status: str, user: User, now: datetime) -> None:
    flag.status = status
    flag.resolved_at, flag.resolved_by = now, user
    flag.claimed_by, flag.claimed_until = None, None


def close_siblings(
    flag: Flag, *, user: User, action: str, sealed: bytes, now: datetime
) -> None:
    """Other open flags on the same message share the message's fate: releasing or
    hiding it answers them too. Crisis flags stay open (they never close without a
    person deciding about them) and appeals wait for their own decision."""
    siblings = (
        Flag.objects.select_for_update()
        .select_related("circle")
        .filter(message=flag.message, status__in=OPEN_STATUSES, urgent=False)
        .exclude(pk=flag.pk)
        .exclude(category=FlagCategory.APPEAL)
    )
    for sibling in siblings:
        close(sibling, status=CLOSES_AS[action], user=user, now=now)
        sibling.save()
        FlagAction.objects.create(
            flag=sibling, actor=user, action=action, reason_ciphertext=sealed, at=now
        )
        announce(sibling)


def escalate_overdue_crises(
    *, now: datetime | None = None, programs: QuerySet[Program] | None = None
) -> list[int]:
    """Escalate urgent flags nobody acknowledged within their program's
    crisis_escalation_minutes; returns their ids. Safe to run from several places at
    once (cron's `monitor_tick`, the flag list): each flag moves once."""
    now = now or timezone.now()
    candidates = Flag.objects.filter(
        urgent=True, status=Flag.Status.OPEN, acknowledged_at__isnull=True
    ).select_related("circle__program")
    if programs is not None:
        candidates = candidates.filter(circle__program__in=programs)
    escalated = []
    for flag in candidates:
        minutes = flag.circle.program.crisis_escalation_minutes
        if flag.created_at + timedelta(minutes=minutes) > now:
            continue
        with transaction.atomic():
            moved = Flag.objects.filter(
                pk=flag.pk, status=Flag.Status.OPEN, acknowledged_at__isnull=True
            ).update(status=Flag.Status.ESCALATED, escalated_at=now)
            if not moved:
                continue  # acknowledged or escalated meanwhile
            flag.status, flag.escalated_at = Flag.Status.ESCALATED, now
            FlagAction.objects.create(
                flag=flag, actor=None, action=Kind.AUTO_ESCALATE, at=now
            )
            announce(flag)
        escalated.append(flag.pk)
        logger.warning(
            "crisis flag escalated unacknowledged flag=%s program=%s minutes=%s",
            flag.pk,
            flag.circle.program_id,
            minutes,
        )
    return escalated


def open_review_queue(
    *, user: User, now: datetime | None = None
) -> list[dict[str, object]]:
    """The review queue, after escalating any crisis in it that is overdue (so the
    timer holds even when cron is not running)."""
    programs = staff_programs(user)
    escalate_overdue_crises(now=now, programs=programs)
    return queue_for(programs, now=now)
