"""The message path: post, read back (history, resume) and report messages.

post_messages stores a batch of sends (messaging.batching) in one transaction; for each:
re-check the member, allocate a gap-free seq under the circle's row lock, moderate, seal
the body in the archive, record flags; broadcasts go out only after commit.
post_message is a batch of one. Bodies never touch a log line.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from archive.services import open_bodies, recent_bodies, seal_message, seal_note
from config.errors import AppError, NotFound
from messaging import broadcast
from messaging.access import ChatAccess, chat_access
from messaging.errors import BadFrame
from messaging.frames import frame_json
from messaging.models import Membership, Message
from moderation import screening
from moderation.engine import RuleSet, Verdict, fold_text, moderate
from moderation.selectors import ruleset_for
from moderation.services import record_flags, record_report

logger = logging.getLogger("circles.messaging")

RESUME_LIMIT = 500
# A contact number split over a sender's consecutive messages is caught by looking back
# at their last few messages in the circle, within this window.
LOOKBACK_MESSAGES = 3
LOOKBACK_WINDOW = timedelta(minutes=10)

VISIBLE_TO_MEMBERS = (Message.Status.DELIVERED, Message.Status.FLAGGED)


@dataclass(frozen=True)
class Ack:
    client_id: str
    status: str  # delivered | flagged | held | blocked
    seq: int | None
    reason: dict[str, str] | None = None
    support: str | None = None

    def frame(self) -> dict[str, Any]:
        return {
            "type": "ack",
            "client_id": self.client_id,
            "status": self.status,
            "seq": self.seq,
            "reason": self.reason,
            "support": self.support,
        }


@dataclass(frozen=True)
class MessageView:
    """A message as plain data: what a `message` frame is rendered from."""

    seq: int
    sender: dict[str, object]
    body: str
    sent_at: str
    status: str
    client_id: str

    def frame_for(self, viewer_id: int | None) -> dict[str, object]:
        own = self.sender["id"] == viewer_id
        frame: dict[str, object] = {
            "type": "message",
            "seq": self.seq,
            "sender": self.sender,
            "body": self.body,
            "sent_at": self.sent_at,
            # Only the writer learns that their message is flagged or held.
            "status": self.status if own else "delivered",
        }
        if own:
            frame["client_id"] = self.client_id
        return frame

    def event(self) -> dict[str, object]:
        """The layer event: its two frames (the writer's own, everyone else's) are
        rendered once here, not once per recipient."""
        sender_id = cast(int, self.sender["id"])
        return {
            "type": broadcast.MESSAGE,
            "seq": self.seq,
            "sender_id": sender_id,
            "frame": frame_json(self.frame_for(None)),
            "own_frame": frame_json(self.frame_for(sender_id)),
        }


@dataclass(frozen=True)
class Page:
    messages: list[MessageView] = field(default_factory=list)
    has_more: bool = False

    def frame_for(self, kind: str, viewer_id: int) -> dict[str, object]:
        return {
            "type": kind,
            "messages": [m.frame_for(viewer_id) for m in self.messages],
            "has_more": self.has_more,
        }


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def sender_roles(circle_id: int) -> dict[int, dict[str, object]]:
    """Every member the circle ever had, as `sender` objects: one query."""
    people: dict[int, dict[str, object]] = {}
    memberships = Membership.objects.filter(circle_id=circle_id).select_related("user")
    for membership in memberships:
        people[membership.user_id] = {
            "id": membership.user_id,
            "name": membership.user.shown_name,
            "role": membership.shown_role,
        }
    return people


def reason_of(verdict: Verdict) -> dict[str, str] | None:
    if verdict.action not in ("hold", "block"):
        return None
    category = next(
        (hit.category for hit in verdict.hits if hit.action == verdict.action),
        verdict.categories[0] if verdict.categories else "",
    )
    return {"category": category, "detail": verdict.reason}


# The engine reads earlier messages only when this one has a digit (after folding:
# fullwidth and keycap digits count) or spells out at least three numbers.
SPELLED_NUMBER = re.compile(
    r"\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b"
)


def may_continue_a_number(text: str) -> bool:
    plain = fold_text(text)
    return any(char in "0123456789" for char in plain) or (
        len(SPELLED_NUMBER.findall(plain)) >= 3
    )


def recent_texts(*, sender_id: int, circle_id: int) -> list[str]:
    """The sender's last few messages here, oldest first, for split-number checks."""
    return recent_bodies(
        circle_id=circle_id,
        sender_id=sender_id,
        since=timezone.now() - LOOKBACK_WINDOW,
        limit=LOOKBACK_MESSAGES,
    )


# The send path's plain statements (see messaging.access for why they are not ORM).
_BUMP_SEQ_SQL = "UPDATE messaging_circle SET last_seq = %s WHERE id = %s"
_MESSAGE_FIELDS = (
    "id",
    "circle_id",
    "seq",
    "sender_id",
    "client_id",
    "status",
    "sent_at",
    "length",
)
_INSERT_MESSAGE_SQL = (
    "INSERT INTO messaging_message (circle_id, seq, sender_id, client_id, status, "
    "sent_at, length) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id"
)


