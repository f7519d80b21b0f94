"""Appeals: a member asks staff to reconsider a held (or hidden) or a blocked message,
and a different monitor than the one who acted on it decides.

Filing an appeal puts an `appeal` flag in the review queue (the monitor feed hears of
it at once). Deciding is a flag action (moderation.review.act_on_flag: uphold or
overturn); overturning delivers the held message, or posts the blocked one as
delivered-and-flagged through messaging.redaction. A blocked message's text is sealed
(archive seal_note), never stored in plaintext.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from archive.services import open_bodies, open_note, seal_note
from config.errors import Invalid, NotAllowed
from messaging import broadcast
from messaging.access import access_circle, active_membership
from messaging.frames import MAX_BODY_CHARS, MAX_REASON_CHARS
from messaging.models import Circle, Message
from messaging.redaction import post_reviewed_message, release_held_message
from moderation.engine import moderate
from moderation.engine.errors import SanitizeError
from moderation.engine.sanitize import sanitize
from moderation.errors import as_app_error
from moderation.models import Appeal, Flag, FlagAction, FlagCategory, Severity
from moderation.queue import excluded_deciders
from moderation.selectors import flag_row, rules_for_circle

logger = logging.getLogger("circles.moderation")

APPEALABLE = (Message.Status.HELD, Message.Status.HIDDEN)


def appeal_row(appeal: Appeal) -> dict[str, object]:
    """An appeal as its appellant sees it: never the monitors' reasons."""
    return {
        "id": appeal.pk,
        "circle": appeal.circle_id,
        "kind": appeal.kind,
        "seq": appeal.message.seq if appeal.message is not None else None,
        "decision": appeal.decision,
        "decision_label": appeal.get_decision_display(),
        "created_at": appeal.created_at.isoformat(),
        "decided_at": appeal.decided_at.isoformat() if appeal.decided_at else None,
    }


def member_circle(*, user: User, circle_id: int) -> Circle:
    circle = access_circle(user=user, circle_id=circle_id)
    if active_membership(user=user, circle=circle) is None:
        raise NotAllowed(_("You are not a member of this circle."))
    if not circle.is_open:
        raise NotAllowed(_("This circle is closed; its messages can't be appealed."))
    return circle


@sensitive_variables("text", "reason", "clean")
@transaction.atomic
def file_appeal(
    *,
    user: User,
    circle_id: int,
    reason: str,
    seq: int | None = None,
    text: str | None = None,
) -> dict[str, object]:
    """Appeal your own held message (by `seq`) or a blocked one (its `text` again)."""
    circle = member_circle(user=user, circle_id=circle_id)
    reason = reason.strip()
    if not reason:
        raise Invalid(
            _("Say why the message should be delivered; a monitor reads it."),
            field="reason",
        )
    if len(reason) > MAX_REASON_CHARS:
        raise Invalid(
            _("A reason can be at most {limit} characters.").format(
                limit=MAX_REASON_CHARS
            ),
            field="reason",
        )
    if (seq is None) == (text is None):
        raise Invalid(
            _(
                "Appeal either a held message (its number) or a blocked one "
                "(its text), one at a time."
            ),
            field="seq",
        )
    message = None
    sealed_text = b""
    if seq is not None:
        message = (
            Message.objects.select_for_update()
            .filter(circle=circle, seq=seq, sender=user)
            .first()
        )
        if message is None:
            raise Invalid(
                _("You have no message {seq} in this circle to appeal.").format(
                    seq=seq
                ),
                field="seq",
            )
        if message.status not in APPEALABLE:
            raise Invalid(
                _("Message {seq} was delivered; there is nothing to appeal.").format(
                    seq=seq
                ),
                field="seq",
            )
        if Appeal.objects.filter(
            message=message, decision=Appeal.Decision.PENDING
        ).exists():
            raise Invalid(
                _("You already appealed message {seq}; a monitor will decide.").format(
                    seq=seq
                ),
                field="seq",
            )
        kind = Appeal.Kind.HELD
    else:
        assert text is not None  # noqa: S101 -- exactly one of seq/text, checked above
        if len(text) > MAX_BODY_CHARS * 2:
            raise Invalid(_("That text is too long to be a message."), field="text")
        try:
            clean = sanitize(text)
        except SanitizeError as error:
            app_error = as_app_error(error)
            raise Invalid(app_error.detail, field="text") from None
        if not moderate(clean, rules=rules_for_circle(circle)).blocks:
            raise Invalid(
                _("This text is not blocked now: send it in the chat as it is."),
                field="text",
            )
        sealed_text = seal_note(
            circle_id=circle.pk, purpose=Appeal.TEXT_PURPOSE, text=clean
        )
        kind = Appeal.Kind.BLOCKED
    flag = Flag.objects.create(
        circle=circle,
        message=message,
        seq=message.seq if message is not None else None,
        category=FlagCategory.APPEAL,
        rule=f"appeal.{kind}",
        severity=Severity.MEDIUM,
    )
    appeal = Appeal.objects.create(
        circle=circle,
        appellant=user,
        kind=kind,
        message=message,
        text_ciphertext=sealed_text,
        reason_ciphertext=seal_note(
            circle_id=circle.pk, purpose=Appeal.REASON_PURPOSE, text=reason
        ),
        flag=flag,
    )
    broadcast.broadcast_on_commit(
        broadcast.monitors_group(circle.program_id),
        {"type": broadcast.FLAG, "flag": flag_row(flag)},
    )
    logger.info("appeal filed circle=%s kind=%s appeal=%s", circle.pk, kind, appeal.pk)
    return appeal_row(appeal)