def earlier_ack(*, access: ChatAccess, client_id: str) -> Ack | None:
    """The ack of a message this sender already sent with this client_id, if any
    (read by chat_access with the send's client_id)."""
    member = access.member
    if access.earlier is None:
        return None
    circle_id, seq, status = access.earlier
    if circle_id != member.circle_id:
        raise BadFrame(
            _("That client_id was already used in another circle; use a new one."),
            field="client_id",
        )
    reason = support = None
    if status in (Message.Status.HELD, Message.Status.FLAGGED):
        # Say again why: moderate the stored text once more (resends are rare).
        text = open_bodies(circle_id=circle_id, seqs=[seq]).get(seq, "")
        verdict = moderate(text, rules=rules_of(access))
        reason, support = reason_of(verdict), verdict.support
    if status == Message.Status.HIDDEN:
        status = Message.Status.DELIVERED
    return Ack(
        client_id=client_id, status=status, seq=seq, reason=reason, support=support
    )


def rules_of(access: ChatAccess) -> RuleSet:
    assert access.rules_version is not None  # noqa: S101 -- a send's chat_access read it
    return ruleset_for(
        program_id=access.member.program_id,
        not_comfortable_topics=access.not_comfortable_topics,
        version=access.rules_version,
    )


@dataclass(frozen=True)
class Send:
    """One `send` frame: who sends what to which circle."""

    sender: User
    circle_id: int
    client_id: str
    body: str


# What a send comes to: its ack, or the error to answer it with.
Outcome = Ack | Exception


@dataclass(frozen=True)
class _Checked:
    """A send that passed every check: what storing it needs."""

    send: Send
    access: ChatAccess
    verdict: Verdict


def post_message(*, sender: User, circle_id: int, client_id: str, body: str) -> Ack:
    """Moderate, store and (after commit) deliver a message; idempotent on client_id."""
    outcome = post_messages(
        [Send(sender=sender, circle_id=circle_id, client_id=client_id, body=body)]
    )[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@sensitive_variables("body", "text", "sends", "send", "checked")
def post_messages(sends: list[Send]) -> list[Outcome]:
    """Store several sends in one transaction (group commit), in order, each with its
    own outcome. A refusal (not a member, a reused client_id, a blocked message) is
    found before anything of its send is written, so it leaves the others alone. Any
    other failure rolls the whole batch back; then every send is stored again in a
    transaction of its own, so the failure costs only its own send."""
    try:
        with transaction.atomic():
            return [_post(send) for send in sends]
    except Exception:
        if len(sends) == 1:
            raise
        logger.warning(
            "send batch of %s rolled back: storing one by one",
            len(sends),
            exc_info=True,
        )
    outcomes: list[Outcome] = []
    for send in sends:
        try:
            with transaction.atomic():
                outcomes.append(_post(send, refusals_roll_back=True))
        except Exception as error:  # logged by the caller that answers the socket
            outcomes.append(error)
    return outcomes


def _post(send: Send, *, refusals_roll_back: bool = False) -> Outcome:
    try:
        checked = _check(send)
    except AppError as error:
        if refusals_roll_back:
            raise
        return error
    if isinstance(checked, Ack):
        return checked
    return _store(checked)


def _check(send: Send) -> _Checked | Ack:
    """Every check of a send, nothing written: the member (and, on a send, the
    circle's row lock), an earlier send with this client_id, moderation. An Ack when
    the answer is already known: a resend, or a blocked message."""
    access = chat_access(
        user=send.sender, circle_id=send.circle_id, lock=True, client_id=send.client_id
    )
    if (ack := earlier_ack(access=access, client_id=send.client_id)) is not None:
        return ack  # the client resent after a drop: same ack, no second row
    text = screening.sanitize(send.body)
    verdict = screening.moderate(
        text,
        rules=rules_of(access),
        previous=(
            recent_texts(sender_id=send.sender.pk, circle_id=send.circle_id)
            if may_continue_a_number(text)
            else ()
        ),
    )
    if verdict.blocks:
        logger.info(
            "message blocked circle=%s categories=%s",
            send.circle_id,
            verdict.categories,
        )
        return Ack(
            client_id=send.client_id,
            status="blocked",
            seq=None,
            reason=reason_of(verdict),
        )
    return _Checked(send=send, access=access, verdict=verdict)


def _store(checked: _Checked) -> Ack:
    """Take the next seq, write the message, seal it, record its flags; broadcast
    after commit."""
    send, access, verdict = checked.send, checked.access, checked.verdict
    circle_id, client_id = send.circle_id, send.client_id
    seq = access.last_seq + 1
    status = verdict.status
    assert status is not None  # noqa: S101 -- only a block has no status
    sender_id, sent_at, length = send.sender.pk, timezone.now(), len(verdict.text)
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_SEQ_SQL, [seq, circle_id])
        cursor.execute(
            _INSERT_MESSAGE_SQL,
            [
                circle_id,
                seq,
                sender_id,
                client_id,
                status,
                connection.ops.adapt_datetimefield_value(sent_at),
                length,
            ],
        )
        (message_id,) = cursor.fetchone()
    message = Message.from_db(
        connection.alias,
        _MESSAGE_FIELDS,
        [message_id, circle_id, seq, sender_id, client_id, status, sent_at, length],
    )
    seal_message(message=message, text=verdict.text)
    flags = record_flags(message=message, verdict=verdict)
    view = MessageView(
        seq=seq,
        sender=access.member.sender,
        body=verdict.text,
        sent_at=iso(message.sent_at),
        status=status,
        client_id=client_id,
    )
    if verdict.delivers:
        broadcast.broadcast_on_commit(broadcast.circle_group(circle_id), view.event())
    else:
        # Held: only the writer's own sockets (other tabs) see it, marked held.
        broadcast.broadcast_on_commit(
            broadcast.user_group(send.sender.pk),
            {**view.event(), "circle_id": circle_id},
        )
    for flag in flags:
        broadcast.broadcast_on_commit(
            broadcast.monitors_group(access.member.program_id),
            {"type": broadcast.FLAG, "flag": flag},
        )
    logger.debug(  # every message: too many for INFO
        "message stored circle=%s seq=%s status=%s length=%s",
        circle_id,
        seq,
        status,
        message.length,
    )
    return Ack(
        client_id=client_id,
        status=status,
        seq=seq,
        reason=reason_of(verdict),
        support=verdict.support,
    )


def visible_to(user: User) -> Q:
    """Members see delivered messages, and their own held ones (marked held)."""
    return Q(status__in=VISIBLE_TO_MEMBERS) | Q(sender=user, status=Message.Status.HELD)


def render(circle_id: int, messages: list[Message]) -> list[MessageView]:
    if not messages:
        return []
    bodies = open_bodies(circle_id=circle_id, seqs=[m.seq for m in messages])
    people = sender_roles(circle_id)
    return [
        MessageView(
            seq=m.seq,
            sender=people.get(m.sender_id, {"id": m.sender_id, "name": "", "role": ""}),
            body=bodies.get(m.seq, ""),
            sent_at=iso(m.sent_at),
            status=m.status,
            client_id=m.client_id,
        )
        for m in messages
    ]


def list_history(*, user: User, circle_id: int, before: int | None, limit: int) -> Page:
    """Up to `limit` visible messages before seq `before` (or newest), newest last."""
    chat_access(user=user, circle_id=circle_id)
    messages = Message.objects.filter(circle_id=circle_id).filter(visible_to(user))
    if before is not None:
        messages = messages.filter(seq__lt=before)
    rows = list(messages.order_by("-seq")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return Page(messages=render(circle_id, rows), has_more=has_more)


def list_after(*, user: User, circle_id: int, after: int) -> Page:
    """Every visible message with seq > `after`, in order (in pages of RESUME_LIMIT)."""
    chat_access(user=user, circle_id=circle_id)
    rows = list(
        Message.objects.filter(circle_id=circle_id, seq__gt=after)
        .filter(visible_to(user))
        .order_by("seq")[: RESUME_LIMIT + 1]
    )
    has_more = len(rows) > RESUME_LIMIT
    return Page(messages=render(circle_id, rows[:RESUME_LIMIT]), has_more=has_more)


def get_visible(*, user: User, circle_id: int, seq: int) -> MessageView:
    chat_access(user=user, circle_id=circle_id)
    message = (
        Message.objects.filter(circle_id=circle_id, seq=seq)
        .filter(visible_to(user))
        .first()
    )
    if message is None:
        raise NotFound(_("No such message."))
    return render(circle_id, [message])[0]


@sensitive_variables("reason")
@transaction.atomic
def report_message(*, user: User, circle_id: int, seq: int, reason: str) -> int:
    """A member raises a concern about a message they can see; staff are alerted."""
    member = chat_access(user=user, circle_id=circle_id).member
    message = (
        Message.objects.filter(circle_id=circle_id, seq=seq)
        .filter(visible_to(user))
        .first()
    )
    if message is None:
        raise BadFrame(
            _("There is no message {seq} to report.").format(seq=seq), field="seq"
        )
    sealed = seal_note(circle_id=circle_id, purpose="report", text=reason.strip())
    flag = record_report(message=message, reporter=user, reason_ciphertext=sealed)
    broadcast.broadcast_on_commit(
        broadcast.monitors_group(member.program_id),
        {"type": broadcast.FLAG, "flag": flag},
    )
    logger.info("report raised circle=%s seq=%s", circle_id, seq)
    return seq


def member_may_listen(*, user: User, circle_id: int) -> None:
    """Raise if `user` may no longer read this circle (re-checked on every frame)."""
    chat_access(user=user, circle_id=circle_id)