def list_my_appeals(*, user: User, circle_id: int) -> list[dict[str, object]]:
    circle = access_circle(user=user, circle_id=circle_id)
    if active_membership(user=user, circle=circle) is None:
        raise NotAllowed(_("You are not a member of this circle."))
    appeals = Appeal.objects.filter(circle=circle, appellant=user).select_related(
        "message"
    )
    return [appeal_row(appeal) for appeal in appeals]


def check_may_decide(*, user: User, appeal: Appeal) -> None:
    if user.pk in excluded_deciders(appeal):
        raise NotAllowed(
            _(
                "You acted on the original decision (or filed this appeal), so a "
                "different monitor decides it."
            )
        )


@sensitive_variables("text")
def decide_appeal(
    *,
    user: User,
    appeal: Appeal,
    flag: Flag,
    overturn: bool,
    sealed_reason: bytes,
    now: datetime | None = None,
) -> None:
    """Record the decision; overturning delivers the message. Runs inside
    act_on_flag's transaction, with the flag (and its message) locked."""
    from moderation.review import close_siblings

    now = now or timezone.now()
    if appeal.decision != Appeal.Decision.PENDING:
        raise Invalid(_("This appeal is already decided."), field="action")
    if overturn and appeal.kind == Appeal.Kind.HELD:
        message = flag.message
        assert message is not None  # noqa: S101 -- a held appeal has its message
        if message.status in APPEALABLE:
            release_held_message(message)
        close_siblings(
            flag,
            user=user,
            action=FlagAction.Kind.RELEASE,
            sealed=sealed_reason,
            now=now,
        )
    elif overturn:
        circle = flag.circle
        appellant = appeal.appellant
        if not circle.is_open:
            raise Invalid(
                _("The circle is closed, so the message can no longer be posted."),
                field="action",
            )
        if active_membership(user=appellant, circle=circle) is None:
            raise Invalid(
                _("The appellant has left the circle; the message can't be posted."),
                field="action",
            )
        text = open_note(
            circle_id=circle.pk,
            purpose=Appeal.TEXT_PURPOSE,
            blob=bytes(appeal.text_ciphertext),
        )
        message = post_reviewed_message(
            circle_id=circle.pk,
            sender=appellant,
            client_id=f"appeal-{appeal.pk}",
            text=text,
        )
        appeal.message = message
        flag.message, flag.seq = message, message.seq
    appeal.decision = Appeal.Decision.OVERTURNED if overturn else Appeal.Decision.UPHELD
    appeal.decided_by, appeal.decided_at = user, now
    appeal.save(update_fields=["decision", "decided_by", "decided_at", "message"])


def list_appealable(*, user: User, circle_id: int) -> list[dict[str, object]]:
    """The member's own held or hidden messages in the circle (their own words, so
    read back like history: not a staff read), newest first."""
    circle = member_circle(user=user, circle_id=circle_id)
    messages = list(
        Message.objects.filter(
            circle=circle, sender=user, status__in=APPEALABLE
        ).order_by("-seq")[:50]
    )
    if not messages:
        return []
    pending = set(
        Appeal.objects.filter(
            message__in=messages, decision=Appeal.Decision.PENDING
        ).values_list("message_id", flat=True)
    )
    bodies = open_bodies(circle_id=circle.pk, seqs=[m.seq for m in messages])
    return [
        {
            "seq": m.seq,
            "sent_at": m.sent_at,
            "status": m.status,
            "status_label": m.get_status_display(),
            "body": bodies.get(m.seq, ""),
            "appealed": m.pk in pending,
        }
        for m in messages
    ]
